"""The documented path, followed literally: build, install, configure, browse.

The site is made of the named code blocks of ``docs/tutorial.rst``, so that
the tutorial cannot drift from what works: the package is built and installed
into a fresh virtual environment, the project comes from ``startproject``,
and the tutorial's settings, URLs and templates are written as it says.
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
import tarfile
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from tests.components import require

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.rst"
README = ROOT / "README.rst"
SOURCES = ("gallery", "pyproject.toml", "README.rst", "LICENSE", "MANIFEST.in")
PHOTOS = (
    "2013/01_19_Winter in Paris/2013-01-19_10-02-03.jpg",
    "2013/01_19_Winter in Paris/2013-01-19_10-15-40.jpg",
    "2015/02_11_Rocket launch/2015-02-11_23-03-42.jpg",
)
BLOCK = re.compile(
    r"^\.\. code-block:: \S+\n   :name: (\S+)\n\n((?:(?:   .*)?\n)+)", re.MULTILINE
)
PASSWORD = "a password for the tutorial"

pytestmark = pytest.mark.slow


def named_blocks(path):
    """Map the name of each named code block of ``path`` to its text."""
    return {
        name: textwrap.dedent(body).strip("\n") + "\n"
        for name, body in BLOCK.findall(path.read_text(encoding="utf-8"))
    }


def run(*args, **kwargs):
    """Run a command and return its output; fail with its output if it fails."""
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=300, check=False, **kwargs
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def build_env():
    # Without this, setuptools warns that it skips byte-compiling.
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """Build the sdist, then the wheel from it, out of a copy of the sources."""
    require(importlib.util.find_spec("build"), "the build package is not installed")
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        run("cp", "-R", ROOT / name, source / name)
    out = source / "dist"
    output = run(
        sys.executable, "-m", "build", "--outdir", out, source, env=build_env()
    )
    return out, output


@pytest.fixture(scope="module")
def site(dist, tmp_path_factory):
    """A project made as the tutorial says, in a virtual environment of its own."""
    out, _ = dist
    home = tmp_path_factory.mktemp("tutorial")
    venv.create(home / "venv", with_pip=True)
    python = home / "venv" / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", next(out.glob("*.whl")))
    run(home / "venv" / "bin" / "django-admin", "startproject", "mysite", cwd=home)
    write_project(home / "mysite", named_blocks(TUTORIAL), home / "Photos")
    make_photos(home / "Photos")
    return home / "mysite", python


def write_project(project, blocks, photo_dir):
    """Write the tutorial's settings, URLs and templates into ``project``."""
    settings = project / "mysite" / "settings.py"
    parts = ("app", "storages", "gallery", "site")
    additions = "\n".join(blocks[f"tutorial-settings-{part}"] for part in parts)
    assert '"/home/me/Photos"' in additions
    additions = additions.replace('"/home/me/Photos"', repr(str(photo_dir)))
    settings.write_text(settings.read_text() + "\n" + additions)
    (project / "mysite" / "urls.py").write_text(blocks["tutorial-urls"])
    templates = project / "mysite" / "templates"
    (templates / "registration").mkdir(parents=True)
    (templates / "base.html").write_text(blocks["tutorial-base-html"])
    login = templates / "registration" / "login.html"
    login.write_text(blocks["tutorial-login-html"])


def make_photos(photo_dir):
    for index, name in enumerate(PHOTOS):
        path = photo_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (640, 480), (40 * index, 90, 160)).save(path, "JPEG")


def manage_commands(block):
    """The ``python manage.py ...`` lines of a shell block, as argument lists."""
    lines = block.splitlines()
    assert all(line.startswith("python manage.py ") for line in lines), lines
    return [line.split()[2:] for line in lines]


# Run in the site's environment with ``manage.py shell``: sign in as the
# tutorial says, browse, sign out; print what was seen as JSON.
BROWSE = """
import io, json, zipfile
from django.test import Client
from django.test.utils import setup_test_environment
from PIL import Image
from gallery.models import Album

setup_test_environment()
seen = {}
client = Client()
seen["anonymous"] = client.get("/").content.decode()
seen["login_page"] = client.get("/accounts/login/?next=/").status_code
response = client.post("/accounts/login/", {"username": "me", "password": PASSWORD})
seen["after_login"] = [response.status_code, response["Location"]]
seen["index"] = client.get("/").content.decode()
seen["index_fr"] = client.get("/", headers={"accept-language": "fr"}).content.decode()
album = Album.objects.get(name="Winter in Paris")
page = client.get(f"/album/{album.pk}/")
seen["album"] = [page.status_code, page.content.decode()]
photo = album.photo_set.order_by("date").first()
thumb = client.get(f"/resized/thumb/{photo.pk}/")
body = b"".join(thumb.streaming_content)
size = Image.open(io.BytesIO(body)).size
seen["thumb"] = [thumb.status_code, thumb["Content-Type"], size]
export = client.get(f"/export/{album.pk}/", follow=True)
body = b"".join(export.streaming_content) if export.streaming else export.content
seen["zip"] = [export.status_code, sorted(zipfile.ZipFile(io.BytesIO(body)).namelist())]
response = client.post("/accounts/logout/")
seen["after_logout"] = [response.status_code, response["Location"]]
seen["album_signed_out"] = client.get(f"/album/{album.pk}/").status_code
print("BROWSE" + json.dumps(seen))
"""


def code_blocks(path):
    """The text of every ``code-block`` of ``path``, whatever its indentation."""
    blocks, lines = [], path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith(".. code-block::"):
            margin = len(line) - len(line.lstrip())
            body = []
            for next_line in lines[index + 1 :]:
                if (
                    next_line.strip()
                    and len(next_line) - len(next_line.lstrip()) <= margin
                ):
                    break
                body.append(next_line)
            blocks.append(textwrap.dedent("\n".join(body)).strip("\n") + "\n")
    return blocks


def test_readme_teaches_the_tutorial_settings():
    tutorial, readme = named_blocks(TUTORIAL), code_blocks(README)
    for name in ("tutorial-settings-app", "tutorial-settings-storages"):
        assert tutorial[name] in readme, f"README.rst lacks the block {name}"


def test_build_warns_of_nothing_and_ships_the_data(dist):
    out, output = dist
    assert not re.search(r"(?i)warning", output), output
    names = zipfile.ZipFile(next(out.glob("*.whl"))).namelist()
    for wanted in (
        "gallery/templates/gallery/album_detail.html",
        "gallery/templates/admin/gallery/scan_photos.html",
        "gallery/static/gallery/gallery.css",
        "gallery/locale/fr/LC_MESSAGES/django.mo",
        "gallery/migrations/0001_initial.py",
    ):
        assert wanted in names
    assert not [name for name in names if name.startswith(("tests/", "example/"))]
    # The sdist ships no test suite: the tests need the whole repository.
    with tarfile.open(next(out.glob("*.tar.gz"))) as sdist:
        folders = {name.split("/")[1] for name in sdist.getnames() if "/" in name}
    assert folders == {"gallery", "myks_gallery.egg-info"} | {
        "LICENSE",
        "MANIFEST.in",
        "PKG-INFO",
        "README.rst",
        "pyproject.toml",
        "setup.cfg",
    }


def test_the_tutorial_site_works(site):
    project, python = site
    blocks = named_blocks(TUTORIAL)
    env = {
        **os.environ,
        "DJANGO_SUPERUSER_USERNAME": "me",
        "DJANGO_SUPERUSER_EMAIL": "me@example.com",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for command in manage_commands(blocks["tutorial-migrate"]):
        if command == ["createsuperuser"]:
            command.append("--noinput")
        run(python, "manage.py", *command, cwd=project, env=env)
    scan = run(python, "manage.py", "scanphotos", cwd=project, env=env)
    assert manage_commands(blocks["tutorial-scan"]) == [["scanphotos"]]
    assert "Winter in Paris" in scan
    script = BROWSE.replace("PASSWORD", repr(PASSWORD))
    output = run(python, "manage.py", "shell", "-c", script, cwd=project, env=env)
    seen = json.loads(output.split("BROWSE", 1)[1].splitlines()[0])
    assert "Winter in Paris" not in seen["anonymous"]
    assert seen["login_page"] == 200
    assert seen["after_login"] == [302, "/"]
    assert "Winter in Paris" in seen["index"]
    assert "Rocket launch" in seen["index"]
    assert 'lang="fr"' in seen["index_fr"]
    assert seen["album"][0] == 200
    assert seen["thumb"] == [200, "image/jpeg", [128, 128]]
    assert seen["zip"][0] == 200
    assert [name.rsplit("/", 1)[-1] for name in seen["zip"][1]] == [
        "2013-01-19_10-02-03.jpg",
        "2013-01-19_10-15-40.jpg",
    ]
    assert seen["after_logout"] == [302, "/"]
    assert seen["album_signed_out"] == 404

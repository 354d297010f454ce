"""The example site, prepared and served the way ``make demo`` does it."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "example" / "demo.py"
SCREENSHOTS = ROOT / "docs" / "_static" / "screenshots"
USER_LINE = re.compile(r"^  (\w+) / (\S+) ", re.MULTILINE)
LINK_LINE = re.compile(r"^  (http://\S+/login/link/\?sesame=\S+)$", re.MULTILINE)
SHARE_LINE = re.compile(r"^  (http://\S+/s/[\w-]+/)$", re.MULTILINE)


def demo_env(var_dir):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # This checkout's gallery, even if another one is installed.
    path = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {
        **env,
        "GALLERY_EXAMPLE_VAR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": path,
    }


def prepare(var_dir):
    """Run the preparation of ``make demo`` and return its output."""
    result = subprocess.run(
        [sys.executable, DEMO, "--no-serve"],
        env=demo_env(var_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def query(var_dir, sql):
    with sqlite3.connect(var_dir / "db.sqlite3") as connection:
        return connection.execute(sql).fetchall()


def test_preparation_twice_gives_the_same_site(tmp_path):
    first = prepare(tmp_path)
    second = prepare(tmp_path)
    passwords = dict(USER_LINE.findall(first))
    assert set(passwords) == {"admin", "alice", "friend"}
    assert dict(USER_LINE.findall(second)) == passwords
    assert LINK_LINE.search(second)
    assert SHARE_LINE.findall(second) == SHARE_LINE.findall(first)
    assert len(SHARE_LINE.findall(second)) == 1
    links = query(
        tmp_path,
        "SELECT recipient, expires > datetime('now') FROM gallery_sharelink "
        "ORDER BY recipient",
    )
    assert links == [("Cousin", 0), ("Grandma", 1)]
    assert query(tmp_path, "SELECT username, is_superuser FROM auth_user") == [
        ("admin", 1),
        ("alice", 0),
        ("friend", 0),
    ]
    assert query(
        tmp_path,
        "SELECT g.name, u.username FROM auth_group g "
        "JOIN auth_user_groups ug ON ug.group_id = g.id "
        "JOIN auth_user u ON u.id = ug.user_id",
    ) == [("family", "alice")]


def test_preparation_scans_and_shares(tmp_path):
    prepare(tmp_path)
    prepare(tmp_path)
    albums = query(
        tmp_path,
        "SELECT a.dirpath, p.public, p.inherit, "
        "(SELECT COUNT(*) FROM gallery_photo WHERE album_id = a.id) "
        "FROM gallery_album a JOIN gallery_albumaccesspolicy p ON p.album_id = a.id "
        "ORDER BY a.date",
    )
    assert albums == [
        ("2012/09_25_Stargazing", 1, 1, 1),
        ("2013/01_19_Winter in Paris", 0, 1, 3),
        ("2015/02_11_Rocket launch", 1, 1, 1),
        ("2019/06_01_Flea market", 0, 1, 1),
    ]
    assert query(
        tmp_path,
        "SELECT ph.filename, p.public FROM gallery_photoaccesspolicy p "
        "JOIN gallery_photo ph ON ph.id = p.photo_id",
    ) == [("2013-01-19_11-20-00.jpg", 0)]


# In the browser.


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the demo stopped"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port}")


@pytest.fixture
def demo_site(tmp_path):
    """Run ``example/demo.py`` like ``make demo``; yield its URL and output."""
    port = free_port()
    log = tmp_path / "demo.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, DEMO, "--port", str(port)],
            env=demo_env(tmp_path / "var"),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}", log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in(page, base_url, username, password):
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def thumbnail_widths(page):
    """Natural widths of the images of the page, each once it has loaded.

    A lazy image below the fold loads only when scrolled into view: scroll to
    each one and wait for it, rather than reading a width not there yet.
    """
    widths = []
    for image in page.locator("main img").element_handles():
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "image => image.complete && image.naturalWidth", arg=image
        )
        widths.append(image.evaluate("image => image.naturalWidth"))
    return widths


def screenshot(page, name, full_page=False):
    """Save a screenshot for the docs when GALLERY_UPDATE_SCREENSHOTS=1."""
    if os.environ.get("GALLERY_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"example-{name}.png"
        page.screenshot(path=path, full_page=full_page)


@pytest.mark.browser
def test_demo_in_the_browser(demo_site, page):
    base_url, output = demo_site
    passwords = dict(USER_LINE.findall(output))
    page.set_default_timeout(20_000)
    page.set_viewport_size({"width": 1000, "height": 600})

    sign_in(page, base_url, "admin", passwords["admin"])
    for name in ("Stargazing", "Winter in Paris", "Rocket launch", "Flea market"):
        assert page.get_by_text(name).count() > 0, name
    widths = thumbnail_widths(page)
    assert len(widths) >= 6
    assert all(width > 0 for width in widths)
    screenshot(page, "index", full_page=True)

    page.get_by_text("Winter in Paris").first.click()
    widths = thumbnail_widths(page)
    assert len(widths) == 3
    assert all(width > 0 for width in widths)
    screenshot(page, "album")

    page.locator(".gallery-photos a").first.click()  # the full-screen viewer
    page.locator(".pswp--open .pswp__img").first.wait_for()
    screenshot(page, "viewer")
    page.keyboard.press("Escape")
    page.goto(base_url + page.locator(".gallery-photos a").first.get_attribute("href"))
    assert all(width > 0 for width in thumbnail_widths(page))
    screenshot(page, "photo", full_page=True)

    page.goto(base_url + reverse("admin:gallery_scan_photos"))
    screenshot(page, "admin-scan")

    page.click("input[name=sample]")  # the pattern tester, on the demo's tree
    results = page.locator("table.pattern-results")
    assert results.locator("tr.outcome-matched", has_text="Winter in Paris").count()
    assert results.locator("tr.outcome-ignored", has_text="CREDITS.txt").count() == 1
    assert results.locator("tr.outcome-unmatched").count() == 0
    screenshot(page, "admin-pattern-tester", full_page=True)


@pytest.mark.browser
def test_demo_login_link(demo_site, page):
    base_url, output = demo_site
    page.set_default_timeout(20_000)
    page.goto(LINK_LINE.search(output).group(1))
    assert page.get_by_text("Signed in as alice").count() == 1
    assert page.get_by_text("Winter in Paris").count() > 0
    assert page.get_by_text("Flea market").count() == 0
    page.get_by_text("Winter in Paris").first.click()
    widths = thumbnail_widths(page)
    # The third photo of the album has a policy of its own that hides it.
    assert len(widths) == 2
    assert all(width > 0 for width in widths)


@pytest.mark.browser
def test_demo_share_link(demo_site, page):
    base_url, output = demo_site
    page.set_default_timeout(20_000)
    page.goto(SHARE_LINE.search(output).group(1))
    assert re.search(r"/album/\d+/$", page.url)
    assert page.locator("h1").inner_text() == "Winter in Paris"
    # Grandma sees what the family sees: the hidden photo stays hidden.
    assert len(thumbnail_widths(page)) == 2


@pytest.mark.browser
def test_demo_on_a_phone_and_in_the_dark(demo_site, page):
    base_url, output = demo_site
    passwords = dict(USER_LINE.findall(output))
    page.set_default_timeout(20_000)
    sign_in(page, base_url, "admin", passwords["admin"])
    french = page.request.get(base_url + "/", headers={"Accept-Language": "fr"})
    for words in ("Galerie d’exemple", "Connecté en tant que admin", "Se déconnecter"):
        assert words in french.text(), words
    page.get_by_text("Winter in Paris").first.click()
    album = page.url
    for width, scheme in [(320, "light"), (390, "dark"), (1000, "dark")]:
        page.set_viewport_size({"width": width, "height": 700})
        page.emulate_media(color_scheme=scheme)
        for url in [base_url + "/", album, base_url + "/photo/2/"]:
            page.goto(url)
            overflow = "document.documentElement.scrollWidth - innerWidth"
            assert page.evaluate(overflow) <= 0, (url, width)
        page.goto(album)
        assert all(width > 0 for width in thumbnail_widths(page))
        suffix = {320: "-phone", 390: "-phone", 1000: ""}[width]
        suffix += "-dark" if scheme == "dark" else ""
        screenshot(page, f"album{suffix}")
        page.locator(".gallery-photos a").first.click()
        page.locator(".pswp--open .pswp__img").first.wait_for()
        background = page.locator(".pswp__bg").evaluate(
            "element => getComputedStyle(element).backgroundColor"
        )
        assert background == "rgb(0, 0, 0)"  # photos on black, light or dark
        page.wait_for_function(
            "getComputedStyle(document.querySelector('.pswp__bg')).opacity === '1'"
        )
        screenshot(page, f"viewer{suffix}")
        page.keyboard.press("Escape")

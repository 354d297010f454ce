import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.test import override_settings

from gallery.models import Album, Photo
from tests.builders import make_album, make_image

pytestmark = pytest.mark.django_db

SNOW = "2013/01_19_Snow in Paris"
ROOT = Path(__file__).resolve().parents[1]


def run(*args, **options):
    """Run scanphotos; return (stdout lines, stderr lines)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("scanphotos", *args, stdout=out, stderr=err, **options)
    return out.getvalue().splitlines(), err.getvalue().splitlines()


def test_summary_line(photo_tree):
    photo_tree.album(SNOW, 3)
    out, err = run()
    assert out[0] == f"Adding album {SNOW} (Photos) as Snow in Paris"
    assert out[-1].startswith(
        "Done: 1 album added, 0 removed, 0 moved, 3 photos added, 0 removed, "
        "0 redated, 0 refreshed in "
    )
    assert out[-1].endswith(" s")
    assert err == []


def test_verbosity_0_prints_nothing(photo_tree):
    photo_tree.album(SNOW, 1).add("2013/notes.txt")
    assert run(verbosity=0) == ([], [])
    assert Photo.objects.count() == 1


def test_verbosity_1_reports_unmatched_paths_on_stderr(photo_tree):
    photo_tree.album(SNOW, 1).add("2013/notes.txt")
    out, err = run()
    assert err == ["? 2013/notes.txt"]
    assert not any(line.startswith("Adding photo") for line in out)


def test_verbosity_2_lists_photos(photo_tree):
    photo_tree.album(SNOW, 2)
    out, _ = run(verbosity=2)
    assert f"Adding photo 2013-01-19_10-00-01.jpg to album {SNOW}" in out


def test_verbosity_3_lists_matched_paths(photo_tree):
    photo_tree.album(SNOW, 1)
    out, _ = run(verbosity=3)
    assert f"> {SNOW}/2013-01-19_10-00-00.jpg" in out


def test_dry_run_changes_nothing(photo_tree):
    photo_tree.album(SNOW, 2)
    out, _ = run("--dry-run")
    assert out[-1].startswith("Dry run, nothing changed; would do: 1 album added")
    assert not Album.objects.exists()


def test_full_corrects_dates(photo_tree):
    photo_tree.album(SNOW, 2)
    run()
    Photo.objects.update(date=None)
    out, _ = run("--full", verbosity=2)
    assert "Fixing the dates of 2 photos" in out
    assert not Photo.objects.filter(date=None).exists()


def test_missing_storage_is_a_one_line_error(photo_tree):
    make_album(SNOW)
    photo_tree.root.rmdir()
    with pytest.raises(CommandError, match="does not exist") as excinfo:
        run()
    assert excinfo.value.returncode == 2
    assert "\n" not in str(excinfo.value)
    assert Album.objects.count() == 1


def test_refusal_needs_force(photo_tree):
    photo_tree.album(SNOW, 1)
    run()
    (photo_tree.root / SNOW / "2013-01-19_10-00-00.jpg").unlink()
    with pytest.raises(CommandError, match=f"would remove 1 of 1 album \\({SNOW}\\)"):
        run()
    assert Album.objects.count() == 1
    out, _ = run("--force")
    assert f"Removing album {SNOW} (Photos)" in out
    assert not Album.objects.exists()


def test_errors_and_warnings_go_to_stderr(photo_tree):
    photo_tree.album("2013/02_30_Nowhere", 1, day="2013-02-28")
    photo_tree.add(f"{SNOW}/2013-01-19_25-00-00.jpg")
    out, err = run()
    assert err == [
        f"{SNOW}/2013-01-19_25-00-00.jpg: invalid photo time (hour must be in 0..23)",
        "2013/02_30_Nowhere: invalid album date (day is out of range for month); "
        "album skipped",
    ]
    assert out[-1].split(" in ")[0].endswith("1 error")


def test_exit_status_of_a_real_process(tmp_path):
    """A fatal error exits non-zero with one line on stderr."""
    settings = tmp_path / "scan_settings.py"
    settings.write_text(
        "from tests.settings import *\n"
        f"DATABASES = {{'default': {{'ENGINE': 'django.db.backends.sqlite3', "
        f"'NAME': {str(tmp_path / 'db.sqlite3')!r}}}}}\n"
        f"GALLERY_PHOTO_DIR = {str(tmp_path / 'missing')!r}\n"
        "GALLERY_PHOTO_STORAGE = None\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}:{ROOT}"}
    command = [sys.executable, "-m", "django", "scanphotos"]
    env["DJANGO_SETTINGS_MODULE"] = "scan_settings"
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True
    )
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"CommandError: The photo directory {tmp_path / 'missing'} does not exist."
    ]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_for_long_scans(photo_tree, monkeypatch):
    from gallery.management.commands.scanphotos import Command

    photo_tree.album(SNOW, 1)
    out = Terminal()
    call_command("scanphotos", stdout=out)
    assert "\r" not in out.getvalue()  # a short scan
    monkeypatch.setattr(Command, "progress_after", 0)
    out = Terminal()
    call_command("scanphotos", stdout=out)
    assert "\r\033[KListing the photo storage... (" in out.getvalue()
    assert "\r\033[KComparing with the database... (" in out.getvalue()


def test_no_progress_when_not_a_terminal(photo_tree, monkeypatch):
    from gallery.management.commands.scanphotos import Command

    monkeypatch.setattr(Command, "progress_after", 0)
    photo_tree.album(SNOW, 1)
    out, _ = run()
    assert not any("\r" in line for line in out)


def test_resize_creates_missing_resized_images(photo_tree, tmp_path):
    photo_tree.add(f"{SNOW}/2013-01-19_10-00-00.jpg", content=make_image(400, 300))
    photo_tree.add(f"{SNOW}/2013-01-19_10-00-01.jpg", content=b"not an image")
    cache = FileSystemStorage(location=tmp_path / "cache")
    with override_settings(GALLERY_CACHE_STORAGE=cache):
        out, err = run("--resize", "thumb", "standard", "--jobs", "1")
        assert out[-1].startswith(
            "Resized: 2 created, 0 already cached, 1 broken, 0 failed in "
        )
        assert err == [f"Not an image: {SNOW}/2013-01-19_10-00-01.jpg"]
        out, err = run("--resize", "thumb", "--jobs", "1")
        assert out[-1].startswith("Resized: 0 created, 1 already cached, 1 broken")


def test_resize_refuses_an_unknown_preset_before_scanning(photo_tree):
    photo_tree.album(SNOW, 1)
    with pytest.raises(CommandError, match="Unknown preset: huge"):
        run("--resize", "thumb", "huge")
    assert not Album.objects.exists()


def test_dry_run_does_not_resize(photo_tree, cache_storage):
    photo_tree.add(f"{SNOW}/2013-01-19_10-00-00.jpg", content=make_image(200, 100))
    out, _ = run("--dry-run", "--resize", "thumb")
    assert not any(line.startswith("Resized:") for line in out)
    assert cache_storage.operations("save") == []


@override_settings(LANGUAGE_CODE="fr")
def test_output_in_the_language_of_the_site(photo_tree):
    photo_tree.album(SNOW, 1)
    out, _ = run()
    assert out[-1].startswith(
        "Terminé — 1 album ajouté, 0 supprimé, 0 déplacé, 1 photo ajoutée, "
    )
    assert "," in out[-1].rpartition(" en ")[2]  # a decimal comma


def test_reference_lists_every_option():
    from gallery.management.commands.scanphotos import Command

    parser = Command().create_parser("django-admin", "scanphotos")
    options = {
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    reference = (ROOT / "docs" / "reference.rst").read_text()
    section = reference.partition("The ``scanphotos`` command")[2].partition("URLs")[0]
    assert options == {option for option in options if f"``{option}" in section}

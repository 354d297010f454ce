"""A rescan skips the files of directories unchanged since the last scan."""

import io
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from gallery.models import Album, Photo, ScanState
from gallery.scanning import localdirs, scanner
from gallery.scanning.scanner import scan

pytestmark = pytest.mark.django_db

SNOW = "2013/01_19_Snow in Paris"
RAIN = "2013/02_01_Rain"
SUN = "2013/03_01_Sun"
EVERY_DIRECTORY = sorted(["", "2013", SNOW, RAIN, SUN])
LOCK = 2 if connection.vendor == "postgresql" else 1


@pytest.fixture
def settled(photo_tree):
    """Three albums scanned once, their directories dated a minute back."""
    photo_tree.album(SNOW, 3).album(RAIN, 2, day="2013-02-01")
    photo_tree.album(SUN, 2, day="2013-03-01")
    photo_tree.settle()
    report = scan()
    assert report.counts["photos_added"] == 7 and not report.unchanged_directories
    return photo_tree


def read_files(monkeypatch):
    """Record the directories whose files the listing reads."""
    read = []
    original = localdirs.read_directory

    def read_directory(root, relative, known, seen):
        result = original(root, relative, known, seen)
        if result and result[2] is not None:
            read.append(relative)
        return result

    monkeypatch.setattr(localdirs, "read_directory", read_directory)
    return read


def contents():
    return sorted(Photo.objects.values_list("album__dirpath", "filename"))


def test_rescan_reads_no_file_of_unchanged_directories(settled, monkeypatch):
    before = contents()
    read = read_files(monkeypatch)
    report = scan()
    assert read == []
    # the root, 2013 and the three albums
    assert report.unchanged_directories == 5
    assert report.applied and not report.plan.changes and not report.errors
    assert contents() == before


def test_rescan_of_unchanged_directories_runs_few_queries(
    settled, django_assert_num_queries
):
    # what the last scan remembered, savepoint, lock, albums, photo count (to
    # check that nobody changed them since), release; on SQLite, where the
    # lock comes after reading, albums and photo count again under the lock
    with django_assert_num_queries(
        5 + LOCK + (2 if connection.vendor == "sqlite" else 0)
    ):
        scan()


def test_full_scan_reads_every_directory(settled, monkeypatch):
    read = read_files(monkeypatch)
    report = scan(full=True)
    assert sorted(read) == EVERY_DIRECTORY
    assert report.unchanged_directories == 0


def test_added_file_is_found_in_its_changed_directory(settled, monkeypatch):
    settled.add(f"{RAIN}/2013-02-01_12-00-00.jpg")
    read = read_files(monkeypatch)
    report = scan()
    assert read == [RAIN]
    assert report.counts["photos_added"] == 1
    assert Photo.objects.count() == 8


def test_removed_album_directory_is_removed(settled):
    for path in (settled.root / SUN).iterdir():
        path.unlink()
    (settled.root / SUN).rmdir()
    report = scan()
    assert report.counts["albums_removed"] == 1
    assert report.counts["photos_removed"] == 2
    assert sorted(Album.objects.values_list("dirpath", flat=True)) == [SNOW, RAIN]


def test_renamed_album_directory_keeps_its_album(settled):
    album = Album.objects.get(dirpath=SUN)
    os.rename(settled.root / SUN, settled.root / "2013/03_02_Sunny day")
    report = scan()
    assert report.counts["albums_moved"] == 1
    album.refresh_from_db()
    assert (album.dirpath, album.name) == ("2013/03_02_Sunny day", "Sunny day")


def test_photos_deleted_in_the_database_come_back(settled, monkeypatch):
    Photo.objects.filter(album__dirpath=SNOW).delete()
    Album.objects.get(dirpath=RAIN).delete()
    read = read_files(monkeypatch)
    report = scan()
    assert sorted(read) == EVERY_DIRECTORY
    assert report.counts["albums_added"] == 1
    assert report.counts["photos_added"] == 5
    assert Photo.objects.count() == 7


def test_category_changed_in_the_database_is_noticed(settled):
    album = Album.objects.get(dirpath=SNOW)
    Album.objects.filter(pk=album.pk).update(category="Elsewhere")
    report = scan()
    assert report.counts["albums_moved"] == 1  # back to the pattern's category
    album.refresh_from_db()
    assert album.category == "Photos"


def test_changed_patterns_read_every_directory(settled, monkeypatch):
    read = read_files(monkeypatch)
    pattern = r"(?P<a_year>\d{4})/(?P<a_month>\d\d)_(?P<a_day>\d\d)_(?P<a_name>[^/]+)/"
    patterns = [("Other", pattern + r"[^/]+\.jpg")]
    with override_settings(GALLERY_PATTERNS=patterns):
        report = scan(force=True)
    assert sorted(read) == EVERY_DIRECTORY
    assert report.counts["albums_moved"] == 3  # same files: same albums
    assert set(Album.objects.values_list("category", flat=True)) == {"Other"}


def test_unmatched_files_are_reported_on_every_scan(settled):
    settled.add(f"{RAIN}/notes.txt")
    settled.settle()
    assert scan().unmatched == [f"{RAIN}/notes.txt"]
    assert scan().unmatched == [f"{RAIN}/notes.txt"]


def test_directories_written_just_before_the_scan_are_read_again(settled, monkeypatch):
    settled.add(f"{RAIN}/2013-02-01_12-00-00.jpg")  # dated now
    scan()
    read = read_files(monkeypatch)
    scan()
    assert read == [RAIN]


def test_file_overwritten_in_place_needs_a_full_scan(settled):
    """Writing into an existing file leaves its directory's time as it was."""
    path = settled.root / f"{SNOW}/2013-01-19_10-00-01.jpg"
    directory = os.stat(path.parent)
    path.write_bytes(b"a larger file")
    assert os.stat(path.parent).st_mtime_ns == directory.st_mtime_ns
    assert scan().counts["photos_refreshed"] == 0
    assert scan(full=True).counts["photos_refreshed"] == 1
    assert Photo.objects.get(filename="2013-01-19_10-00-01.jpg").size == 13


def test_dry_run_remembers_nothing(photo_tree):
    photo_tree.album(SNOW, 2).settle()
    scan(dry_run=True)
    assert not ScanState.objects.exists()
    scan()
    assert ScanState.objects.get().directories


def test_change_while_listing_reads_everything_again(settled, monkeypatch):
    """A photo deleted between recalling and locking: the memory is not used."""
    original = scanner.walk_storage
    calls = []

    def walk_storage(storage, known=None, progress=None):
        calls.append(known)
        if len(calls) == 1:
            Photo.objects.filter(album__dirpath=RAIN).delete()
        return original(storage, known, progress)

    monkeypatch.setattr(scanner, "walk_storage", walk_storage)
    report = scan()
    assert [bool(known) for known in calls] == [True, False]
    assert report.counts["photos_added"] == 2
    assert Photo.objects.count() == 7


def test_command_says_how_many_directories_were_skipped(settled):
    out = io.StringIO()
    call_command("scanphotos", verbosity=2, stdout=out)
    assert "5 directories unchanged since the last scan were not read" in (
        out.getvalue()
    )
    out = io.StringIO()
    call_command("scanphotos", "--full", verbosity=2, stdout=out)
    assert "unchanged" not in out.getvalue()

import dataclasses
import datetime
import os
import threading
import unicodedata
import zoneinfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from gallery.models import Album, Photo
from gallery.scanning import ScanOptions, scan
from gallery.scanning import state as scan_state
from gallery.scanning.rows import PhotoRemoval, PhotoVersion, StoredPhoto
from tests.builders import make_album, make_album_policy, make_photo

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SNOW = "2013/01_19_Snow in Paris"
RAIN = "2013/02_01_Rain"


def contents():
    """Every (dirpath, filename) pair of the database, sorted."""
    return sorted(Photo.objects.values_list("album__dirpath", "filename"))


def fill(tree, albums, photos, year=2013):
    for number in range(albums):
        tree.album(
            f"{year}/03_{number + 1:02d}_Album{number}", photos, day="2013-03-01"
        )


# Behaviour


def test_first_scan_adds_albums_and_photos(photo_tree):
    photo_tree.album(SNOW, 3).album(RAIN, 2, day="2013-02-01")
    report = scan()
    assert report.applied and not report.errors
    assert report.counts["albums_added"] == 2
    assert report.counts["photos_added"] == 5
    snow = Album.objects.get(dirpath=SNOW)
    assert (snow.category, snow.name, snow.date) == (
        "Photos",
        "Snow in Paris",
        datetime.date(2013, 1, 19),
    )
    photo = snow.photo_set.get(filename="2013-01-19_10-00-01.jpg")
    assert photo.date == datetime.datetime(2013, 1, 19, 10, 0, 1, tzinfo=PARIS)
    assert photo.size == 4
    assert photo.modified.tzinfo is not None


def test_rescan_with_nothing_changed_changes_nothing(photo_tree):
    photo_tree.album(SNOW, 3)
    scan()
    report = scan()
    assert report.applied and not report.plan.changes


def test_vanished_photos_and_albums_are_removed(photo_tree):
    fill(photo_tree, 4, 2)
    scan()
    (photo_tree.root / "2013/03_01_Album0/2013-03-01_10-00-00.jpg").unlink()
    for path in (photo_tree.root / "2013/03_02_Album1").iterdir():
        path.unlink()
    report = scan()
    assert report.counts["albums_removed"] == 1
    assert report.counts["photos_removed"] == 3  # one, and two with the album
    assert Album.objects.count() == 3
    assert Photo.objects.count() == 5


def test_replaced_file_is_refreshed(photo_tree):
    photo_tree.album(SNOW, 2)
    scan()
    photo_tree.add(f"{SNOW}/2013-01-19_10-00-01.jpg", content=b"a larger file")
    report = scan()
    assert report.counts["photos_refreshed"] == 1
    assert Photo.objects.get(filename="2013-01-19_10-00-01.jpg").size == 13


def test_full_scan_corrects_photo_dates(photo_tree):
    photo_tree.album(SNOW, 2)
    scan()
    Photo.objects.update(date=None)
    assert scan().counts["photos_redated"] == 0
    report = scan(full=True)
    assert report.counts["photos_redated"] == 2
    assert not Photo.objects.filter(date=None).exists()
    assert scan(full=True).counts["photos_redated"] == 0


@override_settings(USE_TZ=False)
def test_naive_datetimes_without_time_zone_support(photo_tree):
    photo_tree.album(SNOW, 2)
    scan()
    photo = Photo.objects.get(filename="2013-01-19_10-00-01.jpg")
    assert photo.date == datetime.datetime(2013, 1, 19, 10, 0, 1)
    assert photo.modified.tzinfo is None
    assert not scan(full=True).plan.changes


def test_dry_run_changes_nothing(photo_tree):
    photo_tree.album(SNOW, 2)
    report = scan(dry_run=True)
    assert report.counts["photos_added"] == 2
    assert not report.applied
    assert not Album.objects.exists()


def test_unmatched_and_ignored_paths(photo_tree):
    photo_tree.album(SNOW, 1).add("2013/notes.txt", "2013/.DS_Store")
    with override_settings(GALLERY_IGNORES=[r".*/\.DS_Store$"]):
        report = scan(trace=True)
    assert report.unmatched == ["2013/notes.txt"]
    assert report.found.ignored == ["2013/.DS_Store"]
    assert report.found.matched == [f"{SNOW}/2013-01-19_10-00-00.jpg"]


def test_album_names_join_captures_and_show_slashes():
    patterns = [
        (
            "Trips",
            r"(?P<a_year>\d{4})_(?P<a_month>\d{2})_(?P<a_day>\d{2})_"
            r"(?P<a_name1>[^_]+)_(?P<a_name2>[^/]+/[^/]+)/[^/]+\.jpg",
        )
    ]
    storage_dir = "2014_05_01_Italy_Rome/day 1"
    from gallery.scanning.listing import Listing, StoredFile
    from gallery.scanning.matching import Rules, match_listing

    found = match_listing(
        Listing([StoredFile(f"{storage_dir}/a.jpg")]), Rules.from_settings(patterns, [])
    )
    (album,) = found.albums.values()
    assert album.name == "Italy Rome > day 1"
    assert album.date == datetime.date(2014, 5, 1)


def test_generic_storage_is_walked_with_listdir(photo_storage):
    photo_storage.save(f"{SNOW}/2013-01-19_10-00-00.jpg", ContentFile(b"12345"))
    report = scan()
    assert report.counts["photos_added"] == 1
    assert {"", "2013", SNOW} <= set(photo_storage.operations("listdir"))
    assert Photo.objects.get().size == 5  # cheap for an in-memory storage


def test_names_keep_their_unicode_form(photo_tree):
    nfd = unicodedata.normalize("NFD", "2013/01_19_Fête")
    photo_tree.album(nfd, 2)
    report = scan()
    album = Album.objects.get()
    assert album.dirpath == nfd  # as listed, so that files can be opened
    assert album.name == "Fête"  # normalised for display
    assert report.counts["photos_added"] == 2
    assert not scan().plan.changes


def test_album_stored_in_another_unicode_form_is_updated_in_place(photo_tree):
    nfc_name = "2013/01_19_Fête"
    album = make_album(nfc_name, date=datetime.date(2013, 1, 19), name="Fête")
    make_photo(album, "2013-01-19_10-00-00.jpg")
    photo_tree.album(unicodedata.normalize("NFD", nfc_name), 1)
    report = scan()
    assert report.counts["albums_added"] == report.counts["albums_removed"] == 0
    album.refresh_from_db()
    assert album.dirpath == unicodedata.normalize("NFD", nfc_name)


# Options and rows


def test_options_object_and_keywords_are_the_same_scan(photo_tree):
    photo_tree.album(SNOW, 2)
    planned = scan(options=ScanOptions(dry_run=True, full=True))
    assert planned.dry_run and not planned.applied
    assert planned.counts["photos_added"] == 2
    # Keywords set fields of the options they are given with.
    assert scan(options=ScanOptions(dry_run=True), dry_run=False).applied
    assert Photo.objects.count() == 2


def test_unknown_option_is_refused():
    with pytest.raises(TypeError, match="wait"):
        scan(wait=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ScanOptions().full = True


def test_state_rows_and_plan_rows_have_named_fields(photo_tree):
    photo_tree.album(SNOW, 2)
    scan()
    album = Album.objects.get()
    state = scan_state.read_state()
    row = state.photos_of(album)["2013-01-19_10-00-00.jpg"]
    assert isinstance(row, StoredPhoto)
    assert (row.album_id, row.filename, row.size) == (
        album.pk,
        "2013-01-19_10-00-00.jpg",
        4,
    )
    (photo_tree.root / SNOW / "2013-01-19_10-00-00.jpg").unlink()
    (photo_tree.root / SNOW / "2013-01-19_10-00-01.jpg").write_bytes(b"other")
    plan = scan(full=True).plan
    (removal,) = plan.photos_remove
    assert removal == PhotoRemoval(row.id, album, "2013-01-19_10-00-00.jpg")
    (version,) = plan.photos_refresh
    assert type(version) is PhotoVersion
    assert (version.filename, version.size) == ("2013-01-19_10-00-01.jpg", 5)


# Safety


def test_missing_storage_changes_nothing(photo_tree):
    make_album(SNOW)
    photo_tree.root.rmdir()
    report = scan()
    assert report.fatal == f"The photo directory {photo_tree.root} does not exist."
    assert report.failed and not report.applied
    assert Album.objects.count() == 1


class UnreachableStorage(Storage):
    """A remote storage that cannot be reached."""

    def listdir(self, path):
        raise ConnectionError("Connection refused")


@override_settings(GALLERY_PHOTO_STORAGE=None)
def test_unconfigured_storage_is_reported():
    assert scan().fatal.startswith("Set GALLERY_PHOTO_STORAGE")


def test_invalid_pattern_is_reported(photo_tree):
    photo_tree.album(SNOW, 1)
    with override_settings(GALLERY_PATTERNS=[("Photos", "(?P<a_year>")]):
        report = scan()
    assert report.fatal.startswith("Invalid regular expression '(?P<a_year>'")


def test_unreachable_storage_changes_nothing():
    make_album(SNOW)
    report = scan(UnreachableStorage())
    assert report.fatal == "Cannot list the photo storage: Connection refused"
    assert "\n" not in report.fatal
    assert Album.objects.count() == 1


def test_empty_listing_is_refused_without_force(photo_tree):
    photo_tree.album(SNOW, 2)
    scan()
    (photo_tree.root / SNOW / "2013-01-19_10-00-00.jpg").unlink()
    (photo_tree.root / SNOW / "2013-01-19_10-00-01.jpg").unlink()
    report = scan()
    assert report.refused and not report.applied
    assert "lists no photos" in report.plan.refusal
    assert SNOW in report.plan.refusal
    assert Photo.objects.count() == 2
    assert scan(force=True).applied
    assert not Album.objects.exists()


def test_removing_more_than_half_of_the_albums_is_refused(photo_tree):
    fill(photo_tree, 4, 1)
    scan()
    for number in range(3):
        (photo_tree.root / f"2013/03_{number + 1:02d}_Album{number}").rename(
            photo_tree.root / f"gone{number}"
        )
    report = scan()
    assert report.refused
    assert "would remove 3 of 4 albums" in report.plan.refusal
    assert "2013/03_01_Album0, 2013/03_02_Album1, 2013/03_03_Album2" in (
        report.plan.refusal
    )
    assert Album.objects.count() == 4
    assert scan(force=True).counts["albums_removed"] == 3


def test_removing_half_of_the_albums_is_allowed(photo_tree):
    fill(photo_tree, 4, 1)
    scan()
    for number in range(2):
        (photo_tree.root / f"2013/03_{number + 1:02d}_Album{number}").rename(
            photo_tree.root / f"gone{number}"
        )
    report = scan()
    assert report.applied and report.counts["albums_removed"] == 2


def test_unreadable_directory_leaves_its_albums_untouched(photo_tree, monkeypatch):
    photo_tree.album(SNOW, 2).album("2014/01_01_Other", 1, day="2014-01-01")
    scan()
    photo_tree.album(RAIN, 1, day="2013-02-01")
    real_open = os.open
    locked = str(photo_tree.root / "2013")

    def open_dir(path, flags, *args, **kwargs):
        if str(path).rstrip("/") == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr("gallery.scanning.listing.os.open", open_dir)
    report = scan()
    assert report.applied
    assert report.errors == [
        "2013: cannot be read (Permission denied); its albums are left untouched"
    ]
    assert report.counts["albums_removed"] == 0
    assert Album.objects.filter(dirpath=SNOW).exists()
    assert Photo.objects.filter(album__dirpath=SNOW).count() == 2


def test_invalid_album_date_skips_that_album_only(photo_tree):
    photo_tree.album(SNOW, 1).album("2013/02_30_Nowhere", 2, day="2013-02-28")
    report = scan()
    assert report.errors == [
        "2013/02_30_Nowhere: invalid album date (day is out of range for month); "
        "album skipped"
    ]
    assert list(Album.objects.values_list("dirpath", flat=True)) == [SNOW]


def test_album_with_invalid_date_is_not_removed(photo_tree):
    make_album("2013/02_30_Nowhere", date=datetime.date(2013, 2, 28))
    photo_tree.album("2013/02_30_Nowhere", 1, day="2013-02-28")
    report = scan()
    assert report.counts["albums_removed"] == 0
    assert Album.objects.filter(dirpath="2013/02_30_Nowhere").exists()


def test_invalid_photo_time_adds_photo_without_date(photo_tree):
    photo_tree.add(f"{SNOW}/2013-01-19_25-00-00.jpg", f"{SNOW}/2013-01-19_10-00-00.jpg")
    report = scan()
    assert report.plan.warnings == [
        f"{SNOW}/2013-01-19_25-00-00.jpg: invalid photo time (hour must be in 0..23)"
    ]
    assert not report.errors
    assert Photo.objects.get(filename="2013-01-19_25-00-00.jpg").date is None
    assert Photo.objects.get(filename="2013-01-19_10-00-00.jpg").date is not None


def test_renamed_album_keeps_its_identity(photo_tree):
    photo_tree.album(SNOW, 3).album(RAIN, 1, day="2013-02-01")
    scan()
    album = Album.objects.get(dirpath=SNOW)
    policy = make_album_policy(album, public=True)
    photo_pks = set(album.photo_set.values_list("pk", flat=True))
    (photo_tree.root / SNOW).rename(photo_tree.root / "2013/01_20_Snow in Lyon")
    report = scan()
    assert report.counts == {
        **report.counts,
        "albums_moved": 1,
        "albums_added": 0,
        "albums_removed": 0,
        "photos_added": 0,
        "photos_removed": 0,
    }
    album.refresh_from_db()
    assert (album.dirpath, album.name) == ("2013/01_20_Snow in Lyon", "Snow in Lyon")
    assert album.date == datetime.date(2013, 1, 20)
    assert set(album.photo_set.values_list("pk", flat=True)) == photo_pks
    assert album.access_policy == policy


def test_album_with_other_sizes_is_not_taken_for_a_moved_one(photo_tree):
    photo_tree.album(SNOW, 2).album(RAIN, 1, day="2013-02-01")
    scan()
    pk = Album.objects.get(dirpath=SNOW).pk
    (photo_tree.root / SNOW).rename(photo_tree.root / "2013/01_20_Other")
    photo_tree.album("2013/01_20_Other", 2, size=9)
    report = scan()
    assert report.counts["albums_moved"] == 0
    assert not Album.objects.filter(pk=pk).exists()


def test_too_long_names_are_skipped_with_an_error(photo_storage):
    long_dirpath = f"2013/01_20_{'x' * 250}"
    long_filename = f"2013-02-01_10-00-00{'0' * 240}.jpg"
    for name in (
        f"{SNOW}/2013-01-19_10-00-00.jpg",
        f"{long_dirpath}/2013-01-20_10-00-00.jpg",
        f"{RAIN}/{long_filename}",
    ):
        photo_storage.save(name, ContentFile(b"jpeg"))
    pattern = (
        r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_"
        r"(?P<a_name>[^_/]+)/[^/]+\.jpg"
    )
    with override_settings(GALLERY_PATTERNS=[("Photos", pattern)]):
        report = scan()
    assert sorted(report.errors) == [
        f"{long_dirpath}: dirpath too long for the database; album skipped",
        f"{RAIN}/{long_filename}: file name too long for the database; skipped",
    ]
    assert contents() == [(SNOW, "2013-01-19_10-00-00.jpg")]


def test_error_half_way_leaves_the_database_as_it_was(photo_tree, monkeypatch):
    photo_tree.album(SNOW, 2)
    scan()
    before = contents()
    photo_tree.album(RAIN, 2, day="2013-02-01")
    (photo_tree.root / SNOW / "2013-01-19_10-00-00.jpg").unlink()
    real_insert = scan_state.insert_chunks

    def insert_chunks(model, fields, chunks, **kwargs):
        if model is Photo:
            raise DatabaseError("disk I/O error")
        return real_insert(model, fields, chunks, **kwargs)

    monkeypatch.setattr(scan_state, "insert_chunks", insert_chunks)
    report = scan()
    assert report.fatal == "The scan failed and changed nothing: disk I/O error"
    assert contents() == before
    assert Album.objects.count() == 1


def test_scan_waits_for_or_refuses_a_running_scan(photo_tree, transactional_db):
    photo_tree.album(SNOW, 2)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                scan_state.wait_for_scan_lock(1)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert locked.wait(10)
    try:
        report = scan(lock_wait=0.2)
    finally:
        release.set()
        holder.join()
    assert report.fatal == "Another scan is running; try again later."
    assert not Album.objects.exists()
    assert scan().counts["photos_added"] == 2


def test_concurrent_scans_never_duplicate(photo_tree, transactional_db):
    fill(photo_tree, 3, 3)
    reports = []

    def run():
        try:
            reports.append(scan(lock_wait=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for report in reports:
        assert report.applied or report.fatal == (
            "Another scan is running; try again later."
        ), report.fatal
    assert (
        sum(report.counts["photos_added"] for report in reports if report.applied) == 9
    )
    assert Photo.objects.count() == 9
    assert Album.objects.count() == 3


# Queries

# PostgreSQL takes the lock with two statements (a timeout, then the lock).
LOCK = 2 if connection.vendor == "postgresql" else 1
# SQLite reads before taking the lock: a fingerprint of the rows read (the
# photo count), then one of the rows under the lock (albums, photo count);
# the photos are read in batches, counted first.
CHECK = 3 if connection.vendor == "sqlite" else 0
BATCHES = 1 if connection.vendor == "sqlite" else 0


@pytest.mark.parametrize("albums, photos", [(2, 2), (20, 30)])
def test_initial_scan_query_count_is_constant(
    photo_tree, django_assert_num_queries, albums, photos
):
    fill(photo_tree, albums, photos)
    # what the last scan remembered, savepoint, lock, read albums, insert
    # albums, read their pks, insert photos, release
    with django_assert_num_queries(7 + LOCK + CHECK):
        report = scan()
    assert report.counts["photos_added"] == albums * photos


@pytest.mark.parametrize("albums, photos", [(2, 2), (20, 30)])
def test_rescan_query_count_is_constant(
    photo_tree, django_assert_num_queries, albums, photos
):
    fill(photo_tree, albums, photos)
    scan()
    # what the last scan remembered, savepoint, lock, 2 reads, release
    with django_assert_num_queries(5 + LOCK + CHECK + BATCHES):
        scan()


@pytest.mark.parametrize("albums, photos", [(2, 2), (20, 30)])
def test_full_rescan_with_changes_query_count_is_constant(
    photo_tree, django_assert_num_queries, albums, photos
):
    fill(photo_tree, albums, photos)
    scan()
    Photo.objects.update(date=None, size=0)
    # + 3 updates: versions, sizes and colours forgotten, dates
    with django_assert_num_queries(8 + LOCK + CHECK + BATCHES):
        report = scan(full=True)
    assert report.counts["photos_redated"] == albums * photos
    assert report.counts["photos_refreshed"] == albums * photos

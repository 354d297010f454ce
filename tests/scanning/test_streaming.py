"""Scans hold one album at a time: the listing, the photos read back from the
database and the plan follow one order, and the rows to write wait in a spool."""

import pytest
from django.test import override_settings

from gallery.models import Album, Photo
from gallery.scanning import scan, spool
from gallery.scanning import state as scan_state
from gallery.scanning.listing import walk_storage
from gallery.scanning.order import directory_key, holds
from gallery.scanning.spool import Spool
from tests.builders import make_album

pytestmark = pytest.mark.django_db

# Names that sort differently with and without the slash that follows a
# directory: a space, a hyphen and a dot come before "/", letters after it.
TRICKY = [
    "2013/01_19_Snow",
    "2013/01_19_Snow in Paris",
    "2013/01_19_Snow-2",
    "2013/01_19_Snow.bis",
    "2013/01_19_Snow/01_20_Inside",
    "2013/01_19_Snow/01_20_Inside/01_21_Deeper",
    "2013/01_19_Snowfall",
    "2013/02_01_Été",
    "2013/02_01_Zèbre",
    "2014/01_01_A",
]
PATTERN = (
    r"(?P<a_year>\d{4})/(?:[^/]+/)*(?P<a_month>\d{2})_(?P<a_day>\d{2})_"
    r"(?P<a_name>[^/]+)/(?P<p_name>[^/]+)\.jpg"
)


@pytest.fixture
def tricky_tree(photo_tree):
    for dirpath in TRICKY:
        photo_tree.add(*(f"{dirpath}/{number}.jpg" for number in range(3)))
    with override_settings(GALLERY_PATTERNS=[("Photos", PATTERN)]):
        yield photo_tree


def test_directory_key_puts_directories_after_their_subdirectories():
    ordered = sorted(["", "a", "a b", "a/b", "a-c", "a/b/c", "b"], key=directory_key)
    assert ordered == ["a b", "a-c", "a/b/c", "a/b", "a", "b", ""]
    assert holds("", "a") and holds("a", "a/b") and not holds("a", "a-c")


def test_database_sorts_albums_as_the_listing_does():
    for dirpath in reversed(TRICKY):
        make_album(dirpath)
    stored = [
        album.dirpath for album in Album.objects.order_by(*scan_state._album_order())
    ]
    assert stored == sorted(TRICKY, key=directory_key)


def test_local_walk_gives_directories_in_the_same_order(tricky_tree):
    listing, directories = walk_storage(tricky_tree.storage())
    walked = [path for path, files in directories]
    assert walked == sorted(TRICKY, key=directory_key)
    assert listing.directories  # filled as the walk goes


@pytest.mark.component
def test_s3_walk_gives_directories_in_the_same_order(s3, s3_photo_storage):
    s3.seed("photos", {f"{d}/{n}.jpg": b"" for d in TRICKY + [""] for n in "ab"})
    _, directories = walk_storage(s3_photo_storage)
    walked = [path for path, files in directories]
    assert walked == sorted(TRICKY + [""], key=directory_key)
    assert walked[-1] == ""  # the root's own files come last


def test_full_rescan_reads_each_album_once_in_one_query(tricky_tree, monkeypatch):
    scan()
    read_again = []
    original = scan_state.StoredPhotos.read_again
    monkeypatch.setattr(
        scan_state.StoredPhotos,
        "read_again",
        lambda self, pks: read_again.append(pks) or original(self, pks),
    )
    report = scan(full=True)
    assert report.applied and not report.plan.changes
    assert read_again == []  # the rows came in the order they were asked for
    assert Photo.objects.count() == 3 * len(TRICKY)


def test_album_listed_out_of_order_is_read_again(tricky_tree):
    scan()
    # A directory stored under another Unicode form sorts elsewhere.
    album = Album.objects.get(dirpath="2013/02_01_Été")
    Album.objects.filter(pk=album.pk).update(dirpath="2013/02_01_E\u0301te\u0301")
    report = scan(full=True)
    assert report.counts["photos_added"] == report.counts["photos_removed"] == 0
    album.refresh_from_db()
    assert album.dirpath == "2013/02_01_Été" and album.photo_set.count() == 3


def test_spilled_rows_are_written_and_reported_alike(tricky_tree, monkeypatch):
    monkeypatch.setattr(spool, "CHUNK", 4)
    report = scan()
    assert report.counts["photos_added"] == len(report.plan.photos_add) == 30
    assert report.plan.photos_add.file is not None  # some rows went to the file
    assert Photo.objects.count() == 30
    for path in tricky_tree.root.rglob("0.jpg"):
        path.unlink()
    report = scan()
    assert report.counts["photos_removed"] == 10
    assert Photo.objects.count() == 20


def test_spool_reads_back_every_row_in_order_any_number_of_times():
    rows = Spool(chunk=3, piece=2)
    rows.extend([(number, str(number)) for number in range(5)])
    rows.append((5, "5"))
    rows.extend([])
    assert len(rows) == 6 and rows
    assert list(rows) == list(rows) == [(n, str(n)) for n in range(6)]
    # Beyond three rows, those in memory move to the file, two at a time.
    assert [len(chunk) for chunk in rows.chunks()] == [2, 2, 1, 1]
    assert rows.file is not None
    rows.close()
    assert list(rows) == [] and not rows


@pytest.mark.django_db(transaction=True)
def test_rows_changed_while_reading_are_read_again(tricky_tree):
    """On SQLite, a scan reads before it locks: rows written in between (by
    another scan, say) make it read again rather than write a stale plan."""
    from django.db import connection

    scan()
    tricky_tree.add("2014/01_02_B/0.jpg")
    phases = []

    def meddle(phase, done, total):
        phases.append(phase)
        if phase == "plan" and phases.count("plan") == 1:
            Photo.objects.filter(album__dirpath="2014/01_01_A").delete()

    report = scan(progress=meddle)
    assert report.applied, report.fatal
    read_twice = connection.vendor == "sqlite"
    assert phases.count("plan") == (2 if read_twice else 1)
    # Read again, the scan puts back the photos deleted in between.
    assert report.counts["photos_added"] == (1 + 3 if read_twice else 1)
    # Elsewhere the lock came first: the deletion happened within the scan.
    assert Photo.objects.count() == 3 * len(TRICKY) + 1 - (0 if read_twice else 3)

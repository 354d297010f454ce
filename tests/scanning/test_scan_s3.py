"""Scanning an S3 photo storage end to end: requests, rescans, failures."""

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gallery.models import Album, Photo
from tests.builders import make_album_policy, make_user
from tests.fixtures.s3 import FailAfter, make_storage, no_retries, on_send
from tests.scanning.test_listing_s3 import closed_port

pytestmark = [pytest.mark.component, pytest.mark.django_db]

REQUEST_BUDGET = 12  # for 10,000 photos in 200 albums

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def photo_keys(albums, photos):
    """``albums`` album directories of ``photos`` photos each, matching the patterns."""
    keys = []
    for album in range(albums):
        month, day = album % 12 + 1, album % 28 + 1
        folder = f"2013/{month:02d}_{day:02d}_Album {album}"
        for photo in range(photos):
            minute, second = divmod(photo, 60)
            time = f"10-{minute:02d}-{second:02d}"
            keys.append(f"{folder}/2013-{month:02d}-{day:02d}_{time}.jpg")
    return keys


def seed_photos(s3, albums, photos):
    keys = photo_keys(albums, photos)
    s3.seed("photos", {key: f"jpeg {key}".encode() for key in keys})
    return keys


def scan():
    call_command("scanphotos", verbosity=0, stdout=io.StringIO(), stderr=io.StringIO())


def writes(queries):
    """Statements that change albums or photos (the scan lock's no-op UPDATE on
    SQLite does not, nor does recording the run in the scan history)."""
    return [
        query["sql"]
        for query in queries
        if WRITE.match(query["sql"])
        and "WHERE 0 = 1" not in query["sql"]
        and "gallery_scanrun" not in query["sql"]
    ]


def snapshot():
    """Everything a scan may change, to compare before and after."""
    albums = list(Album.objects.order_by("pk").values())
    photos = list(Photo.objects.order_by("pk").values())
    return albums, photos


@pytest.mark.slow
def test_ten_thousand_photos_in_a_dozen_requests_and_a_rescan_writes_nothing(
    s3, s3_storages, s3_requests
):
    photo_storage, _ = s3_storages
    keys = seed_photos(s3, albums=200, photos=50)
    s3_requests.watch(photo_storage)

    scan()

    first = list(s3_requests.operations)
    print(f"\nscan of 10,000 photos in 200 albums: {len(first)} requests")
    assert len(first) <= REQUEST_BUDGET
    assert set(first) == {"ListObjectsV2"}
    assert Album.objects.count() == 200
    assert Photo.objects.count() == 10_000
    folder, filename = keys[0].rsplit("/", 1)
    photo = Photo.objects.get(album__dirpath=folder, filename=filename)
    body = f"jpeg {keys[0]}".encode()
    assert (photo.size, photo.etag) == (len(body), hashlib.md5(body).hexdigest())
    assert photo.modified is not None

    s3_requests.clear()
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        scan()

    print(f"rescan with nothing changed: {len(s3_requests)} requests")
    assert s3_requests.operations == first
    assert writes(queries.captured_queries) == []
    assert snapshot() == before


def test_replaced_original_gets_a_new_version(s3, s3_storages):
    keys = seed_photos(s3, albums=2, photos=3)
    scan()
    folder, filename = keys[0].rsplit("/", 1)
    old = Photo.objects.get(album__dirpath=folder, filename=filename).version

    s3.put("photos", keys[0], b"another photo, longer than the first one")
    scan()

    assert Photo.objects.get(album__dirpath=folder, filename=filename).version != old


@pytest.fixture
def scanned(s3, s3_storages):
    """A bucket of 3 x 400 photos, scanned, with a policy on the first album."""
    keys = seed_photos(s3, albums=3, photos=400)
    scan()
    make_album_policy(Album.objects.order_by("pk").first(), users=[make_user()])
    return keys


def assert_fails_changing_nothing(settings, storage):
    settings.GALLERY_PHOTO_STORAGE = storage
    before = snapshot()

    with pytest.raises(CommandError) as info:
        scan()

    assert info.value.returncode != 0
    assert "\n" not in str(info.value)
    assert snapshot() == before
    assert Album.objects.filter(access_policy__isnull=False).count() == 1
    return str(info.value)


def test_endpoint_failing_mid_scan_changes_nothing(s3, scanned, settings):
    storage = s3.storage("photos", client_config=no_retries())
    # The first page (1,000 keys) arrives, the second fails: taken as complete,
    # that listing would remove 200 photos of the third album.
    on_send(storage, FailAfter(1))

    message = assert_fails_changing_nothing(settings, storage)

    assert "Could not connect" in message


def test_unreachable_endpoint_changes_nothing(scanned, settings):
    endpoint = f"http://127.0.0.1:{closed_port()}"
    storage = make_storage(endpoint, "photos", client_config=no_retries())

    message = assert_fails_changing_nothing(settings, storage)

    assert endpoint in message


def test_missing_bucket_changes_nothing(s3, scanned, settings):
    storage = s3.storage("no-such-bucket")

    message = assert_fails_changing_nothing(settings, storage)

    assert "NoSuchBucket" in message

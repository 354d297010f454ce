"""The flat listing of an S3 photo storage, against a real S3 API over HTTP."""

import datetime
import hashlib
import socket

import pytest

from gallery.scanning.listing import ListingError, list_storage
from tests.fixtures.s3 import FailAfter, make_storage, no_retries, on_send

pytestmark = pytest.mark.component


def album_keys(albums, photos, prefix=""):
    """Keys of ``photos`` photos in each of ``albums`` albums."""
    return [
        f"{prefix}2013/{month:02d}_{album % 28 + 1:02d}_Album {album}/"
        f"2013-01-01_00-00-{photo % 60:02d}_{photo}.jpg"
        for album in range(albums)
        for month in [album % 12 + 1]
        for photo in range(photos)
    ]


def names(listing):
    return sorted(file.name for file in listing.files)


def test_size_etag_and_modified_come_from_the_listing(
    s3, s3_photo_storage, s3_requests
):
    body = b"not really a jpeg"
    s3.put("photos", "2013/01_19_Snow/2013-01-19_19-12-43.jpg", body)
    s3_requests.watch(s3_photo_storage)

    (file,) = list_storage(s3_photo_storage).files

    assert file.name == "2013/01_19_Snow/2013-01-19_19-12-43.jpg"
    assert file.size == len(body)
    assert file.etag == hashlib.md5(body).hexdigest()  # quotes stripped
    assert file.modified.tzinfo == datetime.UTC
    age = datetime.datetime.now(datetime.UTC) - file.modified
    assert datetime.timedelta(0) <= age < datetime.timedelta(minutes=5)
    assert s3_requests.operations == ["ListObjectsV2"]


def test_one_request_per_thousand_keys_whatever_the_directories(
    s3, s3_photo_storage, s3_requests
):
    keys = album_keys(albums=250, photos=10)  # 2,500 keys in 250 directories
    s3.seed("photos", dict.fromkeys(keys, b""))
    s3_requests.watch(s3_photo_storage)

    listing = list_storage(s3_photo_storage)

    assert names(listing) == sorted(keys)
    assert listing.unreadable == []
    assert s3_requests.operations == ["ListObjectsV2"] * 3


def test_progress_after_each_page(s3, s3_photo_storage):
    s3.seed("photos", dict.fromkeys(album_keys(albums=250, photos=10), b""))
    progress = []

    list_storage(s3_photo_storage, progress=lambda *args: progress.append(args))

    assert progress == [
        ("list", 1000, None),
        ("list", 2000, None),
        ("list", 2500, None),
    ]


def test_location_prefix_is_respected_and_removed(s3, s3_requests):
    bucket = s3.create_bucket("shared")
    s3.seed(
        bucket,
        {
            "gallery/photos/2013/01_19_Snow/a.jpg": b"a",
            "gallery/photos/b.jpg": b"b",
            "gallery/photos-old/c.jpg": b"c",  # same start, other folder
            "gallery/cache/d.jpg": b"d",
            "e.jpg": b"e",
        },
    )
    storage = s3.storage(bucket, location="gallery/photos")

    assert names(list_storage(storage)) == ["2013/01_19_Snow/a.jpg", "b.jpg"]


def test_folder_markers_are_not_files(s3, s3_photo_storage):
    keys = ["2013/", "2013/01_19_Snow/", "2013/01_19_Snow/a.jpg"]
    s3.seed("photos", dict.fromkeys(keys, b"a"))

    assert names(list_storage(s3_photo_storage)) == ["2013/01_19_Snow/a.jpg"]


def test_empty_bucket_lists_nothing(s3_photo_storage):
    assert list_storage(s3_photo_storage).files == []


def test_missing_bucket_is_a_listing_error(s3):
    storage = s3.storage("no-such-bucket")

    with pytest.raises(ListingError) as info:
        list_storage(storage)

    message = str(info.value)
    assert "\n" not in message
    assert "'no-such-bucket'" in message
    assert "NoSuchBucket" in message


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_endpoint_is_a_listing_error():
    endpoint = f"http://127.0.0.1:{closed_port()}"
    storage = make_storage(endpoint, "photos", client_config=no_retries())

    with pytest.raises(ListingError) as info:
        list_storage(storage)

    message = str(info.value)
    assert "\n" not in message
    assert endpoint in message


def test_failure_after_the_first_page_loses_the_whole_listing(s3, s3_photo_storage):
    s3.seed("photos", dict.fromkeys(album_keys(albums=30, photos=50), b""))
    storage = s3.storage("photos", client_config=no_retries())
    on_send(storage, FailAfter(1))

    with pytest.raises(ListingError, match="Could not connect"):
        list_storage(storage)

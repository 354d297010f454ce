import datetime
import io
import os
import time
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import override_settings
from django.urls import reverse

from gallery.files import exports
from gallery.storages import get_storage
from tests.builders import (
    make_album,
    make_album_policy,
    make_photo,
    make_photo_policy,
    make_user,
)

pytestmark = pytest.mark.django_db


def add_photo(album, filename, data=None, **fields):
    data = data or f"content of {filename}".encode()
    photo = make_photo(album, filename, size=len(data), **fields)
    get_storage("photo").save(photo.image_name, ContentFile(data))
    return photo


def export_url(album):
    return reverse("gallery:album-export", args=[album.pk])


def read_zip(response):
    data = b"".join(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(data))


@pytest.fixture(autouse=True)
def sweep_due(monkeypatch):
    """Let the first export of each test look for expired archives."""
    monkeypatch.setattr(exports, "_last_sweep", -exports.SWEEP_INTERVAL)


@pytest.fixture
def album():
    album = make_album(date=datetime.date(2013, 1, 19), name="Snow in Paris")
    make_album_policy(album, public=True)
    return album


@pytest.fixture
def local_cache(tmp_path):
    """A local cache storage; the photo storage stays the in-memory one."""
    photos = get_storage("photo")
    cache = FileSystemStorage(location=tmp_path / "cache")
    with override_settings(GALLERY_PHOTO_STORAGE=photos, GALLERY_CACHE_STORAGE=cache):
        yield cache


def test_zip_contains_exactly_the_visible_photos(client, album):
    user = make_user()
    shown = add_photo(album, "a.jpg")
    hidden = add_photo(album, "b.jpg")
    make_photo_policy(hidden, public=False)
    private = add_photo(album, "c.jpg")
    make_photo_policy(private, users=[user])
    add_photo(make_album(), "other.jpg")

    archive = read_zip(client.get(export_url(album)))
    assert archive.namelist() == ["a.jpg"]
    assert archive.read("a.jpg") == b"content of a.jpg"

    client.force_login(user)
    archive = read_zip(client.get(export_url(album)))
    assert sorted(archive.namelist()) == ["a.jpg", "c.jpg"]
    assert shown.pk != private.pk


def test_photos_are_stored_not_compressed(client, album):
    add_photo(album, "a.jpg", b"x" * 10000)
    archive = read_zip(client.get(export_url(album)))
    (info,) = archive.infolist()
    assert info.compress_type == zipfile.ZIP_STORED
    assert info.compress_size == 10000


def test_duplicate_names_are_made_unique(client, album):
    add_photo(album, "IMG.jpg")
    add_photo(album, "img.jpg")
    add_photo(album, "img (2).jpg")
    archive = read_zip(client.get(export_url(album)))
    names = archive.namelist()
    assert len(names) == len({name.lower() for name in names}) == 3
    assert set(names) == {"IMG.jpg", "img (2).jpg", "img (3).jpg"}


def test_archive_named_after_album(client, album):
    add_photo(album, "a.jpg")
    response = client.get(export_url(album))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="2013-01-19 Snow in Paris.zip"'
    )


def test_invisible_album_gives_404(client):
    album = make_album()
    add_photo(album, "a.jpg")
    assert client.get(export_url(album)).status_code == 404
    assert get_storage("photo").operations("open") == []


def test_album_with_nothing_visible_gives_404(client, album):
    photo = add_photo(album, "a.jpg")
    make_photo_policy(photo, public=False)
    assert client.get(export_url(album)).status_code == 404


def test_staff_sees_everything(client, album):
    photo = add_photo(album, "a.jpg")
    make_photo_policy(photo, public=False)
    client.force_login(make_user(perms=["gallery.view"]))
    assert read_zip(client.get(export_url(album))).namelist() == ["a.jpg"]


def test_archive_streams_while_built(client, album):
    for number in range(5):
        add_photo(album, f"{number}.jpg", bytes(3 * exports.BLOCK_SIZE))
    response = client.get(export_url(album))
    assert response.streaming
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(b"PK\x03\x04")
    # Only the first photo has been opened when the first bytes leave.
    assert len(get_storage("photo").operations("open")) == 1
    rest = b"".join(chunks)
    assert zipfile.ZipFile(io.BytesIO(first + rest)).testzip() is None


def test_zip64(client, album, monkeypatch):
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1000)
    add_photo(album, "a.jpg", b"y" * 5000)
    add_photo(album, "b.jpg", b"z" * 5000)
    data = b"".join(client.get(export_url(album)).streaming_content)
    monkeypatch.undo()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read("b.jpg") == b"z" * 5000
    assert b"PK\x06\x06" in data  # ZIP64 end of central directory


def test_archive_is_cached_when_complete_and_reused(client, album, local_cache):
    add_photo(album, "a.jpg")
    response = client.get(export_url(album))
    data = b"".join(response.streaming_content)
    (name,) = os.listdir(local_cache.path("exports"))
    with open(local_cache.path(f"exports/{name}"), "rb") as cached:
        assert cached.read() == data
    opened = len(get_storage("photo").operations("open"))

    response = client.get(export_url(album))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"].startswith("attachment;")
    response.close()
    assert len(get_storage("photo").operations("open")) == opened


def test_other_visible_set_gets_other_archive(client, album, local_cache):
    user = make_user()
    add_photo(album, "a.jpg")
    private = add_photo(album, "b.jpg")
    make_photo_policy(private, users=[user])
    b"".join(client.get(export_url(album)).streaming_content)
    client.force_login(user)
    archive = read_zip(client.get(export_url(album)))
    assert sorted(archive.namelist()) == ["a.jpg", "b.jpg"]
    assert len(os.listdir(local_cache.path("exports"))) == 2


def test_interrupted_download_leaves_no_archive(client, album, local_cache):
    for number in range(3):
        add_photo(album, f"{number}.jpg", bytes(2 * exports.BLOCK_SIZE))
    response = client.get(export_url(album))
    chunks = iter(response.streaming_content)
    next(chunks)
    response.close()  # the client went away
    assert os.listdir(local_cache.path("exports")) == []


def test_expired_archives_are_deleted(client, album, local_cache):
    add_photo(album, "a.jpg")
    old = local_cache.save("exports/old.zip", ContentFile(b"old"))
    recent = local_cache.save("exports/recent.zip", ContentFile(b"recent"))
    past = time.time() - 61 * 86400
    os.utime(local_cache.path(old), (past, past))
    b"".join(client.get(export_url(album)).streaming_content)
    names = os.listdir(local_cache.path("exports"))
    assert "old.zip" not in names
    assert "recent.zip" in names
    assert recent


def test_expiry_follows_setting(local_cache):
    local_cache.save("exports/a.zip", ContentFile(b"a"))
    past = time.time() - 3 * 86400
    os.utime(local_cache.path("exports/a.zip"), (past, past))
    assert exports.delete_expired_archives(local_cache) == []
    with override_settings(GALLERY_ARCHIVE_EXPIRY=2):
        assert exports.delete_expired_archives(local_cache) == ["exports/a.zip"]


def test_remote_cache_serves_the_cached_archive(client, album):
    add_photo(album, "a.jpg")
    first = b"".join(client.get(export_url(album)).streaming_content)
    cache = get_storage("cache")
    saves = cache.operations("save")
    response = client.get(export_url(album))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == first
    assert cache.operations("save") == saves  # reused, not built again


def test_missing_file_is_left_out_and_archive_not_kept(client, album, local_cache):
    add_photo(album, "a.jpg")
    make_photo(album, "gone.jpg", size=10)
    archive = read_zip(client.get(export_url(album)))
    assert archive.namelist() == ["a.jpg"]
    assert os.listdir(local_cache.path("exports")) == []


def test_unknown_sizes_are_fine(client, album):
    photo = make_photo(album, "a.jpg")
    get_storage("photo").save(photo.image_name, ContentFile(b"abc"))
    assert read_zip(client.get(export_url(album))).read("a.jpg") == b"abc"


def test_expired_archives_are_looked_for_once_an_hour(client, album, local_cache):
    add_photo(album, "a.jpg")
    b"".join(client.get(export_url(album)).streaming_content)
    old = local_cache.save("exports/old.zip", ContentFile(b"old"))
    past = time.time() - 61 * 86400
    os.utime(local_cache.path(old), (past, past))
    add_photo(album, "b.jpg")  # another visible set: a new archive
    b"".join(client.get(export_url(album)).streaming_content)
    assert local_cache.exists(old)


def test_archive_vanishing_during_expiry_is_skipped(local_cache, monkeypatch):
    local_cache.save("exports/a.zip", ContentFile(b"a"))
    past = time.time() - 61 * 86400
    os.utime(local_cache.path("exports/a.zip"), (past, past))

    def unlink(path):
        raise FileNotFoundError(path)  # another worker deleted it first

    monkeypatch.setattr(exports.os, "unlink", unlink)
    assert exports.delete_expired_archives(local_cache) == []


def test_concurrent_exports_build_one_copy(client, album, tmp_path):
    # Files of the in-memory storage share one position between readers.
    photos = FileSystemStorage(location=tmp_path / "photos")
    local_cache = FileSystemStorage(location=tmp_path / "cache")
    for name, byte in [("a.jpg", b"a"), ("b.jpg", b"b")]:
        photo = make_photo(album, name, size=3_000_000)
        photos.save(photo.image_name, ContentFile(byte * 3_000_000))
    with override_settings(
        GALLERY_PHOTO_STORAGE=photos, GALLERY_CACHE_STORAGE=local_cache
    ):
        check_one_copy(client, album, local_cache)


def check_one_copy(client, album, local_cache):
    first = iter(client.get(export_url(album)).streaming_content)
    head = next(first)  # the first request is building the archive
    second = b"".join(client.get(export_url(album)).streaming_content)
    temporary = [n for n in os.listdir(local_cache.path("exports")) if ".tmp-" in n]
    assert len(temporary) == 1  # the second request kept no copy
    assert not local_cache.exists(
        exports.archive_name(album, list(album.photo_set.all()))
    )
    assert head + b"".join(first) == second
    names = os.listdir(local_cache.path("exports"))
    assert len([n for n in names if n.endswith(".zip") and ".tmp-" not in n]) == 1


def drain(generator):
    """All the bytes ``generator`` yields, and what it returns."""
    chunks = []
    while True:
        try:
            chunks.append(next(generator))
        except StopIteration as end:
            return b"".join(chunks), end.value


def test_stream_zip_returns_the_missing_files(album):
    kept = add_photo(album, "a.jpg")
    gone = make_photo(album, "gone.jpg", size=10)
    data, missing = drain(exports.stream_zip([kept, gone]))
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["a.jpg"]
    assert missing == [gone.image_name]


def test_stream_zip_returns_nothing_missing(album):
    photos = [add_photo(album, "a.jpg"), add_photo(album, "b.jpg")]
    data, missing = drain(exports.stream_zip(photos))
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 2
    assert missing == []


def test_stream_zip_yields_before_reading_every_photo(album):
    photos = [add_photo(album, f"{n}.jpg", bytes(exports.BLOCK_SIZE)) for n in "ab"]
    storage = get_storage("photo")
    chunks = exports.stream_zip(photos)
    next(chunks)
    assert storage.operations("open") == [photos[0].image_name]
    chunks.close()

"""Hostile and broken input: never a 500, never a file outside the storages."""

import io
import sys
import zipfile
from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import Client, override_settings

from gallery.models import Photo
from gallery.storages import get_storage
from tests.broken_images import BROKEN
from tests.builders import (
    make_album,
    make_album_policy,
    make_image,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db

LONG = "a" * 5000
PATH_VALUES = [
    "..",
    "../../etc/passwd",
    "%2e%2e%2f",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%2f..%2fetc%2fpasswd",
    "%252e%252e%252f",
    "%c0%ae%c0%ae%2f",
    "%00",
    "1%00",
    "%ff",
    "//etc/passwd",
    "C:%5cWindows",
    LONG,
    "-1",
    "0",
    "00000000000000000001",
    str(2**31),
    str(2**63),
    str(2**64),
    "9" * 400,
    "1e9",
    "0x10",
    "%D9%A1",  # an Arabic-Indic digit one
]
QUERY_VALUES = [
    "../",
    "..\\..\\",
    "%00",
    "\x00",
    "a\x00b",
    LONG,
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "日本",
    "<script>alert(1)</script>",
]
PAGE_VALUES = ["0", "-1", "abc", "last", "1.5", "\x00", str(2**63), "9" * 400]
PRESETS = ["unknown", "THUMB", "thumb.", "__class__", "../thumb", "a" * 300]
YEARS = ["0", "00000", "1", "9999", "10000", str(2**63), "9" * 400]


@pytest.fixture
def world():
    """Two albums, visible or not, with real photos in the photo storage."""
    storage = get_storage("photo")
    public, private = make_album(), make_album()
    make_album_policy(public, public=True)
    for album in (public, private):
        photo = make_photo(album)
        storage.save(photo.image_name, ContentFile(make_image(32, 24)))
    return public, private


def paths(album_pk, photo_pk):
    """Every URL of the gallery with each hostile value in each parameter."""
    for value in PATH_VALUES:
        yield from (
            f"/album/{value}/",
            f"/photo/{value}/",
            f"/original/{value}/",
            f"/export/{value}/",
            f"/resized/thumb/{value}/",
            f"/resized/{value}/{photo_pk}/",
            f"/year/{value}/",
            f"/{value}",
            f"/album/{album_pk}/{value}",
        )
    for preset in PRESETS:
        yield f"/resized/{preset}/{photo_pk}/"
    for year in YEARS:
        yield f"/year/{year}/"


RAW_QUERIES = ["q=%ff%fe", "q=%ED%B3%BF", "q", "q=a&q=b", "page&page=2", "q=%", "=&&="]


def queries():
    """Paths with query strings, already encoded."""
    for value in QUERY_VALUES:
        yield "/?" + urlencode({"q": value})
        yield "/?" + urlencode({"page": value})
        yield "/year/2013/?" + urlencode({"page": value})
        yield "/latest/?" + urlencode({"show_public": value})
    for value in PAGE_VALUES:
        yield "/?" + urlencode({"page": value})
        yield "/?" + urlencode({"q": "album", "page": value})
    for raw in RAW_QUERIES:
        yield "/?" + raw
        yield "/year/2013/?" + raw


def clients():
    viewer = Client()
    viewer.force_login(make_user(perms=["gallery.view"]))
    return {"anonymous": Client(), "viewer": viewer}


def assert_no_stray_names():
    """Every name the storages saw came from the database or from the app."""
    known = {photo.image_name for photo in Photo.objects.select_related("album")}
    photo_names = {name for _, name in get_storage("photo").log}
    assert photo_names <= known
    for _, name in get_storage("cache").log:
        assert ".." not in name and "\x00" not in name and "passwd" not in name
        assert LONG not in name


def test_hostile_urls_never_fail(world):
    public, _ = world
    photo = public.photo_set.get()
    failures = []
    for name, client in clients().items():
        for path in paths(public.pk, photo.pk):
            status = client.get(path).status_code
            if status >= 500:
                failures.append(f"{name} {path[:80]}: {status}")
        for path in queries():
            response = client.get(path)
            if response.status_code >= 500:
                failures.append(f"{name} {path:.80}: {response.status_code}")
            elif b"<script>alert" in response.content:
                failures.append(f"{name} {path:.80}: script echoed")
    assert not failures, "\n".join(failures)
    assert_no_stray_names()


def test_hostile_ids_are_not_found(world):
    client = clients()["viewer"]
    for name in ("album", "photo", "original", "export", "resized/thumb"):
        for value in (str(2**63), str(2**64), "9" * 400, "0"):
            assert client.get(f"/{name}/{value}/").status_code == 404


@pytest.fixture
def broken_album():
    """An album holding every kind of broken image, visible to everyone."""
    storage = get_storage("photo")
    album = make_album()
    make_album_policy(album, public=True)
    for filename, content in BROKEN.items():
        photo = make_photo(album, filename)
        storage.save(photo.image_name, ContentFile(content))
    return album


def resized_urls(photo):
    from gallery.conf import conf

    for preset in sorted(conf.RESIZE_PRESETS):
        yield f"/resized/{preset}/{photo.pk}/"


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@override_settings(GALLERY_REMOTE_SERVING="stream")
def test_broken_images_never_fail(broken_album):
    client = clients()["viewer"]
    failures = []
    for photo in broken_album.photo_set.all():
        for url in [f"/photo/{photo.pk}/", *resized_urls(photo)]:
            response = client.get(url)
            if response.status_code not in (200, 404):
                failures.append(f"{photo.filename} {url}: {response.status_code}")
        original = client.get(f"/original/{photo.pk}/")
        if original.status_code != 200 or body(original) != BROKEN[photo.filename]:
            failures.append(f"{photo.filename} original: {original.status_code}")
        elif "html" in original.get("Content-Type", ""):
            failures.append(f"{photo.filename} original served as HTML")
    for url in (f"/album/{broken_album.pk}/", "/"):
        assert client.get(url).status_code == 200, url
    assert not failures, "\n".join(failures)
    assert_no_stray_names()


@override_settings(GALLERY_REMOTE_SERVING="stream")
def test_broken_images_are_exported_as_they_are(broken_album):
    response = clients()["viewer"].get(f"/export/{broken_album.pk}/")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
        assert sorted(archive.namelist()) == sorted(BROKEN)
        for name, content in BROKEN.items():
            assert archive.read(name) == content


@override_settings(GALLERY_REMOTE_SERVING="stream")
def test_broken_image_is_not_decoded_on_every_request(broken_album):
    client = clients()["viewer"]
    photo = broken_album.photo_set.get(filename="truncated.jpg")
    url = f"/resized/thumb/{photo.pk}/"
    client.get(url)
    storage = get_storage("photo")
    opened = len(storage.operations("open"))
    for _ in range(3):
        assert client.get(url).status_code in (200, 404)
    assert len(storage.operations("open")) == opened


@override_settings(GALLERY_REMOTE_SERVING="stream", GALLERY_MAX_PIXELS=1000)
def test_photo_over_the_pixel_limit_is_not_resized(broken_album):
    storage = get_storage("photo")
    photo = make_photo(broken_album, "large.jpg")
    storage.save(photo.image_name, ContentFile(make_image(64, 48)))
    response = clients()["viewer"].get(f"/resized/standard/{photo.pk}/")
    assert response.status_code in (200, 404)


class Opened:
    """Record the files the process opens, through an audit hook."""

    hooked = False
    paths = None

    @classmethod
    def start(cls):
        if not cls.hooked:
            sys.addaudithook(cls.hook)
            cls.hooked = True
        cls.paths = []

    @classmethod
    def stop(cls):
        paths, cls.paths = cls.paths, None
        return paths

    @classmethod
    def hook(cls, event, args):
        if event == "open" and cls.paths is not None and isinstance(args[0], str):
            cls.paths.append(args[0])


def test_names_escaping_a_local_storage_are_refused(tmp_path, settings):
    # Only the ``settings`` fixture here: mixed with ``override_settings``, it
    # would restore the decorator's settings after the test.
    settings.GALLERY_REMOTE_SERVING = "stream"
    root = tmp_path / "photos"
    root.mkdir()
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(make_image(16, 16))
    storage = FileSystemStorage(location=root)
    settings.GALLERY_PHOTO_STORAGE = storage
    get_storage.cache_clear()
    albums = [make_album(), make_album(str(tmp_path))]
    photos = [
        make_photo(albums[0], "../../../secret.jpg"),
        make_photo(albums[1], "secret.jpg"),
    ]
    client = clients()["viewer"]
    Opened.start()
    try:
        for photo in photos:
            for url in (
                f"/original/{photo.pk}/",
                f"/photo/{photo.pk}/",
                *resized_urls(photo),
            ):
                response = client.get(url)
                assert response.status_code in (200, 400, 404), url
                if response.status_code == 200 and url.startswith("/original"):
                    raise AssertionError(f"{url} served a file outside the storage")
        for album in albums:
            assert client.get(f"/export/{album.pk}/").status_code < 500
    finally:
        opened = Opened.stop()
    assert str(secret) not in opened

"""Faults of the parts around the app: clear errors, nothing lost, recovery.

* The cache storage full or read-only: pages and originals still work, resized
  images and exports either work without the cache or fail with a 503, no
  partial file is left, and everything works once the storage is fixed.
* An original vanishing between the scan and a request: a 404 for that file,
  never a 500, and the photo back as soon as the file is.
* PostgreSQL stopping and starting under load (only in the PostgreSQL run):
  clean error pages during the outage, every request served again after.
"""

import errno
import importlib.util
import io
import os
import threading
import time
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from PIL import Image

from gallery.conf import conf
from gallery.storages import get_storage
from tests import postgres
from tests.builders import make_album, make_album_policy, make_image, make_photo
from tests.components import require
from tests.fixtures.servers import GallerySite, serve_site
from tests.storages import RecordingStorage

FAULTS = {
    "full": OSError(errno.ENOSPC, "No space left on device"),
    "read-only": OSError(errno.EROFS, "Read-only file system"),
    "forbidden": PermissionError(errno.EACCES, "Permission denied"),
}


class FaultyStorage(RecordingStorage):
    """A cache storage whose writes fail with ``fault`` while it is set."""

    fault = None

    def _save(self, name, content):
        if self.fault is not None:
            self._record("refused", name)
            raise self.fault
        return super()._save(name, content)


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def is_image(data):
    try:
        Image.open(io.BytesIO(data)).verify()
    except Exception:
        return False
    return True


def zip_names(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return sorted(archive.namelist())


@pytest.fixture
def streaming(settings):
    settings.GALLERY_REMOTE_SERVING = "stream"


@pytest.fixture
def album(db, streaming):
    """A public album of two photos whose files are in the photo storage.

    Settings change before it: a change of settings empties the storages.
    """
    album = make_album()
    make_album_policy(album, public=True)
    storage = get_storage("photo")
    for color in (10, 200):
        photo = make_photo(album)
        storage.save(photo.image_name, ContentFile(make_image(40, 30, color=color)))
    return album


@pytest.fixture
def faulty_cache(settings):
    storage = FaultyStorage(location="cache", base_url="/cache/")
    settings.GALLERY_CACHE_STORAGE = storage
    get_storage.cache_clear()
    return storage


def resized_urls(photo):
    return [f"/resized/{preset}/{photo.pk}/" for preset in sorted(conf.RESIZE_PRESETS)]


@pytest.mark.parametrize("fault", FAULTS)
def test_cache_storage_failing_then_fixed(client, faulty_cache, album, fault):
    photos = list(album.photo_set.all())
    faulty_cache.fault = FAULTS[fault]
    for url in (f"/album/{album.pk}/", f"/photo/{photos[0].pk}/", "/"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/original/{photos[0].pk}/").status_code == 200
    for url in resized_urls(photos[0]):
        response = client.get(url)
        assert response.status_code in (200, 503), url
        assert response.status_code == 503 or is_image(body(response))
    export = client.get(f"/export/{album.pk}/")
    assert export.status_code in (200, 503)
    if export.status_code == 200:
        assert zip_names(body(export)) == sorted(p.filename for p in photos)
    assert faulty_cache.operations("refused"), "the cache was never written to"
    assert not faulty_cache.operations("save"), "something was saved anyway"

    faulty_cache.fault = None
    for url in resized_urls(photos[0]):
        response = client.get(url)
        assert response.status_code == 200, url
        assert is_image(body(response))
    export = client.get(f"/export/{album.pk}/")
    assert export.status_code == 200
    assert zip_names(body(export)) == sorted(p.filename for p in photos)


@pytest.fixture
def vanished(album):
    """The first photo of ``album`` after its file disappeared; and its bytes."""
    photo = album.photo_set.order_by("pk").first()
    storage = get_storage("photo")
    with storage.open(photo.image_name) as original:
        data = original.read()
    storage.delete(photo.image_name)
    return photo, data


def test_original_vanished_after_the_scan(client, album, vanished):
    photo, data = vanished
    assert client.get(f"/original/{photo.pk}/").status_code == 404
    for url in resized_urls(photo):
        assert client.get(url).status_code in (200, 404), url
    for url in (f"/photo/{photo.pk}/", f"/album/{album.pk}/", "/"):
        assert client.get(url).status_code == 200, url
    export = client.get(f"/export/{album.pk}/")
    assert export.status_code in (200, 404, 503)
    if export.status_code == 200:
        present = album.photo_set.exclude(pk=photo.pk).values_list("filename")
        assert zip_names(body(export)) == sorted(name for (name,) in present)

    get_storage("photo").save(photo.image_name, ContentFile(data))
    original = client.get(f"/original/{photo.pk}/")
    assert original.status_code == 200
    assert body(original) == data
    for url in resized_urls(photo):
        response = client.get(url)
        assert response.status_code == 200, url
        assert is_image(body(response))


# PostgreSQL stopping under load, against gunicorn behind nginx.

SETUP = """
import datetime
from gallery.models import Album, AlbumAccessPolicy, Photo
for number in range(3):
    album = Album.objects.create(
        category="Photos", dirpath="2020/a{}".format(number),
        date=datetime.date(2020, 1, number + 1), name="Album {}".format(number),
    )
    AlbumAccessPolicy.objects.create(album=album, public=True)
    Photo.objects.create(album=album, filename="p.jpg")
"""
COUNT = """
from gallery.models import Album, Photo
print(Album.objects.count(), Photo.objects.count())
"""
PAGES = ["/", "/album/1/", "/album/2/", "/year/2020/", "/photo/1/"]


def postgres_or_skip():
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL run of make test")
    data = os.environ.get("GALLERY_TEST_DB_DATA")
    require(data, "GALLERY_TEST_DB_DATA is not set (run under tests/postgres.py)")
    require(importlib.util.find_spec("gunicorn"), "gunicorn is not installed")
    return data


@pytest.fixture
def fault_database():
    """An empty database on the throwaway server, dropped afterwards."""
    postgres_or_skip()
    import psycopg

    name = "gallery_faults"
    params = connection.settings_dict
    options = {"host": params["HOST"], "port": params["PORT"], "user": params["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **options) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    yield name
    with psycopg.connect(dbname="postgres", autocommit=True, **options) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class PostgresSite(GallerySite):
    """A served-site directory whose app uses the PostgreSQL ``database``."""

    def __init__(self, directory, database):
        self.database = database
        super().__init__(directory)

    def manage(self, *args):
        self.use_postgres()
        return super().manage(*args)

    def django(self, code):
        self.use_postgres()
        return super().django(code)

    def use_postgres(self):
        self.env["DJANGO_SETTINGS_MODULE"] = "tests.settings.fault"
        self.env["GALLERY_FAULT_DB_NAME"] = self.database


class Browsing(threading.Thread):
    """Request ``PAGES`` in turn until stopped; keep ``(time, status, body)``."""

    def __init__(self, served):
        super().__init__(daemon=True)
        self.served = served
        self.results = []
        self.stopping = threading.Event()

    def run(self):
        number = 0
        while not self.stopping.is_set():
            status, _, content = self.served.get(PAGES[number % len(PAGES)])
            self.results.append((time.monotonic(), status, content[:2000]))
            number += 1
            time.sleep(0.01)


@pytest.mark.component
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_database_restart_under_load(tmp_path, fault_database):
    data = postgres_or_skip()
    site = PostgresSite(tmp_path, fault_database)
    site.django(SETUP)
    assert site.django(COUNT).split() == ["3", "3"]
    with serve_site(site, workers=2, threads=2) as served:
        visitors = [Browsing(served) for _ in range(4)]
        for visitor in visitors:
            visitor.start()
        time.sleep(1)
        postgres.stop(data)
        probe = served.get("/album/1/")  # needs the database, which is down
        time.sleep(1)
        postgres.start(data)
        back = time.monotonic()
        connection.close()  # the test's own connection died with the server
        time.sleep(3)
        for visitor in visitors:
            visitor.stopping.set()
            visitor.join(30)
    results = [result for visitor in visitors for result in visitor.results]
    assert probe[0] != 200, "a page was served while the database was down"
    assert_clean_outage([(0, probe[0], probe[2]), *results], back)
    assert site.django(COUNT).split() == ["3", "3"]


def assert_clean_outage(results, back):
    failures = [(status, content) for _, status, content in results if status != 200]
    print(f"\ndatabase restart: {len(results)} requests, {len(failures)} refused")
    for status, content in failures:
        assert status in (500, 502, 503), status
        assert b"Traceback" not in content and b"psycopg" not in content
    after = [status for moment, status, _ in results if moment > back + 1]
    assert after, "no request after the restart"
    assert set(after) == {200}, f"still failing after the restart: {set(after)}"

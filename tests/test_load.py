"""Many visitors at once, against gunicorn behind nginx, on a cold cache.

Visitors (threads speaking HTTP) start together on the same album, browse
pages and fetch thumbnails and photos that nobody has resized yet. Every
answer must be a success, each (photo, preset) must be decoded once across
all worker processes, and the throughput is printed. The run is bounded by
``GALLERY_LOAD_SECONDS`` (default 6) and ``GALLERY_LOAD_VISITORS`` (12).
"""

import collections
import hashlib
import importlib.util
import os
import random
import re
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.builders import make_image
from tests.components import require
from tests.fixtures.servers import GallerySite, serve_site

pytestmark = [pytest.mark.component, pytest.mark.slow]

SECONDS = float(os.environ.get("GALLERY_LOAD_SECONDS", "6"))
VISITORS = int(os.environ.get("GALLERY_LOAD_VISITORS", "12"))
ALBUMS, PHOTOS = 3, 8
LINK = re.compile(r'(?:href|src)="(/(?:album|photo|resized/[\w-]+)/\d+/)"')

SETUP = """
import datetime
from gallery.models import Album, AlbumAccessPolicy, Photo
for number in range({albums}):
    album = Album.objects.create(
        category="Photos", dirpath="2020/album{{}}".format(number),
        date=datetime.date(2020, 1, number + 1), name="Album {{}}".format(number),
    )
    AlbumAccessPolicy.objects.create(album=album, public=True)
    for index in range({photos}):
        Photo.objects.create(album=album, filename="p{{:02d}}.jpg".format(index))
print(",".join(str(album.pk) for album in Album.objects.order_by("pk")))
"""


def photo_bytes(number, index):
    return make_image(900, 600, color=(number * 60, index * 25, 120))


@pytest.fixture(scope="module")
def load_site(tmp_path_factory):
    require(importlib.util.find_spec("gunicorn"), "gunicorn is not installed")
    site = GallerySite(tmp_path_factory.mktemp("load"))
    site.env["DJANGO_SETTINGS_MODULE"] = "tests.settings.load"
    digests = {}
    for number in range(ALBUMS):
        for index in range(PHOTOS):
            data = photo_bytes(number, index)
            site.add_photo_file(f"2020/album{number}/p{index:02d}.jpg", data)
            digests[hashlib.sha1(data).hexdigest()] = (number, index)
    site.django(SETUP.format(albums=ALBUMS, photos=PHOTOS))
    with serve_site(site, workers=2, threads=4) as served:
        yield served, digests


class Visitor(threading.Thread):
    """Browse from the index, following album, photo and image links at random."""

    def __init__(self, served, start, deadline, seed):
        super().__init__(daemon=True)
        self.served, self.start_event, self.deadline = served, start, deadline
        self.random = random.Random(seed)
        self.statuses = collections.Counter()
        self.errors = []
        self.fetched = set()
        self.requests = 0

    def get(self, path):
        self.requests += 1
        request = urllib.request.Request(self.served.url(path))
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except OSError as exc:
            status, body = repr(exc), b""
        self.statuses[status] += 1
        if status != 200:
            self.errors.append(f"{path}: {status}")
        return body.decode("utf-8", "replace") if path[1:7] != "resize" else ""

    def links(self, html, kind):
        return [path for path in LINK.findall(html) if path[1:].startswith(kind)]

    def run(self):
        self.start_event.wait()
        index = self.get("/")
        albums = self.links(index, "album")
        while time.monotonic() < self.deadline and albums:
            album = self.get(self.random.choice(albums))
            images = self.links(album, "resized")
            self.random.shuffle(images)
            for image in images[:4]:
                self.fetched.add(image)
                self.get(image)
            photos = self.links(album, "photo")
            if photos:
                page = self.get(self.random.choice(photos))
                for image in self.links(page, "resized"):
                    self.fetched.add(image)
                    self.get(image)


def test_concurrent_visitors_on_a_cold_cache(load_site):
    served, digests = load_site
    start = threading.Event()
    deadline = time.monotonic() + SECONDS
    visitors = [Visitor(served, start, deadline, seed) for seed in range(VISITORS)]
    for visitor in visitors:
        visitor.start()
    began = time.monotonic()
    start.set()
    for visitor in visitors:
        visitor.join(SECONDS + 60)
    elapsed = time.monotonic() - began
    requests = sum(visitor.requests for visitor in visitors)
    statuses = sum((visitor.statuses for visitor in visitors), collections.Counter())
    print(
        f"\nload: {VISITORS} visitors, {requests} requests in {elapsed:.1f} s, "
        f"{requests / elapsed:.0f} requests/s, statuses {dict(statuses)}"
    )
    errors = [error for visitor in visitors for error in visitor.errors]
    assert not errors, errors[:20]
    assert not any(visitor.is_alive() for visitor in visitors)
    fetched = set().union(*(visitor.fetched for visitor in visitors))
    assert_decoded_once(served.site.directory, digests, fetched)


def assert_decoded_once(directory, digests, fetched):
    """Each original decoded as many times as it has distinct presets fetched."""
    log = Path(directory) / "decodes.log"
    decodes = collections.Counter(log.read_text().split()) if log.exists() else {}
    unknown = set(decodes) - set(digests)
    assert not unknown, f"decodes of unknown data: {len(unknown)}"
    presets = collections.Counter(path.strip("/").split("/")[1] for path in fetched)
    assert presets, "no resized image was fetched"
    assert sum(decodes.values()) == len(fetched), (
        f"{sum(decodes.values())} decodes for {len(fetched)} resized images"
    )
    assert max(decodes.values()) <= len(presets)

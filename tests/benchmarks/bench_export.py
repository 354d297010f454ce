"""Zip export of 50 photos of 24 megapixels, here and in myks-gallery 0.9.1.

Goals: the first byte leaves within 0.1 s, and the process's memory peaks at
most 30 MB above its resting size.

Run: ``GALLERY_BASELINE_VENV=... .venv/bin/python tests/benchmarks/bench_export.py``
"""

import datetime
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

REPEAT = 3  # exports timed in a worker; the memory peak is of them all
MEASURES = [  # key, label ({n}: the number of photos), unit
    ("first", "export of {n} photos: first byte", "s"),
    ("total", "export of {n} photos: last byte", "s"),
    ("memory", "export of {n} photos: peak memory above rest", "MB"),
]


# Worker side: runs under this project or under 0.9.1.


def make_album(side, count, size):
    from django.contrib.auth.models import User

    from gallery.models import Album, Photo

    album = Album.objects.create(
        category="Photos",
        dirpath="album",
        date=datetime.date(2020, 1, 1),
        name="Album",
    )
    extra = {"size": size} if side == "current" else {}
    for number in range(count):
        Photo.objects.create(album=album, filename=f"{number:03d}.jpg", **extra)
    user = User.objects.create(username="admin", is_superuser=True, is_active=True)
    return album, user


def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakMemory(threading.Thread):
    """Samples the resident size of the process every millisecond."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = rss()
        self.running = True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss())
            time.sleep(0.001)

    def stop(self):
        self.running = False
        self.join()
        return self.peak


def export(album, user):
    """Time to the first byte and to the last, consuming the response."""
    from django.test import RequestFactory

    from gallery.views import export_album

    request = RequestFactory().get("/")
    request.user = user
    start = time.perf_counter()
    response = export_album(request, album.pk)
    first = None
    if response.streaming:
        for chunk in response.streaming_content:
            if first is None and chunk:
                first = time.perf_counter() - start
    response.close()
    total = time.perf_counter() - start
    # 0.9.1 answers with a redirect once the archive is complete.
    return first if first is not None else total, total


def worker(side, source, count):
    """Export an album of ``count`` copies of ``source``; return the figures."""
    import gc

    from workspace import folder_storages, photo_tree, setup_django

    count = int(count)
    filenames = [f"{number:03d}.jpg" for number in range(count)]
    with photo_tree(f"bench-export-{side}-", source, filenames) as folders:
        setup_django(folder_storages(*folders))
        album, user = make_album(side, count, os.path.getsize(source))
        gc.collect()
        resting = rss()
        sampler = PeakMemory()
        sampler.start()
        results = best_exports(album, user, folders[1])
        results["memory"] = (sampler.stop() - resting) / 2**20
    return results


def best_exports(album, user, cache_dir):
    """Best times to the first and to the last byte of ``REPEAT`` exports.

    The cache is emptied before each: 0.9.1 keeps the archive it made there.
    """
    from baseline import best_time
    from workspace import empty_cache

    first = []

    def run():
        first.append(export(album, user)[0])

    total = best_time(run, REPEAT, lambda: empty_cache(cache_dir))
    return {"first": min(first), "total": total}


# Driver side.


def collect(quick=False):
    """Rows of the export's times and memory, measured side by side."""
    from tests.benchmarks.baseline import compare, rows_of
    from tests.benchmarks.images import make_jpeg

    count = 10 if quick else 50
    with tempfile.TemporaryDirectory(prefix="bench-export-") as directory:
        source = make_jpeg(Path(directory) / "24mp.jpg")
        results = compare(__file__, source, count)
    measures = [(key, label.format(n=count), unit) for key, label, unit in MEASURES]
    return rows_of(results, measures)


def goals(rows):
    """One :class:`~baseline.Goal` a goal of the export issue."""
    from tests.benchmarks.baseline import Goal, by_key

    rows = by_key(rows)
    first, memory = rows["first"].current, rows["memory"].current
    return [
        Goal("first byte within 0.1 s", f"{first:.3f} s", first <= 0.1),
        Goal("peak memory <= 30 MB above rest", f"{memory:.1f} MB", memory <= 30),
    ]


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main(sys.modules[__name__]))

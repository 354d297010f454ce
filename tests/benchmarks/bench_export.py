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

HERE = Path(__file__).resolve().parent

FIRST_BYTE = "export of {n} photos: first byte"
TOTAL = "export of {n} photos: last byte"
MEMORY = "export of {n} photos: peak memory above rest"


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
    import gc

    from workspace import photo_tree, setup_django

    count = int(count)
    filenames = [f"{number:03d}.jpg" for number in range(count)]
    with photo_tree(f"bench-export-{side}-", source, filenames) as folders:
        setup_django(*folders)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        album, user = make_album(side, count, os.path.getsize(source))
        gc.collect()
        resting = rss()
        sampler = PeakMemory()
        sampler.start()
        first, total = export(album, user)
        peak = sampler.stop()
    return {"first": first, "total": total, "memory": (peak - resting) / 2**20}


# Driver side.


def collect(quick=False):
    """Rows ``(label, baseline, current, unit)`` measured side by side."""
    from tests.benchmarks.baseline import compare
    from tests.benchmarks.images import make_jpeg

    count = 10 if quick else 50
    with tempfile.TemporaryDirectory(prefix="bench-export-") as directory:
        source = make_jpeg(Path(directory) / "24mp.jpg")
        results = compare(HERE / "bench_export.py", source, count)
    base, cur = results["baseline"], results["current"]
    return [
        (FIRST_BYTE.format(n=count), base["first"], cur["first"], "s"),
        (TOTAL.format(n=count), base["total"], cur["total"], "s"),
        (MEMORY.format(n=count), base["memory"], cur["memory"], "MB"),
    ]


def goals(rows):
    """``(goal, verdict, ok)`` for each goal of the issue, from ``rows``."""
    first, _, memory = (cur for _, _, cur, _ in rows)
    return [
        ("first byte within 0.1 s", f"{first:.3f} s", first <= 0.1),
        ("peak memory <= 30 MB above rest", f"{memory:.1f} MB", memory <= 30),
    ]


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main("Zip export of 24-megapixel photos", collect, worker, goals))

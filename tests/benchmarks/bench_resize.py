"""Resizing a 24-megapixel JPEG on first request, here and in myks-gallery 0.9.1.

Goals: ``thumb`` (128x128, crop) within 1.2 times Pillow's bare decode of the
JPEG at 1/8 scale, ``standard`` (768x768) within 1.3 times the decode at 1/4,
and 16 simultaneous first requests for one image decode it once.

Run: ``GALLERY_BASELINE_VENV=... .venv/bin/python tests/benchmarks/bench_resize.py``
"""

import datetime
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

DRAFT8 = "Pillow alone: decode 24 MP JPEG at 1/8"
THUMB = "thumb 128x128 crop, first request"
DRAFT4 = "Pillow alone: decode 24 MP JPEG at 1/4"
STANDARD = "standard 768x768 fit, first request"
CONCURRENT = "16 simultaneous first requests: decodes"


# Worker side: runs under this project or under 0.9.1.


def make_photo(side, size):
    from gallery.models import Album, Photo

    album = Album(
        pk=1,
        category="Photos",
        dirpath="album",
        date=datetime.date(2020, 1, 1),
        name="Album",
    )
    photo = Photo(pk=1, album=album, filename="photo.jpg")
    if side == "current":
        photo.size = size
    return photo


def decoder(path, factor):
    from PIL import Image

    def decode():
        with Image.open(path) as image:
            image.draft("RGB", (image.width // factor, image.height // factor))
            image.load()

    return decode


def best_times(workloads, repeat, before):
    """Best time of each workload, run in turn so that load affects all alike."""
    times = {name: [] for name in workloads}
    for _ in range(repeat):
        for name, function in workloads.items():
            before()
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def count_decodes(side):
    """Patch the resizer of ``side`` so that each decode is counted."""
    from gallery.resizers import pillow

    name = "decode" if side == "current" else "make_thumbnail"
    original = getattr(pillow, name)
    counter = []

    def counted(*args, **kwargs):
        counter.append(1)
        return original(*args, **kwargs)

    setattr(pillow, name, counted)
    return counter


def simultaneous(resize, photo, clear):
    clear()
    barrier = threading.Barrier(16)

    def request():
        barrier.wait()
        resize(photo, 128, 128, True)

    threads = [threading.Thread(target=request) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def worker(side, source, repeat):
    from workspace import photo_tree, setup_django

    with photo_tree(f"bench-resize-{side}-", source, ["photo.jpg"]) as folders:
        setup_django(*folders)
        return measure(side, source, int(repeat), folders[1])


def measure(side, source, repeat, cache_dir):
    """Best times of the workloads and decodes of simultaneous requests."""
    from gallery.resizers.pillow import resize

    photo = make_photo(side, os.path.getsize(source))

    def clear():
        # Forget resized files; keep what a running site keeps (lock files).
        cache_dir.mkdir(exist_ok=True)
        for entry in cache_dir.iterdir():
            if entry.name != ".locks":
                shutil.rmtree(entry)

    workloads = {
        "draft8": decoder(source, 8),
        "thumb": lambda: resize(photo, 128, 128, True),
        "draft4": decoder(source, 4),
        "standard": lambda: resize(photo, 768, 768, False),
    }
    result = best_times(workloads, repeat, clear)
    decodes = count_decodes(side)
    simultaneous(resize, photo, clear)
    result["decodes"] = len(decodes)
    return result


# Driver side.


def collect(quick=False):
    """Rows ``(label, baseline, current, unit)`` measured side by side."""
    from tests.benchmarks.baseline import compare
    from tests.benchmarks.images import make_jpeg

    with tempfile.TemporaryDirectory(prefix="bench-resize-") as directory:
        source = make_jpeg(Path(directory) / "24mp.jpg")
        results = compare(HERE / "bench_resize.py", source, 3 if quick else 11)
    base, cur = results["baseline"], results["current"]
    return [
        (DRAFT8, base["draft8"], cur["draft8"], "s"),
        (THUMB, base["thumb"], cur["thumb"], "s"),
        (DRAFT4, base["draft4"], cur["draft4"], "s"),
        (STANDARD, base["standard"], cur["standard"], "s"),
        (CONCURRENT, base["decodes"], cur["decodes"], ""),
    ]


def goals(rows):
    """``(goal, verdict, ok)`` for each goal of the issue, from ``rows``."""
    current = {label: cur for label, _, cur, _ in rows}
    thumb = current[THUMB] / current[DRAFT8]
    standard = current[STANDARD] / current[DRAFT4]
    decodes = current[CONCURRENT]
    return [
        ("thumb within 1.2 x decode at 1/8", f"{thumb:.2f} x", thumb <= 1.2),
        ("standard within 1.3 x decode at 1/4", f"{standard:.2f} x", standard <= 1.3),
        ("16 simultaneous requests decode once", f"{decodes}", decodes == 1),
    ]


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(
        main("Resizing a 24-megapixel JPEG (first request)", collect, worker, goals)
    )

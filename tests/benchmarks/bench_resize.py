"""Resizing a 24-megapixel JPEG on first request, here and in myks-gallery 0.9.1.

Goals: ``thumb`` (128x128, crop) within 1.2 times Pillow's bare decode of the
JPEG at 1/8 scale, ``standard`` (768x768) within 1.3 times the decode at 1/4,
and 16 simultaneous first requests for one image decode it once.

Run: ``GALLERY_BASELINE_VENV=... .venv/bin/python tests/benchmarks/bench_resize.py``
"""

import argparse
import datetime
import json
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


def setup_django(side, photo_dir, cache_dir):
    import django
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage

    settings.configure(
        SECRET_KEY="benchmark",
        INSTALLED_APPS=[
            "gallery.apps.GalleryConfig",
            "django.contrib.auth",
            "django.contrib.contenttypes",
        ],
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        },
        USE_TZ=True,
        GALLERY_PHOTO_STORAGE=FileSystemStorage(location=photo_dir),
        GALLERY_CACHE_STORAGE=FileSystemStorage(location=cache_dir),
    )
    django.setup()


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
    work = Path(tempfile.mkdtemp(prefix=f"bench-resize-{side}-"))
    try:
        photo_dir, cache_dir = work / "photos", work / "cache"
        (photo_dir / "album").mkdir(parents=True)
        os.link(source, photo_dir / "album" / "photo.jpg")
        setup_django(side, photo_dir, cache_dir)
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
    finally:
        shutil.rmtree(work, ignore_errors=True)


# Driver side.


def collect(quick=False):
    """Rows ``(label, baseline, current, unit)`` measured side by side."""
    sys.path.insert(0, str(HERE))
    from baseline import compare
    from images import make_jpeg

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
    """``(description, ok)`` for each goal of the issue, from ``rows``."""
    current = {label: cur for label, _, cur, _ in rows}
    thumb = current[THUMB] / current[DRAFT8]
    standard = current[STANDARD] / current[DRAFT4]
    return [
        (f"thumb = {thumb:.2f} x decode at 1/8 (goal <= 1.2)", thumb <= 1.2),
        (f"standard = {standard:.2f} x decode at 1/4 (goal <= 1.3)", standard <= 1.3),
        (
            f"{current[CONCURRENT]} decode(s) for 16 requests (goal 1)",
            current[CONCURRENT] == 1,
        ),
    ]


def print_goals(rows):
    for description, ok in goals(rows):
        print(f"  {'OK  ' if ok else 'FAIL'} {description}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker", choices=["current", "baseline"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("args", nargs="*")
    options = parser.parse_args()
    if options.worker:
        source, repeat = options.args
        print(json.dumps(worker(options.worker, source, int(repeat))))
        return
    sys.path.insert(0, str(HERE))
    from baseline import print_table

    rows = collect(options.quick)
    print_table("Resizing a 24-megapixel JPEG (first request)", rows)
    print_goals(rows)


if __name__ == "__main__":
    main()

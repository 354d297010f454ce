"""Resizing a 24-megapixel JPEG on first request, here and in myks-gallery 0.9.1.

Goals: ``thumb`` (128x128, crop) within 1.2 times Pillow's bare decode of the
JPEG at 1/8 scale, ``standard`` (768x768) within 1.3 times the decode at 1/4,
and 16 simultaneous first requests for one image decode it once.

Run: ``GALLERY_BASELINE_VENV=... .venv/bin/python tests/benchmarks/bench_resize.py``
"""

import datetime
import os
import sys
import tempfile
import threading
from pathlib import Path

MEASURES = [  # key, label, unit
    ("draft8", "Pillow alone: decode 24 MP JPEG at 1/8", "s"),
    ("thumb", "thumb 128x128 crop, first request", "s"),
    ("draft4", "Pillow alone: decode 24 MP JPEG at 1/4", "s"),
    ("standard", "standard 768x768 fit, first request", "s"),
    ("decodes", "16 simultaneous first requests: decodes", ""),
]


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


def simultaneous(resize, photo):
    """Request the ``thumb`` of ``photo`` from 16 threads at once."""
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
    """Best times of the workloads and decodes of simultaneous requests."""
    from baseline import best_times
    from workspace import empty_cache, folder_storages, photo_tree, setup_django

    with photo_tree(f"bench-resize-{side}-", source, ["photo.jpg"]) as folders:
        setup_django(folder_storages(*folders))
        from gallery.resizers.pillow import resize

        photo = make_photo(side, os.path.getsize(source))
        workloads = {
            "draft8": decoder(source, 8),
            "thumb": lambda: resize(photo, 128, 128, True),
            "draft4": decoder(source, 4),
            "standard": lambda: resize(photo, 768, 768, False),
        }
        result = best_times(workloads, int(repeat), lambda: empty_cache(folders[1]))
        decodes = count_decodes(side)
        empty_cache(folders[1])
        simultaneous(resize, photo)
    return {**result, "decodes": len(decodes)}


# Driver side.


def collect(quick=False):
    """Rows of the resizing times and decodes, measured side by side."""
    from tests.benchmarks.baseline import compare, rows_of
    from tests.benchmarks.images import make_jpeg

    with tempfile.TemporaryDirectory(prefix="bench-resize-") as directory:
        source = make_jpeg(Path(directory) / "24mp.jpg")
        results = compare(__file__, source, 3 if quick else 11)
    return rows_of(results, MEASURES)


def goals(rows):
    """One :class:`~baseline.Goal` a goal of the resizing issue."""
    from tests.benchmarks.baseline import Goal, by_key

    current = {key: row.current for key, row in by_key(rows).items()}
    thumb = current["thumb"] / current["draft8"]
    standard = current["standard"] / current["draft4"]
    decodes = current["decodes"]
    return [
        Goal("thumb within 1.2 x decode at 1/8", f"{thumb:.2f} x", thumb <= 1.2),
        Goal(
            "standard within 1.3 x decode at 1/4", f"{standard:.2f} x", standard <= 1.3
        ),
        Goal("16 simultaneous requests decode once", f"{decodes}", decodes == 1),
    ]


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main(sys.modules[__name__]))

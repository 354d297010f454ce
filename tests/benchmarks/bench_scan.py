"""Scanning a local photo tree: this project against myks-gallery 0.9.1.

Run alone: ``.venv/bin/python tests/benchmarks/bench_scan.py [--quick]``.
Each side runs in its own worker process with a fresh SQLite file database:
initial scan (time, SQL queries, peak memory), twice into emptied tables,
then a rescan with nothing changed, compared with a bare ``os.walk`` of the
same tree, a full rescan and a rescan after adding a photo. The two sides run
in turn, twice, and the best figure of each side is kept.
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

SIZES = {False: (1_000, 100), True: (100, 100)}  # quick -> (albums, photos each)
ROUNDS = 2  # the sides alternate; the best of each figure is kept
MEASURES = [  # key, label ({size}: the number of photos), unit
    ("initial", "initial scan, {size}", "s"),
    ("initial_queries", "initial scan, SQL queries", ""),
    ("tiny_queries", "initial scan, SQL queries, 10 photos", ""),
    ("peak_mb", "peak memory (worker)", "MB"),
    ("rescan", "rescan, nothing changed", "s"),
    ("rescan_queries", "rescan, SQL queries", ""),
    ("walk", "bare os.walk of the tree", "s"),
    ("stat_walk", "bare os.scandir + stat of every file", "s"),
    ("one_changed", "rescan, one album changed", "s"),
    ("full_rescan", "rescan --full, nothing changed", "s"),
]


def date_back(directory):
    """Date ``directory`` an hour back, as in a tree nobody is writing to."""
    an_hour_ago = time.time() - 3600
    os.utime(directory, (an_hour_ago, an_hour_ago))


# Worker side: runs under the interpreter of one side, never imports tests.


def walk(root):
    """A bare walk of the tree."""
    sum(len(files) for _, _, files in os.walk(root))


def stat_walk(root):
    """A bare walk that also stats every file, as a scan must."""
    pending = [root]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_file():
                    entry.stat()
                elif entry.is_dir():
                    pending.append(entry.path)


def worker(side, root, workdir):
    """Scan ``root`` into a new database in every way; return the figures."""
    from workspace import folder_storages, fresh_database, scan_settings, setup_django

    database = fresh_database(workdir, side)
    storages = folder_storages(root, database + ".cache")
    setup_django(storages, database=database, **scan_settings("Europe/Paris"))
    return measure(root)


def measure(root):
    """Time and count the scans of ``root``, and bare walks of it."""
    from baseline import best_time, best_times
    from workspace import counted, empty_gallery_tables, scan

    from gallery.models import Photo

    initial, rescan = [], []
    # A few seconds are easily disturbed on a shared machine: a second initial
    # scan, into emptied tables, gives each side another chance.
    results = {"initial": best_time(counted(scan, initial), 2, empty_gallery_tables)}
    results["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["photos"] = Photo.objects.count()
    walks = {"walk": lambda: walk(root), "stat_walk": lambda: stat_walk(root)}
    results |= best_times(walks, 3)
    results["rescan"] = best_time(counted(scan, rescan))
    results["full_rescan"] = best_time(lambda: scan(full_sync=True), 1)  # 0.9.1: long
    results["one_changed"] = one_changed(root)
    return {**results, "initial_queries": initial[0], "rescan_queries": rescan[0]}


def one_changed(root):
    """Best time of a scan after adding a photo to an album, then the tree as before."""
    from baseline import best_time
    from workspace import scan

    albums = iter(sorted(Path(root).glob("*/*"))[:3])
    seconds = best_time(scan, 3, lambda: add_photo(next(albums)))
    for added in Path(root).glob("*/*/*_23-59-59.jpg"):  # the next run needs the tree
        added.unlink()
        date_back(added.parent)
    return seconds


def add_photo(album):
    """Add a photo that matches the scan pattern to ``album``."""
    month, day = album.name[:2], album.name[3:5]
    (album / f"{album.parent.name}-{month}-{day}_23-59-59.jpg").write_bytes(b"j")


# Driver side.


def make_tree(root, albums, per_album):
    """Write ``albums`` directories of ``per_album`` tiny photos under ``root``."""
    from tests.benchmarks.workspace import photo_names

    for name in photo_names(albums, per_album):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"j")
    # The first scan of each side remembers them, whatever the size.
    for directory in [root, *root.rglob("*/")]:
        date_back(directory)


def run(albums, per_album, workdir, rounds=ROUNDS):
    """Both sides' best figures on a tree of ``albums`` of ``per_album`` photos."""
    from tests.benchmarks.baseline import compare

    root = workdir / "photos"
    make_tree(root, albums, per_album)
    results = compare(__file__, root, workdir, rounds=rounds)
    for side in results.values():
        assert side["photos"] == albums * per_album, side
    return results


def collect(quick=False):
    """Rows of :data:`MEASURES`; goals in :func:`goals`."""
    from tests.benchmarks.baseline import rows_of

    albums, per_album = SIZES[quick]
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as workdir:
        results = run(albums, per_album, Path(workdir) / "large")
        tiny = run(5, 2, Path(workdir) / "tiny", rounds=1)
    for side, figures in results.items():
        figures["tiny_queries"] = tiny[side]["initial_queries"]
    size = f"{albums * per_album:,} photos"
    measures = [(key, label.format(size=size), unit) for key, label, unit in MEASURES]
    return rows_of(results, measures)


def goals(rows):
    """One :class:`~baseline.Goal` a goal; ``ok`` is None where size matters."""
    from tests.benchmarks.baseline import Goal, by_key

    rows = by_key(rows)
    cur = {key: row.current for key, row in rows.items()}
    speedup = rows["initial"].baseline / cur["initial"]
    memory = rows["peak_mb"]
    # The speed and memory goals are set for 100,000 photos, not the quick size.
    full_size = rows["initial"].label.startswith("initial scan, 100,000 ")
    queries = f"{cur['tiny_queries']} -> {cur['initial_queries']}"
    return [
        Goal(
            "initial scan >= 10x faster than 0.9.1",
            f"{speedup:.1f}x",
            speedup >= 10 if full_size else None,
        ),
        Goal(
            "initial scan queries constant",
            queries,
            cur["initial_queries"] == cur["tiny_queries"],
        ),
        Goal(
            "peak memory <= 0.9.1",
            f"{memory.current:.0f} vs {memory.baseline:.0f} MB",
            memory.current <= memory.baseline if full_size else None,
        ),
        Goal(
            "rescan within 5x os.walk",
            f"{cur['rescan'] / cur['walk']:.1f}x",
            cur["rescan"] <= 5 * cur["walk"],
        ),
        Goal(
            "rescan queries constant",
            f"{cur['rescan_queries']}",
            cur["rescan_queries"] <= cur["tiny_queries"],
        ),
    ]


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main(sys.modules[__name__]))

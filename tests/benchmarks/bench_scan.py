"""Scanning a local photo tree: this project against myks-gallery 0.9.1.

Run alone: ``.venv/bin/python tests/benchmarks/bench_scan.py [--quick]``.
Each side runs in its own worker process with a fresh SQLite file database:
initial scan (time, SQL queries, peak memory), twice into emptied tables,
then a rescan with nothing changed, compared with a bare ``os.walk`` of the
same tree, a full rescan and a rescan after adding a photo. The two sides run
in turn, twice, and the best figure of each side is kept. This project's
worker also times the floor of the initial scan (``floor_scan.floor``) in
turn with it, on the same tree and database file, and checks that both wrote
the same rows.
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
    from workspace import (
        SCAN_TIME_ZONE,
        folder_storages,
        fresh_database,
        scan_settings,
        setup_django,
    )

    database = fresh_database(workdir, side)
    storages = folder_storages(root, database + ".cache")
    setup_django(storages, database=database, **scan_settings(SCAN_TIME_ZONE))
    return measure(root, database if side == "current" else None)


def measure(root, database):
    """Time and count the scans of ``root``, and bare walks of it; the floor
    too, when ``database`` (its file) is given."""
    from baseline import best_time, best_times
    from workspace import counted, scan

    from gallery.models import Photo

    initial, rescan = [], []
    results = initial_scans(counted(scan, initial), root, database)
    results["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["photos"] = Photo.objects.count()
    walks = {"walk": lambda: walk(root), "stat_walk": lambda: stat_walk(root)}
    results |= best_times(walks, 3)
    results["rescan"] = best_time(counted(scan, rescan))
    results["full_rescan"] = best_time(lambda: scan(full_sync=True), 1)  # 0.9.1: long
    results["one_changed"] = one_changed(root)
    return {**results, "initial_queries": initial[0], "rescan_queries": rescan[0]}


def initial_scans(timed_scan, root, database):
    """Best times of ``timed_scan()`` into emptied tables, and of the floor in
    turn with it when ``database`` is given; the scan's rows stay."""
    from baseline import best_times
    from workspace import empty_gallery_tables

    # A few seconds are easily disturbed on a shared machine: a second initial
    # scan, into emptied tables, gives each side another chance.
    if not database:
        return best_times({"initial": timed_scan}, 2, empty_gallery_tables)
    from floor_scan import floor, rows_digest
    from workspace import SCAN_PATTERN, SCAN_TIME_ZONE

    written = []  # digests of what each workload wrote, in turn

    def before():
        written.append(rows_digest(database))
        empty_gallery_tables()

    workloads = {
        "floor": lambda: floor(root, database, SCAN_PATTERN, SCAN_TIME_ZONE),
        "initial": timed_scan,  # last: the rescans start from its rows
    }
    results = best_times(workloads, 2, before)
    written.append(rows_digest(database))
    if len(set(written[1:])) != 1:
        raise AssertionError("the floor and the scan wrote different rows")
    return results


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
    """Write ``albums`` directories of ``per_album`` photos under ``root``.

    The photos are empty files: no scan of this benchmark opens them, and a
    million of them are written in seconds.
    """
    from tests.benchmarks.workspace import photo_names

    made = set()
    for name in photo_names(albums, per_album):
        directory, _, _ = name.rpartition("/")
        if directory not in made:
            os.makedirs(os.path.join(root, directory), exist_ok=True)
            made.add(directory)
        os.close(os.open(os.path.join(root, name), os.O_CREAT | os.O_WRONLY, 0o644))
    # The first scan of each side remembers them, whatever the size.
    years = {os.path.dirname(directory) for directory in made}
    for directory in [*made, *years, ""]:
        date_back(os.path.join(root, directory))


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
    from tests.benchmarks.baseline import Row, rows_of

    albums, per_album = SIZES[quick]
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as workdir:
        results = run(albums, per_album, Path(workdir) / "large")
        tiny = run(5, 2, Path(workdir) / "tiny", rounds=1)
    for side, figures in results.items():
        figures["tiny_queries"] = tiny[side]["initial_queries"]
    size = f"{albums * per_album:,} photos"
    measures = [(key, label.format(size=size), unit) for key, label, unit in MEASURES]
    floor = results["current"]["floor"]
    label = f"floor of the initial scan, {size}"
    return [*rows_of(results, measures), Row("floor", label, None, floor, "s")]


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
    above_floor = cur["initial"] / cur["floor"]
    size = rows["initial"].label.removesuffix(" photos")
    return [
        Goal(
            "initial scan >= 10x faster than 0.9.1",
            f"{speedup:.1f}x",
            speedup >= 10 if full_size else None,
        ),
        Goal(
            f"{size} / floor <= 1.5x",
            f"{above_floor:.2f}x",
            above_floor <= 1.5 if full_size else None,
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

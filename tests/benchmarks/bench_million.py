"""A million photos: the scans of this project at two sizes, ten times apart.

Run alone: ``.venv/bin/python tests/benchmarks/bench_million.py [--quick]``.
Local trees laid out as ``bench_scan.py`` lays them out, 100 photos an album:
100,000 photos then 1,000,000 (10,000 then 100,000 in quick mode), each
written into a temporary folder and removed before the next. On each, in a
fresh worker process with a fresh SQLite file, an initial scan (once); then,
in another fresh process on that database, a rescan with nothing changed
(best of three). Each process gives the time, the SQL queries and its peak
memory (its maximum resident size, Django and the migrations included).

The goals compare the larger size with the smaller: peak memory at most 1.5
times as large for each scan, and as many queries. This project only:
myks-gallery 0.9.1 takes minutes at this size, and its figures are in
``bench_scan.py``.
"""

import resource
import sys
import tempfile
import time
from pathlib import Path

PER_ALBUM = 100
ALBUMS = {False: (1_000, 10_000), True: (100, 1_000)}  # quick -> smaller, larger
MEMORY_GROWTH = 1.5  # at most, from the smaller size to the larger
SCANS = [("initial", "initial scan"), ("rescan", "rescan, nothing changed")]
RUNS = {"initial": 1, "rescan": 3}  # the best of how many, in one process
FIGURES = [  # key, label, unit
    ("seconds", "", "s"),
    ("queries", ", SQL queries", ""),
    ("peak_mb", ", peak memory", "MB"),
]


# Worker side: runs in a process of its own, never imports tests.


def worker(side, kind, root, database):
    """Scan ``root`` into ``database`` (``kind`` "initial" or "rescan"); its figures."""
    from baseline import best_time
    from workspace import (
        SCAN_TIME_ZONE,
        counted,
        folder_storages,
        scan,
        scan_settings,
        setup_django,
    )

    storages = folder_storages(root, database + ".cache")
    setup_django(storages, database=database, **scan_settings(SCAN_TIME_ZONE))
    queries = []
    seconds = best_time(counted(scan, queries), RUNS[kind])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from gallery.models import Photo

    figures = {"seconds": seconds, "queries": max(queries), "peak_mb": peak}
    return {**figures, "photos": Photo.objects.count()}


# Driver side.


def scans(albums, workdir):
    """Figures of each of :data:`SCANS` on a new tree of ``albums`` albums."""
    from tests.benchmarks.baseline import run_worker
    from tests.benchmarks.bench_scan import make_tree

    started = time.perf_counter()
    root, database = workdir / "photos", str(workdir / "gallery.sqlite3")
    make_tree(root, albums, PER_ALBUM)
    written = time.perf_counter()
    results = {
        kind: run_worker("current", __file__, kind, root, database) for kind, _ in SCANS
    }
    for figures in results.values():
        assert figures["photos"] == albums * PER_ALBUM, figures
    scanned = time.perf_counter()
    print(
        f"million: {albums * PER_ALBUM:,} photos: tree written in"
        f" {written - started:.0f} s, scanned in {scanned - written:.0f} s"
    )
    return results


def size_rows(albums, workdir):
    """The rows of one size, keyed ``"<photos> <scan> <figure>"``."""
    from tests.benchmarks.baseline import Row

    photos = albums * PER_ALBUM
    results = scans(albums, workdir)
    return [
        Row(
            f"{photos} {kind} {figure}",
            f"{label}{suffix}, {photos:,} photos",
            None,
            results[kind][figure],
            unit,
        )
        for kind, label in SCANS
        for figure, suffix, unit in FIGURES
    ]


def collect(quick=False):
    """Rows of both sizes, the smaller first; goals in :func:`goals`."""
    rows = []
    for albums in ALBUMS[quick]:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="bench-million-") as workdir:
            rows += size_rows(albums, Path(workdir))
        seconds = time.perf_counter() - started  # the tree's removal included
        print(f"million: {albums * PER_ALBUM:,} photos in {seconds:.0f} s in all")
    return rows


def goals(rows):
    """Memory and queries of each scan at the larger size against the smaller."""
    figures = {row.key: row.current for row in rows}
    sizes = sorted({int(key.split()[0]) for key in figures})
    return [
        goal(label, sizes, [figures[f"{size} {kind} {figure}"] for size in sizes])
        for kind, label in SCANS
        for figure, goal in (("peak_mb", memory_goal), ("queries", queries_goal))
    ]


def memory_goal(label, sizes, peaks):
    """The peak memory of scan ``label`` grows at most :data:`MEMORY_GROWTH` times."""
    from tests.benchmarks.baseline import Goal

    (small, large), (before, after) = sizes, peaks
    return Goal(
        f"{label}, peak memory at {large:,} <= {MEMORY_GROWTH}x at {small:,}",
        f"{after:.0f} vs {before:.0f} MB, {after / before:.2f}x",
        after <= MEMORY_GROWTH * before,
    )


def queries_goal(label, sizes, counts):
    """Scan ``label`` runs as many queries at both sizes."""
    from tests.benchmarks.baseline import Goal

    (small, large), (before, after) = sizes, counts
    return Goal(
        f"{label}, SQL queries at {large:,} == at {small:,}",
        f"{before} -> {after}",
        after == before,
    )


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main(sys.modules[__name__]))

"""The floor of an initial scan, against the scan itself, in the same run.

    .venv/bin/python tests/benchmarks/floor_scan.py [--albums N] [--photos N]

writes a tree as ``bench_scan.py`` does (default: 1,000 albums of 100
photos), then times, each in a fresh process on a fresh migrated SQLite
file, best of two:

* the floor: what any initial scan must do at least, with nothing but the
  standard library: ``os.scandir`` with ``stat`` of every file, one match of
  the pattern per path, and one ``executemany`` of the album rows and one of
  the photo rows through the ``sqlite3`` driver, in one transaction;
* ``scanphotos`` on the same tree.

It prints both times, their ratio and each process's peak memory.
"""

import argparse
import datetime
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def walk(root):
    """Yield ``(path relative to root, size, mtime)`` of every file, scandir + stat."""
    pending = [""]
    while pending:
        relative = pending.pop()
        prefix = f"{relative}/" if relative else ""
        with os.scandir(os.path.join(root, relative)) as entries:
            for entry in entries:
                if entry.is_file():
                    stat = entry.stat()
                    yield prefix + entry.name, stat.st_size, stat.st_mtime
                elif entry.is_dir():
                    pending.append(prefix + entry.name)


def floor(root, database, pattern):
    """Scan ``root`` into the migrated ``database`` the cheapest way; return s."""
    started = time.perf_counter()
    regex = re.compile(pattern)
    albums, photos = {}, []
    for path, size, mtime in walk(root):
        found = regex.match(path)
        if found is None:
            continue
        dirpath, _, filename = path.rpartition("/")
        if dirpath not in albums:
            date = f"{found['a_year']}-{found['a_month']}-{found['a_day']}"
            albums[dirpath] = (
                len(albums) + 1,
                "Photos",
                dirpath,
                date,
                found["a_name"],
            )
        taken = "{}-{}-{} {}:{}:{}".format(*found.group(*PHOTO_GROUPS))
        modified = datetime.datetime.fromtimestamp(mtime, datetime.UTC)
        photos.append(
            (albums[dirpath][0], filename, taken, size, modified.isoformat(" "), "")
        )
    connection = sqlite3.connect(database)
    with connection:
        connection.executemany(
            "INSERT INTO gallery_album (id, category, dirpath, date, name) "
            "VALUES (?, ?, ?, ?, ?)",
            sorted(albums.values(), key=lambda row: row[2]),
        )
        connection.executemany(
            "INSERT INTO gallery_photo (album_id, filename, date, size, modified, etag)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            photos,
        )
    connection.close()
    return time.perf_counter() - started


PHOTO_GROUPS = ("p_year", "p_month", "p_day", "p_hour", "p_minute", "p_second")


def worker(kind, root, database):
    """Migrate ``database``, then time one kind of scan; print JSON."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    from workspace import (
        SCAN_PATTERN,
        folder_storages,
        scan,
        scan_settings,
        setup_django,
    )

    storages = folder_storages(root, database + ".cache")
    setup_django(storages, database=database, **scan_settings("Europe/Paris"))
    if kind == "floor":
        seconds = floor(root, database, SCAN_PATTERN)
    else:
        started = time.perf_counter()
        scan()
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


def measure(kind, root, workdir, number):
    database = str(workdir / f"{kind}{number}.sqlite3")
    command = [sys.executable, __file__, "--worker", kind, str(root), database]
    output = subprocess.run(command, capture_output=True, text=True, check=False)
    if output.returncode:
        raise RuntimeError(f"the {kind} worker failed:\n{output.stderr}")
    return json.loads(output.stdout.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--albums", type=int, default=1_000)
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "ROOT", "DATABASE"))
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    from bench_scan import make_tree

    with tempfile.TemporaryDirectory(prefix="bench-floor-") as workdir:
        workdir = Path(workdir)
        root = workdir / "photos"
        make_tree(root, args.albums, args.photos)
        best = {}
        for number in range(2):
            for kind in ("floor", "scan"):
                result = measure(kind, root, workdir, number)
                if kind not in best or result["seconds"] < best[kind]["seconds"]:
                    best[kind] = result
    floor_, scan = best["floor"], best["scan"]
    print(f"{args.albums * args.photos:,} photos in {args.albums:,} albums")
    print(f"floor: {floor_['seconds']:.2f} s, {floor_['peak_mb']:.0f} MB peak")
    print(f"scan:  {scan['seconds']:.2f} s, {scan['peak_mb']:.0f} MB peak")
    print(f"scan / floor: {scan['seconds'] / floor_['seconds']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

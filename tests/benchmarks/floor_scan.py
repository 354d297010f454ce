"""The floor of an initial scan, against the scan itself, in the same run.

    .venv/bin/python tests/benchmarks/floor_scan.py [--albums N] [--photos N]

writes a tree as ``bench_scan.py`` does (default: 1,000 albums of 100
photos), then times, each in a fresh process on a fresh migrated SQLite
file, best of two:

* the floor: what any initial scan must do at least, with nothing but the
  standard library: ``os.scandir`` with ``stat`` of every file, one match of
  the pattern per path, and one ``executemany`` of the album rows and one of
  the photo rows through the ``sqlite3`` driver, in one transaction, with the
  foreign keys checked as Django's connections do;
* ``scanphotos`` on the same tree.

It prints both times, their ratio, each process's peak memory, and whether
both wrote the same rows. ``bench_scan.py`` times :func:`floor` beside the
initial scan of its workers too; they import this module, which needs nothing
but the standard library at import time.
"""

import argparse
import datetime
import gc
import hashlib
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PHOTO_GROUPS = ("p_year", "p_month", "p_day", "p_hour", "p_minute", "p_second")
# The rows of a table that a scan writes, without their ids, in one order.
WRITTEN_ROWS = (
    "SELECT a.category, a.dirpath, a.date, a.name, p.filename, p.date, p.size,"
    " p.modified, p.etag, p.width, p.height, p.placeholder"
    " FROM gallery_photo p JOIN gallery_album a ON a.id = p.album_id"
    " ORDER BY a.category, a.dirpath, p.filename"
)


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


def floor(root, database, pattern, time_zone):
    """Scan ``root`` into the migrated ``database`` the cheapest way; return s.

    The rows are those of a scan with ``pattern`` as the only entry of
    ``GALLERY_PATTERNS`` (category "Photos") and ``time_zone`` as
    ``TIME_ZONE``: photo dates in that zone, stored in UTC as Django does.
    Python's cycle collector pauses meanwhile, as it does during a scan.
    """
    started = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()  # as the scan does: its objects hold no cycles
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
        albums, photos = rows(root, re.compile(pattern), zone)
        insert(database, albums, photos)
    finally:
        if collecting:
            gc.enable()
    return time.perf_counter() - started


def rows(root, regex, zone):
    """The album rows (a dict by path) and photo rows of the files of ``root``."""
    utc = datetime.UTC
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
        taken = datetime.datetime(*map(int, found.group(*PHOTO_GROUPS)), tzinfo=zone)
        taken = str(taken.astimezone(utc))[:-6]  # Django's text, without "+00:00"
        modified = str(datetime.datetime.fromtimestamp(mtime, utc))[:-6]
        photos.append((albums[dirpath][0], filename, taken, size, modified, ""))
    return albums, photos


def insert(database, albums, photos):
    """Insert the rows of :func:`rows` in one transaction, keys checked."""
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA foreign_keys = ON")  # as Django's connections
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


def rows_digest(database):
    """A digest of the album and photo rows of ``database``, ids left out."""
    connection = sqlite3.connect(database)
    digest = hashlib.sha256()
    for row in connection.execute(WRITTEN_ROWS):
        digest.update(repr(row).encode())
    connection.close()
    return digest.hexdigest()


def worker(kind, root, database):
    """Migrate ``database``, then time one kind of scan; print JSON."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    from workspace import (
        SCAN_PATTERN,
        SCAN_TIME_ZONE,
        folder_storages,
        scan,
        scan_settings,
        setup_django,
    )

    storages = folder_storages(root, database + ".cache")
    setup_django(storages, database=database, **scan_settings(SCAN_TIME_ZONE))
    if kind == "floor":
        seconds = floor(root, database, SCAN_PATTERN, SCAN_TIME_ZONE)
    else:
        started = time.perf_counter()
        scan()
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    digest = rows_digest(database)
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "rows": digest}))


def measure(kind, root, workdir, number):
    """The figures of one ``kind`` of scan of ``root``, in a fresh process."""
    database = str(workdir / f"{kind}{number}.sqlite3")
    command = [sys.executable, __file__, "--worker", kind, str(root), database]
    output = subprocess.run(command, capture_output=True, text=True, check=False)
    if output.returncode:
        raise RuntimeError(f"the {kind} worker failed:\n{output.stderr}")
    return json.loads(output.stdout.splitlines()[-1])


def main():
    """Time the floor and the scan of a new tree, in turn, twice; print them."""
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
    print(f"same rows: {'yes' if floor_['rows'] == scan['rows'] else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scanning an S3 bucket of a million photos: requests, time, memory, progress.

Run alone: ``.venv/bin/python tests/benchmarks/bench_s3_million.py [--quick]``.
The driver starts moto's S3 server on 127.0.0.1 with 1,000,000 photos in
10,000 albums (5,000 in 50 in quick mode), listed from an index (see
``moto_bucket``). One worker process of this project (0.9.1 is not run at
this size) scans the bucket through django-storages' ``S3Storage`` into a
new SQLite database, once, with a progress callback: the requests it sends,
its time (the listing's part too, and the worker's CPU time, which leaves
out moto's), its peak memory and the progress it reported while listing.
Most of the listing time is moto's: it serialises each key of a page
through botocore's date parser, about 0.2 s a page of 1,000 keys.
"""

import math
import resource
import sys
import tempfile
import time
from pathlib import Path

SIZES = {False: (10_000, 100), True: (50, 100)}  # quick -> (albums, photos each)
PAGE = 1_000  # keys in a ListObjectsV2 response, the most S3 returns
EXTRA_REQUESTS = 2  # "about keys / 1,000": a few more listings are allowed
MEASURES = [  # key, label ({size}: the number of keys), unit
    ("list_requests", "S3 scan, {size}: ListObjectsV2 requests", ""),
    ("requests", "S3 scan: all requests", ""),
    ("seconds", "S3 scan time", "s"),
    ("list_seconds", "S3 scan: listing done after", "s"),
    ("cpu_seconds", "S3 scan: worker CPU time", "s"),
    ("peak_mb", "S3 scan: peak memory (worker)", "MB"),
    ("progress_calls", "S3 scan: progress calls while listing", ""),
    ("progress_last", "S3 scan: last count while listing", "k"),
]


# Worker side: runs under this project's interpreter, never imports tests.


def worker(side, endpoint, workdir):
    """Scan the bucket at ``endpoint`` into a new database; return the figures."""
    from bench_s3 import counting_storage
    from django.core.files.storage import InMemoryStorage
    from workspace import fresh_database, scan_settings, setup_django

    sent, made = [], []

    def storages():  # S3Storage reads the settings: made once they are configured
        made.append(counting_storage(endpoint, sent))
        return made[0], InMemoryStorage()

    database = fresh_database(workdir, side)
    setup_django(storages, database=database, **scan_settings("UTC"))
    return measure(made[0], sent)


def measure(storage, sent):
    """Scan ``storage`` once (its requests go into ``sent``); return the figures."""
    import gallery
    from gallery.models import Photo
    from gallery.scanning import scan

    calls, started, cpu = [], time.perf_counter(), time.process_time()

    def progress(phase, done, total):
        calls.append((phase, done, time.perf_counter() - started))

    report = scan(storage, progress=progress)
    results = {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": peak_mb(),
        "requests": len(sent),
        "list_requests": sent.count("ListObjectsV2"),
        "photos": Photo.objects.count(),
        "errors": report.errors,
        "gallery": gallery.__file__,
    }
    return results | listing_progress(calls)


def peak_mb():
    """The peak resident memory of this process since it started its program, in MB.

    Linux carries ``ru_maxrss`` over from the process that started this one,
    and the driver holds the server's million keys (about 4 GB): its own
    high-water mark (``VmHWM``) starts anew with the program.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # not Linux: the best there is
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def listing_progress(calls):
    """Figures of the ``(phase, done, seconds)`` progress calls of the listing."""
    listing = [(done, seconds) for phase, done, seconds in calls if phase == "list"]
    last, seconds = listing[-1] if listing else (None, None)
    return {
        "progress_calls": len(listing),
        "progress_last": last,
        "list_seconds": seconds,
        "phases": list(dict.fromkeys(phase for phase, _, _ in calls)),
    }


# Driver side.


def run(albums, per_album):
    """The worker's figures on a bucket of ``albums`` of ``per_album`` photos."""
    from tests.benchmarks.baseline import ROOT, run_worker
    from tests.benchmarks.bench_s3 import BUCKET, WORKER_ENV
    from tests.benchmarks.moto_bucket import running_server
    from tests.benchmarks.workspace import photo_names

    names = photo_names(albums, per_album)
    with (
        running_server(BUCKET, names, indexed=True) as endpoint,
        tempfile.TemporaryDirectory(prefix="bench-s3-million-") as workdir,
    ):
        result = run_worker("current", __file__, endpoint, workdir, env=WORKER_ENV)
    phases = ", ".join(result["phases"])
    print(f"s3_million: scanned with {result['gallery']}, progress of {phases}")
    assert Path(result["gallery"]).is_relative_to(ROOT), result["gallery"]
    assert result["photos"] == albums * per_album and not result["errors"], result
    return result


def collect(quick=False):
    """Rows of :data:`MEASURES`, this project alone; goals in :func:`goals`.

    Counts of keys are in thousands ("k"), which the table prints in full.
    """
    from tests.benchmarks.baseline import Row

    albums, per_album = SIZES[quick]
    result = run(albums, per_album)
    result["keys"] = result["photos"]
    size = f"{albums * per_album:,} keys"
    measures = [*MEASURES, ("keys", "S3 scan: keys in the bucket", "k")]
    return [
        Row(key, label.format(size=size), None, thousands(result[key], unit), unit)
        for key, label, unit in measures
    ]


def thousands(value, unit):
    """``value`` in the ``unit`` of its row: thousands for "k"."""
    return value / 1000 if unit == "k" and value is not None else value


def goals(rows):
    """About keys / 1,000 listings; progress after each page, ending at every key."""
    from tests.benchmarks.baseline import Goal, by_key

    rows = by_key(rows)
    keys, listings = round(rows["keys"].current * 1000), rows["list_requests"].current
    budget = math.ceil(keys / PAGE) + EXTRA_REQUESTS
    calls, last = rows["progress_calls"].current, rows["progress_last"].current
    last = None if last is None else round(last * 1000)
    return [
        Goal(
            f"S3 listings <= keys / {PAGE:,} + {EXTRA_REQUESTS} ({budget:,})",
            f"{listings:,}",
            listings <= budget,
        ),
        Goal(
            "S3 listing progress after each page, last count = keys",
            f"{calls:,} calls, last {last or 0:,}",
            calls >= listings and last == keys,
        ),
    ]


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main(sys.modules[__name__]))

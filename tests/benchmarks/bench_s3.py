"""Scanning an S3 photo bucket: this project against myks-gallery 0.9.1.

Run alone: ``.venv/bin/python tests/benchmarks/bench_s3.py [--quick]``.
The driver starts moto's S3 server on 127.0.0.1 and fills a bucket with
10,000 photos in 200 albums (1,000 in 20 in quick mode). Each side runs
``scanphotos`` twice against it in its own worker process (fresh SQLite
database) through django-storages' ``S3Storage``: initial scan, then a rescan
with nothing changed, counting the HTTP requests each sends and timing it.
The baseline virtualenv holds django-storages and boto3 for 0.9.1's side.
"""

import io
import logging
import sys
import tempfile
import time
from pathlib import Path

SIZES = {False: (200, 50), True: (20, 50)}  # quick -> (albums, photos each)
BUCKET = "photos"
CREDENTIALS = {"access_key": "bench", "secret_key": "bench", "region_name": "us-east-1"}
# Credentials are explicit: never look for an instance's metadata service.
WORKER_ENV = {"AWS_EC2_METADATA_DISABLED": "true"}
REQUEST_BUDGET = 12  # "about a dozen" requests for 10,000 photos in 200 albums


def keys(albums, per_album):
    for number in range(albums):
        year, month, day = 2000 + number // 336, number // 28 % 12 + 1, number % 28 + 1
        directory = f"{year}/{month:02d}_{day:02d}_Album {number}"
        for second in range(per_album):
            hms = f"00-{second // 60:02d}-{second % 60:02d}"
            yield f"{directory}/{year}-{month:02d}-{day:02d}_{hms}.jpg"


# Worker side: runs under the interpreter of one side, never imports tests.


def counting_storage(endpoint):
    """An ``S3Storage`` on the bench bucket and the list of requests it sends."""
    from storages.backends.s3 import S3Storage

    sent = []
    storage = S3Storage(bucket_name=BUCKET, endpoint_url=endpoint, **CREDENTIALS)
    create_session = storage._create_session

    def session():
        made = create_session()
        made.events.register("before-send.s3", lambda **kwargs: sent.append(1))
        return made

    storage._create_session = session
    return storage, sent


def setup_django(endpoint, database):
    """Set Django up on ``database``; return the list of S3 requests sent."""
    from django.core.files.storage import InMemoryStorage
    from workspace import setup_scan

    sent = None

    def storages():
        nonlocal sent
        storage, sent = counting_storage(endpoint)
        return storage, InMemoryStorage()

    setup_scan(database, "UTC", storages)
    return sent


def scan(sent):
    """Run ``scanphotos``; return (requests, seconds)."""
    from django.core.management import call_command

    before, started = len(sent), time.perf_counter()
    out = io.StringIO()
    call_command("scanphotos", verbosity=0, stdout=out, stderr=out)
    return len(sent) - before, time.perf_counter() - started


def worker(side, endpoint, workdir):
    sent = setup_django(endpoint, str(Path(workdir) / f"{side}.sqlite3"))
    from gallery.models import Photo

    initial, initial_seconds = scan(sent)
    photos = Photo.objects.count()
    rescan, rescan_seconds = scan(sent)
    return {
        "photos": photos,
        "initial": initial,
        "initial_seconds": initial_seconds,
        "rescan": rescan,
        "rescan_seconds": rescan_seconds,
    }


# Driver side.


def start_server(albums, per_album):
    """Start moto's S3 server with the bucket filled; return it and its URL."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    backend.create_bucket(BUCKET, "us-east-1")
    for key in keys(albums, per_album):  # in-process: HTTP uploads are slow
        backend.put_object(BUCKET, key, b"j")
    return server, f"http://{host}:{port}"


def collect(quick=False):
    """Return rows ``(label, baseline, current, unit)``; goals in ``goals()``."""
    from tests.benchmarks.baseline import compare

    albums, per_album = SIZES[quick]
    server, endpoint = start_server(albums, per_album)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-s3-") as workdir:
            results = compare(__file__, endpoint, workdir, env=WORKER_ENV)
    finally:
        server.stop()
    base, cur = results["baseline"], results["current"]
    for side in results.values():
        assert side["photos"] == albums * per_album, side
    size = f"{albums * per_album:,} photos in {albums} albums"
    return [
        (f"S3 scan requests, {size}", base["initial"], cur["initial"], ""),
        ("S3 rescan requests, nothing changed", base["rescan"], cur["rescan"], ""),
        ("S3 scan time", base["initial_seconds"], cur["initial_seconds"], "s"),
        ("S3 rescan time", base["rescan_seconds"], cur["rescan_seconds"], "s"),
    ]


def goals(rows):
    """``(goal, verdict, ok)`` for the goals of the S3 issue."""
    initial, rescan = rows[0][2], rows[1][2]
    return [
        (
            f"S3 scan requests <= {REQUEST_BUDGET}",
            f"{initial}",
            initial <= REQUEST_BUDGET,
        ),
        ("S3 rescan requests as many as the scan", f"{rescan}", rescan == initial),
    ]


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main("Scanning an S3 photo bucket", collect, worker, goals))

"""Scanning an S3 photo storage: requests sent by this project and by 0.9.1.

Run alone: ``.venv/bin/python tests/benchmarks/bench_s3.py [--quick]``.
The driver starts moto's S3 server on 127.0.0.1 and fills a bucket; each side
runs ``scanphotos`` twice (initial scan, then nothing changed) against it
through django-storages' ``S3Storage`` and counts the HTTP requests it sends.
The baseline virtualenv has no boto3: the worker borrows django-storages and
boto3 from this project's virtualenv through a folder of links.
"""

import argparse
import io
import json
import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

PATTERN = (
    r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/"
    r"(?P<p_year>\d{4})-(?P<p_month>\d{2})-(?P<p_day>\d{2})_"
    r"(?P<p_hour>\d{2})-(?P<p_minute>\d{2})-(?P<p_second>\d{2})\.jpg"
)
SIZES = {False: (200, 50), True: (20, 50)}  # quick -> (albums, photos each)
BORROWED = ["boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3"]
BORROWED.append("storages")
BUCKET = "photos"
APPS = ["gallery", "django.contrib.auth", "django.contrib.contenttypes"]
CREDENTIALS = {"access_key": "bench", "secret_key": "bench", "region_name": "us-east-1"}


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
    storage._connections = threading.local()
    return storage, sent


def setup_django(database):
    import django
    from django.conf import settings
    from django.core.files.storage import InMemoryStorage

    settings.configure(
        INSTALLED_APPS=APPS,
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database}
        },
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
        TIME_ZONE="UTC",
        GALLERY_PATTERNS=(("Photos", PATTERN),),
    )
    django.setup()
    settings.GALLERY_CACHE_STORAGE = InMemoryStorage()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def scan(sent):
    """Run ``scanphotos``; return (requests, seconds)."""
    from django.core.management import call_command

    before, started = len(sent), time.perf_counter()
    out = io.StringIO()
    call_command("scanphotos", verbosity=0, stdout=out, stderr=out)
    return len(sent) - before, time.perf_counter() - started


def worker(endpoint, database):
    from django.conf import settings

    setup_django(database)
    storage, sent = counting_storage(endpoint)
    settings.GALLERY_PHOTO_STORAGE = storage
    from gallery.models import Photo

    initial, initial_seconds = scan(sent)
    photos = Photo.objects.count()
    rescan, rescan_seconds = scan(sent)
    result = {
        "photos": photos,
        "initial": initial,
        "initial_seconds": initial_seconds,
        "rescan": rescan,
        "rescan_seconds": rescan_seconds,
    }
    print(json.dumps(result))


# Driver side.


def borrowed_packages(folder):
    """A folder linking the S3 packages of this interpreter, for the baseline."""
    import boto3

    site = Path(boto3.__file__).resolve().parents[1]
    for name in BORROWED:
        (folder / name).symlink_to(site / name)
    return folder


def start_server(albums, per_album):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    backend.create_bucket(BUCKET, "us-east-1")
    for key in keys(albums, per_album):
        backend.put_object(BUCKET, key, b"j")
    return server, f"http://{host}:{port}"


def collect(quick=False):
    """Return rows ``(label, baseline, current, unit)``."""
    from tests.benchmarks.baseline import run_worker

    albums, per_album = SIZES[quick]
    server, endpoint = start_server(albums, per_album)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-s3-") as workdir:
            workdir = Path(workdir)
            links = borrowed_packages(Path(workdir))
            env = {
                "PYTHONPATH": str(links),
                "AWS_EC2_METADATA_DISABLED": "true",
            }
            results = {
                side: run_worker(side, __file__, endpoint, workdir / side, env=env)
                for side in ("baseline", "current")
            }
    finally:
        server.stop()
    base, cur = results["baseline"], results["current"]
    for side in results.values():
        assert side["photos"] == albums * per_album, side
    size = f"{albums * per_album:,} photos in {albums} albums"
    return [
        (f"scan requests, {size}", base["initial"], cur["initial"], ""),
        ("rescan requests, nothing changed", base["rescan"], cur["rescan"], ""),
        ("scan time against S3", base["initial_seconds"], cur["initial_seconds"], "s"),
    ]


def goals(rows):
    """``(description, ok)`` for the goals of the S3 issue."""
    initial, rescan = rows[0][2], rows[1][2]
    return [
        (f"{initial} requests for the scan (goal <= 12)", initial <= 12),
        (f"{rescan} requests for the rescan (goal: the same)", rescan == initial),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker")
    args, rest = parser.parse_known_args()
    if args.worker:
        worker(*rest)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    from tests.benchmarks.baseline import print_table

    rows = collect(quick=args.quick)
    print_table("Scanning an S3 photo storage", rows)
    for description, ok in goals(rows):
        print(f"  {'OK  ' if ok else 'FAIL'} {description}")


if __name__ == "__main__":
    main()

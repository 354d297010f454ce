"""Scanning an S3 photo bucket: this project against myks-gallery 0.9.1.

Run alone: ``.venv/bin/python tests/benchmarks/bench_s3_scan.py [--quick]``.
The driver starts moto's S3 server on 127.0.0.1 and fills a bucket; each side
scans it in its own worker process (fresh SQLite database) through
django-storages' ``S3Storage``, counting the HTTP requests it sends: initial
scan, then a rescan with nothing changed. The 0.9.1 side needs django-storages
and boto3, so it runs in a virtualenv of its own, ``.venv-baseline-s3``
(``GALLERY_S3_BASELINE_VENV``), created on first use.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PATTERN = (
    r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/"
    r"(?P<p_year>\d{4})-(?P<p_month>\d{2})-(?P<p_day>\d{2})_"
    r"(?P<p_hour>\d{2})-(?P<p_minute>\d{2})-(?P<p_second>\d{2})\.jpg"
)
SIZES = {False: (200, 50), True: (40, 50)}  # quick -> (albums, photos each)
BUCKET = "bench-photos"
CREDENTIALS = {"access_key": "bench", "secret_key": "bench"}


# Worker side: runs under the interpreter of one side, never imports tests.


def counted_storage(endpoint_url, operations):
    """An ``S3Storage`` on the bucket; appends each request's operation."""
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        bucket_name=BUCKET,
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        signature_version="s3v4",
        **CREDENTIALS,
    )
    create_session = storage._create_session

    def hooked_session():
        session = create_session()
        session.events.register(
            "before-send.s3",
            lambda event_name, **kwargs: operations.append(event_name.split(".")[-1]),
        )
        return session

    storage._create_session = hooked_session
    return storage


def setup_django(endpoint_url, operations, database):
    import django
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage

    settings.configure(
        INSTALLED_APPS=[
            "gallery",
            "django.contrib.auth",
            "django.contrib.contenttypes",
        ],
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database}
        },
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
        TIME_ZONE="Europe/Paris",
        GALLERY_CACHE_STORAGE=FileSystemStorage(location=database + ".cache"),
        GALLERY_PATTERNS=(("Photos", PATTERN),),
    )
    # S3Storage reads AWS_* settings: build it once settings are configured.
    settings.GALLERY_PHOTO_STORAGE = counted_storage(endpoint_url, operations)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def scan(operations):
    """Run ``scanphotos``; return (seconds, requests)."""
    from django.core.management import call_command

    operations.clear()
    out = io.StringIO()
    started = time.perf_counter()
    call_command("scanphotos", verbosity=0, stdout=out, stderr=out)
    return time.perf_counter() - started, len(operations)


def worker(endpoint_url, database):
    operations = []
    setup_django(endpoint_url, operations, database)
    from gallery.models import Photo

    initial, initial_requests = scan(operations)
    photos = Photo.objects.count()
    rescan, rescan_requests = scan(operations)
    result = {
        "photos": photos,
        "initial": initial,
        "initial_requests": initial_requests,
        "rescan": rescan,
        "rescan_requests": rescan_requests,
    }
    print(json.dumps(result))


# Driver side.


def baseline_python():
    """Interpreter of 0.9.1 with django-storages, created when missing."""
    from tests.benchmarks.baseline import BASELINE_REQUIREMENTS

    default = ROOT / ".venv-baseline-s3"
    path = Path(os.environ.get("GALLERY_S3_BASELINE_VENV", default))
    python = path / "bin" / "python"
    if not (path / ".installed").exists():
        venv.create(path, with_pip=True, clear=True)
        requirements = [*BASELINE_REQUIREMENTS, "django-storages[s3]", "boto3"]
        pip = [python, "-m", "pip", "install", "--quiet", *requirements]
        subprocess.run(pip, check=True)
        (path / ".installed").touch()
    return str(python)


def run_worker(side, endpoint_url, database):
    python = sys.executable if side == "current" else baseline_python()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and k[:4] != "AWS_"}
    command = [python, __file__, "--worker", side, endpoint_url, str(database)]
    result = subprocess.run(
        command, env=env, cwd=Path(__file__).parent, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"{side} worker failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def photo_keys(albums, per_album):
    for number in range(albums):
        month, day = number // 28 % 12 + 1, number % 28 + 1
        folder = f"2013/{month:02d}_{day:02d}_Album {number}"
        for index in range(per_album):
            minute, second = divmod(index, 60)
            time = f"10-{minute:02d}-{second:02d}"
            yield f"{folder}/2013-{month:02d}-{day:02d}_{time}.jpg"


def seeded_server(albums, per_album):
    """Start moto's S3 server with the bucket filled; return it."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    backend.create_bucket(BUCKET, "us-east-1")
    for key in photo_keys(albums, per_album):  # in-process: HTTP uploads are slow
        backend.put_object(BUCKET, key, b"jpeg")
    return server


def collect(quick=False):
    """Return rows ``(label, baseline, current, unit)``; goals in ``goals()``."""
    albums, per_album = SIZES[quick]
    server = seeded_server(albums, per_album)
    host, port = server.get_host_and_port()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-s3-scan-") as workdir:
            results = {
                side: run_worker(side, f"http://{host}:{port}", Path(workdir) / side)
                for side in ("baseline", "current")
            }
    finally:
        server.stop()
    base, cur = results["baseline"], results["current"]
    for side in results.values():
        assert side["photos"] == albums * per_album, side
    size = f"{albums * per_album:,} photos, {albums} albums"
    return [
        (f"S3 scan, {size}", base["initial"], cur["initial"], "s"),
        (
            "S3 scan, HTTP requests",
            base["initial_requests"],
            cur["initial_requests"],
            "",
        ),
        ("S3 rescan, nothing changed", base["rescan"], cur["rescan"], "s"),
        (
            "S3 rescan, HTTP requests",
            base["rescan_requests"],
            cur["rescan_requests"],
            "",
        ),
    ]


def goals(rows):
    """Return ``(goal, verdict, ok)`` for each goal of the S3 issue."""
    requests = rows[1][2]
    budget = 12  # "about a dozen" for 10,000 photos in 200 albums
    return [("S3 scan requests <= about a dozen", f"{requests}", requests <= budget)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker")
    args, rest = parser.parse_known_args()
    if args.worker:
        worker(*rest)
        return
    sys.path.insert(0, str(ROOT))
    from tests.benchmarks.baseline import print_table

    rows = collect(quick=args.quick)
    print_table("Scanning an S3 bucket", rows)
    for goal, verdict, ok in goals(rows):
        print(f"{goal:<44} {verdict:>20}  {'OK' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()

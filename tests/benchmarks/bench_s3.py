"""Scanning an S3 photo bucket: this project against myks-gallery 0.9.1.

Run alone: ``.venv/bin/python tests/benchmarks/bench_s3.py [--quick]``.
The driver starts moto's S3 server on 127.0.0.1 and fills a bucket with
10,000 photos in 200 albums (1,000 in 20 in quick mode). Each side scans it
in its own worker process (fresh SQLite database) through django-storages'
``S3Storage``: an initial scan, twice into emptied tables, then rescans with
nothing changed, counting the HTTP requests each sends and timing it (best
of the runs). The baseline virtualenv holds django-storages and boto3.
"""

import sys
import tempfile

SIZES = {False: (200, 50), True: (20, 50)}  # quick -> (albums, photos each)
BUCKET = "photos"
CREDENTIALS = {"access_key": "bench", "secret_key": "bench", "region_name": "us-east-1"}
# Credentials are explicit: never look for an instance's metadata service.
WORKER_ENV = {"AWS_EC2_METADATA_DISABLED": "true"}
REQUEST_BUDGET = 12  # "about a dozen" requests for 10,000 photos in 200 albums


# Worker side: runs under the interpreter of one side, never imports tests.


def counting_storage(endpoint, sent):
    """An ``S3Storage`` on the bench bucket; the operation name of each request
    sent (such as "ListObjectsV2") goes into ``sent``."""
    from storages.backends.s3 import S3Storage

    storage = S3Storage(bucket_name=BUCKET, endpoint_url=endpoint, **CREDENTIALS)
    create_session = storage._create_session

    def count(event_name, **kwargs):  # "before-send.s3.ListObjectsV2"
        sent.append(event_name.rsplit(".", 1)[-1])

    def session():
        made = create_session()
        made.events.register("before-send.s3", count)
        return made

    storage._create_session = session
    return storage


def worker(side, endpoint, workdir):
    """Scan the bucket at ``endpoint`` into a new database; return the figures."""
    from django.core.files.storage import InMemoryStorage
    from workspace import fresh_database, scan_settings, setup_django

    sent = []

    def storages():  # S3Storage reads the settings: made once they are configured
        return counting_storage(endpoint, sent), InMemoryStorage()

    database = fresh_database(workdir, side)
    setup_django(storages, database=database, **scan_settings("UTC"))
    return measure(sent)


def measure(sent):
    """Requests (added to ``sent``) and times of the initial scan and a rescan."""
    from baseline import best_time
    from workspace import empty_gallery_tables, scan

    from gallery.models import Photo

    initial, rescan = [], []
    seconds = best_time(requests(scan, sent, initial), 2, empty_gallery_tables)
    results = {"initial_seconds": seconds, "photos": Photo.objects.count()}
    results["rescan_seconds"] = best_time(requests(scan, sent, rescan), 2)
    return {**results, "initial": initial[0], "rescan": rescan[0]}


def requests(function, sent, counts):
    """``function``, appending the number of requests of each call to ``counts``."""

    def counted():
        before = len(sent)
        function()
        counts.append(len(sent) - before)

    return counted


# Driver side.


def collect(quick=False):
    """Rows of requests and times; goals in :func:`goals`."""
    from tests.benchmarks.baseline import compare, rows_of
    from tests.benchmarks.moto_bucket import running_server
    from tests.benchmarks.workspace import photo_names

    albums, per_album = SIZES[quick]
    with (
        running_server(BUCKET, photo_names(albums, per_album)) as endpoint,
        tempfile.TemporaryDirectory(prefix="bench-s3-") as workdir,
    ):
        results = compare(__file__, endpoint, workdir, env=WORKER_ENV)
    for side in results.values():
        assert side["photos"] == albums * per_album, side
    size = f"{albums * per_album:,} photos in {albums} albums"
    measures = [
        ("initial", f"S3 scan requests, {size}", ""),
        ("rescan", "S3 rescan requests, nothing changed", ""),
        ("initial_seconds", "S3 scan time", "s"),
        ("rescan_seconds", "S3 rescan time", "s"),
    ]
    return rows_of(results, measures)


def goals(rows):
    """One :class:`~baseline.Goal` a goal of the S3 issue."""
    from tests.benchmarks.baseline import Goal, by_key

    rows = by_key(rows)
    initial, rescan = rows["initial"].current, rows["rescan"].current
    return [
        Goal(
            f"S3 scan requests <= {REQUEST_BUDGET}",
            f"{initial}",
            initial <= REQUEST_BUDGET,
        ),
        Goal("S3 rescan requests as many as the scan", f"{rescan}", rescan == initial),
    ]


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main(sys.modules[__name__]))

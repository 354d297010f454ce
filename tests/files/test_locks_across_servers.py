"""The scan lock and the resize lock hold between processes sharing PostgreSQL.

Each worker process stands for an app server: it shares the database with
the others, but has a temporary directory of its own (its own disk).
"""

import os
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.db import connection

from tests.lock_worker import LOCK_CACHES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOLD = 1.0  # seconds each worker keeps the lock

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="locks across servers are tested on PostgreSQL (make test-postgresql)",
    ),
]


def run_workers(kind, disks, count=3):
    """Start ``count`` workers at once; return their (acquired, released) times."""
    database = connection.settings_dict["NAME"]
    command = [sys.executable, "-m", "tests.lock_worker", kind, database, str(HOLD)]
    workers = []
    for number in range(count):
        disk = disks / f"server{number}"
        disk.mkdir()
        environ = {**os.environ, "TMPDIR": str(disk)}
        workers.append(
            subprocess.Popen(
                command, cwd=ROOT, env=environ, stdout=subprocess.PIPE, text=True
            )
        )
    intervals = []
    for worker in workers:
        output, _ = worker.communicate(timeout=60)
        assert worker.returncode == 0, output
        times = dict(line.split() for line in output.splitlines())
        intervals.append((float(times["acquired"]), float(times["released"])))
    return sorted(intervals)


def overlapping(intervals):
    """Pairs of consecutive intervals that overlap."""
    pairs = zip(intervals, intervals[1:], strict=False)
    return [(a, b) for a, b in pairs if b[0] < a[1]]


@pytest.fixture
def lock_cache(settings):
    settings.CACHES = LOCK_CACHES
    call_command("createcachetable", "gallery_locks", verbosity=0)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS gallery_locks")


def test_scan_lock_holds_across_servers(tmp_path):
    started = time.monotonic()

    assert overlapping(run_workers("scan", tmp_path)) == []

    assert time.monotonic() - started >= 3 * HOLD


def test_resize_lock_holds_across_servers_with_a_database_cache(lock_cache, tmp_path):
    started = time.monotonic()

    assert overlapping(run_workers("resize", tmp_path)) == []

    assert time.monotonic() - started >= 3 * HOLD


def test_local_file_lock_does_not_hold_across_servers(lock_cache, tmp_path):
    # Why GALLERY_LOCK_CACHE is needed with several servers, and proof that
    # the tests above would see workers holding a lock at the same time.
    assert overlapping(run_workers("resize-local", tmp_path)) != []

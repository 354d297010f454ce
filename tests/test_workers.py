"""Scans as background tasks, run by real workers of the database backend.

The site (``tests.settings.server``) and its workers are processes of their
own sharing a database, as app servers do: a SQLite file, or, in a run on
PostgreSQL, the test database.
"""

import time

import pytest
from django.db import connection

from tests.fixtures.servers import GallerySite, TaskWorker

pytestmark = [
    pytest.mark.component,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),  # for the database of a PostgreSQL run
]

ALBUMS = [f"2013/01_{day:02d}_Day {day}" for day in range(1, 6)]


def photo_name(album, number):
    day = album.split("_")[1]
    return f"{album}/2013-01-{day}_10-00-{number:02d}.jpg"


@pytest.fixture
def task_site(tmp_path, monkeypatch):
    if connection.vendor == "postgresql":  # the site and workers use it too
        monkeypatch.setenv("GALLERY_SERVER_DB_NAME", connection.settings_dict["NAME"])
    site = GallerySite(tmp_path / "site")
    site.env.update(GALLERY_SERVER_TASKS="1", GALLERY_SERVER_STALE="1")
    for album in ALBUMS:
        for number in range(3):
            site.add_photo_file(photo_name(album, number), b"not decoded by a scan")
    return site


@pytest.fixture
def workers(task_site):
    started = []

    def start(*args):
        started.append(TaskWorker(task_site, *args))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


def queue_scan(site):
    """Queue a scan as the admin does; return the pk of its run."""
    return int(
        site.django("""
            from gallery.scanning import runs
            from gallery.tasks import enqueue, scan_photos
            run = runs.start("admin")
            enqueue(scan_photos, run.pk)
            print(run.pk)
        """)
    )


def run_states(site):
    return site.django("""
        from gallery.models import ScanRun
        from gallery.scanning import runs
        runs.settle_stale()
        print(*ScanRun.objects.order_by("pk").values_list("state", flat=True))
    """).split()


def rows(site):
    return site.django("""
        from gallery.models import Album, Photo
        print(Album.objects.count(), Photo.objects.count())
    """).split()


def wait_until(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {timeout} s"
        time.sleep(0.1)


def test_two_workers_run_two_scans_one_after_the_other(task_site, workers):
    workers()
    workers()
    queue_scan(task_site)
    queue_scan(task_site)

    wait_until(lambda: run_states(task_site) == ["done", "done"], "both scans done")

    assert rows(task_site) == ["5", "15"]
    summaries = task_site.django("""
        from gallery.models import ScanRun
        for run in ScanRun.objects.order_by("pk"):
            print(run.counts["photos_added"])
    """).split()
    assert sorted(summaries) == ["0", "15"]  # the second waited for the first


def test_a_worker_killed_mid_scan_changes_nothing_and_the_run_fails(task_site, workers):
    marker = task_site.run_dir / "applied"
    worker = workers(str(marker))
    queue_scan(task_site)
    wait_until(marker.exists, "the scan writing its changes")

    worker.process.kill()  # before the scan commits
    worker.process.wait()

    assert rows(task_site) == ["0", "0"]
    wait_until(lambda: run_states(task_site) == ["failed"], "the run marked failed")
    errors = task_site.django("""
        from gallery.models import ScanRun
        print(ScanRun.objects.get().errors[0])
    """)
    assert "stopped without finishing" in errors

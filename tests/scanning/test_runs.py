import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gallery.models import Album, Photo, ScanRun
from gallery.scanning import runs, scan
from tests.builders import make_user

pytestmark = pytest.mark.django_db

SNOW = "2013/01_19_Snow in Paris"
RAIN = "2013/02_02_Rain in Paris"


def scanphotos(*args):
    call_command("scanphotos", *args, stdout=io.StringIO(), stderr=io.StringIO())


def request_cancel_at(wanted):
    """A progress callback that asks to cancel the run once ``wanted`` starts."""

    def follow(phase, done, total):
        if phase == wanted:
            ScanRun.objects.update(cancel_requested=True)

    return follow


def test_command_records_its_run(photo_tree):
    photo_tree.album(SNOW, 3)

    scanphotos()

    run = ScanRun.objects.get()
    assert (run.origin, run.user, run.state) == ("command", None, "done")
    assert run.counts["albums_added"] == 1
    assert run.counts["photos_added"] == 3
    assert run.summary.startswith("Done: 1 album added")
    assert run.started_at <= run.finished_at
    assert run.seconds >= 0


def test_scheduled_command_and_dry_runs(photo_tree):
    photo_tree.album(SNOW, 1)

    scanphotos("--dry-run")  # changes nothing: not recorded
    scanphotos("--scheduled")

    assert list(ScanRun.objects.values_list("origin", flat=True)) == ["schedule"]


def test_a_failed_scan_is_recorded_with_its_error(photo_tree, settings):
    settings.GALLERY_PATTERNS = [("Photos", r"(?P<a_year>\d{4}")]

    with pytest.raises(CommandError):
        scanphotos()

    run = ScanRun.objects.get()
    assert run.state == "failed"
    assert run.errors[0].startswith("Invalid regular expression")


def test_refused_scan_is_recorded_as_failed(photo_tree):
    Album.objects.create(category="Photos", dirpath=SNOW, date="2013-01-19")
    run = runs.start("admin")

    report = runs.execute(run)

    run.refresh_from_db()
    assert report.refused
    assert run.state == "failed"
    assert "would remove 1 of 1 album " in run.errors[0]


@pytest.mark.parametrize("phase", ["list", "plan", "apply"])
def test_cancelled_in_any_phase_changes_nothing(photo_tree, phase):
    photo_tree.album(SNOW, 3).album(RAIN, 2)
    run = runs.start("admin", make_user())

    report = runs.execute(run, follow=request_cancel_at(phase))

    run.refresh_from_db()
    assert report is None
    assert run.state == "cancelled"
    assert run.finished_at is not None
    assert not Album.objects.exists()
    assert not Photo.objects.exists()


def test_cancelled_before_it_starts_never_scans(photo_tree):
    photo_tree.album(SNOW, 1)
    run = runs.start("admin")

    assert runs.cancel(run)

    run.refresh_from_db()
    assert (run.state, run.started_at) == ("cancelled", None)
    assert runs.execute(run) is None
    assert not Album.objects.exists()
    assert not runs.cancel(run)  # finished: nothing left to stop


def test_a_crash_marks_the_run_failed_and_propagates(photo_tree, monkeypatch):
    photo_tree.album(SNOW, 1)
    run = runs.start("admin")

    def crash(phase, done, total):
        if phase == "plan":
            raise KeyboardInterrupt  # as a worker being stopped

    with pytest.raises(KeyboardInterrupt):
        runs.execute(run, follow=crash)

    run.refresh_from_db()
    assert run.state == "failed"
    assert run.errors == ["KeyboardInterrupt: "]
    assert not Album.objects.exists()


def test_progress_is_written_as_the_scan_moves(photo_tree):
    photo_tree.album(SNOW, 3)
    run = runs.start("admin")
    seen = []

    def follow(phase, done, total):
        seen.append((phase, done, total))
        if phase == "apply":
            stored = ScanRun.objects.get(pk=run.pk)
            seen.append((stored.state, stored.phase, stored.heartbeat is not None))

    runs.execute(run, follow=follow)

    assert ("apply", 3, 3) in seen  # the rows written, of all
    assert ("running", "apply", True) in seen
    phases = [item[0] for item in seen if len(item) == 3 and item[0] != "running"]
    assert list(dict.fromkeys(phases)) == ["list", "plan", "apply"]


def test_listing_and_writing_count_rows_as_they_go(photo_tree):
    photo_tree.album(SNOW, 3).album(RAIN, 2)
    seen = []

    scan(progress=lambda *args: seen.append(args))

    # Before each directory: the root, 2013, then the albums in path order.
    listed = [done for phase, done, _ in seen if phase == "list"]
    assert listed == [0, 0, 0, 0, 3]
    written = [(done, total) for phase, done, total in seen if phase == "apply"]
    assert written == [(0, None), (5, 5), (1, 1)]


def test_stale_runs_are_settled_as_failed(settings):
    settings.GALLERY_TASK_STALE_AFTER = 30
    now = timezone.now()
    old = now - datetime.timedelta(seconds=31)
    dead = ScanRun.objects.create(origin="admin", state="running", heartbeat=old)
    alive = ScanRun.objects.create(origin="admin", state="running", heartbeat=now)

    runs.settle_stale(now)

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == "failed"
    assert "stopped without finishing" in dead.errors[0]
    assert alive.state == "running"


def test_status_estimates_what_is_left():
    now = timezone.now()
    run = ScanRun(
        origin="admin",
        state="running",
        phase="list",
        done=250,
        total=1000,
        started_at=now - datetime.timedelta(seconds=20),
        phase_started_at=now - datetime.timedelta(seconds=10),
    )

    status = runs.status(run, now)

    assert status["remaining"] == 30
    assert status["elapsed"] == 20
    assert status["text"] == (
        "Listing the photo storage, 250 of 1,000 (20 s elapsed, about 30 s left)"
    )


def test_status_of_a_listing_without_total():
    now = timezone.now()
    run = ScanRun(origin="admin", state="running", phase="list", done=12345)
    run.started_at = run.phase_started_at = now

    assert runs.status(run, now)["text"] == (
        "Listing the photo storage, 12,345 files (0 s elapsed)"
    )

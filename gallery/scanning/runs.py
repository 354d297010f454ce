"""The history of scans: record each run, its progress, its outcome; cancel one.

A run is a :class:`~gallery.models.ScanRun` row. :func:`execute` runs the
scan of a row, in a request, a command or a background task, and writes what
it did. Progress is written at most every :data:`FLUSH` seconds. In a task,
a thread of its own writes it, on its own database connection, so the admin
sees it move while the scan holds its transaction open; that thread also
keeps :attr:`ScanRun.heartbeat` fresh, so a worker that died leaves a run
that :func:`settle_stale` marks as failed after ``GALLERY_TASK_STALE_AFTER``
seconds. Cancelling sets a flag that the
scan reads as it moves and stops at, changing nothing.
"""

import datetime
import threading
import time

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import conf
from ..models import ScanRun
from .report import progress_line, summary
from .scanner import scan

__all__ = [
    "FLUSH",
    "Cancelled",
    "Recorder",
    "cancel",
    "execute",
    "fail",
    "settle_stale",
    "start",
    "status",
]


FLUSH = 0.5  # seconds between two writes of the progress, or reads of the flag
KEPT_ERRORS = 100  # errors recorded per run; the command prints them all


def status(run, now=None):
    """What the admin shows of ``run``: its state and a line on its progress."""
    now = now or timezone.now()
    elapsed = (now - run.started_at).total_seconds() if run.started_at else 0
    remaining = _remaining(run, now)
    line = ""
    if run.state == ScanRun.State.RUNNING:
        line = progress_line(run.phase, run.done, run.total, elapsed, remaining)
    return {
        "state": run.state,
        "active": run.active,
        "text": line or run.summary or run.get_state_display(),
        "phase": run.phase,
        "done": run.done,
        "total": run.total,
        "elapsed": round(elapsed, 1),
        "remaining": None if remaining is None else round(remaining, 1),
    }


def _remaining(run, now):
    """Seconds left in the current phase at its pace so far, or None if unknown."""
    if not (run.total and run.done and run.phase_started_at):
        return None
    spent = (now - run.phase_started_at).total_seconds()
    return spent * (run.total - run.done) / run.done


class Cancelled(Exception):
    """Raised within a scan whose run was cancelled: the scan changes nothing."""


def start(origin, user=None, *, full=False, force=False):
    """Record a new queued run of a scan."""
    return ScanRun.objects.create(origin=origin, user=user, full=full, force=force)


def execute(run, *, beat=False, follow=None, **options):
    """Scan as ``run`` says, record the outcome in ``run``, return the report.

    ``beat``: write progress and a heartbeat from a thread of their own (for
    tasks and commands); ``follow`` is a progress callback of the caller. A
    cancelled run returns ``None``; other ``options`` go to
    :func:`~gallery.scanning.scan`.
    """
    run.refresh_from_db(fields=["cancel_requested"])
    if run.cancel_requested:
        _finish(run, ScanRun.State.CANCELLED)
        return None
    _mark_running(run)
    recorder = Recorder(run, beat=beat, follow=follow)
    try:
        with recorder:
            report = scan(full=run.full, force=run.force, progress=recorder, **options)
    except Cancelled:
        _finish(run, ScanRun.State.CANCELLED)
        return None
    except BaseException as exc:  # a worker stopping, or a bug: record it
        run.errors = [f"{type(exc).__name__}: {exc}"]
        _finish(run, ScanRun.State.FAILED)
        raise
    _record(run, report)
    return report


def _mark_running(run):
    now = timezone.now()
    run.state, run.started_at, run.heartbeat = ScanRun.State.RUNNING, now, now
    run.save(update_fields=["state", "started_at", "heartbeat"])


def _record(run, report):
    """Write the outcome of ``report`` into ``run``."""
    run.counts = report.counts
    run.errors = report.errors[:KEPT_ERRORS]
    if report.refused:
        run.errors.insert(0, report.plan.refusal)
    run.summary = summary(report)
    state = ScanRun.State.DONE if report.applied else ScanRun.State.FAILED
    _finish(run, state)


def fail(run, error):
    """Record that ``run`` failed with ``error`` before or outside its scan."""
    run.errors = [error]
    _finish(run, ScanRun.State.FAILED)


def _finish(run, state):
    run.state, run.finished_at = state, timezone.now()
    run.save()


def cancel(run):
    """Ask ``run`` to stop; return whether it was still queued or running."""
    updated = ScanRun.objects.filter(
        pk=run.pk, state__in=[ScanRun.State.QUEUED, ScanRun.State.RUNNING]
    ).update(cancel_requested=True)
    queued = ScanRun.objects.filter(pk=run.pk, state=ScanRun.State.QUEUED)
    queued.update(state=ScanRun.State.CANCELLED, finished_at=timezone.now())
    return bool(updated)


def settle_stale(now=None):
    """Mark as failed the runs whose worker stopped sending heartbeats."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=conf.TASK_STALE_AFTER)
    ScanRun.objects.filter(state=ScanRun.State.RUNNING, heartbeat__lt=limit).update(
        state=ScanRun.State.FAILED,
        finished_at=now,
        errors=[_("The scan stopped without finishing; nothing was changed.")],
    )


class Recorder:
    """The progress callback of a run: remembers, writes, and stops when asked.

    Without ``beat``, progress is written by the scanning thread itself, on
    its connection: others see it once the scan's transaction ends.
    """

    def __init__(self, run, beat=False, follow=None):
        self.run, self.beat, self.follow = run, beat, follow
        self.latest = ("", 0, None)
        self.phase_started = timezone.now()
        self.next_check = 0.0
        self.cancelled = False
        self.stop = threading.Event()
        self.thread = None

    def __enter__(self):
        if self.beat:
            self.thread = threading.Thread(target=self.keep_writing, daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc_info):
        if self.thread is not None:
            self.stop.set()
            self.thread.join()

    def __call__(self, phase, done, total):
        if phase != self.latest[0]:
            self.phase_started = timezone.now()
            self.next_check = 0.0  # show each phase as it starts
        self.latest = (phase, done, total)
        if self.follow:
            self.follow(phase, done, total)
        if not self.beat and time.monotonic() >= self.next_check:
            self.next_check = time.monotonic() + FLUSH
            self.cancelled = self.write()
        if self.cancelled:  # in a task, the beat thread reads the flag
            raise Cancelled

    def cancel_requested(self):
        runs = ScanRun.objects.filter(pk=self.run.pk, cancel_requested=True)
        return runs.exists()

    def write(self):
        """Write the latest progress and a heartbeat; return whether to cancel."""
        phase, done, total = self.latest
        ScanRun.objects.filter(pk=self.run.pk).update(
            phase=phase,
            done=done,
            total=total,
            phase_started_at=self.phase_started,
            heartbeat=timezone.now(),
        )
        return self.cancel_requested()

    def writes_wait(self):
        """Whether a write would wait for the scan's commit: on SQLite, whose
        one writer is the scan while it applies its plan. Such a write would
        land after the scan's own, then hold up the end of the run."""
        return connection.vendor == "sqlite" and self.latest[0] == "apply"

    def keep_writing(self):
        """The beat thread: write until the scan ends, then close its connection."""
        try:
            while not self.stop.is_set():
                try:
                    if not self.writes_wait():
                        self.cancelled = self.cancelled or self.write()
                except DatabaseError:  # the database is busy: next time
                    close_old_connections()
                self.stop.wait(FLUSH)
        finally:
            connection.close()

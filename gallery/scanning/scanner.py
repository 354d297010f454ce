"""Turn the photo storage into albums and photos: list, match, plan, apply.

Nothing here prints: :func:`scan` returns a :class:`ScanReport` that the
``scanphotos`` command and the admin page present. Each phase is one function
below, called in order by :func:`_run_phases`.
"""

import contextlib
import dataclasses
import functools
import gc
import os
import re
import time
import typing

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from ..conf import conf
from ..storages import get_storage
from .exifdates import fill_dates
from .listing import ListingError, local_root, walk_storage
from .matching import Matcher, Rules, nfc
from .planning import Plan, Planner
from .state import (
    RACY,
    Forgotten,
    ScanBusy,
    apply,
    fingerprint,
    read_state,
    recall,
    remember,
    wait_for_scan_lock,
)

__all__ = ["ScanOptions", "ScanReport", "scan"]


@dataclasses.dataclass(frozen=True)
class ScanOptions:
    """How a scan runs; the defaults are those of a plain ``scanphotos``."""

    full: bool = False  # read every directory again and correct photo dates
    dry_run: bool = False  # plan only, change nothing
    force: bool = False  # apply even a plan that removes most albums
    trace: bool = False  # keep matched and ignored paths; read every directory
    lock_wait: float = 30  # seconds to wait for another scan to finish
    # Called as progress(phase, done, total) as the scan moves; total is None
    # when unknown. It may raise to stop the scan, which then changes nothing.
    progress: typing.Callable[[str, int, int | None], None] | None = None
    rules: Rules | None = None  # compiled patterns; None: from the settings


@dataclasses.dataclass
class ScanReport:
    """What a scan found, planned and did."""

    plan: Plan = dataclasses.field(default_factory=Plan)
    found: object = None  # matching.Found
    unreadable: list = dataclasses.field(default_factory=list)
    album_names: dict = dataclasses.field(default_factory=dict)  # pk -> dirpath
    photos_in_removed: int = 0
    unchanged_directories: int = 0  # not read again: unchanged since the last scan
    fatal: str = ""  # nothing was changed because of this
    read_fingerprint: str = ""  # of the rows read, to check before writing
    applied: bool = False
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def refused(self):
        return bool(self.plan.refusal) and not self.applied and not self.dry_run

    @property
    def failed(self):
        return bool(self.fatal) or self.refused

    @property
    def counts(self):
        plan = self.plan
        return {
            "albums_added": len(plan.albums_add),
            "albums_removed": len(plan.albums_remove),
            "albums_moved": len(plan.albums_move),
            "photos_added": len(plan.photos_add),
            "photos_removed": len(plan.photos_remove) + self.photos_in_removed,
            "photos_redated": len(plan.photos_redate),
            "photos_refreshed": len(plan.photos_refresh),
        }

    @property
    def errors(self):
        unreadable = [
            _("%(path)s: cannot be read (%(error)s); its albums are left untouched")
            % {"path": nfc(directory.path) or "/", "error": directory.error}
            for directory in self.unreadable
        ]
        return [self.fatal] if self.fatal else unreadable + self.plan.errors

    @property
    def unmatched(self):
        return self.found.unmatched if self.found else []


def scan(storage=None, options=None, **fields):
    """Scan ``storage`` (the photo storage by default); return a :class:`ScanReport`.

    ``options`` is a :class:`ScanOptions`; keyword arguments set its fields,
    as in ``scan(full=True, dry_run=True)``. The plan is applied in one
    transaction; it is refused (not applied) when it would remove most
    albums, unless ``force``. On a local storage, the files of directories
    unchanged since the last scan are not read again, unless ``full``.
    """
    options = dataclasses.replace(options or ScanOptions(), **fields)
    started = time.perf_counter()
    report = ScanReport(dry_run=options.dry_run)
    with _no_cycle_collection():
        _scan_reporting_failures(report, storage, options)
    report.seconds = time.perf_counter() - started
    return report


@contextlib.contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector, which a large scan keeps busy for nothing.

    A scan creates a few objects per photo and keeps most of them until it
    ends: each collection would walk all of them again, which costs a tenth of
    the scan, and frees nothing, as these objects hold no cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _scan_reporting_failures(report, storage, options):
    """Run the scan; a failure that stops it becomes ``report.fatal``."""
    try:
        storage = storage or get_storage("photo")
        options = dataclasses.replace(
            options, rules=options.rules or Rules.from_settings()
        )
        _scan_with_memory(report, storage, options)
    except (ListingError, ScanBusy, ImproperlyConfigured) as exc:
        report.fatal = str(exc)
    except re.error as exc:
        report.fatal = _("Invalid regular expression %(pattern)r: %(error)s") % {
            "pattern": exc.pattern,
            "error": exc,
        }
    except DatabaseError as exc:
        report.fatal = _("The scan failed and changed nothing: %(error)s") % {
            "error": exc
        }


def _scan_with_memory(report, storage, options):
    """Scan trusting the directory times of the last scan, or again without
    them when they turn out not to apply any more; again too (a few times)
    when another scan wrote while this one read, on SQLite."""
    memory = recall(storage)
    trusted = not (memory is None or options.full or options.trace)
    for _attempt in range(_ATTEMPTS):
        try:
            return _run_phases(report, storage, memory, options, trusted)
        except Forgotten:  # rows or rules changed since the last scan
            trusted = False
        except Overtaken:
            pass
    raise ScanBusy(_("Another scan is running; try again later."))


_ATTEMPTS = 3


class Overtaken(Exception):
    """Rows changed while a scan read them without the lock."""


def _run_phases(report, storage, memory, options, trusted):
    """List, match and plan directory by directory, apply and remember,
    filling ``report``.

    The scan lock is taken before reading, and held until the commit, except
    on SQLite: it lets one connection write at a time, and a scan would keep
    the progress and heartbeat of its own run from being written. There, the
    scan reads without a transaction, then takes the lock and checks that no
    other scan wrote in the meantime (or reads again: :class:`Overtaken`).
    """
    progress = options.progress or _no_progress
    progress("list", 0, None)
    known = memory.directories if trusted else None
    listing, directories = walk_storage(storage, known, progress)
    report.unreadable = listing.unreadable
    scan = functools.partial(_read_and_plan, report, storage, memory, options)
    if connection.vendor != "sqlite":
        with transaction.atomic():
            plan = scan(listing, directories, known, lock=True)
            if plan is not None:
                _write(report, plan, memory, listing, options)
        return
    try:
        plan = scan(listing, directories, known, lock=False)
    except OperationalError as exc:  # SQLite: another connection is writing
        raise ScanBusy(_("Another scan is running; try again later.")) from exc
    if plan is None:
        return
    with transaction.atomic():
        wait_for_scan_lock(options.lock_wait)
        if fingerprint(options.rules) != report.read_fingerprint:
            raise Overtaken
        _write(report, plan, memory, listing, options)


def _read_and_plan(report, storage, memory, options, listing, directories, known, lock):
    """Read and plan directory by directory; return the plan, or None when it
    is not to be applied (a dry run, a refusal)."""
    progress = options.progress or _no_progress
    unchanged = _unchanged(storage, known)
    state = _read_state(report, memory, options, unchanged, lock)
    dates = None
    if conf.PHOTO_DATES == "exif" and not options.dry_run:
        dates = functools.partial(fill_dates, storage=storage)
    planner = Planner(state, full=options.full, dates=dates)
    matcher = Matcher(options.rules, options.trace)
    report.found = matcher.found
    try:
        for _path, files in directories:
            for found_album in matcher.match_directory(files):
                planner.add(found_album)
    finally:
        state.photos.close()
        directories.close()  # and the process reading ahead, if any
    progress("plan", 0, None)
    plan = _plan(report, planner, memory, options, listing)
    if options.dry_run or (plan.refusal and not options.force):
        return None
    return plan


def _write(report, plan, memory, listing, options):
    """Apply ``plan`` and remember the directories, in the transaction."""
    progress = options.progress or _no_progress
    progress("apply", 0, None)
    _apply(report, plan, progress)
    _remember(report, memory, listing, options.rules)
    progress("apply", 1, 1)  # the last chance to stop before the commit


def _no_progress(phase, done, total):
    pass


def _unchanged(storage, known):
    """The NFC paths of the directories of ``known`` whose time is still the
    one remembered: the listing will not read their files again."""
    if not known:
        return set()
    root = local_root(storage)
    unchanged = set()
    for path, mtime in known.items():
        try:
            if os.stat(os.path.join(root, path)).st_mtime_ns == mtime:
                unchanged.add(nfc(path))
        except OSError:
            pass
    return unchanged


def _read_state(report, memory, options, unchanged, lock):
    """Take the scan lock (unless a dry run) and read the albums; their
    photos, but those of albums in ``unchanged``, are read as the planner
    asks for them.

    Raise :class:`Forgotten` if directories are trusted to be unchanged but
    the rows or rules changed since the last scan.
    """
    if lock and not options.dry_run:
        wait_for_scan_lock(options.lock_wait)
    state = read_state(options.full, unchanged)
    report.read_fingerprint = ""  # of this reading, not of an earlier attempt
    if unchanged or not (lock or options.dry_run):  # checked again, or kept
        report.read_fingerprint = fingerprint(options.rules, state.albums.values())
    if unchanged and not memory.verify(report.read_fingerprint):
        raise Forgotten
    report.album_names = {album.pk: album.dirpath for album in state.albums.values()}
    return state


def _plan(report, planner, memory, options, listing):
    """Finish the plan once every directory is planned; return it.

    Raise :class:`Forgotten` as :func:`_read_state` does, for directories
    that turned out unchanged only while the storage was listed.
    """
    state = planner.state
    unchanged = {nfc(path) for path in listing.unchanged}
    report.unchanged_directories = len(listing.unchanged)
    verify = unchanged and not memory.verified
    if verify:
        current = report.read_fingerprint or fingerprint(
            options.rules, state.albums.values()
        )
        if not memory.verify(current):
            raise Forgotten
    planner.unchanged = unchanged
    report.plan = plan = planner.finish(report.found, listing.unreadable)
    report.photos_in_removed = plan.photos_in_removed
    return plan


def _apply(report, plan, progress):
    """Write ``plan`` to the database."""
    apply(plan, progress)
    report.applied = True
    report.album_names.update((album.pk, album.dirpath) for album in plan.albums_add)


def _remember(report, memory, listing, rules):
    """Remember the times of the directories read, for the next scan to trust,
    except those changed too recently or whose files gave a message."""
    if memory is None:
        return
    noisy = report.plan.noisy | _found_noise(report.found)
    settled = listing.started - RACY
    directories = {
        path: mtime
        for path, mtime in listing.directories.items()
        if mtime < settled and nfc(path) not in noisy
    }
    remember(memory, rules, directories, changed=report.plan.changes)


def _found_noise(found):
    """The NFC paths of directories whose files gave a message: read them again."""
    noisy = {path.rpartition("/")[0] for path in found.unmatched}
    noisy.update(path for _, path in found.skipped)
    return noisy

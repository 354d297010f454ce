"""Turn the photo storage into albums and photos: list, match, plan, apply.

Nothing here prints: :func:`scan` returns a :class:`Report` that the
``scanphotos`` command and the admin page present.
"""

import contextlib
import dataclasses
import gc
import re
import time

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from ..conf import conf
from ..storages import get_storage
from . import state as scan_db
from .exifdates import fill_dates
from .listing import ListingError, list_storage
from .matching import Rules, match_listing, nfc
from .planning import Plan, make_plan

__all__ = ["Report", "Rules", "make_plan", "match_listing", "scan"]


@dataclasses.dataclass
class Report:
    """What a scan found, planned and did."""

    plan: Plan = dataclasses.field(default_factory=Plan)
    found: object = None  # scan_match.Found
    unreadable: list = dataclasses.field(default_factory=list)
    album_names: dict = dataclasses.field(default_factory=dict)  # pk -> dirpath
    photos_in_removed: int = 0
    unchanged_directories: int = 0  # not read again: unchanged since the last scan
    fatal: str = ""  # nothing was changed because of this
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
            % {"path": nfc(path) or "/", "error": error}
            for path, error in self.unreadable
        ]
        return [self.fatal] if self.fatal else unreadable + self.plan.errors

    @property
    def unmatched(self):
        return self.found.unmatched if self.found else []


def scan(storage=None, *, full=False, dry_run=False, force=False, rules=None, **opts):
    """List ``storage`` (the photo storage by default), plan, apply unless ``dry_run``.

    The plan is applied in one transaction; it is refused (not applied) when
    it would remove most albums, unless ``force``. On a local storage, the
    files of directories unchanged since the last scan are not read again,
    unless ``full``. Options: ``trace`` keeps matched and ignored paths (and
    reads every directory), ``lock_wait`` (s) bounds the wait for another
    scan, ``progress`` is called with the name of each phase.
    """
    started = time.perf_counter()
    report = Report(dry_run=dry_run)
    trace = opts.get("trace", False)
    with no_cycle_collection():
        scan_into(report, storage, full, force, rules, trace, opts)
    report.seconds = time.perf_counter() - started
    return report


@contextlib.contextmanager
def no_cycle_collection():
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


def scan_into(report, storage, full, force, rules, trace, opts):
    try:
        storage = storage or get_storage("photo")
        rules = rules or Rules.from_settings()
        memory = scan_db.recall(storage)
        known = None if memory is None or full or trace else memory.directories
        try:
            list_and_apply(report, storage, rules, memory, known, force, full, opts)
        except scan_db.Forgotten:  # rows or rules changed since the last scan
            list_and_apply(report, storage, rules, memory, None, force, full, opts)
    except (ListingError, scan_db.ScanBusy, ImproperlyConfigured) as exc:
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


def list_and_apply(report, storage, rules, memory, known, force, full, opts):
    """List, match, plan and apply; ``known``: directory times to trust."""
    progress = opts.get("progress") or (lambda phase: None)
    progress("list")
    listing = list_storage(storage, known)
    progress("match")
    report.unreadable = listing.unreadable
    report.found = match_listing(listing, rules, opts.get("trace", False))
    report.unchanged_directories = len(listing.unchanged)
    directories, listing.files = listing.directories, []  # the albums hold the rest
    unchanged = {nfc(path) for path in listing.unchanged}
    progress("plan")
    with transaction.atomic():
        if not report.dry_run:
            scan_db.lock(opts.get("lock_wait", 30))
        state = scan_db.read_state(full, unchanged)
        if unchanged and not memory.verify(rules, state.albums.values()):
            raise scan_db.Forgotten  # read every directory again
        report.album_names = {a.pk: a.dirpath for a in state.albums.values()}
        report.plan = plan = make_plan(
            report.found, state, report.unreadable, full=full, unchanged=unchanged
        )
        noisy = plan.noisy | found_noise(report.found)
        report.found.forget_photos()  # lowers the peak memory of large scans
        removed = {album.pk for album in plan.albums_remove}
        report.photos_in_removed = sum(len(state.photos.get(pk, ())) for pk in removed)
        if report.dry_run or (plan.refusal and not force):
            return
        if conf.PHOTO_DATES == "exif":
            fill_dates(plan, storage)
        progress("apply")
        scan_db.apply(plan)
        report.applied = True
        report.album_names.update((a.pk, a.dirpath) for a in plan.albums_add)
        if memory is not None:
            settled = listing.started - scan_db.RACY
            remembered = {
                path: mtime
                for path, mtime in directories.items()
                if mtime < settled and nfc(path) not in noisy
            }
            scan_db.remember(memory, rules, remembered, changed=plan.changes)


def found_noise(found):
    """The NFC paths of directories whose files gave a message: read them again."""
    noisy = {path.rpartition("/")[0] for path in found.unmatched}
    noisy.update(path for _, path in found.skipped)
    return noisy

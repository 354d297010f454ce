"""Turn the photo storage into albums and photos: list, match, plan, apply.

Nothing here prints: :func:`scan` returns a :class:`Report` that the
``scanphotos`` command and the admin page present.
"""

import dataclasses
import re
import time

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from . import scan_db
from .listing import ListingError, list_storage
from .scan_match import Rules, match_listing, nfc
from .scan_plan import Plan, make_plan
from .storages import get_storage

__all__ = ["Report", "Rules", "make_plan", "match_listing", "scan"]


@dataclasses.dataclass
class Report:
    """What a scan found, planned and did."""

    plan: Plan = dataclasses.field(default_factory=Plan)
    found: object = None  # scan_match.Found
    unreadable: list = dataclasses.field(default_factory=list)
    album_names: dict = dataclasses.field(default_factory=dict)  # pk -> dirpath
    photos_in_removed: int = 0
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
    it would remove most albums, unless ``force``. Options: ``trace`` keeps
    matched and ignored paths, ``lock_wait`` (s) bounds the wait for another
    scan, ``progress`` is called with the name of each phase.
    """
    started = time.perf_counter()
    progress = opts.get("progress") or (lambda phase: None)
    report = Report(dry_run=dry_run)
    try:
        progress("list")
        listing = list_storage(storage or get_storage("photo"))
        progress("match")
        report.unreadable = listing.unreadable
        report.found = match_listing(
            listing, rules or Rules.from_settings(), opts.get("trace", False)
        )
        del listing  # the matched albums hold what is still needed
        progress("plan")
        plan_and_apply(
            report, full, dry_run, force, opts.get("lock_wait", 30), progress
        )
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
    report.seconds = time.perf_counter() - started
    return report


def plan_and_apply(report, full, dry_run, force, lock_wait, progress):
    with transaction.atomic():
        if not dry_run:
            scan_db.lock(lock_wait)
        state = scan_db.read_state(full)
        report.album_names = {a.pk: a.dirpath for a in state.albums.values()}
        report.plan = plan = make_plan(
            report.found, state, report.unreadable, full=full
        )
        report.found.forget_photos()  # lowers the peak memory of large scans
        removed = {album.pk for album in plan.albums_remove}
        report.photos_in_removed = sum(len(state.photos.get(pk, ())) for pk in removed)
        if dry_run or (plan.refusal and not force):
            return
        progress("apply")
        scan_db.apply(plan)
        report.applied = True
        report.album_names.update((a.pk, a.dirpath) for a in plan.albums_add)

"""Words for a scan report, shared by the command and the admin page."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .matching import nfc

__all__ = [
    "PHASES",
    "album_lines",
    "photo_lines",
    "progress_line",
    "summary",
    "unchanged_line",
]


def album_lines(report):
    """Describe the album changes, one line each."""
    plan = report.plan
    for album in plan.albums_add:
        yield _("Adding album %(dirpath)s (%(category)s) as %(name)s") % {
            "dirpath": nfc(album.dirpath),
            "category": album.category,
            "name": album.name,
        }
    for album, found_album in plan.albums_move:
        yield _("Moving album %(old)s to %(new)s (%(category)s)") % {
            "old": nfc(album.dirpath),
            "new": nfc(found_album.dirpath),
            "category": found_album.category,
        }
    for album in plan.albums_remove:
        yield _("Removing album %(dirpath)s (%(category)s)") % {
            "dirpath": nfc(album.dirpath),
            "category": album.category,
        }


def photo_lines(report):
    """Describe the photo changes, one line each."""
    plan, names = report.plan, report.album_names
    for photo in plan.photos_add:
        ref = photo.album_id  # a pk, or the FoundAlbum of a new album
        album = nfc(names[ref] if isinstance(ref, int) else ref.dirpath)
        yield _("Adding photo %(name)s to album %(album)s") % {
            "name": nfc(photo.filename),
            "album": album,
        }
    for removal in plan.photos_remove:
        yield _("Removing photo %(name)s from album %(album)s") % {
            "name": nfc(removal.filename),
            "album": nfc(removal.album.dirpath),
        }
    redated = len(plan.photos_redate)
    if redated:
        yield ngettext(
            "Fixing the date of %(count)d photo",
            "Fixing the dates of %(count)d photos",
            redated,
        ) % {"count": redated}
    for version in plan.photos_refresh:
        name = nfc(version.filename)
        yield _("Refreshing photo %(name)s (file replaced)") % {"name": name}


def summary(report):
    """One line: what was (or would be) done, and how long it took."""
    counts = report.counts
    text = (
        _(
            "%(albums_added)d albums added, %(albums_removed)d removed, "
            "%(albums_moved)d moved, %(photos_added)d photos added, "
            "%(photos_removed)d removed, %(photos_redated)d redated, "
            "%(photos_refreshed)d refreshed"
        )
        % counts
    )
    if report.dry_run:
        prefix = _("Dry run, nothing changed; would do")
    elif report.applied:
        prefix = _("Done")
    else:
        prefix = _("Nothing changed; planned")
    errors = len(report.errors)
    if errors:
        text += ngettext(", %(count)d error", ", %(count)d errors", errors) % {
            "count": errors
        }
    return _("%(prefix)s: %(text)s in %(seconds).2f s") % {
        "prefix": prefix,
        "text": text,
        "seconds": report.seconds,
    }


def unchanged_line(report, command=True):
    """How many directories were not read again, or ``""``."""
    count = report.unchanged_directories
    if not count:
        return ""
    if not command:
        return ngettext(
            "%(count)d directory unchanged since the last scan was not read again.",
            "%(count)d directories unchanged since the last scan were not read again.",
            count,
        ) % {"count": count}
    return ngettext(
        "%(count)d directory unchanged since the last scan was not read again "
        "(--full reads it)",
        "%(count)d directories unchanged since the last scan were not read again "
        "(--full reads them)",
        count,
    ) % {"count": count}


PHASES = {
    "list": gettext_lazy("Listing the photo storage"),
    "match": gettext_lazy("Matching paths"),
    "plan": gettext_lazy("Comparing with the database"),
    "apply": gettext_lazy("Writing to the database"),
}


def progress_line(phase, done, total, elapsed, remaining=None):
    """One line on a running scan: phase, items done, time spent and left."""
    parts = [str(PHASES.get(phase, phase or _("Starting")))]
    if total:
        parts.append(
            _("%(done)s of %(total)s")
            % {"done": _intcomma(done), "total": _intcomma(total)}
        )
    elif done:
        parts.append(
            ngettext("%(count)s file", "%(count)s files", done)
            % {"count": _intcomma(done)}
        )
    times = _("%(elapsed)d s elapsed") % {"elapsed": elapsed}
    if remaining is not None:
        times += ", " + _("about %(remaining)d s left") % {"remaining": remaining}
    return _("%(what)s (%(times)s)") % {"what": ", ".join(parts), "times": times}


def _intcomma(number):
    """``number`` with its thousands grouped as in the active language."""
    return number_format(number, force_grouping=True)

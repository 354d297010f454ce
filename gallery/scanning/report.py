"""Words for a scan report, shared by the command and the admin page."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext_lazy

from .matching import nfc

__all__ = [
    "PHASES",
    "album_lines",
    "counted",
    "files_line",
    "number",
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
        added = plan.added_album(photo.album_id)  # None: the pk of a stored album
        album = nfc(names[photo.album_id] if added is None else added.dirpath)
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
        message = ngettext(
            "Fixing the date of %(count)s photo",
            "Fixing the dates of %(count)s photos",
            redated,
        )
        yield counted(message, redated)
    for version in plan.photos_refresh:
        name = nfc(version.filename)
        yield _("Refreshing photo %(name)s (file replaced)") % {"name": name}


def summary(report):
    """One line: what was (or would be) done, and how long it took."""
    parts = _change_counts(report.counts)
    errors = len(report.errors)
    if errors:
        message = ngettext("%(count)s error", "%(count)s errors", errors)
        parts.append(counted(message, errors))
    if report.dry_run:
        prefix = _("Dry run, nothing changed; would do")
    elif report.applied:
        prefix = _("Done")
    else:
        prefix = _("Nothing changed; planned")
    return _("%(prefix)s: %(text)s in %(seconds)s s") % {
        "prefix": prefix,
        "text": ", ".join(parts),
        "seconds": number_format(report.seconds, decimal_pos=2),
    }


def _change_counts(counts):
    """Each count of changes in words: ``["3 albums added", "0 removed", ...]``."""
    return [counted(message, counts[key]) for key, message in _CHANGES.items()]


# Chosen by the count of key "n"; the context gives French its genders.
_CHANGES = {
    "albums_added": npgettext_lazy(
        "albums", "%(count)s album added", "%(count)s albums added", "n"
    ),
    "albums_removed": npgettext_lazy(
        "albums", "%(count)s removed", "%(count)s removed", "n"
    ),
    "albums_moved": npgettext_lazy("albums", "%(count)s moved", "%(count)s moved", "n"),
    "photos_added": npgettext_lazy(
        "photos", "%(count)s photo added", "%(count)s photos added", "n"
    ),
    "photos_removed": npgettext_lazy(
        "photos", "%(count)s removed", "%(count)s removed", "n"
    ),
    "photos_redated": npgettext_lazy(
        "photos", "%(count)s redated", "%(count)s redated", "n"
    ),
    "photos_refreshed": npgettext_lazy(
        "photos", "%(count)s refreshed", "%(count)s refreshed", "n"
    ),
}


def unchanged_line(report, command=True):
    """How many directories were not read again, or ``""``."""
    count = report.unchanged_directories
    if not count:
        return ""
    if not command:
        message = ngettext(
            "%(count)s directory unchanged since the last scan was not read again.",
            "%(count)s directories unchanged since the last scan were not read again.",
            count,
        )
    else:
        message = ngettext(
            "%(count)s directory unchanged since the last scan was not read again "
            "(--full reads it)",
            "%(count)s directories unchanged since the last scan were not read again "
            "(--full reads them)",
            count,
        )
    return counted(message, count)


def number(value):
    """``value`` formatted for the active language, thousands grouped: ``100,000``."""
    return number_format(value, force_grouping=True)


def counted(message, count):
    """``message`` with ``%(count)s`` replaced by ``count`` formatted by
    :func:`number`; a lazy plural keyed on ``"n"`` is chosen by ``count``."""
    return message % {"n": count, "count": number(count)}


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
            _("%(done)s of %(total)s") % {"done": number(done), "total": number(total)}
        )
    elif done:
        parts.append(counted(ngettext("%(count)s file", "%(count)s files", done), done))
    times = _("%(elapsed)d s elapsed") % {"elapsed": elapsed}
    if remaining is not None:
        times += ", " + _("about %(remaining)d s left") % {"remaining": remaining}
    return _("%(what)s (%(times)s)") % {"what": ", ".join(parts), "times": times}


def files_line(report):
    """How many files were ignored and how many matched no pattern, or ``""``."""
    found = report.found
    if found is None or not (found.ignored_count or found.unmatched):
        return ""
    return _("Files: %(ignored)s ignored, %(unmatched)s matching no pattern") % {
        "ignored": number(found.ignored_count),
        "unmatched": number(len(found.unmatched)),
    }

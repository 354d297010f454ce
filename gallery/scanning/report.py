"""Words for a scan report, shared by the command and the admin page."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .matching import nfc


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
    for ref, filename, *_rest in plan.photos_add:
        album = nfc(names[ref] if isinstance(ref, int) else ref.dirpath)
        yield _("Adding photo %(name)s to album %(album)s") % {
            "name": nfc(filename),
            "album": album,
        }
    for _pk, album, filename in plan.photos_remove:
        yield _("Removing photo %(name)s from album %(album)s") % {
            "name": nfc(filename),
            "album": nfc(album.dirpath),
        }
    redated = len(plan.photos_redate)
    if redated:
        yield ngettext(
            "Fixing the date of %(count)d photo",
            "Fixing the dates of %(count)d photos",
            redated,
        ) % {"count": redated}
    for _pk, filename, *_rest in plan.photos_refresh:
        yield _("Refreshing photo %(name)s (file replaced)") % {"name": nfc(filename)}


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


def files_line(report):
    """How many files were ignored and how many matched no pattern, or ``""``."""
    found = report.found
    if found is None or not (found.ignored_count or found.unmatched):
        return ""
    return _("Files: %(ignored)d ignored, %(unmatched)d matching no pattern") % {
        "ignored": found.ignored_count,
        "unmatched": len(found.unmatched),
    }

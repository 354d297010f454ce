"""The "Scan photos" page of the admin: show the plan, then apply it."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from ..models import Photo
from ..scanning import scan
from ..scanning.report import album_lines, number, summary, unchanged_line

__all__ = ["scan_photos"]

# Long lists are cut on the page; the command prints them in full.
SHOWN = 100


@require_http_methods(["GET", "POST"])
def scan_photos(request):
    """GET: show what a scan would change. POST: scan, then report in messages."""
    if not request.user.has_perm("gallery.scan"):
        raise PermissionDenied  # staff are told, as everywhere in the admin
    if request.method == "POST":
        full = request.POST.get("full") == "on"
        report = scan(full=full, force=request.POST.get("force") == "on")
        send_messages(request, report)
        return redirect("admin:gallery_scan_photos")
    full = request.GET.get("full") == "1"
    report = scan(dry_run=True, full=full)
    return TemplateResponse(
        request, "admin/gallery/scan_photos.html", context(request, report, full)
    )


def context(request, report, full=False):
    lines = list(album_lines(report))
    return {
        "full": full,
        "unchanged": unchanged_line(report, command=False),
        **admin.site.each_context(request),
        "title": _("Scan photos"),
        "opts": Photo._meta,
        "report": report,
        "summary": summary(report),
        "album_lines": lines[:SHOWN],
        "more_albums": max(len(lines) - SHOWN, 0),
        "more_albums_shown": number(max(len(lines) - SHOWN, 0)),
        "unmatched": report.unmatched[:SHOWN],
        "more_unmatched": max(len(report.unmatched) - SHOWN, 0),
        "more_unmatched_shown": number(max(len(report.unmatched) - SHOWN, 0)),
        "errors": report.errors,
        "warnings": report.plan.warnings[:SHOWN],
    }


def send_messages(request, report):
    """Turn a scan report into admin messages."""
    if report.fatal:
        messages.error(request, report.fatal)
        return
    if report.refused:
        messages.error(request, report.plan.refusal)
    for line in list(album_lines(report))[:SHOWN]:
        messages.info(request, line)
    for error in report.errors[:SHOWN]:
        messages.error(request, error)
    for warning in report.plan.warnings[:SHOWN]:
        messages.warning(request, warning)
    if report.unmatched:
        count = len(report.unmatched)
        message = ngettext(
            "%(count)s file matches no pattern: %(path)s",
            "%(count)s files match no pattern, for example %(path)s",
            count,
        )
        path = report.unmatched[0]
        messages.warning(request, message % {"count": number(count), "path": path})
    level = messages.SUCCESS if report.applied else messages.WARNING
    messages.add_message(request, level, summary(report))

"""The "Scan photos" page of the admin: show the plan, then apply it.

With ``GALLERY_TASK_BACKEND``, the scan runs as a background task: the page
shows its progress, polled from :func:`scan_status`, and offers to cancel
it. Without it, the scan runs in the request, as it always did.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..conf import conf
from ..models import Photo, ScanRun
from ..scanning import runs, scan
from ..scanning.report import (
    album_lines,
    files_line,
    number,
    summary,
    unchanged_line,
)

__all__ = ["cancel_scan", "require_scan_permission", "scan_photos", "scan_status"]

# Long lists are cut on the page; the command prints them in full.
SHOWN = 100
RECENT = 5  # runs listed on the page; the history has them all


def require_scan_permission(request):
    if not request.user.has_perm("gallery.scan"):
        raise PermissionDenied  # staff are told, as everywhere in the admin


@require_http_methods(["GET", "POST"])
def scan_photos(request):
    """GET: show what a scan would change. POST: scan, then report in messages."""
    require_scan_permission(request)
    if request.method == "POST":
        return start_scan(request)
    runs.settle_stale()
    full = request.GET.get("full") == "1"
    # In the background, planning waits until asked: it costs a whole listing.
    plan = not conf.TASK_BACKEND or request.GET.get("plan") == "1" or full
    report = scan(dry_run=True, full=full) if plan else None
    return TemplateResponse(
        request, "admin/gallery/scan_photos.html", context(request, report, full)
    )


def start_scan(request):
    """Run a scan in the request, or queue it as a task."""
    run = runs.start(
        ScanRun.Origin.ADMIN,
        request.user,
        full=request.POST.get("full") == "on",
        force=request.POST.get("force") == "on",
    )
    if conf.TASK_BACKEND:
        from ..tasks import queue_scan

        if queue_scan(run):
            messages.info(request, _("The scan is queued; its progress shows below."))
        else:
            message = _("The scan could not be queued: %(error)s")
            messages.error(request, message % {"error": run.errors[0]})
    else:
        report = runs.execute(run)
        send_messages(request, report)
    return redirect("admin:gallery_scan_photos")


@require_GET
def scan_status(request, pk):
    """The state and progress of a run, as JSON for the scan page's script."""
    require_scan_permission(request)
    runs.settle_stale()
    return JsonResponse(runs.status(get_object_or_404(ScanRun, pk=pk)))


@require_POST
def cancel_scan(request, pk):
    """Ask a queued or running scan to stop; it then changes nothing."""
    require_scan_permission(request)
    run = get_object_or_404(ScanRun, pk=pk)
    try:
        stopping = runs.cancel(run)
    except OperationalError:  # SQLite, while the scan writes
        stopping = False
    if stopping:
        messages.warning(request, _("The scan is being cancelled."))
    else:
        messages.error(request, _("This scan can no longer be cancelled."))
    return redirect("admin:gallery_scan_photos")


def context(request, report, full=False):
    recent = list(ScanRun.objects.select_related("user")[:RECENT])
    page = {
        **admin.site.each_context(request),
        "title": _("Scan photos"),
        "opts": Photo._meta,
        "full": full,
        "report": report,
        "background": bool(conf.TASK_BACKEND),
        "active": [(run, runs.status(run)) for run in recent if run.active],
        "recent": recent,
    }
    if report is not None:
        page.update(plan_context(report))
    return page


def plan_context(report):
    lines = list(album_lines(report))
    return {
        "unchanged": unchanged_line(report, command=False),
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
    if report.found is not None and report.found.ignored_count:
        messages.info(request, files_line(report))
    level = messages.SUCCESS if report.applied else messages.WARNING
    messages.add_message(request, level, summary(report))

"""The pattern tester of the scan page: what the scan makes of some paths."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import Photo
from ..scanning.explain import explain, sample_paths
from ..scanning.matching import Rules
from ..storages import get_storage
from .scan import require_scan_permission

__all__ = ["test_patterns"]

MAX_PATHS = 200  # pasted paths tested at once


@require_GET
def test_patterns(request):
    """Explain the pasted paths, or a sample of the photo storage's."""
    require_scan_permission(request)
    if request.GET.get("sample"):
        paths = sample_paths(get_storage("photo"))
    else:
        paths = [p for p in request.GET.get("paths", "").splitlines() if p.strip()]
    rules = Rules.from_settings()
    context = {
        **admin.site.each_context(request),
        "title": _("Test the patterns"),
        "opts": Photo._meta,
        "paths": "\n".join(paths[:MAX_PATHS]),
        "explanations": [explain(path, rules) for path in paths[:MAX_PATHS]],
        "patterns": [(category, p.pattern) for category, p in rules.patterns],
        "ignores": [ignore.pattern for ignore in rules.ignores],
    }
    return TemplateResponse(request, "admin/gallery/test_patterns.html", context)

"""The "Scan photos" page of the admin."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils.translation import gettext as _


@permission_required("gallery.scan")
def scan_photos(request):
    """Show the scan page."""
    return render(
        request, "admin/gallery/scan_photos.html", {"title": _("Scan photos")}
    )

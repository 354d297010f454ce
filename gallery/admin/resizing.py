"""The "Create the resized images" action of the album admin.

With ``GALLERY_TASK_BACKEND`` it queues a task and returns at once; without
it, the images are created within the request, in one process.
"""

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..conf import conf
from ..files.precompute import precompute
from ..models import Photo
from ..resizers.presets import get_presets

__all__ = ["ResizeActions"]


class ResizeActions:
    """Admin action building every preset of the selected albums' photos."""

    @admin.action(
        description=gettext_lazy("Create the resized images"), permissions=["scan"]
    )
    def create_resized_images(self, request, queryset):
        presets = sorted(get_presets())  # the well-formed ones
        album_ids = list(queryset.values_list("pk", flat=True))
        if conf.TASK_BACKEND:
            from ..tasks import enqueue, resize_photos

            enqueue(resize_photos, album_ids, presets)
            message = ngettext(
                "The resized images of %(count)d album are being created "
                "in the background.",
                "The resized images of %(count)d albums are being created "
                "in the background.",
                len(album_ids),
            )
            self.message_user(request, message % {"count": len(album_ids)})
            return
        photos = Photo.objects.filter(album__in=album_ids)
        report = precompute(photos, presets, jobs=1)  # no processes in a request
        message = _(
            "Resized images: %(created)d created, %(existing)d already cached, "
            "%(failed)d failed."
        )
        counts = {
            "created": report.created,
            "existing": report.existing,
            "failed": len(report.failed) + len(report.broken),
        }
        self.message_user(request, message % counts)

    def has_scan_permission(self, request):
        return request.user.has_perm("gallery.scan")

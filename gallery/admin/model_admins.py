from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Album, AlbumAccessPolicy, Photo, PhotoAccessPolicy
from ..resizers.presets import get_preset
from .actions import AccessPolicyActions
from .scan import scan_photos
from .visibility import explain_album, explain_photo, names

__all__ = ["AlbumAdmin", "PhotoAdmin"]


class AccessPolicyInline(admin.StackedInline):
    filter_horizontal = ("groups", "users")


class AlbumAccessPolicyInline(AccessPolicyInline):
    model = AlbumAccessPolicy


class PhotoAccessPolicyInline(AccessPolicyInline):
    model = PhotoAccessPolicy


class GalleryAdmin(AccessPolicyActions, admin.ModelAdmin):
    """Columns and change page notes shared by the album and photo admins."""

    # Counting every row twice is slow on large tables; one count is enough.
    show_full_result_count = False

    def listed_policy(self, obj):
        """The policy that the changelist columns describe for ``obj``."""
        raise NotImplementedError

    def explain(self, obj):
        """Return ``(notes, warnings)`` on who can see ``obj``."""
        raise NotImplementedError

    @admin.display(description=_("is public"), boolean=True)
    def public(self, obj):
        policy = self.listed_policy(obj)
        return None if policy is None else policy.public

    @admin.display(description=_("authorized groups"))
    def groups(self, obj):
        policy = self.listed_policy(obj)
        return "-" if policy is None else names(policy.groups.all()) or "-"

    @admin.display(description=_("authorized users"))
    def users(self, obj):
        policy = self.listed_policy(obj)
        return "-" if policy is None else names(policy.users.all()) or "-"

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None:
            notes, warnings = self.explain(obj)
            context.update(visibility_notes=notes, visibility_warnings=warnings)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Album)
class AlbumAdmin(GalleryAdmin):
    policy_model = AlbumAccessPolicy
    policy_target = "album"
    policy_fields = ("public", "groups", "users", "inherit")
    date_hierarchy = "date"
    inlines = [AlbumAccessPolicyInline]
    list_display = [
        "display_name",
        "dirpath",
        "date",
        "category",
        "public",
        "groups",
        "users",
        "inherit",
    ]
    list_filter = ["category"]
    ordering = ["-date", "-name", "-dirpath", "-category"]
    readonly_fields = ["dirpath"]
    search_fields = ["name", "dirpath"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("access_policy")
            .prefetch_related("access_policy__users", "access_policy__groups")
        )

    def listed_policy(self, obj):
        return obj.get_access_policy()

    def explain(self, obj):
        return explain_album(obj)

    @admin.display(description=_("name"), ordering="name")
    def display_name(self, obj):
        return obj.display_name

    @admin.display(description=_("photos inherit album access policy"), boolean=True)
    def inherit(self, obj):
        policy = obj.get_access_policy()
        return None if policy is None else policy.inherit


@admin.register(Photo)
class PhotoAdmin(GalleryAdmin):
    policy_model = PhotoAccessPolicy
    policy_target = "photo"
    inlines = [PhotoAccessPolicyInline]
    list_display = [
        "display_name",
        "album",
        "date",
        "preview",
        "public",
        "groups",
        "users",
    ]
    # Walks the (album, date, filename) index: with 100,000 photos, ordering
    # by the album's date instead sorts every row and takes a second on
    # SQLite. Albums are created in the order of their directory paths, which
    # start with the date. (album, filename) is unique, so the admin appends
    # no "-pk".
    ordering = ["-album_id", "-date", "-filename"]
    readonly_fields = ["album", "filename", "preview"]
    search_fields = ["album__name", "album__dirpath", "filename"]
    # Shown next to each photo; a key of GALLERY_RESIZE_PRESETS.
    preview_preset = "thumb"

    def get_urls(self):
        scan = path(
            "scan/", self.admin_site.admin_view(scan_photos), name="gallery_scan_photos"
        )
        return [scan, *super().get_urls()]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("album__access_policy", "access_policy")
            .prefetch_related(
                "access_policy__users",
                "access_policy__groups",
                "album__access_policy__users",
                "album__access_policy__groups",
            )
        )

    def listed_policy(self, obj):
        return obj.get_effective_access_policy()

    def explain(self, obj):
        return explain_photo(obj)

    @admin.display(description=_("name"), ordering="date")
    def display_name(self, obj):
        return obj.display_name

    @admin.display(description=_("preview"))
    def preview(self, obj):
        size = get_preset(self.preview_preset)
        if obj.pk is None or size is None:
            return "-"
        url = reverse(
            "gallery:photo-resized",
            kwargs={"preset": self.preview_preset, "pk": obj.pk},
        )
        return format_html(
            '<a href="{}"><img src="{}" width="{}" height="{}" alt="" '
            'loading="lazy" style="object-fit: contain"></a>',
            obj.get_absolute_url(),
            url,
            size.width,
            size.height,
        )

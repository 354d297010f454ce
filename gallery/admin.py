from django.contrib import admin
from django.urls import path

from .admin_scan import scan_photos
from .models import Album, AlbumAccessPolicy, Photo, PhotoAccessPolicy


class AlbumAccessPolicyInline(admin.StackedInline):
    model = AlbumAccessPolicy
    filter_horizontal = ("groups", "users")


class PhotoAccessPolicyInline(admin.StackedInline):
    model = PhotoAccessPolicy
    filter_horizontal = ("groups", "users")


@admin.register(Album)
class AlbumAdmin(admin.ModelAdmin):
    inlines = [AlbumAccessPolicyInline]
    readonly_fields = ["dirpath"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    inlines = [PhotoAccessPolicyInline]
    readonly_fields = ["filename"]

    def get_urls(self):
        scan = path(
            "scan/", self.admin_site.admin_view(scan_photos), name="gallery_scan_photos"
        )
        return [scan, *super().get_urls()]

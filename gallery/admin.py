from django.contrib import admin

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

"""The views named in :mod:`gallery.urls`: pages, then files.

Pages (index, year, album, photo, latest) list what the visitor may see,
with a fixed number of queries; files (resized images, originals, zip exports)
are served only after the same access check. Every view asks
:mod:`gallery.access` what is visible, and answers 404 for anything else.
"""

from django.db.models import F
from django.http import (
    Http404,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import ArchiveIndexView, DetailView, YearArchiveView
from django.views.generic.dates import timezone_today

from . import access, resizers
from .conf import conf
from .files import exports, serving, unavailable
from .files.unavailable import when_storage_fails
from .models import Album, Photo
from .pages.links import add_album_links, year_links
from .pages.ordering import (
    ALBUM_ORDER,
    PHOTO_ORDER,
    PHOTO_ORDER_IN_ALBUM,
    neighbour,
    order_by,
)
from .pages.periods import album_periods
from .pages.photolist import PhotoList
from .pages.presets import preset
from .pages.previews import attach_previews
from .pages.search import search_albums
from .pages.tiles import parts, photo_alt, photo_image, photo_url
from .storages import get_storage

UNAVAILABLE_MAX_AGE = 3600

# Pages


class GalleryMixin:
    """What every page knows: the title, the visitor's choice, the presets."""

    allow_future = True

    @cached_property
    def show_public(self):
        return access.show_public(self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = conf.TITLE
        context["show_public"] = self.show_public
        # For templates of sites that use them; the default ones don't.
        context["thumb"] = SimpleLazyObject(lambda: preset("thumb"))
        return context


class AlbumListMixin(GalleryMixin):
    """Visible albums, most recent first, with photo counts and previews."""

    model = Album
    date_field = "date"
    paginate_by = 20
    ordering = tuple(f"-{field}" for field in ALBUM_ORDER)

    def get_queryset(self):
        albums = access.visible_albums(self.request.user, self.show_public)
        return albums.order_by(*self.get_ordering())

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """The periods that have albums, as ``dates()``; count the albums too."""
        periods = album_periods(queryset, date_type or self.get_date_list_period())
        if not periods and not self.get_allow_empty():
            raise Http404
        self.album_count = sum(periods.values())
        return sorted(periods, reverse=ordering == "DESC")

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        if hasattr(self, "album_count"):
            paginator.count = self.album_count  # no need to count them again
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        albums = add_album_links(list(context["object_list"]))
        attach_previews(albums, self.request.user, conf.PREVIEW_COUNT)
        context["object_list"] = context[self.context_object_name] = albums
        return context


class GalleryIndexView(AlbumListMixin, ArchiveIndexView):
    """Index of albums, optionally narrowed by a search on their names."""

    allow_empty = True

    @cached_property
    def query(self):
        # PostgreSQL rejects NUL characters in text; no album name has one.
        return self.request.GET.get("q", "").replace("\x00", "").strip()

    def get_queryset(self):
        return search_albums(super().get_queryset(), self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(q=self.query, **kwargs)
        context["year_links"] = year_links(context["date_list"])
        return context


class GalleryYearView(AlbumListMixin, YearArchiveView):
    """Albums of one year, with links to the neighbouring years that have some."""

    allow_empty = False
    make_object_list = True

    def get_dated_queryset(self, **lookup):
        """The albums of the year; :meth:`get_date_list` raises 404 if there are none.

        Django would run a query to check first.
        """
        albums = self.get_queryset().filter(**lookup)
        if not self.get_allow_future():
            albums = albums.filter(date__lte=timezone_today())
        return albums


class AlbumView(GalleryMixin, DetailView):
    """Visible photos of an album, with links to the neighbouring albums.

    Any visible album opens, public ones included: the ``show_public`` choice
    only filters listings, and the links to the neighbouring albums.
    """

    model = Album

    def get_queryset(self):
        return access.visible_albums(self.request.user)

    def get_photos(self):
        photos = Photo.objects.filter(album=self.object)
        photos = order_by(access.visible_photos(self.request.user, photos), PHOTO_ORDER)
        return PhotoList(photos, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        albums = access.visible_albums(self.request.user, self.show_public)
        context["photos"] = self.get_photos()
        context["previous_album"] = neighbour(self.object, albums, ALBUM_ORDER, False)
        context["next_album"] = neighbour(self.object, albums, ALBUM_ORDER)
        return context


class PhotoView(GalleryMixin, DetailView):
    """A photo in the photo presets, with its neighbours in the album."""

    model = Photo
    # What the page does not show of the photo, and what links show of others.
    unused_fields = ("size", "modified", "etag", "placeholder")
    link_fields = ("pk", "album", "date", "filename")

    def get_queryset(self):
        user = self.request.user
        photos = access.visible_photos_per_row(user).select_related("album")
        photos = photos.defer(*self.unused_fields)
        if access.can_see_everything(user):
            return photos  # the album is visible: see get_object()
        # A photo may be shared without its album: then the page names no album.
        return photos.annotate(
            album_visible=access.album_is_visible_per_row(user),
            album_inherit=F("album__access_policy__inherit"),
        )

    def get_object(self, queryset=None):
        photo = super().get_object(queryset)
        if not hasattr(photo, "album_visible"):
            photo.album_visible = photo.album_inherit = True
        return photo

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        photo = self.object
        passes = bool(photo.album_visible and photo.album_inherit)
        photos = access.visible_in_album(self.request.user, photo.album_id, passes)
        photos = photos.only(*self.link_fields)
        context["standard"] = SimpleLazyObject(lambda: preset("standard"))
        context["photo_alt"] = alt = photo_alt(photo, photo.album_visible)
        context["photo_image"] = photo_image(photo, alt)
        original = parts("gallery:photo-original")
        context["original_url"] = f"{original[0]}{photo.pk}{original[1]}"
        album = parts("gallery:album")
        context["album_url"] = f"{album[0]}{photo.album_id}{album[1]}"
        for name, forward in (("previous_photo", False), ("next_photo", True)):
            order = PHOTO_ORDER_IN_ALBUM  # the photos are all in the album
            other = context[name] = neighbour(photo, photos, order, forward)
            if other is not None:
                other.url = photo_url(other.pk)
        return context


def latest_album(request):
    """Redirect to the most recent visible album, or to the index."""
    albums = access.visible_albums(request.user, access.show_public(request))
    album = order_by(albums, ALBUM_ORDER, reverse=True).first()
    if album is None:
        return HttpResponseRedirect(reverse("gallery:index"))
    return HttpResponseRedirect(album.get_absolute_url())


# Files


def visible_photo_or_404(request, pk):
    photos = access.visible_photos_per_row(request.user).select_related("album")
    return get_object_or_404(photos, pk=pk)


@when_storage_fails
def resized_photo(request, preset, pk):
    """Serve a resized version of a photo, or redirect to it."""
    size = resizers.get_preset(preset)
    if size is None:
        raise Http404
    photo = visible_photo_or_404(request, pk)
    try:
        result = resizers.get_resize()(photo, *size)
    except resizers.ImageUnavailable:
        return image_unavailable_response()
    except resizers.CacheUnavailable:
        return unavailable.storage_unavailable_response()
    if isinstance(result, resizers.CachedFile):
        cache = get_storage("cache")
        return serving.serve(request, cache, result.name, filename=photo.filename)
    response = HttpResponseRedirect(result)
    # The URL outlives the access check: keep shared caches from storing it.
    response["Cache-Control"] = "private, no-store"
    return response


def image_unavailable_response():
    """A 404 that browsers may keep: the same file will not get better."""
    response = HttpResponseNotFound(
        _("This photo cannot be displayed."), content_type="text/plain"
    )
    response["Cache-Control"] = f"private, max-age={UNAVAILABLE_MAX_AGE}"
    return response


@when_storage_fails
def original_photo(request, pk):
    """Serve the original file of a photo."""
    photo = visible_photo_or_404(request, pk)
    storage = get_storage("photo")
    return serving.serve(request, storage, photo.image_name, filename=photo.filename)


@when_storage_fails
def export_album(request, pk):
    """Serve a zip archive of the photos of an album that the visitor may see."""
    album = get_object_or_404(access.visible_albums(request.user), pk=pk)
    photos = exports.exported_photos(request.user, album)
    if not photos:
        raise Http404
    return exports.export_response(request, album, photos)

"""The views named in :mod:`gallery.urls`: pages, the share URL, then files.

Pages (index, year, album, photo, latest) list what the visitor may see,
with a fixed number of queries; files (resized images, originals, zip exports)
are served only after the same access check. Every view asks
:mod:`gallery.access` what is visible, share links of the session included,
and answers 404 for anything else.
"""

from django.db.models import F
from django.http import (
    Http404,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import ArchiveIndexView, DetailView, YearArchiveView
from django.views.generic.dates import timezone_today

from . import access, resizers, shares
from .conf import conf
from .files import cachefiles, exports, location, serving, unavailable
from .files.unavailable import when_storage_fails
from .models import Album, Photo, ShareLogEntry
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
from .pages.photopage import photo_neighbours, visible_photo
from .pages.presets import preset
from .pages.previews import attach_previews
from .pages.search import search_albums
from .pages.tiles import parts, photo_alt, photo_image, photo_url
from .resizers import formats
from .storages import get_storage

UNAVAILABLE_MAX_AGE = 3600

# Pages


class GalleryMixin:
    """What every page knows: the title, the visitor's choice, the presets."""

    allow_future = True

    @cached_property
    def show_public(self):
        return access.show_public(self.request)

    @cached_property
    def grants(self):
        return access.grants(self.request)

    def visible_albums(self, include_public=True, per_row=False):
        """The albums the visitor may see; ``per_row``: tested row by row.

        Share links are always checked with the whole set of albums they open.
        """
        user, grants = self.request.user, self.grants
        if grants is None and per_row:
            return access.visible_albums_per_row(user, include_public)
        return access.visible_albums(user, include_public, grants=grants)

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
    # Test each album's policy row by row (pages of a period: the albums in
    # it are few), rather than reading every policy that admits the visitor.
    per_row = False

    def get_queryset(self):
        albums = self.visible_albums(self.show_public, self.per_row)
        if self.grants is not None:
            albums = albums.annotate(shared=access.is_shared(self.grants))
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
        attach_previews(albums, self.request.user, conf.PREVIEW_COUNT, self.grants)
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
    per_row = True

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
        albums = self.visible_albums(per_row=True)
        if self.grants is None:
            return albums
        user = self.request.user
        archive_grants = access.grants(self.request, "archive")
        return albums.annotate(
            downloadable=access.may_download_album(user, archive_grants)
        )

    def get_photos(self):
        photos = Photo.objects.filter(album=self.object)
        user, album = self.request.user, [self.object.pk]
        photos = access.visible_photos(user, photos, self.grants, albums=album)
        return PhotoList(order_by(photos, PHOTO_ORDER), self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        albums = self.visible_albums(self.show_public, per_row=True)
        context["photos"] = photos = self.get_photos()
        context["exportable"] = bool(photos) and getattr(
            self.object, "downloadable", True
        )
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
        user, grants = self.request.user, self.grants
        if grants is not None:
            return self.get_shared_queryset(user, grants)
        photos = access.visible_photos_per_row(user).select_related("album")
        photos = photos.defer(*self.unused_fields)
        if access.can_see_everything(user):
            return photos  # the album is visible: see get_object()
        # A photo may be shared without its album: then the page names no album.
        return photos.annotate(
            album_visible=access.album_is_visible_per_row(user),
            album_inherit=F("album__access_policy__inherit"),
        )

    def get_shared_queryset(self, user, grants):
        """The photos visible with the share links of the session."""
        photos = access.visible_photos(user, grants=grants).select_related("album")
        original_grants = access.grants(self.request, "originals")
        return photos.defer(*self.unused_fields).annotate(
            album_visible=access.album_is_visible(user, grants=grants),
            downloadable=access.may_download_photo(user, original_grants),
        )

    def get_object(self, queryset=None):
        if queryset is None and self.grants is None:
            photo = visible_photo(self.request.user, self.kwargs[self.pk_url_kwarg])
            if photo is None:
                raise Http404
            return photo  # the same as get_queryset() gives, quicker
        photo = super().get_object(queryset)
        if not hasattr(photo, "album_visible"):
            photo.album_visible = photo.album_inherit = True
        return photo

    def get_neighbours(self):
        """``(previous, next)``: the photos of the album that may be linked to."""
        photo, user = self.object, self.request.user
        if self.grants is None:
            passes = bool(photo.album_visible and photo.album_inherit)
            return photo_neighbours(user, photo, passes)
        photos = Photo.objects.filter(album=photo.album_id)
        photos = access.visible_photos(user, photos, self.grants)
        photos = photos.only(*self.link_fields)
        order = PHOTO_ORDER_IN_ALBUM  # the photos are all in the album
        return tuple(
            neighbour(photo, photos, order, forward) for forward in (False, True)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        photo = self.object
        context["standard"] = SimpleLazyObject(lambda: preset("standard"))
        context["original_allowed"] = getattr(photo, "downloadable", True)
        context["photo_alt"] = alt = photo_alt(photo, photo.album_visible)
        context["photo_image"] = photo_image(photo, alt)
        original = parts("gallery:photo-original")
        context["original_url"] = f"{original[0]}{photo.pk}{original[1]}"
        album = parts("gallery:album")
        context["album_url"] = f"{album[0]}{photo.album_id}{album[1]}"
        neighbours = zip(
            ("previous_photo", "next_photo"), self.get_neighbours(), strict=True
        )
        for name, other in neighbours:
            context[name] = other
            if other is not None:
                other.url = photo_url(other.pk)
        return context


def latest_album(request):
    """Redirect to the most recent visible album, or to the index."""
    grants = access.grants(request)
    albums = access.visible_albums(
        request.user, access.show_public(request), grants=grants
    )
    album = order_by(albums, ALBUM_ORDER, reverse=True).first()
    if album is None:
        return HttpResponseRedirect(reverse("gallery:index"))
    return HttpResponseRedirect(album.get_absolute_url())


# Share links


def share(request, token):
    """Open a share link: remember its grant in the session, go to its album.

    The token leaves the address bar at once, and no ``Referer`` carries it.
    An unknown token is a 404 that creates no session; an expired or revoked
    link says so with a 410.
    """
    link = shares.find_link(token)
    if link is None:
        raise Http404
    if link.is_active():
        if shares.grant(request, link):
            shares.record(request, link.pk, ShareLogEntry.OPENED)
            shares.delete_old_entries()
        response = HttpResponseRedirect(link.album.get_absolute_url())
    else:
        context = {"title": conf.TITLE, "link": link}
        response = render(request, "gallery/share_gone.html", context, status=410)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


# Files


def revalidated(response, grants):
    """Make browsers ask again for a file served through ``grants``.

    A revoked or expired grant then stops at once, even for files that the
    visitor loaded before.
    """
    cache_control = response.get("Cache-Control", "")
    if grants is not None and "max-age" in cache_control:
        response["Cache-Control"] = "private, no-cache"
    return response


def is_download(response):
    """Tell whether ``response`` sends a whole file: not a 304 nor a byte range."""
    return response.status_code in (200, 302)


def photo_or_404(request, pk, grants):
    """The photo ``pk`` if visible, with ``via_share``: a link of ``grants`` to it."""
    photos = access.visible_photos(request.user, grants=grants).select_related("album")
    photos = photos.annotate(via_share=access.granting_link(grants, "album"))
    return get_object_or_404(photos, pk=pk)


@when_storage_fails
def resized_photo(request, preset, pk):
    """Serve a resized version of a photo, or redirect to it."""
    size = resizers.get_preset(preset)
    if size is None:
        raise Http404
    grants = access.grants(request)
    photos = access.visible_photos(request.user, grants=grants).select_related("album")
    photo = get_object_or_404(photos, pk=pk)
    format = formats.negotiate(request.headers.get("Accept"))
    options = {} if format is None else {"format": format}
    try:
        result = resizers.get_resize()(photo, *size, **options)
    except resizers.ImageUnavailable:
        return image_unavailable_response()
    except resizers.CacheUnavailable:
        return unavailable.storage_unavailable_response()
    if isinstance(result, resizers.CachedFile):
        filename = cachefiles.resized_filename(photo.filename, result.name)
        cache = get_storage("cache")
        response = serving.serve(request, cache, result.name, filename=filename)
        response = revalidated(response, grants)
    else:
        response = HttpResponseRedirect(result)
        # The URL outlives the access check: keep shared caches from storing it.
        response["Cache-Control"] = "private, no-store"
    if format is not None:
        patch_vary_headers(response, ["Accept"])
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
    grants = access.grants(request, "originals")
    photo = photo_or_404(request, pk, grants)
    storage = get_storage("photo")
    if access.sees_location(request.user):
        serve = serving.serve
    else:
        serve = location.serve_without_location
    response = serve(request, storage, photo.image_name, filename=photo.filename)
    if photo.via_share is not None and is_download(response):
        shares.record(request, photo.via_share, ShareLogEntry.ORIGINAL, photo)
    return revalidated(response, grants)


@when_storage_fails
def export_album(request, pk):
    """Serve a zip archive of the photos of an album that the visitor may see."""
    grants = access.grants(request, "archive")
    albums = access.visible_albums(request.user, grants=grants)
    albums = albums.annotate(via_share=access.granting_link(grants))
    album = get_object_or_404(albums, pk=pk)
    photos = exports.exported_photos(request.user, album, grants)
    if not photos:
        raise Http404
    response = exports.export_response(request, album, photos)
    if album.via_share is not None and is_download(response):
        shares.record(request, album.via_share, ShareLogEntry.ARCHIVE)
    return revalidated(response, grants)

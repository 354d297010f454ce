from django.http import Http404, HttpResponseNotFound, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import ArchiveIndexView, DetailView, YearArchiveView

from . import access, exports, resizers, serving
from .conf import conf
from .models import Album, Photo
from .storages import get_storage

UNAVAILABLE_MAX_AGE = 3600

# Pages


class GalleryMixin:
    allow_future = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = conf.TITLE
        return context


class AlbumListMixin(GalleryMixin):
    model = Album
    date_field = "date"
    allow_empty = True
    paginate_by = 20

    def get_queryset(self):
        albums = access.visible_albums(
            self.request.user, access.show_public(self.request)
        )
        return albums.order_by("-date", "-name")


class GalleryIndexView(AlbumListMixin, ArchiveIndexView):
    pass


class GalleryYearView(AlbumListMixin, YearArchiveView):
    make_object_list = True


class AlbumView(GalleryMixin, DetailView):
    model = Album

    def get_queryset(self):
        return access.visible_albums(self.request.user)


class PhotoView(GalleryMixin, DetailView):
    model = Photo

    def get_queryset(self):
        return access.visible_photos(self.request.user).select_related("album")


def latest_album(request):
    albums = access.visible_albums(request.user, access.show_public(request))
    album = albums.order_by("-date", "-name").first()
    if album is None:
        return HttpResponseRedirect(reverse("gallery:index"))
    return HttpResponseRedirect(album.get_absolute_url())


# Files


def visible_photo_or_404(request, pk):
    photos = access.visible_photos(request.user).select_related("album")
    return get_object_or_404(photos, pk=pk)


def resized_photo(request, preset, pk):
    """Serve a resized version of a photo, or redirect to it."""
    size = resizers.get_preset(preset)
    if size is None:
        raise Http404
    photo = visible_photo_or_404(request, pk)
    try:
        result = resizers.get_resize()(photo, *size)
    except resizers.ImageUnavailable:
        return unavailable_response()
    if isinstance(result, resizers.CachedFile):
        cache = get_storage("cache")
        return serving.serve(request, cache, result.name, filename=photo.filename)
    return HttpResponseRedirect(result)


def unavailable_response():
    """A 404 that browsers may keep: the same file will not get better."""
    response = HttpResponseNotFound(
        _("This photo cannot be displayed."), content_type="text/plain"
    )
    response["Cache-Control"] = f"private, max-age={UNAVAILABLE_MAX_AGE}"
    return response


def original_photo(request, pk):
    """Serve the original file of a photo."""
    photo = visible_photo_or_404(request, pk)
    storage = get_storage("photo")
    return serving.serve(request, storage, photo.image_name, filename=photo.filename)


def export_album(request, pk):
    """Serve a zip archive of the photos of an album that the visitor may see."""
    album = get_object_or_404(access.visible_albums(request.user), pk=pk)
    photos = exports.visible_photos(request.user, album)
    if not photos:
        raise Http404
    return exports.export_response(request, album, photos)

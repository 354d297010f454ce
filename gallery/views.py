from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ArchiveIndexView, DetailView, YearArchiveView

from . import access
from .conf import conf
from .models import Album, Photo

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
    raise Http404


def original_photo(request, pk):
    raise Http404


def export_album(request, pk):
    raise Http404

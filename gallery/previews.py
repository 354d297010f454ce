"""Photo counts and random previews of a page of albums, in one query.

Only the visible photos of the albums on the page are considered, and the
database picks the preview: each photo gets a random rank within its album and
the count of visible photos of its album; only the first ranks are fetched.
"""

from django.db.models import Count, F, Window
from django.db.models.functions import Random, RowNumber

from . import access
from .links import add_links
from .models import Photo
from .ordering import PHOTO_ORDER, order_by


def preview_photos(albums, user, size):
    """Up to ``size`` (at least one) visible photos per album, with totals."""
    photos = Photo.objects.filter(album__in=[album.pk for album in albums])
    photos = access.visible_photos(user, photos)
    photos = photos.annotate(
        rank=Window(RowNumber(), partition_by=F("album"), order_by=Random()),
        total=Window(Count("pk"), partition_by=F("album")),
    )
    # Keep one photo even when no preview is wanted, to carry the total.
    return order_by(photos.filter(rank__lte=max(size, 1)), PHOTO_ORDER)


def attach_previews(albums, user, size):
    """Set ``photos_count`` and ``preview`` (photos in album order) on each album."""
    by_pk = {}
    for album in albums:
        album.photos_count, album.preview = 0, []
        by_pk[album.pk] = album
    if not by_pk:
        return albums
    for photo in preview_photos(albums, user, size):
        album = by_pk[photo.album_id]
        photo.album = album
        album.photos_count = photo.total
        if photo.rank <= size:
            album.preview.append(photo)
    add_links(photo for album in albums for photo in album.preview)
    return albums

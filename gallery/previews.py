"""Photo counts and random previews of a page of albums, in two queries.

Only the visible photos of the albums on the page are considered, and the
database picks the preview: a first, narrow query gives each photo a random
rank within its album and the count of visible photos of its album, keeping
only the first ranks; a second one fetches the chosen photos in album order.
"""

from django.db.models import Count, F, Window
from django.db.models.functions import Random, RowNumber

from . import access
from .links import add_links
from .models import Photo
from .ordering import PHOTO_ORDER, order_by


class DatabaseRandom(Random):
    """``Random()`` computed by SQLite itself rather than by a Python function."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return "RANDOM()", []


def ranked_photos(albums, user, size):
    """Rows ``(pk, album pk, rank, total)``: ``size`` (at least one) per album."""
    photos = Photo.objects.filter(album__in=[album.pk for album in albums])
    photos = access.visible_photos(user, photos).annotate(
        rank=Window(RowNumber(), partition_by=F("album"), order_by=DatabaseRandom()),
        total=Window(Count("pk"), partition_by=F("album")),
    )
    # Keep one photo even when no preview is wanted, to carry the total.
    photos = photos.filter(rank__lte=max(size, 1)).order_by()
    return photos.values_list("pk", "album", "rank", "total")


def attach_previews(albums, user, size):
    """Set ``photos_count`` and ``preview`` (photos in album order) on each album."""
    by_pk = {}
    for album in albums:
        album.photos_count, album.preview = 0, []
        by_pk[album.pk] = album
    if not by_pk:
        return albums
    chosen = []
    for pk, album_pk, rank, total in ranked_photos(albums, user, size):
        by_pk[album_pk].photos_count = total
        if rank <= size:
            chosen.append(pk)
    if chosen:
        for photo in order_by(Photo.objects.filter(pk__in=chosen), PHOTO_ORDER):
            album = by_pk[photo.album_id]
            Photo.album.field.set_cached_value(photo, album)
            album.preview.append(photo)
    add_links(photo for album in albums for photo in album.preview)
    return albums

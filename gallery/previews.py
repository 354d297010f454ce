"""Photo counts and random previews of a page of albums, in three queries.

Only the visible photos of the albums on the page are considered: one query
counts them per album; in another, the database gives each a random rank
within its album and keeps the first ranks; a third one fetches the chosen
photos in album order. The ranking query only reads narrow index entries.
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


def visible_photos_of(albums, user):
    photos = Photo.objects.filter(album__in=[album.pk for album in albums])
    return access.visible_photos(user, photos).order_by()


def photo_counts(albums, user):
    """Rows ``(album pk, number of visible photos)``."""
    photos = visible_photos_of(albums, user).values("album")
    return photos.annotate(count=Count("pk")).values_list("album", "count")


def random_photos(albums, user, size):
    """Primary keys of up to ``size`` visible photos per album, chosen at random."""
    photos = visible_photos_of(albums, user).annotate(
        rank=Window(RowNumber(), partition_by=F("album"), order_by=DatabaseRandom()),
    )
    return photos.filter(rank__lte=size).values_list("pk", flat=True)


def attach_previews(albums, user, size):
    """Set ``photos_count`` and ``preview`` (photos in album order) on each album."""
    by_pk = {}
    for album in albums:
        album.photos_count, album.preview = 0, []
        by_pk[album.pk] = album
    if not by_pk:
        return albums
    for album_pk, count in photo_counts(albums, user):
        by_pk[album_pk].photos_count = count
    if size > 0:
        chosen = list(random_photos(albums, user, size))
        for photo in order_by(Photo.objects.filter(pk__in=chosen), PHOTO_ORDER):
            album = by_pk[photo.album_id]
            Photo.album.field.set_cached_value(photo, album)
            album.preview.append(photo)
    add_links(photo for album in albums for photo in album.preview)
    return albums

"""Photo counts and random previews of a page of albums, in two queries.

Only the visible photos of the albums on the page are considered. One
aggregate query returns, for each album, the number of its visible photos and
their primary keys (one string per album, read from an index); the preview is
drawn from them at random, and a second query fetches the chosen photos in
album order. No photo is loaded unless it is shown.
"""

import random

from django.db.models import Aggregate, Count, F, TextField
from django.utils.safestring import SafeString

from .. import access
from ..models import Photo
from .links import add_links
from .ordering import PHOTO_ORDER, order_by
from .tiles import cover

__all__ = ["attach_previews"]


class KeyList(Aggregate):
    """Primary keys of the rows of a group, as one comma-separated string."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def __init__(self, **extra):
        super().__init__(F("pk"), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s((%(expressions)s)::text, ',')",
            **extra_context,
        )


def photo_keys(albums, user, grants=None):
    """Rows ``(album pk, number of visible photos, their pks as a string)``."""
    keys = [album.pk for album in albums]
    photos = Photo.objects.filter(album__in=keys)
    photos = access.visible_photos(user, photos, grants, albums=keys)
    photos = photos.order_by().values("album")
    photos = photos.annotate(count=Count("pk"), keys=KeyList())
    return photos.values_list("album", "count", "keys")


def attach_previews(albums, user, size, grants=None):
    """Set ``photos_count``, ``preview``, ``thumbnails`` and ``cover`` on each album.

    ``preview`` holds photos in album order, ``thumbnails`` their ``<img>``
    elements, joined: printing it is quicker than a loop in a template;
    ``cover`` is the ``<img>`` of the first one, larger.
    """
    by_pk = {}
    for album in albums:
        album.photos_count, album.preview = 0, []
        by_pk[album.pk] = album
    if not by_pk:
        return albums
    chosen = []
    for album_pk, count, keys in photo_keys(albums, user, grants):
        by_pk[album_pk].photos_count = count
        chosen += random.sample(keys.split(","), min(size, count))
    if chosen:
        photos = Photo.objects.filter(pk__in=[int(pk) for pk in chosen])
        for photo in order_by(photos, PHOTO_ORDER):
            album = by_pk[photo.album_id]
            Photo.album.field.set_cached_value(photo, album)
            album.preview.append(photo)
    add_links(photo for album in albums for photo in album.preview)
    for index, album in enumerate(albums):
        album.thumbnails = SafeString("".join(p.thumbnail for p in album.preview))
        album.cover = album.preview and cover(album.preview[0], lazy=index > 1)
    return albums

"""The photo of a photo page, with its album, and the photos around it.

Each is one lookup by index, run with SQL compiled once per kind of visitor
(see :mod:`.prepared`): building and compiling these three querysets cost the
photo page more than everything else it does.
"""

import copy
import functools

from django.db import connections, router
from django.db.models import F

from .. import access
from ..models import Album, Photo
from .ordering import PHOTO_ORDER_IN_ALBUM, neighbour_queryset
from .prepared import prepared_rows

__all__ = ["visible_photo", "photo_neighbours"]

# What the page shows of the photo and its album, in the models' order of fields.
PHOTO_FIELDS = ("id", "album_id", "filename", "date", "width", "height")
ALBUM_FIELDS = ("id", "category", "dirpath", "date", "name")
# What the links to the neighbours show of them.
LINK_FIELDS = ("id", "album_id", "filename", "date")


def _visitor(user):
    """What of ``user`` changes the SQL: ``all``, ``anonymous`` or its model."""
    if access.can_see_everything(user):
        return "all"
    if not access.is_identified(user):
        return "anonymous"
    return user.__class__  # the model behind a lazy object


@functools.cache
def _fields(visitor, *names):
    """The fields that the values ``names`` of a query are compared with."""
    fields = {name: Photo._meta.get_field(name) for name in names}
    if isinstance(visitor, type):
        fields["user_pk"] = visitor._meta.pk
    return fields


def _as(user, user_pk):
    """``user``, or a copy of it whose key is ``user_pk`` (a marker) if given."""
    if user_pk is None:
        return user
    stand_in = copy.copy(user)
    stand_in.pk = user_pk
    return stand_in


def _run(key, user, build, **values):
    """The rows of ``build``'s query for ``user`` and ``values`` (see .prepared)."""
    visitor = _visitor(user)
    if isinstance(visitor, type):
        values["user_pk"] = user.pk
    fields = _fields(visitor, *(name for name in values if name != "user_pk"))
    return prepared_rows((*key, visitor), build, fields, values, _database())


def _database():
    return router.db_for_read(Photo)


def _in_range(pk):
    """Whether the database's keys can be ``pk``: others match no photo."""
    kind = Photo._meta.pk.get_internal_type()
    low, high = connections[_database()].ops.integer_field_range(kind)
    return (low is None or low <= pk) and (high is None or pk <= high)


def visible_photo(user, pk):
    """The photo ``pk`` if ``user`` may see it, else None.

    Its album is loaded; ``album_visible`` tells whether ``user`` may see the
    album too, and ``album_inherit`` whether its policy is inherited.
    """
    if not _in_range(pk):
        return None
    see_all = access.can_see_everything(user)

    def build(id, user_pk=None):
        visitor = _as(user, user_pk)
        photos = access.visible_photos_per_row(visitor).filter(pk=id)
        columns = [*PHOTO_FIELDS, *(f"album__{name}" for name in ALBUM_FIELDS)]
        if not see_all:
            photos = photos.annotate(
                album_visible=access.album_is_visible_per_row(visitor),
                album_inherit=F("album__access_policy__inherit"),
            )
            columns += ["album_visible", "album_inherit"]
        return photos.values_list(*columns)

    rows = _run(("photo",), user, build, id=pk)
    if not rows:
        return None
    row, count = rows[0], len(PHOTO_FIELDS)
    photo = Photo.from_db(_database(), PHOTO_FIELDS, row[:count])
    album = Album.from_db(
        _database(), ALBUM_FIELDS, row[count : count + len(ALBUM_FIELDS)]
    )
    Photo.album.field.set_cached_value(photo, album)
    extra = row[count + len(ALBUM_FIELDS) :]
    photo.album_visible, photo.album_inherit = extra or (True, True)
    return photo


def photo_neighbours(user, photo, album_passes):
    """``(previous, next)``: the photos around ``photo`` that ``user`` may see, or None.

    ``album_passes`` tells whether the album's policy shows ``user`` the photos
    that inherit it (see :func:`~gallery.access.visible_in_album`).
    """
    found = []
    for forward in (False, True):

        def build(album, date, filename, user_pk=None, forward=forward):
            visitor = _as(user, user_pk)
            photos = access.visible_in_album(visitor, album, album_passes)
            photo = Photo(album_id=album, date=date, filename=filename)
            photos = neighbour_queryset(photo, photos, PHOTO_ORDER_IN_ALBUM, forward)
            return photos.values_list(*LINK_FIELDS)[:1]

        key = ("photo neighbour", album_passes, forward)
        values = {"album": photo.album_id, "date": photo.date}
        rows = _run(key, user, build, filename=photo.filename, **values)
        found.append(Photo.from_db(_database(), LINK_FIELDS, rows[0]) if rows else None)
    return tuple(found)

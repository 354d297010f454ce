"""The photos before and after a photo in its album, for its page.

Each is one index lookup, run with SQL compiled once per kind of visitor (see
:mod:`.prepared`): building and compiling the two querysets cost the photo
page more than anything else it does.
"""

import copy
import functools

from .. import access
from ..models import Photo
from .ordering import PHOTO_ORDER_IN_ALBUM, neighbour_queryset
from .prepared import prepared_rows

__all__ = ["photo_neighbours"]

# What the links to the neighbours show of them.
LINK_FIELDS = ("pk", "album", "date", "filename")


def _visitor(user):
    """What of ``user`` changes the SQL: ``all``, ``anonymous`` or its model."""
    if access.can_see_everything(user):
        return "all"
    if not access.is_identified(user):
        return "anonymous"
    return user.__class__  # the model behind a lazy object


@functools.cache
def _fields(visitor):
    """The fields that the values of a neighbour's query are compared with."""
    fields = {
        name: Photo._meta.get_field(name) for name in ("album", "date", "filename")
    }
    if isinstance(visitor, type):
        fields["user_pk"] = visitor._meta.pk
    return fields


def _builder(user, album_passes, forward):
    """A function building the neighbour's queryset from the values of the query."""

    def build(album, date, filename, user_pk=None):
        visitor = user
        if user_pk is not None:  # the marker, standing for the user's key
            visitor = copy.copy(user)
            visitor.pk = user_pk
        photos = access.visible_in_album(visitor, album, album_passes)
        photo = Photo(album_id=album, date=date, filename=filename)
        photos = neighbour_queryset(photo, photos, PHOTO_ORDER_IN_ALBUM, forward)
        return photos.only(*LINK_FIELDS)[:1]

    return build


def photo_neighbours(user, photo, album_passes):
    """``(previous, next)``: the photos around ``photo`` that ``user`` may see, or None.

    ``album_passes`` tells whether the album's policy shows ``user`` the photos
    that inherit it (see :func:`~gallery.access.visible_in_album`).
    """
    visitor = _visitor(user)
    values = {"album": photo.album_id, "date": photo.date, "filename": photo.filename}
    if isinstance(visitor, type):
        values["user_pk"] = user.pk
    found = []
    for forward in (False, True):
        key = ("photo neighbour", visitor, album_passes, forward)
        build = _builder(user, album_passes, forward)
        rows = prepared_rows(key, build, _fields(visitor), values)
        found.append(rows[0] if rows else None)
    return tuple(found)

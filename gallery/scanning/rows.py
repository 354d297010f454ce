"""The photo rows a scan reads and writes, as named tuples.

Tuples keep the speed of plain rows (a scan handles one per photo); the names
say what each value is, and the field names of the rows written are the
columns they go to.
"""

import functools
import typing

__all__ = [
    "NewPhoto",
    "PhotoDate",
    "PhotoRemoval",
    "PhotoShape",
    "PhotoVersion",
    "StoredPhoto",
    "new_photo_fields",
    "stored_photos",
]


class StoredPhoto(typing.NamedTuple):
    """A photo as the database holds it; datetimes maybe as stored text."""

    id: int
    filename: str
    date: object  # None unless the scan is full
    size: int | None
    modified: object
    etag: str
    album_id: int


class NewPhoto(typing.NamedTuple):
    """A photo to insert; ``album_id`` is a pk, or a ``FoundAlbum`` created first;
    its upright size when the scan read it from the file's headers."""

    album_id: object
    filename: str
    date: object
    size: int | None
    modified: object
    etag: str
    width: int | None = None
    height: int | None = None


class PhotoVersion(typing.NamedTuple):
    """A photo whose file was renamed or replaced: its new name and version."""

    id: int
    filename: str
    size: int | None
    modified: object
    etag: str


class PhotoShape(typing.NamedTuple):
    """A photo whose file was replaced: its upright size if the scan read it
    from the new file's headers, else unknown, and no placeholder colour yet."""

    id: int
    width: int | None = None
    height: int | None = None
    placeholder: str = ""


class PhotoDate(typing.NamedTuple):
    """A photo whose date, read from its name, changed."""

    id: int
    date: object


class PhotoRemoval(typing.NamedTuple):
    """A photo whose file is gone, with its album (an ``Album``) for the report."""

    id: int
    album: object
    filename: str


def new_photo_fields(rows):
    """The :class:`NewPhoto` fields to write for ``rows``: without the size when
    no row has one, which spares the database two columns of nulls to parse."""
    if any(row.width is not None for row in rows):
        return NewPhoto._fields
    return NewPhoto._fields[:-2]


def stored_photos(rows):
    """``rows`` (plain tuples in ``StoredPhoto`` order) as ``StoredPhoto``s."""
    return map(_as_stored_photo, rows)


# tuple.__new__ with the class bound: no Python call a row.
_as_stored_photo = functools.partial(tuple.__new__, StoredPhoto)

"""Dates of photos from their EXIF, when the patterns capture none.

With ``GALLERY_PHOTO_DATES = "exif"``, a photo whose path gives no time gets
the ``DateTimeOriginal`` of its EXIF, with ``OffsetTimeOriginal`` when there
is one, else in the default time zone like the dates of patterns. Only new
and replaced files are read, and only their headers: a few kilobytes each.
The same bytes give the upright size of these photos (:mod:`..files.dimensions`),
recorded with their dates.
"""

import datetime
import logging
import os
import struct

from django.utils.translation import gettext as _

from ..files import exifblock, heads
from ..files.dimensions import upright_size
from ..files.tiff import Truncated, entries, first_directory
from ..storages import is_local
from .listing import is_s3, local_root
from .matching import nfc, photo_zone
from .rows import PhotoDate, PhotoShape

__all__ = ["exif_date", "fill_dates", "parse_moment", "read_head"]

logger = logging.getLogger("gallery.scanning")

EXIF_POINTER, TAKEN, OFFSET = 0x8769, 0x9003, 0x9011
MAX_BLOCK = 64 * 1024  # EXIF blocks are at most this long in JPEG files
# Dates come first in an EXIF block; an embedded thumbnail may follow them.
FIRST_PART = 2048


def fill_dates(plan, storage):
    """Date the new and replaced photos of ``plan`` that have no date yet, and
    give them the upright size read from the same headers.

    ``plan.photos_add`` rows get their date, width and height; replaced photos
    get a ``PhotoDate`` in ``plan.photos_redate`` and their size in their
    ``PhotoShape`` of ``plan.photos_reshape``.
    """
    open_head = head_opener(storage)
    zone = photo_zone()
    read = lambda name, size: read_head(open_head, name, size, zone)  # noqa: E731
    fill_added(plan, read)
    fill_replaced(plan, read)


def fill_added(plan, read):
    """Date and measure the rows of ``plan.photos_add`` listed as undated."""
    for index, name, size in plan.undated_added:
        date, upright = read(name, size)
        if date is None:
            plan.notes.append(_("%(path)s: no date in its EXIF") % {"path": nfc(name)})
        width, height = upright or (None, None)
        row = plan.photos_add[index]
        plan.photos_add[index] = row._replace(date=date, width=width, height=height)


def fill_replaced(plan, read):
    """Date the stored photos listed as undated; measure those replaced."""
    reshaped = {shape.id: index for index, shape in enumerate(plan.photos_reshape)}
    for pk, name, size in plan.undated_replaced:
        date, upright = read(name, size)
        if date is not None:
            plan.photos_redate.append(PhotoDate(pk, date))
        if upright is not None and pk in reshaped:
            plan.photos_reshape[reshaped[pk]] = PhotoShape(pk, *upright)


def head_opener(storage):
    """A function giving the :class:`.heads.HeadFile` of ``(name, size)``."""
    root = local_root(storage)
    if root is not None:
        # Names come from the listing of this root: no need to check them again.
        return lambda name, size: heads.local_head(os.path.join(root, name), size)
    if is_s3(storage) and not is_local(storage):
        return lambda name, size: heads.s3_head(storage, name, size)
    return lambda name, size: storage.open(name, "rb")


def read_head(open_head, name, size, zone):
    """``(date taken, upright size)`` of ``name`` from its headers, each or
    both ``None`` when they do not tell or the file cannot be read."""
    try:
        file = open_head(name, size)
        try:
            page = file.read(exifblock.HEAD)  # read once for both
            return exif_date(file, zone, page), upright_size(file, page)
        finally:
            file.close()
    except Exception as exc:  # a file that vanished or a failing request
        logger.warning("Cannot read the headers of %s: %s", name, exc)
        return None, None


def exif_date(file, zone, page=None):
    """``DateTimeOriginal`` (with its offset) of the EXIF of ``file``, or ``None``;
    ``page``, when given, holds the first :data:`.exifblock.HEAD` bytes of it."""
    if page is None:
        file.seek(0)
        page = file.read(exifblock.HEAD)
    quick = page_date(page, zone)
    if quick is not exifblock.MORE:
        return quick
    located = exifblock.locate(file)
    if located is None:
        return None
    start, length = located
    for size in (min(length, FIRST_PART), min(length, MAX_BLOCK)):
        file.seek(start)
        try:
            taken, offset = exif_strings(file.read(size))
        except Truncated:
            continue  # the block holds more than the first part: read it all
        except (ValueError, KeyError, struct.error):
            return None
        return parse_date(taken, offset, zone)
    return None


def page_date(page, zone):
    """The date of a JPEG from its first bytes ``page``, when they hold it.

    Most JPEG files put their EXIF first: their first page tells, read once,
    with no other call. Else :data:`.exifblock.MORE`.
    """
    if page[:2] != b"\xff\xd8":
        return exifblock.MORE
    located = exifblock.locate_in_page(page)
    if located is None or located is exifblock.MORE:
        return located
    start, length = located
    try:
        taken, offset = exif_strings(page[start : start + min(length, MAX_BLOCK)])
    except Truncated:
        return exifblock.MORE
    except (ValueError, KeyError, struct.error):
        return None
    return parse_date(taken, offset, zone)


def exif_strings(tiff):
    """``(DateTimeOriginal, OffsetTimeOriginal)`` strings of a TIFF block."""
    order, first = first_directory(tiff)
    if EXIF_POINTER not in first:
        return None, None
    exif = entries(tiff, order, first[EXIF_POINTER][2])
    return ascii_value(tiff, exif.get(TAKEN)), ascii_value(tiff, exif.get(OFFSET))


def ascii_value(tiff, entry):
    if entry is None or entry[0] != 2 or entry[1] <= 4:
        return None  # dates and offsets are longer than 4 characters
    kind, count, offset = entry
    if offset + count > len(tiff):
        raise Truncated
    return tiff[offset : offset + count].split(b"\x00")[0].decode("ascii", "replace")


def parse_moment(text):
    """The naive datetime of ``YYYY:MM:DD HH:MM:SS``, or ``None``.

    Several times faster than ``strptime()``, which counts when scanning.
    """
    if len(text) != 19 or text[4:17:3] != ":: ::":
        return None
    try:
        return datetime.datetime(
            int(text[:4]),
            int(text[5:7]),
            int(text[8:10]),
            int(text[11:13]),
            int(text[14:16]),
            int(text[17:]),
        )
    except ValueError:
        return None


def parse_date(taken, offset, zone):
    """Aware (or, without ``USE_TZ``, naive) datetime of EXIF strings, or ``None``."""
    moment = parse_moment((taken or "").strip())
    if moment is None:
        return None
    if zone is None:
        return moment
    try:
        hours, minutes = (offset or "").strip().split(":")
        sign = -1 if hours.startswith("-") else 1
        delta = datetime.timedelta(hours=int(hours), minutes=sign * int(minutes))
    except ValueError:
        return moment.replace(tzinfo=zone)
    return moment.replace(tzinfo=datetime.timezone(delta))

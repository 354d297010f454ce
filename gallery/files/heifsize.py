"""The upright size of a HEIC or AVIF photo from the ``meta`` box at its start.

A HEIF file (HEIC, AVIF) describes its primary image in its ``meta`` box: the
``ispe`` property gives the size as encoded, an ``irot`` property the quarter
turns that show it upright, a ``clap`` property a crop to its "clean
aperture". Decoders apply ``irot`` and ignore the EXIF orientation, so the
upright size comes from these properties alone. The ``meta`` box
comes first in the files of phones and encoders: the first page of the file
holds it, or the page and one more read of the rest of the box.
"""

import io
import struct

from .exifblock import HEAD, Reader, boxes

__all__ = ["heif_size"]

AVIF = (b"avif", b"avis")  # major brands of AVIF files


def heif_size(file, page):
    """``(width, height)`` of the primary image of a HEIF ``file`` shown upright,
    or ``None``; ``page`` holds the first bytes of the file."""
    meta = meta_payload(file, page)
    if meta is None:
        return None
    children = payloads(meta, 4)  # after the version and flags of the box
    found = item_properties(meta, children, primary_item(meta, *children[b"pitm"]))
    if b"clap" in found:
        # libheif crops HEIC to the clean aperture; Pillow's AVIF decoder does not.
        size = None if page[8:12] in AVIF else aperture(meta, found[b"clap"])
    else:
        size = struct.unpack_from(">II", meta, found[b"ispe"] + 4)
    if size is None:
        return None
    turns = meta[found[b"irot"]] & 3 if b"irot" in found else 0
    return (size[1], size[0]) if turns % 2 else size


def aperture(meta, start):
    """``(width, height)`` of a ``clap`` property, or ``None`` if not whole numbers."""
    width, per_width, height, per_height = struct.unpack_from(">4I", meta, start)
    if not per_width or not per_height or width % per_width or height % per_height:
        return None
    return width // per_width, height // per_height


def meta_payload(file, page):
    """The bytes of the ``meta`` box after its header: from ``page``, or from
    ``page`` and one more read when the box ends less than a page after it."""
    for kind, start, end in boxes(io.BytesIO(page), 0, len(page)):
        if kind != b"meta":
            continue
        if end > len(page) + HEAD:
            return None
        if end > len(page):
            file.seek(len(page))
            page += file.read(end - len(page))
        return page[start:end]
    return None


def payloads(data, start, end=None):
    """``{type: (payload start, end)}`` of the boxes of ``data`` from ``start``."""
    end = len(data) if end is None else end
    return {
        kind: (payload, stop)
        for kind, payload, stop in boxes(io.BytesIO(data), start, end)
    }


def primary_item(meta, start, end):
    """The identifier of the primary item, from the ``pitm`` box."""
    reader = Reader(meta[:end], start)
    return reader.take(4 if reader.take(4) >> 24 else 2)


def item_properties(meta, children, item):
    """``{type: payload start}`` of the properties of ``item`` (``iprp`` box)."""
    iprp = payloads(meta, *children[b"iprp"])
    start, end = iprp[b"ipco"]
    properties = list(boxes(io.BytesIO(meta[:end]), start, end))
    found = {}
    for index in associations(meta, *iprp[b"ipma"], item):
        kind, payload, _ = properties[index - 1]
        found.setdefault(kind, payload)
    return found


def associations(meta, start, end, item):
    """The 1-based property indexes of ``item`` in the ``ipma`` box."""
    reader = Reader(meta[:end], start)
    version, flags = reader.take(1), reader.take(3)
    size, mask = (2, 0x7FFF) if flags & 1 else (1, 0x7F)
    for _ in range(reader.take(4)):
        identifier = reader.take(2 if version < 1 else 4)
        indexes = [reader.take(size) & mask for _ in range(reader.take(1))]
        if identifier == item:
            return [index for index in indexes if index]
    return []

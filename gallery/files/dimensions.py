"""The upright size of a photo from the headers at the start of its file.

Pages lay out their cells from the width and height of photos; the scanner
reads them here from the bytes it already reads for the EXIF date: the
first page of the file, and at most one more small read at an offset the
first page gave (the frame header of a JPEG often lies past a long EXIF
block). JPEG, PNG, WebP, HEIC and AVIF (see :mod:`.heifsize`) are
understood; the size is the one Pillow gives after
``ImageOps.exif_transpose()``: orientations 5 to 8 swap the sides.
"""

import struct

from .exifblock import HEAD
from .heifsize import heif_size
from .tiff import SWAPPED, Truncated, orientation

__all__ = ["upright_size"]

# Start-of-frame markers: every 0xC0 to 0xCF but DHT, JPG and DAC.
FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Segments skipped by their length: neither frames, EXIF, nor image data, nor
# markers without a length (RSTn, TEM), nor fill bytes.
PLAIN = (
    frozenset(range(0x02, 0xFF)) - FRAMES - set(range(0xD0, 0xD8)) - {0xDA, 0xD9, 0xE1}
)
SEGMENT, FRAME = struct.Struct(">BBH"), struct.Struct(">HH")
EXIF = b"Exif\0\0"


def upright_size(file, page=None):
    """``(width, height)`` of the image in ``file`` after its EXIF orientation,
    or ``None`` when its first bytes do not tell; damaged headers give ``None``.

    ``page``, when given, holds the first :data:`HEAD` bytes of ``file``.
    """
    if page is None:
        file.seek(0)
        page = file.read(HEAD)
    try:
        if page[4:8] == b"ftyp":
            return heif_size(file, page)
        step = step_for(page)
        return None if step is None else walk(file, page, step)
    except (Truncated, ValueError, KeyError, IndexError, struct.error):
        return None


def step_for(page):
    """The function reading the structures of the file starting with ``page``."""
    if page[:3] == b"\xff\xd8\xff":
        return jpeg_step
    if page[:8] == b"\x89PNG\r\n\x1a\n" and page[12:16] == b"IHDR":
        return png_step
    if page[:4] == b"RIFF" and page[8:12] == b"WEBP":
        return webp_step
    return None


def walk(file, page, step):
    """The upright size ``step`` finds in ``page``, then in at most one more read.

    ``step(data, base, found)`` reads the structures of ``data`` (the bytes of
    the file from ``base``) from ``found["next"]`` on, filling ``found``; it
    returns whether it is done, or leaves ``found["next"]`` where ``data`` ends.
    """
    found = {"next": 0, "orientation": 1}
    if not step(page, 0, found):
        base = found["next"]
        file.seek(base)
        if not step(file.read(more_length(base)), base, found):
            return None
    if "size" not in found:
        return None
    width, height = found["size"]
    return (height, width) if found["orientation"] in SWAPPED else (width, height)


def more_length(offset):
    """How much to read at ``offset``: up to the end of its page, or of the next
    one when little of it is left; a page-aligned read costs one system call."""
    length = HEAD - offset % HEAD
    return length if length >= 1024 else length + HEAD


def jpeg_step(data, base, found):
    """Walk the segments of a JPEG up to its frame header, reading the
    orientation in the first ``Exif`` segment on the way."""
    at = max(found["next"], 2) - base
    while at + 4 <= len(data):
        marker, kind, length = SEGMENT.unpack_from(data, at)
        if marker != 0xFF:
            return True  # damaged
        if kind in PLAIN:  # most segments: tested first
            at += 2 + length
        elif kind in FRAMES:
            if at + 9 > len(data):
                break
            height, width = FRAME.unpack_from(data, at + 5)
            found["size"] = width, height
            return True
        elif kind == 0xE1:
            if "exif" not in found and data.startswith(EXIF, at + 4):
                found["exif"] = True  # Pillow reads the first one only
                found["orientation"] = orientation(data[at + 10 : at + 2 + length])
            at += 2 + length
        elif kind in (0xDA, 0xD9):
            return True  # image data, or the end, before any frame header
        else:  # a fill byte, or a marker without a length
            at += 1 if kind == 0xFF else 2
    found["next"] = base + at
    return False


def png_step(data, base, found):
    """Read the size in ``IHDR``, then the chunks up to the image data for an
    ``eXIf`` chunk, which must come before it."""
    if base == 0:
        found["size"] = struct.unpack_from(">II", data, 16)
    position = max(found["next"], 8)
    while position - base + 8 <= len(data):
        at = position - base
        length, kind = struct.unpack_from(">I4s", data, at)
        if kind == b"IDAT":
            return True
        if kind == b"eXIf":
            found["orientation"] = orientation(data[at + 8 : at + 8 + length])
            return True
        position += 12 + length
    found["next"] = position
    return False


def webp_step(data, base, found):
    """Read the size in the first chunk, then, for an extended file whose flags
    announce EXIF, the chunks up to the ``EXIF`` one."""
    position = max(found["next"], 12)
    while position - base + 8 <= len(data):
        at = position - base
        kind, length = struct.unpack_from("<4sI", data, at)
        if "size" not in found:
            found["size"], found["exif"] = webp_frame(kind, data[at + 8 : at + 18])
            if not found["exif"]:
                return True
        elif kind == b"EXIF":
            block = data[at + 8 : at + 8 + length]
            block = block[6:] if block.startswith(EXIF) else block
            found["orientation"] = orientation(block)
            return True
        position += 8 + length + (length & 1)
    found["next"] = position
    return False


def webp_frame(kind, head):
    """``((width, height), whether an EXIF chunk follows)`` of the first chunk."""
    if kind == b"VP8 " and head[3:6] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", head, 6)
        return (width & 0x3FFF, height & 0x3FFF), False
    if kind == b"VP8L" and head[0] == 0x2F:
        bits = int.from_bytes(head[1:5], "little")
        return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1), False
    if kind == b"VP8X":
        width = int.from_bytes(head[4:7], "little") + 1
        height = int.from_bytes(head[7:10], "little") + 1
        return (width, height), bool(head[0] & 0x08)
    raise ValueError("not a WebP image chunk")

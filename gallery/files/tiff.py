"""The TIFF structure of an EXIF block: its directories and the tags read here.

An EXIF block is a small TIFF file: a byte order, then directories of 12-byte
entries whose values, when longer than 4 bytes, lie at an offset in the
block. The scanner reads the date and the orientation of photos from it.
"""

import struct

__all__ = [
    "SWAPPED",
    "Truncated",
    "entries",
    "find_entry",
    "first_directory",
    "orientation",
]

BYTE_ORDERS = {b"II": "<", b"MM": ">"}
ORIENTATION = 0x0112
TAGS = {"<": b"\x12\x01", ">": b"\x01\x12"}  # ORIENTATION in each byte order
# EXIF orientations that swap width and height.
SWAPPED = {5, 6, 7, 8}
_INLINE = {1: "B", 3: "H", 4: "I"}  # byte, short, long: one value in the entry


class Truncated(Exception):
    """The EXIF block was read in part and the part lacks what is sought."""


def first_directory(tiff):
    """``(byte order, entries of the first directory)`` of a TIFF block.

    Raise ``KeyError`` if ``tiff`` does not start with a byte order,
    :class:`Truncated` if it ends within the directory.
    """
    order = BYTE_ORDERS[tiff[:2]]
    return order, entries(tiff, order, struct.unpack_from(order + "I", tiff, 4)[0])


def entries(tiff, order, offset):
    """``{tag: (type, count, value or offset)}`` of the directory at ``offset``."""
    if offset + 2 > len(tiff):
        raise Truncated
    count = struct.unpack_from(order + "H", tiff, offset)[0]
    if offset + 2 + 12 * count > len(tiff):
        raise Truncated
    return {
        tag: (kind, number, value)
        for tag, kind, number, value in struct.iter_unpack(
            order + "HHII", tiff[offset + 2 : offset + 2 + 12 * count]
        )
    }


def orientation(tiff):
    """The EXIF orientation (1 to 8 when valid) of a TIFF block; 1 without one."""
    order = BYTE_ORDERS[tiff[:2]]
    entry = find_entry(tiff, order, struct.unpack_from(order + "I", tiff, 4)[0], TAGS)
    if entry is None:
        return 1
    kind, count = struct.unpack_from(order + "HI", tiff, entry + 2)
    if count != 1 or kind not in _INLINE:
        return 1  # not a number: Pillow leaves such images as they are
    return struct.unpack_from(order + _INLINE[kind], tiff, entry + 8)[0]


def find_entry(tiff, order, offset, tags):
    """Where the entry of a tag (``tags`` maps byte orders to its bytes) lies in
    the directory at ``offset``, or ``None``; faster than :func:`entries`."""
    if offset + 2 > len(tiff):
        raise Truncated
    start = offset + 2
    end = start + 12 * struct.unpack_from(order + "H", tiff, offset)[0]
    if end > len(tiff):
        raise Truncated
    position = tiff.find(tags[order], start, end)
    while position >= 0 and (position - start) % 12:  # a match within a value
        position = tiff.find(tags[order], position + 1, end)
    return None if position < 0 else position

"""The TIFF structure of an EXIF block: its directories and the tags read here.

An EXIF block is a small TIFF file: a byte order, then directories of 12-byte
entries whose values, when longer than 4 bytes, lie at an offset in the
block. The scanner reads the date and the orientation of photos from it.
"""

import struct

__all__ = ["SWAPPED", "Truncated", "entries", "first_directory", "orientation"]

ORIENTATION = 0x0112
# EXIF orientations that swap width and height.
SWAPPED = {5, 6, 7, 8}
_WHOLE = {1: 0xFF, 3: 0xFFFF, 4: 0xFFFFFFFF}  # byte, short, long: one inline value


class Truncated(Exception):
    """The EXIF block was read in part and the part lacks what is sought."""


def first_directory(tiff):
    """``(byte order, entries of the first directory)`` of a TIFF block.

    Raise ``KeyError`` if ``tiff`` does not start with a byte order,
    :class:`Truncated` if it ends within the directory.
    """
    order = {b"II": "<", b"MM": ">"}[tiff[:2]]
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
    order, first = first_directory(tiff)
    if ORIENTATION not in first:
        return 1
    kind, count, value = first[ORIENTATION]
    if count != 1 or kind not in _WHOLE:
        return 1  # not a number: Pillow leaves such images as they are
    if order == ">":  # an inline value is left-aligned in its 4 bytes
        value >>= 8 * (4 - _WHOLE[kind].bit_length() // 8)
    return value & _WHOLE[kind]

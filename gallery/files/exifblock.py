"""Where the EXIF block (a small TIFF structure) of a JPEG, HEIC or AVIF file lies.

Only headers are read: the JPEG segments before the image data, or the boxes
of an ISO base media file (HEIF, AVIF) down to the location of its ``Exif``
item, which may be anywhere in the file.
"""

import struct

__all__ = ["HEAD", "MORE", "Reader", "boxes", "locate", "locate_in_page"]

HEAD = 4096  # bytes read at once from the start of a JPEG file
MORE = object()  # the first bytes of a file do not tell
TIFF_HEADERS = (b"II*\x00", b"MM\x00*")


class Reader:
    """Big-endian numbers taken one after the other from ``data``."""

    def __init__(self, data, position=0):
        self.data, self.position = data, position

    def take(self, size):
        if self.position + size > len(self.data):
            raise ValueError("truncated box")
        value = int.from_bytes(self.data[self.position : self.position + size], "big")
        self.position += size
        return value


def locate(file):
    """``(offset, length)`` of the TIFF block of the EXIF of ``file``, or ``None``."""
    file.seek(0)
    head = file.read(12)
    try:
        if head[:2] == b"\xff\xd8":
            found = locate_jpeg(file)
        elif head[4:8] == b"ftyp":
            found = locate_isobmff(file)
        else:
            found = None
    except (ValueError, struct.error, IndexError):
        return None  # damaged headers: no block that readers would find
    if found is None or found[1] < 8:
        return None
    file.seek(found[0])
    return found if file.read(4) in TIFF_HEADERS else None


def locate_in_page(page):
    """Where the TIFF block of a JPEG lies, from its first bytes ``page`` alone.

    Return ``(offset, length)``, ``None`` when the JPEG has no EXIF, or
    :data:`MORE` when ``page`` does not hold enough of the file to tell.
    """
    position = 2
    while position + 10 <= len(page):
        found, position = jpeg_segment(page[position : position + 10], position)
        if found is not None:
            header = page[found[0] : found[0] + 4]
            if len(header) < 4:
                return MORE
            return found if header in TIFF_HEADERS else None
        if position is None:
            return None
    return MORE


def locate_jpeg(file):
    """The TIFF block of the first ``Exif`` APP1 segment before the image data."""
    file.seek(0)
    found = locate_in_page(file.read(HEAD))  # the segments of most files
    if found is not MORE:
        return found
    position = 2
    while position is not None:
        file.seek(position)
        found, position = jpeg_segment(file.read(10), position)
        if found is not None:
            return found
    return None


def jpeg_segment(header, position):
    """``(TIFF block or None, position of the next segment or None)``.

    ``header`` holds the first 10 bytes of the segment at ``position``.
    """
    if len(header) < 4 or header[0] != 0xFF:
        return None, None
    kind = header[1]
    if kind == 0xFF:  # fill byte
        return None, position + 1
    if kind in (0xDA, 0xD9):  # image data, or the end: no EXIF before it
        return None, None
    length = struct.unpack(">H", header[2:4])[0]
    if kind == 0xE1 and header[4:10] == b"Exif\x00\x00":
        return (position + 10, length - 8), None
    return None, position + 2 + length


def boxes(file, start, end):
    """Yield ``(type, payload start, end)`` of the boxes from ``start`` to ``end``."""
    position = start
    while position + 8 <= end:
        file.seek(position)
        header = file.read(16)
        size, kind = struct.unpack(">I4s", header[:8])
        payload = position + 8
        if size == 1:
            size, payload = struct.unpack(">Q", header[8:16])[0], payload + 8
        elif size == 0:
            size = end - position
        if size < payload - position:
            raise ValueError("box too small")
        yield kind, payload, position + size
        position += size


def locate_isobmff(file):
    """The TIFF block of the ``Exif`` item of a HEIF or AVIF file."""
    end = file.seek(0, 2)
    meta = next((box for box in boxes(file, 0, end) if box[0] == b"meta"), None)
    if meta is None:
        return None
    children = {
        kind: (start, stop) for kind, start, stop in boxes(file, meta[1] + 4, meta[2])
    }
    if b"iinf" not in children or b"iloc" not in children:
        return None
    item = exif_item(file, *children[b"iinf"])
    extent = item_extent(file, *children[b"iloc"], item) if item else None
    if extent is None:
        return None
    offset, length = extent
    file.seek(offset)
    skip = struct.unpack(">I", file.read(4))[0]  # to the TIFF header
    return offset + 4 + skip, length - 4 - skip


def exif_item(file, start, stop):
    """Identifier of the item of type ``Exif`` listed in the ``iinf`` box."""
    file.seek(start)
    version = file.read(1)[0]
    first = start + 4 + (2 if version == 0 else 4)
    for kind, payload, end in boxes(file, first, stop):
        file.seek(payload)
        data = file.read(min(end - payload, 16))
        if kind != b"infe" or data[0] < 2:
            continue
        wide = data[0] >= 3
        item, item_type = Reader(data, 4).take(4 if wide else 2), data[8 + wide * 2 :]
        if item_type[:4] == b"Exif":
            return item
    return None


def item_extent(file, start, stop, item):
    """``(offset, length)`` of ``item`` in the file, from the ``iloc`` box."""
    file.seek(start)
    reader = Reader(file.read(stop - start))
    version = reader.take(1)
    reader.take(3)
    sizes = reader.take(2)
    offset_size, length_size = sizes >> 12, (sizes >> 8) & 15
    base_size, index_size = (sizes >> 4) & 15, sizes & 15 if version in (1, 2) else 0
    id_size = 4 if version == 2 else 2
    for _ in range(reader.take(id_size)):
        identifier = reader.take(id_size)
        method = reader.take(2) & 15 if version in (1, 2) else 0
        reader.take(2)  # data reference
        base = reader.take(base_size)
        extents = []
        for _ in range(reader.take(2)):
            reader.take(index_size)
            extents.append((base + reader.take(offset_size), reader.take(length_size)))
        if identifier == item:
            return extents[0] if method == 0 and len(extents) == 1 else None
    return None

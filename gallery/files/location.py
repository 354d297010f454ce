"""Originals without their GPS position, for visitors who may not see everything.

With ``GALLERY_STRIP_LOCATION``, the GPS block of the EXIF of JPEG, HEIC and
AVIF originals is blanked as the file is read: the pointer to it leaves the
first directory (the entries after it move up, zeros fill the end), and the
block and its values become zeros. Nothing moves and the pixels are not
touched, so the file keeps its length and byte ranges work as usual, but the
application has to stream such files itself: a web server or a signed URL
would send them unchanged.
"""

import os
import struct

from django.http import FileResponse, Http404

from ..storages import is_local
from . import exifblock, serving
from .http import content_disposition, partial_response

__all__ = ["PatchedFile", "blank_gps", "gps_patches", "serve_without_location"]

GPS_POINTER = 0x8825
# Bytes per value of each TIFF type.
TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}


def blank_gps(tiff):
    """``(offset, bytes)`` patches that remove the GPS block of the TIFF ``tiff``."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        return []
    first = struct.unpack_from(order + "I", tiff, 4)[0]
    entries = read_directory(tiff, order, first)
    pointer = next((entry for entry in entries if entry[1] == GPS_POINTER), None)
    if pointer is None:
        return []
    gps = struct.unpack_from(order + "I", tiff, pointer[0] + 8)[0]
    patches = blank_directory(tiff, order, gps)
    kept = b"".join(tiff[at : at + 12] for at, tag in entries if tag != GPS_POINTER)
    end = first + 2 + 12 * len(entries)
    rewritten = struct.pack(order + "H", len(entries) - 1) + kept
    patches.append((first, rewritten + tiff[end : end + 4] + bytes(12)))
    return patches


def read_directory(tiff, order, offset):
    """``(offset, tag)`` of the entries of the directory at ``offset``."""
    count = struct.unpack_from(order + "H", tiff, offset)[0]
    if offset + 2 + 12 * count + 4 > len(tiff):
        raise ValueError("directory beyond the block")
    start = offset + 2
    return [
        (at, struct.unpack_from(order + "H", tiff, at)[0])
        for at in range(start, start + 12 * count, 12)
    ]


def blank_directory(tiff, order, offset):
    """Patches of zeros over the directory at ``offset`` and its values."""
    entries = read_directory(tiff, order, offset)
    patches = [(offset, bytes(2 + 12 * len(entries) + 4))]
    for at, _tag in entries:
        kind, count, value = struct.unpack_from(order + "HII", tiff, at + 2)
        size = TYPE_SIZES.get(kind, 1) * count
        if size > 4 and value + size <= len(tiff):
            patches.append((value, bytes(size)))
    return patches


def gps_patches(file):
    """Patches, as offsets in ``file``, that blank its GPS block; ``[]`` if none."""
    located = exifblock.locate(file)
    if located is None:
        return []
    start, length = located
    file.seek(start)
    try:
        patches = blank_gps(file.read(length))
    except (ValueError, struct.error):
        return []  # a damaged block that readers cannot follow either
    finally:
        file.seek(0)
    return [(start + offset, data) for offset, data in patches]


class PatchedFile:
    """Reads ``file`` with ``patches`` (``(offset, bytes)``) laid over it.

    It has no ``fileno()``: servers read it rather than send the file itself.
    """

    def __init__(self, file, patches):
        self.file, self.patches, self.position = file, patches, file.tell()

    def seek(self, offset, whence=os.SEEK_SET):
        self.position = self.file.seek(offset, whence)
        return self.position

    def tell(self):
        return self.position

    def read(self, size=-1):
        start = self.position
        data = self.file.read(size)
        self.position += len(data)
        buffer = None
        for offset, patch in self.patches:
            low, high = max(start, offset), min(self.position, offset + len(patch))
            if low < high:
                buffer = buffer or bytearray(data)
                buffer[low - start : high - start] = patch[low - offset : high - offset]
        return data if buffer is None else bytes(buffer)

    def close(self):
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def open_original(storage, name):
    try:
        if is_local(storage):
            return open(serving.local_path(storage, name), "rb")
        return storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc


def serve_without_location(request, storage, name, *, filename):
    """Respond with the file ``name`` of ``storage``, its GPS block blanked.

    A file without one is served as :func:`.serving.serve` would.
    """
    file = open_original(storage, name)
    patches = gps_patches(file)
    if not patches:
        file.close()
        return serving.serve(request, storage, name, filename=filename)
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    patched = PatchedFile(file, patches)
    response = partial_response(request, patched, size, None)
    if response is None:
        response = FileResponse(patched)
    response["Accept-Ranges"] = "bytes"
    response["Content-Type"] = serving.content_type(filename)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "private, max-age=3600"
    return response

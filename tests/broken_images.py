"""Files that look like photos and are not, or not quite."""

import io
import struct
import zlib

from PIL import Image

from tests.builders import make_image


def png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png(width, height, rows=1):
    """A grey PNG declaring ``width`` x ``height`` with only ``rows`` rows of data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * (width + 1) * rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def png_with_bad_crc():
    data = bytearray(make_image(16, 16, format="PNG"))
    # The CRC of IHDR: 8 bytes of signature, 8 of length and type, 13 of data.
    data[8 + 8 + 13] ^= 0xFF
    return bytes(data)


def jpeg_declaring(width, height):
    """A small JPEG whose frame header claims another size."""
    data = bytearray(make_image(16, 16))
    marker = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, marker + 5, height, width)
    return bytes(data)


def jpeg_with_strange_orientation():
    exif = Image.Exif()
    exif[0x0112] = 9  # not one of the eight orientations
    return make_image(16, 12, exif=exif.tobytes())


def cmyk_jpeg():
    buffer = io.BytesIO()
    Image.new("CMYK", (16, 12), (0, 50, 100, 0)).save(buffer, "JPEG")
    return buffer.getvalue()


BROKEN = {
    "empty.jpg": b"",
    "truncated.jpg": make_image(64, 48)[:200],
    "text.jpg": b"this is not an image\n",
    "page.jpg": b"<html><script>alert(1)</script></html>",
    "bad-crc.png": png_with_bad_crc(),
    "png-named.jpg": make_image(16, 16, format="PNG"),
    "bomb.png": png(100_000, 100_000),
    "bomb.jpg": jpeg_declaring(65_000, 65_000),
    "zero.png": png(0, 0),
    "short.png": png(64, 64, rows=2),
    "orientation.jpg": jpeg_with_strange_orientation(),
    "cmyk.jpg": cmyk_jpeg(),
}

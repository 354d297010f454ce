"""Upright sizes read from file headers agree with Pillow's decoded sizes."""

import io

import pytest
from PIL import Image, ImageOps

from gallery.files import dimensions, heads
from tests.fixtures.phone_photos import phone_exif, phone_photo, srgb_profile

ORIENTATIONS = range(1, 9)
# Format, Pillow's options: lossy and lossless WebP give the two simple layouts.
FORMATS = {
    "jpeg": ("JPEG", {}),
    "png": ("PNG", {}),
    "webp": ("WEBP", {}),
    "webp-lossless": ("WEBP", {"lossless": True}),
}


def image_bytes(key, exif=None, size=(45, 30), **extra):
    format, options = FORMATS[key]
    if exif is not None:
        options = {**options, "exif": exif.tobytes()}
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format, **options, **extra)
    return buffer.getvalue()


def pillow_size(data):
    with Image.open(io.BytesIO(data)) as image:
        return ImageOps.exif_transpose(image).size


def read(data):
    return dimensions.upright_size(io.BytesIO(data))


@pytest.mark.parametrize("key", FORMATS)
@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_every_orientation_as_pillow(key, orientation):
    data = image_bytes(key, phone_exif(orientation))
    assert read(data) == pillow_size(data)
    assert read(data) == ((30, 45) if orientation > 4 else (45, 30))


@pytest.mark.parametrize("key", FORMATS)
def test_without_exif(key):
    data = image_bytes(key)
    assert read(data) == pillow_size(data) == (45, 30)


@pytest.mark.parametrize("byte_order", ["<", ">"])
@pytest.mark.parametrize("key", FORMATS)
def test_both_byte_orders(key, byte_order):
    exif = phone_exif(6)
    exif.endian = byte_order
    data = image_bytes(key, exif)
    assert read(data) == pillow_size(data) == (30, 45)


@pytest.mark.parametrize("extension", ["jpg", "png", "webp"])
def test_phone_photos_with_profiles(extension):
    data = phone_photo(extension)  # sideways, with an ICC profile and GPS
    assert read(data) == pillow_size(data) == (600, 400)


def test_large_sizes():
    for key in FORMATS:
        data = image_bytes(key, phone_exif(8), size=(4032, 3024))
        assert read(data) == pillow_size(data) == (3024, 4032)


def padded_jpeg(padding, orientation=6):
    """A JPEG whose EXIF block holds ``padding`` more bytes (a thumbnail's room)."""
    exif = phone_exif(orientation)
    exif.get_ifd(0x8769)[0x927C] = b"\0" * padding
    return image_bytes("jpeg", exif, icc_profile=srgb_profile())


@pytest.mark.parametrize("padding", [100, 5_000, 30_000, 60_000])
def test_frame_header_after_a_long_exif_block(padding):
    data = padded_jpeg(padding)
    with open_head(data) as head:
        assert dimensions.upright_size(head) == pillow_size(data) == (30, 45)
        # The first page, then one more read of a page at most (two blocks).
        assert head.fetched <= 3 * heads.BLOCK


def test_frame_header_beyond_the_second_read():
    """Segments that go on past the second read: no answer, and no more reads."""
    padding = b"".join(b"\xff\xe2\x10\x00" + b"\0" * 0x0FFE for _ in range(4))
    data = bytearray(padded_jpeg(100, orientation=1))
    data[2:2] = padding  # four 4 kB APP2 segments before the EXIF one
    assert pillow_size(bytes(data)) == (45, 30)
    with open_head(bytes(data)) as head:
        assert dimensions.upright_size(head) is None
        assert head.fetched <= 3 * heads.BLOCK


class open_head:
    """A :class:`.heads.HeadFile` over ``data``, counting the bytes fetched."""

    def __init__(self, data):
        self.data = data

    def __enter__(self):
        fetch = lambda start, length: self.data[start : start + length]  # noqa: E731
        return heads.HeadFile(fetch, len(self.data))

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("key", FORMATS)
def test_truncated_headers_give_none(key):
    data = image_bytes(key, phone_exif(6))
    answers = {read(data[:cut]) for cut in range(len(data))}
    assert answers <= {None, (30, 45)}
    assert read(data[:20]) is None


@pytest.mark.parametrize("key", FORMATS)
def test_damaged_headers_never_raise(key):
    data = image_bytes(key, phone_exif(6))
    for position in range(min(len(data), 400)):
        for value in (0x00, 0xFF, 0x7F):
            damaged = bytearray(data)
            damaged[position] = value
            result = read(bytes(damaged))
            assert result is None or len(result) == 2


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xd8\xff",
        b"\xff\xd8\xff\xe1\x00\x10Exif\0\0MM\0*\0\0\0\x08",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        b"RIFF\0\0\0\0WEBPVP8 ",
        b"RIFF\0\0\0\0WEBPABCD\x04\0\0\0abcd",
        b"GIF89a",
    ],
)
def test_unknown_or_cut_files(data):
    assert read(data) is None


@pytest.mark.parametrize("extension", ["heic", "avif"])
@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_heif_every_orientation_as_pillow(extension, orientation):
    image = Image.new("RGB", (64, 32), (10, 120, 200))
    data = phone_photo(extension, phone_exif(orientation), image)
    assert read(data) == pillow_size(data)
    assert read(data) == ((32, 64) if orientation > 4 else (64, 32))


@pytest.mark.parametrize("extension", ["heic", "avif"])
def test_heif_phone_photos(phone_photos, extension):
    data = phone_photos(extension)
    assert read(data) == pillow_size(data) == (600, 400)
    answers = {read(data[:cut]) for cut in range(0, 1200, 7)}
    assert answers <= {None, (600, 400)}
    assert read(data[:500]) is None


def test_heic_cropped_to_its_clean_aperture():
    image = Image.new("RGB", (63, 31), (10, 120, 200))
    data = phone_photo("heic", phone_exif(6), image)
    assert b"clap" in data[:2000]  # encoded at 64x64, cropped
    assert read(data) == pillow_size(data) == (31, 63)


def padded_meta(data, padding):
    """``data`` with a ``free`` box of ``padding`` bytes first in its ``meta`` box."""
    start = data.index(b"meta") - 4
    size = int.from_bytes(data[start : start + 4], "big")
    free = (8 + padding).to_bytes(4, "big") + b"free" + b"\0" * padding
    header = (size + len(free)).to_bytes(4, "big") + b"meta\0\0\0\0"
    return data[:start] + header + free + data[start + 12 :]


@pytest.mark.parametrize(("padding", "expected"), [(3_000, (400, 600)), (9_000, None)])
def test_heif_meta_box_past_the_first_page(padding, expected):
    data = padded_meta(phone_photo("avif", phone_exif(1)), padding)
    with open_head(data) as head:
        assert dimensions.upright_size(head) == expected
        assert head.fetched <= 2 * heads.BLOCK

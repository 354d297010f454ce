"""The default resizer: Pillow, with results kept in the cache storage.

One request decodes the original at most once, at the smallest scale that
still gives enough pixels (JPEG draft mode), under a lock so that concurrent
first requests for the same photo decode it only once between them.
"""

import io
import logging
import math

from django.core.files.base import ContentFile
from PIL import Image

from ..conf import conf
from ..files import cachefiles, locks
from ..storages import get_storage, is_local
from . import (
    CachedFile,
    CacheUnavailable,
    FormatUnsupported,
    ImageUnavailable,
    OriginalMissing,
)
from .facts import measure, record
from .formats import FORMATS, default_format, heif_available, is_heif

__all__ = ["resize", "build_missing"]

logger = logging.getLogger("gallery.resizers")

# EXIF orientation -> transposition that shows the image upright.
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
ORIENTATION = 0x0112
ICC_FORMATS = {"JPEG", "PNG", "WEBP", "TIFF", "AVIF"}
# Modes each output format can store; others are converted to RGB.
MODES = {
    "JPEG": ("RGB", "L", "CMYK"),
    "WEBP": ("RGB", "RGBA"),
    "AVIF": ("RGB", "RGBA"),
    "PNG": ("RGB", "RGBA", "L", "LA", "I", "I;16"),
}
LOCK_WAIT = 300  # seconds to wait for another worker resizing the same photo
LOCK_EXPIRES = 300  # seconds after which a shared lock of a dead worker is free


def resize(photo, width, height, crop=True, format=None):
    """Return the cached resized version of ``photo``, building it if needed.

    ``format`` names an entry of :data:`.formats.FORMATS`; ``None`` keeps the
    format of the original when browsers show it, else gives JPEG.
    """
    name = cachefiles.resized_name(photo, width, height, crop, format)
    if not get_storage("cache").exists(name):
        record(photo, build_missing(photo, [(name, width, height, crop, format)])[1])
    return CachedFile(name)


def build_missing(photo, targets):
    """Build the ``targets`` not in the cache yet, under the lock of ``photo``.

    Return how many were built and the :class:`~.facts.Facts` of the photo
    (``None`` if none was built). After waiting ``LOCK_WAIT`` seconds for
    another worker, build anyway: decoding twice beats showing no image.
    """
    cache = get_storage("cache")
    key = cachefiles.photo_key(photo)
    with locks.lock(key, wait_up_to=LOCK_WAIT, expires=LOCK_EXPIRES) as held:
        if not held:
            message = "Resizing %s although another worker held its lock for %d s"
            logger.warning(message, photo.image_name, LOCK_WAIT)
        targets = [target for target in targets if not cache.exists(target[0])]
        facts = build(photo, targets) if targets else None
    return len(targets), facts


def build(photo, targets):
    """Decode ``photo`` once, save each ``(name, width, height, crop[, format])``.

    The facts (:class:`~.facts.Facts`) are for the caller to record. The
    caller holds the lock of the photo. A broken original leaves a marker
    in the cache, so that this version of the file is never decoded again; a
    missing one, or one whose format needs a module that is not installed,
    does not, since either may change.
    """
    cache = get_storage("cache")
    marker = cachefiles.broken_name(photo)
    if cache.exists(marker):
        raise ImageUnavailable(f"{photo.image_name} is marked as broken")
    if is_heif(photo.filename) and not heif_available():
        logger.warning("Cannot resize %s: pillow-heif is missing", photo.image_name)
        raise FormatUnsupported(f"{photo.image_name} needs pillow-heif")
    sizes = [tuple(target[1:4]) for target in targets]
    formats = [target[4] if len(target) > 4 else None for target in targets]
    try:
        with open_original(photo) as original:
            outputs, facts = render_and_measure(original, sizes, formats)
    except (OriginalMissing, FormatUnsupported):
        raise
    except ImageUnavailable as exc:
        logger.warning("Cannot resize %s: %s", photo.image_name, exc)
        store(cache, marker, str(exc).encode())
        raise
    for (name, *_), output in zip(targets, outputs, strict=True):
        store(cache, name, output)
    return facts


def store(cache, name, data):
    """Save ``data`` in the cache; a cache refusing writes is a passing fault."""
    try:
        cachefiles.save_atomically(cache, name, ContentFile(data))
    except OSError as exc:
        logger.error("Cannot write %s to the cache storage: %s", name, exc)
        raise CacheUnavailable(str(exc)) from exc


def open_original(photo):
    """The original as a file: read from disk, or fully read from a remote storage.

    Reading a remote file first keeps network errors apart from decoding
    errors: only the latter mark the file as broken.
    """
    storage = get_storage("photo")
    try:
        if is_local(storage):
            return open(storage.path(photo.image_name), "rb")
        with storage.open(photo.image_name, "rb") as original:
            return io.BytesIO(original.read())
    except FileNotFoundError as exc:
        logger.warning("Cannot resize %s: file not found", photo.image_name)
        raise OriginalMissing(f"{photo.image_name} is missing") from exc


def render(source, sizes, formats=None):
    """Encode ``source`` (bytes or a file) resized to each size of ``sizes``.

    ``sizes`` are ``(width, height, crop)``; ``formats``, parallel to them,
    name the output formats (``None``: the default for the original).
    """
    return render_and_measure(source, sizes, formats)[0]


def render_and_measure(source, sizes, formats=None):
    """:func:`render`, and the :class:`~.facts.Facts` of ``source`` too."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    formats = formats or [None] * len(sizes)
    try:
        image, orientation = decode(source, sizes)
        outputs = [
            encode(image, shrink(image, orientation, *size), format)
            for size, format in zip(sizes, formats, strict=True)
        ]
        return outputs, measure(image, orientation)
    except (ImageUnavailable, MemoryError):
        raise  # running out of memory says nothing about the file
    except Exception as exc:  # Pillow raises many kinds for damaged files.
        raise ImageUnavailable(f"{type(exc).__name__}: {exc}") from exc


def decode(source, sizes):
    """Open ``source`` and decode it at the smallest scale fit for all ``sizes``."""
    heif_available()  # registers the HEIF opener when it is installed
    image = Image.open(source)
    width, height = image.size
    if width * height > conf.MAX_PIXELS:
        raise ImageUnavailable(f"{width}x{height} exceeds GALLERY_MAX_PIXELS")
    orientation = image.getexif().get(ORIENTATION, 1)
    image.original_size = image.size  # draft() changes ``size``
    image.draft(None, largest_needed(image.size, orientation, sizes))
    image.load()
    if image.format == "TIFF":
        # Pillow may turn a TIFF upright while decoding it, then drops the tag.
        image.original_size = image.size
        orientation = image.getexif().get(ORIENTATION, 1)
    if image.mode in ("P", "PA", "1"):
        image = keep_info(image.convert("RGBA" if image.mode != "1" else "L"), image)
    needed = largest_needed(image.original_size, orientation, sizes)
    return reduce_like_draft(image, needed), orientation


def largest_needed(size, orientation, sizes):
    """The size to decode ``size`` at so that every one of ``sizes`` is sharp."""
    needed = [needed_size(size, orientation, *preset) for preset in sizes]
    return tuple(max(axis) for axis in zip(*needed, strict=True))


def reduce_like_draft(image, needed):
    """Shrink by 2, 4 or 8 as JPEG draft mode does, for formats without it.

    Averaging blocks of pixels is several times faster than resampling the
    whole decoded image, and keeps at least ``needed`` pixels.
    """
    if image.size != image.original_size:
        return image  # draft mode did it while decoding
    factor = 8
    while factor > 1 and (
        image.width // factor < needed[0] or image.height // factor < needed[1]
    ):
        factor //= 2
    if factor == 1 or image.mode not in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return image
    return keep_info(image.reduce(factor), image)


def keep_info(converted, image):
    converted.format = image.format
    converted.info = image.info
    converted.original_size = image.original_size
    return converted


def raw_box(orientation, width, height):
    """The preset's box in the stored orientation of the original."""
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def scale(size, orientation, width, height, crop):
    """Factor from the original's size to the result's; never enlarges."""
    box_width, box_height = raw_box(orientation, width, height)
    ratios = (box_width / size[0], box_height / size[1])
    return min(max(ratios) if crop else min(ratios), 1.0)


def needed_size(size, orientation, width, height, crop):
    factor = scale(size, orientation, width, height, crop)
    return math.ceil(size[0] * factor), math.ceil(size[1] * factor)


def shrink(image, orientation, width, height, crop):
    """Resize the decoded ``image`` for one preset and turn it upright."""
    original = image.original_size
    factor = scale(original, orientation, width, height, crop)
    box_width, box_height = raw_box(orientation, width, height)
    if crop:
        size = (min(box_width, round(original[0] * factor) or 1),)
        size += (min(box_height, round(original[1] * factor) or 1),)
    else:
        size = (round(original[0] * factor) or 1, round(original[1] * factor) or 1)
    box = crop_box(image.size, size) if crop else (0, 0, *image.size)
    # The filter and gap of Image.thumbnail(): sharp enough, twice as fast as
    # Lanczos, which matters once draft mode has made decoding cheap.
    result = image.resize(size, Image.Resampling.BICUBIC, box=box, reducing_gap=2.0)
    if orientation in TRANSPOSE:
        result = result.transpose(TRANSPOSE[orientation])
    return result


def crop_box(size, target):
    """The centred part of an image of ``size`` with the aspect of ``target``."""
    width, height = size
    if width * target[1] > height * target[0]:
        kept = height * target[0] / target[1]
        return ((width - kept) / 2, 0, (width + kept) / 2, height)
    kept = width * target[1] / target[0]
    return (0, (height - kept) / 2, width, (height + kept) / 2)


def encode(source, result, format=None):
    """Bytes of ``result`` in ``format``, with the colour profile of ``source``.

    No other metadata of the original (EXIF with its GPS position and serial
    numbers, XMP, maker notes) is written: ``result`` is already upright.
    """
    format = FORMATS[format].pillow if format else default_format(source.format)
    options = dict(conf.RESIZE_OPTIONS.get(format, {}))
    icc_profile = source.info.get("icc_profile")
    if icc_profile and format in ICC_FORMATS:
        options.setdefault("icc_profile", icc_profile)
    if format in MODES and result.mode not in MODES[format]:
        result = result.convert("RGBA" if "A" in result.mode else "RGB")
        if result.mode not in MODES[format]:
            result = result.convert("RGB")
    result.info = {}  # resizing copied the original's metadata
    buffer = io.BytesIO()
    result.save(buffer, format, **options)
    return buffer.getvalue()

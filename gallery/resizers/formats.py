"""Image formats: which originals open, and what resized images are encoded as.

Pillow opens JPEG, PNG, WebP, AVIF and TIFF itself; HEIC and HEIF need
``pillow-heif`` (the ``heif`` extra), registered on first use. Browsers show
neither HEIF nor TIFF, and not all of them AVIF, so by default these originals
are resized to JPEG while the others keep their format, as before.

With ``GALLERY_RESIZE_FORMATS``, a resized image is encoded in the first
configured format that the request's ``Accept`` header names. Browsers send
``*/*`` with every image request, so a wildcard only admits JPEG and PNG,
which every browser shows; AVIF and WebP must be named.
"""

import dataclasses
import functools
import posixpath

from ..conf import conf

__all__ = [
    "FORMATS",
    "Format",
    "accepted_types",
    "default_extension",
    "default_format",
    "heif_available",
    "is_heif",
    "negotiate",
]


@dataclasses.dataclass(frozen=True)
class Format:
    pillow: str  # name for Image.save()
    media_type: str
    extension: str
    universal: bool = False  # every browser shows it: a wildcard admits it


FORMATS = {
    "avif": Format("AVIF", "image/avif", ".avif"),
    "webp": Format("WEBP", "image/webp", ".webp"),
    "jpeg": Format("JPEG", "image/jpeg", ".jpg", universal=True),
    "png": Format("PNG", "image/png", ".png", universal=True),
}
HEIF_EXTENSIONS = (".heic", ".heif", ".hif")
# Originals that keep their format by default; others are resized to JPEG.
KEPT_EXTENSIONS = (".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif")
# Pillow formats of originals and what their resized images are saved as.
SAVED_AS = {"MPO": "JPEG", "HEIF": "JPEG", "AVIF": "JPEG", "TIFF": "JPEG"}


@functools.cache
def heif_available():
    """Register pillow-heif's opener with Pillow; tell whether it is installed."""
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def is_heif(filename):
    return posixpath.splitext(filename)[1].lower() in HEIF_EXTENSIONS


def default_extension(filename):
    """Extension of the resized images of ``filename`` without negotiation."""
    extension = posixpath.splitext(filename)[1].lower()
    if not extension or extension in KEPT_EXTENSIONS:
        return extension or ".jpg"
    return ".jpg"


def default_format(pillow_format):
    """Pillow format that a resized image of a ``pillow_format`` original gets."""
    return SAVED_AS.get(pillow_format, pillow_format or "PNG")


def negotiate(accept):
    """Name of the format for a request with ``accept``, or ``None`` unconfigured."""
    names = list(conf.RESIZE_FORMATS)
    if not names:
        return None
    accepted = accepted_types(accept or "*/*")
    for name in names:
        found = FORMATS[name]
        if found.media_type in accepted or (
            found.universal and accepted & {"*/*", "image/*"}
        ):
            return name
    return names[-1]


def accepted_types(accept):
    """Media types of an ``Accept`` header that do not have ``q=0``."""
    types = set()
    for item in accept.split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        if media_type and not any(is_refusal(param) for param in params):
            types.add(media_type.lower())
    return types


def is_refusal(param):
    """Whether an ``Accept`` parameter is a quality of zero."""
    name, _, value = param.partition("=")
    if name.strip().lower() != "q":
        return False
    try:
        return float(value) == 0
    except ValueError:
        return False

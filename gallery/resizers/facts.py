"""What decoding a photo tells of it: its upright size and its main colour.

Pages lay out their cells and paint a placeholder before any thumbnail
arrives, so they need both ahead of the images. The resizer measures them on
the image it has just decoded, at no extra cost, and records them with one
``UPDATE`` the first time (a replaced original is measured again when its new
version is first resized).
"""

import dataclasses
import logging

from django.db import DatabaseError, transaction
from PIL import Image

from ..files.tiff import SWAPPED

__all__ = ["Facts", "measure", "main_colour", "record"]

logger = logging.getLogger("gallery.resizers")


@dataclasses.dataclass(frozen=True)
class Facts:
    """Upright size in pixels and a placeholder colour ``#rrggbb`` (or ``""``)."""

    width: int
    height: int
    placeholder: str = ""


def measure(image, orientation):
    """The :class:`Facts` of a decoded ``image`` stored with EXIF ``orientation``."""
    width, height = getattr(image, "original_size", image.size)
    if orientation in SWAPPED:
        width, height = height, width
    return Facts(width, height, main_colour(image))


def main_colour(image):
    """The average colour of ``image`` as ``#rrggbb``; ``""`` if Pillow can't tell."""
    try:
        small = image.resize((8, 8), Image.Resampling.BOX, reducing_gap=2.0)
        red, green, blue = small.convert("RGB").resize((1, 1)).getpixel((0, 0))
    except (ValueError, OSError):  # modes that resize() or convert() refuse
        return ""
    return f"#{red:02x}{green:02x}{blue:02x}"


def record(photo, facts):
    """Store ``facts`` on ``photo`` and in the database, if they changed.

    A database refusing the write (read-only, locked) only delays the facts
    to the next decode: the resized image is served all the same.
    """
    if facts is None:
        return
    fields = dataclasses.asdict(facts)
    if all(getattr(photo, name) == value for name, value in fields.items()):
        return
    for name, value in fields.items():
        setattr(photo, name, value)
    from ..models import Photo  # resizing alone needs no configured Django

    try:
        with transaction.atomic():
            Photo.objects.filter(pk=photo.pk).update(**fields)
    except DatabaseError as exc:
        logger.warning("Cannot record the size of %s: %s", photo.image_name, exc)

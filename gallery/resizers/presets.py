"""The resize presets of ``GALLERY_RESIZE_PRESETS``, read in one place.

A preset is ``(width, height, crop)``: positive integers and a boolean, as in
myks-gallery 0.9.1. Anything else, a ``(width, height)`` pair included, is
malformed: ``manage.py check`` reports it (``gallery.E007``) and every other
reader treats it as missing, so that its URLs give a 404.
"""

from typing import NamedTuple

from ..conf import conf

__all__ = ["Preset", "get_preset", "get_presets", "parse_preset"]


class Preset(NamedTuple):
    """The box of a resized image, and whether to crop the image to fill it."""

    width: int
    height: int
    crop: bool


def _positive(number):
    return isinstance(number, int) and not isinstance(number, bool) and number > 0


def parse_preset(value):
    """Return ``value`` as a :class:`Preset`; raise ``ValueError`` if malformed."""
    if not (isinstance(value, list | tuple) and len(value) == 3):
        raise ValueError(f"not (width, height, crop): {value!r}")
    width, height, crop = value
    if not (_positive(width) and _positive(height) and isinstance(crop, bool)):
        raise ValueError(f"not (width, height, crop): {value!r}")
    return Preset(width, height, crop)


def get_presets():
    """The well-formed presets of ``GALLERY_RESIZE_PRESETS``, by name."""
    presets = {}
    for name, value in conf.RESIZE_PRESETS.items():
        try:
            presets[name] = parse_preset(value)
        except ValueError:
            continue
    return presets


def get_preset(name):
    """The :class:`Preset` called ``name``, or ``None`` if missing or malformed."""
    value = conf.RESIZE_PRESETS.get(name)
    try:
        return None if value is None else parse_preset(value)
    except ValueError:
        return None

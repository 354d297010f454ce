"""The resizer chosen by ``GALLERY_RESIZE`` and the contract it follows.

A resizer is a callable ``resize(photo, width, height, crop=True)``. It returns
either:

* a URL (a ``str``): the view redirects the visitor to it, after the access
  check; this is what resizers written for myks-gallery 0.9.1 return, and
  what the thumbor resizer returns;
* a :class:`CachedFile`: the name of a file in the cache storage, which the
  view serves itself, after the access check, like any other private file.

It raises :class:`ImageUnavailable` when the original cannot be resized
(truncated, not an image, empty, too large, missing); the view answers with a
404. It raises :class:`CacheUnavailable` when the cache storage refuses to
store the result (full, read-only); the view answers with a 503.

The resize presets are read by :mod:`.presets`. Each module lists its public
names in ``__all__``; anything else is internal.
"""

import functools

from django.utils.module_loading import import_string

from ..conf import conf
from .presets import Preset, get_preset, get_presets, parse_preset

__all__ = [
    "CacheUnavailable",
    "CachedFile",
    "ImageUnavailable",
    "OriginalMissing",
    "Preset",
    "get_preset",
    "get_presets",
    "get_resize",
    "parse_preset",
]


class CachedFile:
    """A resized image stored in the cache storage under ``name``."""

    def __init__(self, name):
        self.name = name

    def __eq__(self, other):
        return isinstance(other, CachedFile) and other.name == self.name

    def __repr__(self):
        return f"CachedFile({self.name!r})"


class ImageUnavailable(Exception):
    """The original cannot be resized; retrying the same file is pointless."""


class OriginalMissing(ImageUnavailable):
    """The original is not in the photo storage (yet, or any more)."""


class CacheUnavailable(Exception):
    """The cache storage cannot store resized images right now."""


@functools.cache
def get_resize():
    """Return the resize callable named by ``GALLERY_RESIZE``."""
    return import_string(conf.RESIZE)

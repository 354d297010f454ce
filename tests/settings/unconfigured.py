"""Test settings without a photo storage and with an in-process lock cache."""

from tests.settings import *  # noqa: F403

GALLERY_PHOTO_STORAGE = None  # E001
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
GALLERY_LOCK_CACHE = "default"  # W003

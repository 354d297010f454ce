"""Test settings without a photo storage, for ``manage.py check``."""

from tests.settings import *  # noqa: F403

GALLERY_PHOTO_STORAGE = None  # E001

"""Test settings with one of each mistake that ``manage.py check`` reports."""

import sys

from tests.settings import *  # noqa: F403

sys.modules["pillow_heif"] = None  # as if it were not installed, for W004

GALLERY_PHOTO_STORAGE = "tests.nowhere.photo_storage"  # E002
GALLERY_SENDFILE_HEADER = "X-Accel-Redirect"  # W002: the cache is in memory

GALLERY_PATTERNS = [
    ("Photos",),  # E003
    ("Photos", r"(?P<a_name>.*"),  # E004
    ("Photos", r"(?P<a_year>\d{4})/(?P<a_name>[^/]+)/.*"),  # E005
    (
        "Photos",
        r"(?P<a_year>\d{4})(?P<a_month>\d\d)(?P<a_day>\d\d)_(?P<a_name>[^/]+)/"
        r"(?P<p_yaer>\d{4}).*",  # W001
    ),
    (
        "Phone",
        r"(?P<a_year>\d{4})/(?P<a_month>\d\d)_(?P<a_day>\d\d)_(?P<a_name>[^/]+)/"
        r"IMG_\d{4}\.HEIC",  # W004 without pillow-heif
    ),
]
GALLERY_IGNORES = [r"*.tmp"]  # E006
GALLERY_RESIZE_PRESETS = {"standard": (768, 0, False)}  # E007, E008, W005
GALLERY_RESIZE = "tests.nowhere.resize"  # E009
GALLERY_REMOTE_SERVING = "proxy"  # E010
GALLERY_LOCK_CACHE = "locks"  # E011
GALLERY_TASK_BACKEND = "background"  # E015
GALLERY_RESIZE_FORMATS = ["jpeg", "jxl"]  # E012
GALLERY_PHOTO_DATES = "filename"  # E013

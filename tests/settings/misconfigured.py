"""Test settings with one of each mistake that ``manage.py check`` reports."""

from tests.settings import *  # noqa: F403

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
]
GALLERY_IGNORES = [r"*.tmp"]  # E006
GALLERY_RESIZE_PRESETS = {"standard": (768, 0, False)}  # E007, E008
GALLERY_RESIZE = "tests.nowhere.resize"  # E009
GALLERY_REMOTE_SERVING = "proxy"  # E010
GALLERY_LOCK_CACHE = "locks"  # E011
GALLERY_TASK_BACKEND = "background"  # E015

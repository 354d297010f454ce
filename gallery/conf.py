"""The only reader of ``GALLERY_*`` settings; values are read on every access."""

from django.conf import settings as django_settings
from django.utils.translation import gettext_lazy

DEFAULTS = {
    "PHOTO_STORAGE": None,
    "CACHE_STORAGE": None,
    "PHOTO_DIR": None,
    "CACHE_DIR": None,
    "PATTERNS": (),
    "IGNORES": (),
    "RESIZE": "gallery.resizers.pillow.resize",
    "RESIZE_PRESETS": {  # what the default templates use; see docs/reference.rst
        "thumb": (128, 128, True),
        "thumb2x": (256, 256, True),
        "row": (960, 320, False),
        "row2x": (1920, 640, False),
        "standard": (768, 768, False),
        "standard2x": (1536, 1536, False),
        "large": (2560, 2560, False),
    },
    "RESIZE_OPTIONS": {},
    "SENDFILE_HEADER": None,
    "SENDFILE_ROOT": "",
    "SENDFILE_PREFIX": "",
    "TITLE": gettext_lazy("Gallery"),  # in the language of each request
    "PREVIEW_COUNT": 5,
    "ARCHIVE_EXPIRY": 60,
    # Additions of 1.0.
    "REMOTE_SERVING": "redirect",  # or "stream"
    "SIGNED_URL_EXPIRY": 300,  # seconds
    "MAX_PIXELS": 100_000_000,  # larger originals are not resized
    "LOCK_CACHE": None,  # alias of a shared cache for locks across servers
    "TASK_BACKEND": None,  # alias of TASKS that runs scans in the background
    "TASK_STALE_AFTER": 60,  # seconds without a heartbeat: the worker died
    "PHOTO_DATES": "pattern",  # or "exif": dates from EXIF when paths give none
    "STRIP_LOCATION": False,  # GPS kept in originals only for "Can see all photos"
    "RESIZE_FORMATS": (),  # e.g. ("avif", "webp", "jpeg"); () keeps the original's
    "SHARE_LINK_DAYS": 30,  # default lifetime of a new share link
    "SHARE_LOG_IP": False,  # record the IP address of share link visitors
    "SHARE_LOG_DAYS": 90,  # share log entries older than this are deleted
}


class Settings:
    """Attribute access to ``GALLERY_<NAME>`` with the documented default."""

    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(f"unknown gallery setting: {name}")
        return getattr(django_settings, f"GALLERY_{name}", DEFAULTS[name])

    def is_set(self, name):
        """Tell whether the site sets ``GALLERY_<NAME>``, rather than the default."""
        if name not in DEFAULTS:
            raise AttributeError(f"unknown gallery setting: {name}")
        return hasattr(django_settings, f"GALLERY_{name}")


conf = Settings()

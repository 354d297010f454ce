"""Settings of the example site: SQLite, photos and cache on the local disk.

Made for a demonstration on 127.0.0.1 (DEBUG is on); do not deploy as is.
GALLERY_EXAMPLE_VAR moves the database and the cache elsewhere (the tests use
a temporary directory).
"""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy

EXAMPLE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GALLERY_EXAMPLE_VAR", EXAMPLE_DIR / "var"))

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Only good for a demonstration; a real site reads it from the environment.
SECRET_KEY = "example site of myks-gallery: not a secret"

INSTALLED_APPS = [
    "gallery.apps.GalleryConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "example.urls"
WSGI_APPLICATION = "example.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [EXAMPLE_DIR / "example" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "db.sqlite3",
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [EXAMPLE_DIR / "locale"]  # the words of the site's own header
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"

# Sign in with a password or with a link from django-sesame.

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "gallery:index"
LOGOUT_REDIRECT_URL = "gallery:index"

SESAME_MAX_AGE = 14 * 24 * 3600  # login links expire after two weeks

# The gallery: photos read from example/photos, cache in example/var/cache.

GALLERY_PHOTO_DIR = EXAMPLE_DIR / "photos"
GALLERY_CACHE_DIR = VAR_DIR / "cache"

GALLERY_PATTERNS = [
    (
        "Photos",
        r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^_/]+)/"
        r"(?P<p_year>\d{4})-(?P<p_month>\d{2})-(?P<p_day>\d{2})_"
        r"(?P<p_hour>\d{2})-(?P<p_minute>\d{2})-(?P<p_second>\d{2})\.jpg",
    ),
]
GALLERY_IGNORES = [r"CREDITS\.txt"]

GALLERY_RESIZE_PRESETS = {
    "thumb": (128, 128, True),
    "thumb2x": (256, 256, True),
    "row": (960, 320, False),
    "row2x": (1920, 640, False),
    "standard": (768, 768, False),
    "standard2x": (1536, 1536, False),
    "large": (2560, 2560, False),
}
GALLERY_RESIZE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
}

GALLERY_TITLE = gettext_lazy("Example gallery")  # in the visitor's language

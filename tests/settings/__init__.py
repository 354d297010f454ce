"""Minimal settings for the test suite; GALLERY_TEST_DB selects the database."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

if os.environ.get("GALLERY_TEST_DB") == "postgresql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("GALLERY_TEST_DB_HOST", "127.0.0.1"),
            "PORT": os.environ["GALLERY_TEST_DB_PORT"],
            "USER": os.environ.get("GALLERY_TEST_DB_USER", "gallery"),
            "NAME": "gallery",
        }
    }
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    }

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "gallery.apps.GalleryConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "django_tasks_db",  # the database task backend, for tests with workers
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

ROOT_URLCONF = "tests.urls"

SECRET_KEY = "secret key of the test suite"

USE_TZ = True
TIME_ZONE = "Europe/Paris"
LANGUAGE_CODE = "en"

STATIC_URL = "/static/"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "loggers": {"django.request": {"handlers": ["null"], "propagate": False}},
}

GALLERY_PHOTO_STORAGE = "tests.storages.photo_storage"
GALLERY_CACHE_STORAGE = "tests.storages.cache_storage"

GALLERY_PATTERNS = (
    (
        "Photos",
        r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^_/]+)/"
        r"(?P<p_year>\d{4})-(?P<p_month>\d{2})-(?P<p_day>\d{2})_"
        r"(?P<p_hour>\d{2})-(?P<p_minute>\d{2})-(?P<p_second>\d{2})\.jpg",
    ),
)

GALLERY_RESIZE_PRESETS = {
    "thumb": (128, 128, True),
    "thumb2x": (256, 256, True),
    "row": (480, 160, False),
    "row2x": (960, 320, False),
    "standard": (768, 768, False),
}

THUMBOR_SERVER = "http://127.0.0.1:8888"
THUMBOR_SECURITY_KEY = "thumbor security key of the test suite"

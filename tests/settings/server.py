"""Settings of the test site run by real servers (see tests/fixtures/servers.py).

Everything lives under ``GALLERY_SERVER_DIR``: the SQLite database, the photos
and the cache; with ``GALLERY_SERVER_DB_NAME``, the database is that one, on
the PostgreSQL server of the test run instead. ``GALLERY_SERVER_SENDFILE=0``
makes the app stream files itself.
``GALLERY_SERVER_TASKS=1`` sends scans to the database task backend, whose
workers ``tests/task_worker.py`` runs; ``GALLERY_SERVER_SLOW_LISTING`` (s) makes
the photo storage a remote-like one that pauses on every directory.
"""

import os

from tests.settings import *  # noqa: F403

SERVER_DIR = os.environ["GALLERY_SERVER_DIR"]

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

if os.environ.get("GALLERY_SERVER_DB_NAME"):  # the test's PostgreSQL database
    DATABASES["default"]["NAME"] = os.environ["GALLERY_SERVER_DB_NAME"]  # noqa: F405
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(SERVER_DIR, "db.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    }

STATIC_ROOT = os.path.join(SERVER_DIR, "static")  # served by nginx

GALLERY_PHOTO_STORAGE = None
GALLERY_CACHE_STORAGE = None
GALLERY_PHOTO_DIR = os.path.join(SERVER_DIR, "photos")
GALLERY_CACHE_DIR = os.path.join(SERVER_DIR, "cache")

if os.environ.get("GALLERY_SERVER_SENDFILE", "1") == "1":
    GALLERY_SENDFILE_HEADER = "X-Accel-Redirect"
    GALLERY_SENDFILE_ROOT = SERVER_DIR
    GALLERY_SENDFILE_PREFIX = "/protected/"

if os.environ.get("GALLERY_SERVER_TASKS") == "1":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    GALLERY_TASK_BACKEND = "default"
    GALLERY_TASK_STALE_AFTER = float(os.environ.get("GALLERY_SERVER_STALE", "60"))

if os.environ.get("GALLERY_SERVER_SLOW_LISTING"):
    GALLERY_PHOTO_DIR = None
    GALLERY_PHOTO_STORAGE = "tests.storages.slow_photo_storage"

"""The real-server test site on the throwaway PostgreSQL (tests/test_faults.py)."""

import os

from tests.settings.server import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("GALLERY_TEST_DB_HOST", "127.0.0.1"),
        "PORT": os.environ["GALLERY_TEST_DB_PORT"],
        "USER": os.environ.get("GALLERY_TEST_DB_USER", "gallery"),
        "NAME": os.environ["GALLERY_FAULT_DB_NAME"],
        "OPTIONS": {"connect_timeout": 2},
    }
}

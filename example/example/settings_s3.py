"""Settings of the example site with photos and cache on S3 (see docs/s3.rst).

    DJANGO_SETTINGS_MODULE=example.settings_s3 S3_PHOTO_BUCKET=... \\
        S3_CACHE_BUCKET=... python manage.py scanphotos

Everything else comes from ``settings.py``. Environment variables:

- ``S3_PHOTO_BUCKET``, ``S3_CACHE_BUCKET`` (required): the two buckets; they
  may be the same bucket when the prefixes differ.
- ``S3_PHOTO_PREFIX``, ``S3_CACHE_PREFIX``: folders inside the buckets
  (default: the whole photo bucket, ``cache`` in the cache bucket).
- ``S3_REGION`` (default ``us-east-1``); ``S3_ENDPOINT_URL`` for an
  S3-compatible service (MinIO, Ceph, a local test server).
- ``S3_PHOTO_ACCESS_KEY_ID`` / ``S3_PHOTO_SECRET_ACCESS_KEY``: read-only
  credentials of the photo bucket; ``S3_CACHE_ACCESS_KEY_ID`` /
  ``S3_CACHE_SECRET_ACCESS_KEY``: read-write credentials of the cache. Unset,
  boto3 finds credentials as usual (``AWS_*`` variables, instance role, ...).
- ``GALLERY_REMOTE_SERVING`` (``redirect`` or ``stream``) and
  ``GALLERY_SIGNED_URL_EXPIRY`` (seconds).
"""

import os

from .settings import *  # noqa: F403


def s3_storage(kind, default_prefix):
    """``STORAGES`` entry of the ``kind`` ("PHOTO" or "CACHE") bucket."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ[f"S3_{kind}_BUCKET"],
            "location": os.environ.get(f"S3_{kind}_PREFIX", default_prefix),
            "access_key": os.environ.get(f"S3_{kind}_ACCESS_KEY_ID"),
            "secret_key": os.environ.get(f"S3_{kind}_SECRET_ACCESS_KEY"),
            "region_name": os.environ.get("S3_REGION", "us-east-1"),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL"),
            "signature_version": "s3v4",
            # Private objects: every URL is signed and expires.
            "querystring_auth": True,
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
    "gallery-photos": s3_storage("PHOTO", ""),
    "gallery-cache": s3_storage("CACHE", "cache"),
}

GALLERY_PHOTO_DIR = GALLERY_CACHE_DIR = None
GALLERY_PHOTO_STORAGE = "gallery-photos"
GALLERY_CACHE_STORAGE = "gallery-cache"

GALLERY_REMOTE_SERVING = os.environ.get("GALLERY_REMOTE_SERVING", "redirect")
GALLERY_SIGNED_URL_EXPIRY = int(os.environ.get("GALLERY_SIGNED_URL_EXPIRY", "300"))

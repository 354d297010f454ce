"""Take a gallery lock in a process of its own, as another app server would.

    python -m tests.lock_worker scan|resize|resize-local DATABASE_NAME HOLD_SECONDS

prints ``acquired <time>`` and ``released <time>`` (``time.time()``), holding
the lock for HOLD_SECONDS in between. It uses the test settings, on the
database named DATABASE_NAME (the test database of the calling test).
"resize" shares locks through the database cache; "resize-local" uses the
default, a file lock on the local disk.
"""

import os
import sys
import time

LOCK_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "gallery-locks": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "gallery_locks",
    },
}


def setup(database, lock_cache):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database
    settings.CACHES = LOCK_CACHES
    settings.GALLERY_LOCK_CACHE = lock_cache
    django.setup()


def hold(seconds):
    print(f"acquired {time.time()}", flush=True)
    time.sleep(seconds)
    print(f"released {time.time()}", flush=True)


def scan_lock(seconds):
    from django.db import transaction

    from gallery.scanning.state import wait_for_scan_lock

    with transaction.atomic():
        wait_for_scan_lock(60)
        hold(seconds)


def resize_lock(seconds):
    from gallery.files import locks

    with locks.lock("photo 1, version 1", wait_up_to=60, expires=60) as held:
        assert held
        hold(seconds)


def main(kind, database, seconds):
    setup(database, None if kind == "resize-local" else "gallery-locks")
    lock = scan_lock if kind == "scan" else resize_lock
    lock(float(seconds))


if __name__ == "__main__":
    main(*sys.argv[1:])

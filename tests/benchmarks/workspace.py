"""A gallery on a throwaway tree of photos, for the workers of a benchmark.

Workers import it as ``workspace`` (their script's folder comes first on
``sys.path``) under the interpreter of either side, so it needs nothing but
the standard library and Django.
"""

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def photo_tree(prefix, source, filenames):
    """Yield ``(photo_dir, cache_dir)``, ``source`` linked as each ``album/NAME``."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        photo_dir, cache_dir = work / "photos", work / "cache"
        (photo_dir / "album").mkdir(parents=True)
        cache_dir.mkdir()
        for filename in filenames:
            os.link(source, photo_dir / "album" / filename)
        yield photo_dir, cache_dir
    finally:
        shutil.rmtree(work, ignore_errors=True)


def setup_django(photo_dir, cache_dir):
    """Set Django up with the gallery on these folders and SQLite in memory."""
    import django
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage

    settings.configure(
        SECRET_KEY="benchmark",
        INSTALLED_APPS=[
            "gallery.apps.GalleryConfig",
            "django.contrib.auth",
            "django.contrib.contenttypes",
        ],
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        },
        USE_TZ=True,
        ALLOWED_HOSTS=["testserver"],
        GALLERY_PHOTO_STORAGE=FileSystemStorage(location=photo_dir),
        GALLERY_CACHE_STORAGE=FileSystemStorage(location=cache_dir),
    )
    django.setup()


# Albums as YYYY/MM_DD_Name, photos as YYYY-MM-DD_HH-MM-SS.jpg.
SCAN_PATTERN = (
    r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/"
    r"(?P<p_year>\d{4})-(?P<p_month>\d{2})-(?P<p_day>\d{2})_"
    r"(?P<p_hour>\d{2})-(?P<p_minute>\d{2})-(?P<p_second>\d{2})\.jpg"
)


def setup_scan(database, time_zone, make_storages):
    """Set Django up to scan with ``SCAN_PATTERN`` into the migrated SQLite file
    ``database``; ``make_storages()`` returns the photo and cache storages,
    built once settings are configured, as storages read them."""
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.configure(
        INSTALLED_APPS=[
            "gallery",
            "django.contrib.auth",
            "django.contrib.contenttypes",
        ],
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database}
        },
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        USE_TZ=True,
        TIME_ZONE=time_zone,
        GALLERY_PATTERNS=(("Photos", SCAN_PATTERN),),
    )
    settings.GALLERY_PHOTO_STORAGE, settings.GALLERY_CACHE_STORAGE = make_storages()
    django.setup()
    call_command("migrate", verbosity=0)

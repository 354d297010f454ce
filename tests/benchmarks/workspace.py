"""Django and a gallery for the workers of the benchmarks, on either side.

Workers import it as ``workspace`` (their script's folder comes first on
``sys.path``) under the interpreter of either side, so it needs nothing but
the standard library and Django, and uses only settings that myks-gallery
0.9.1 and this project both accept.
"""

import io
import os
import shutil
import sys
import tempfile
import types
from contextlib import contextmanager
from pathlib import Path

# The presets of the default templates (0.9.1's use thumb and standard).
TEMPLATE_PRESETS = {
    "thumb": (128, 128, True),
    "thumb2x": (256, 256, True),
    "row": (960, 320, False),
    "row2x": (1920, 640, False),
    "standard": (768, 768, False),
    "standard2x": (1536, 1536, False),
    "large": (2560, 2560, False),
}
URLCONF = "benchmark_urls"  # a module made by setup_django()
BASE_HTML = (
    "<!DOCTYPE html><html><head><title>{% block title %}{% endblock %}</title>"
    "{% block extrahead %}{% endblock %}</head>"
    "<body>{% block content %}{% endblock %}</body></html>"
)
# Albums as YYYY/MM_DD_Name, photos as YYYY-MM-DD_HH-MM-SS.jpg, local times
# of SCAN_TIME_ZONE.
SCAN_TIME_ZONE = "Europe/Paris"
SCAN_PATTERN = (
    r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/"
    r"(?P<p_year>\d{4})-(?P<p_month>\d{2})-(?P<p_day>\d{2})_"
    r"(?P<p_hour>\d{2})-(?P<p_minute>\d{2})-(?P<p_second>\d{2})\.jpg"
)


def django_settings(database=":memory:", site=False, admin=False, **overrides):
    """Settings for the gallery on SQLite ``database``, with ``overrides``.

    ``site`` adds what serving pages needs (sessions, templates, URLs);
    ``admin`` adds Django's admin to the site.
    """
    apps = ["gallery.apps.GalleryConfig", "auth", "contenttypes"]
    settings = {
        "SECRET_KEY": "benchmark",
        "DATABASES": {
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": database}
        },
        "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
        "USE_TZ": True,
        "ALLOWED_HOSTS": ["testserver"],
    }
    if admin:
        apps.append("admin")
    if site or admin:
        apps += ["messages", "sessions", "staticfiles"]
        settings.update(site_settings())
    settings["INSTALLED_APPS"] = [
        app if "." in app else f"django.contrib.{app}" for app in apps
    ]
    return {**settings, **overrides}


def site_settings():
    """Middleware, templates and URLs of a site, as in production."""
    loaders = [
        ("django.template.loaders.locmem.Loader", {"base.html": BASE_HTML}),
        "django.template.loaders.app_directories.Loader",
    ]
    return {
        "DEBUG": False,
        "MIDDLEWARE": [
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        "ROOT_URLCONF": URLCONF,
        "STATIC_URL": "/static/",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ],
                    "loaders": [("django.template.loaders.cached.Loader", loaders)],
                },
            }
        ],
    }


def setup_django(storages=None, **options):
    """Configure :func:`django_settings` (``options``), set Django up, migrate.

    ``storages()`` returns the photo and cache storages, built once settings
    are configured, as storages read them.
    """
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.configure(**django_settings(**options))
    if storages:
        settings.GALLERY_PHOTO_STORAGE, settings.GALLERY_CACHE_STORAGE = storages()
    django.setup()
    add_urls()
    call_command("migrate", verbosity=0)


def add_urls():
    """Make the URL module of a site: the gallery, and the admin if installed."""
    from django.apps import apps
    from django.urls import include, path

    urls = types.ModuleType(URLCONF)
    urls.urlpatterns = [path("", include("gallery.urls", namespace="gallery"))]
    if apps.is_installed("django.contrib.admin"):
        from django.contrib import admin

        urls.urlpatterns.insert(0, path("admin/", admin.site.urls))
    sys.modules[URLCONF] = urls


def folder_storages(photo_dir, cache_dir):
    """A function returning file system storages on these folders."""

    def storages():
        from django.core.files.storage import FileSystemStorage

        return FileSystemStorage(location=photo_dir), FileSystemStorage(
            location=cache_dir
        )

    return storages


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


def empty_cache(cache_dir):
    """Forget the files of ``cache_dir``; keep what a running site keeps (locks)."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(exist_ok=True)
    for entry in cache_dir.iterdir():
        if entry.name != ".locks":
            shutil.rmtree(entry)


def photo_names(albums, per_album):
    """Paths of ``per_album`` photos in each of ``albums`` that match SCAN_PATTERN."""
    for number in range(albums):
        year, month, day = 2000 + number // 336, number // 28 % 12 + 1, number % 28 + 1
        directory = f"{year}/{month:02d}_{day:02d}_Album {number}"
        for second in range(per_album):
            hms = f"{second // 3600:02d}-{second // 60 % 60:02d}-{second % 60:02d}"
            yield f"{directory}/{year}-{month:02d}-{day:02d}_{hms}.jpg"


def scan_settings(time_zone):
    """Options of :func:`setup_django` for scanning names of SCAN_PATTERN."""
    return {"TIME_ZONE": time_zone, "GALLERY_PATTERNS": (("Photos", SCAN_PATTERN),)}


def scan(**options):
    """Run ``scanphotos`` with ``options``, its output discarded."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command("scanphotos", verbosity=0, stdout=out, stderr=out, **options)


def count_queries(function):
    """The number of SQL queries ``function()`` runs."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        function()
    return len(queries)


def empty_gallery_tables():
    """Delete every row the scans wrote, and give the space back, as new."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:  # one check of keys
        for table in connection.introspection.table_names(cursor):
            if table.startswith("gallery_"):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")


def fresh_database(folder, side):
    """The name of a new, empty SQLite file for ``side`` in ``folder``."""
    handle, name = tempfile.mkstemp(prefix=f"{side}-", suffix=".sqlite3", dir=folder)
    os.close(handle)
    return name


def counted(function, counts):
    """``function``, appending the number of SQL queries of each call to ``counts``."""
    return lambda: counts.append(count_queries(function))

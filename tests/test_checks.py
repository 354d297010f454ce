import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.core import checks
from django.test import SimpleTestCase, override_settings

from gallery.resizers import formats

ROOT = Path(__file__).resolve().parent.parent

GOOD_PATTERN = (
    "Photos",
    r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/"
    r"(?P<p_year>\d{4})-(?P<p_month>\d{2})-(?P<p_day>\d{2})\.jpg",
)

HEIC_PATTERN = (
    "Phone",
    r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/"
    r"IMG_\d{4}\.(?i:heic|jpg)",
)


def local_storage():
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location="/tmp/gallery-checks-cache")


def not_a_storage():
    return object()


def resize(photo, width, height, crop=True):
    return "/resized.jpg"


WITHOUT_ROWS = {"thumb": (128, 128, True), "standard": (768, 768, False)}
WITH_ROWS = {**WITHOUT_ROWS, "row": (960, 320, False)}


class ChecksTests(SimpleTestCase):
    def gallery_messages(self):
        return [m for m in checks.run_checks() if m.id.startswith("gallery.")]

    def assertReports(self, id, count=1):
        messages = self.gallery_messages()
        self.assertEqual([m.id for m in messages], [id] * count, messages)
        for message in messages:
            self.assertTrue(message.hint)
            expected = checks.Warning if id.startswith("gallery.W") else checks.Error
            self.assertIsInstance(message, expected)
        return messages

    def test_test_settings_are_clean(self):
        self.assertEqual(self.gallery_messages(), [])

    @override_settings(GALLERY_CACHE_STORAGE=None)
    def test_e001_storage_not_configured(self):
        [message] = self.assertReports("gallery.E001")
        self.assertIn("GALLERY_CACHE_STORAGE", message.msg)

    @override_settings(GALLERY_CACHE_STORAGE=None, GALLERY_CACHE_DIR="/tmp/cache")
    def test_legacy_directory_is_a_configuration(self):
        self.assertEqual(self.gallery_messages(), [])

    @override_settings(GALLERY_PHOTO_STORAGE="tests.nowhere.photo_storage")
    def test_e002_storage_not_importable(self):
        [message] = self.assertReports("gallery.E002")
        self.assertIn("GALLERY_PHOTO_STORAGE", message.msg)

    @override_settings(GALLERY_PHOTO_STORAGE="tests.test_checks.not_a_storage")
    def test_e002_not_a_storage(self):
        self.assertReports("gallery.E002")

    @override_settings(GALLERY_PATTERNS=[GOOD_PATTERN, ("Photos",), "Photos"])
    def test_e003_pattern_not_a_pair(self):
        messages = self.assertReports("gallery.E003", count=2)
        self.assertIn("GALLERY_PATTERNS[1]", messages[0].msg)

    @override_settings(GALLERY_PATTERNS=[("Photos", r"(?P<a_year>\d{4}")])
    def test_e004_pattern_does_not_compile(self):
        self.assertReports("gallery.E004")

    @override_settings(
        GALLERY_PATTERNS=[(GOOD_PATTERN[0], re.compile(GOOD_PATTERN[1]))]
    )
    def test_compiled_pattern(self):
        self.assertEqual(self.gallery_messages(), [])

    @override_settings(GALLERY_PATTERNS=[("Photos", r"(?P<a_year>\d{4})/(.*)")])
    def test_e005_pattern_lacks_captures(self):
        [message] = self.assertReports("gallery.E005")
        self.assertIn("a_name, a_day, a_month", message.msg)

    @override_settings(
        GALLERY_PATTERNS=[
            (
                "Photos",
                r"(?P<a_year>\d{4})(?P<a_month>\d\d)(?P<a_day>\d\d)"
                r"(?P<a_name1>\w+)/(?P<a_name2>\w+)_(?P<a_name_place>\w+)",
            )
        ]
    )
    def test_numbered_names_are_album_names(self):
        self.assertEqual(self.gallery_messages(), [])

    @override_settings(
        GALLERY_PATTERNS=[(GOOD_PATTERN[0], GOOD_PATTERN[1] + r"(?P<p_yaer>\d+)")]
    )
    def test_w001_unknown_capture(self):
        [message] = self.assertReports("gallery.W001")
        self.assertIn("p_yaer", message.msg)
        self.assertIn("a_nameN, a_year, a_month, a_day, p_year", message.hint)

    @override_settings(GALLERY_IGNORES=[r".*\.DS_Store", r"*.tmp"])
    def test_e006_ignore_does_not_compile(self):
        [message] = self.assertReports("gallery.E006")
        self.assertIn("GALLERY_IGNORES[1]", message.msg)

    @override_settings(
        GALLERY_RESIZE_PRESETS={
            **WITH_ROWS,
            "zero": (0, 128, True),
            "text": ("128", 128, False),
            "short": (128, 128),
            "crop": (128, 128, 1),
        }
    )
    def test_e007_malformed_preset(self):
        messages = self.assertReports("gallery.E007", count=4)
        self.assertIn("'zero'", messages[0].msg)

    @override_settings(
        GALLERY_RESIZE_PRESETS={k: v for k, v in WITH_ROWS.items() if k != "thumb"}
    )
    def test_e008_no_thumb_preset(self):
        self.assertReports("gallery.E008")

    @override_settings(
        GALLERY_RESIZE_PRESETS={
            "thumb": (128, 128, True),
            "standard": (768, 768, False),
        }
    )
    def test_w005_no_preset_for_the_album_rows(self):
        [message] = self.assertReports("gallery.W005")
        self.assertIn("'row'", message.msg)

    def test_default_presets_are_complete(self):
        from django.conf import settings

        with self.settings():
            del settings.GALLERY_RESIZE_PRESETS
            self.assertEqual(self.gallery_messages(), [])

    @override_settings(GALLERY_RESIZE="tests.test_checks.nothing")
    def test_e009_resize_not_importable(self):
        self.assertReports("gallery.E009")

    @override_settings(GALLERY_RESIZE="tests.test_checks.ROOT")
    def test_e009_resize_not_callable(self):
        self.assertReports("gallery.E009")

    @override_settings(GALLERY_RESIZE="tests.test_checks.resize")
    def test_custom_resize(self):
        self.assertEqual(self.gallery_messages(), [])

    @override_settings(GALLERY_REMOTE_SERVING="proxy")
    def test_e010_unknown_remote_serving(self):
        self.assertReports("gallery.E010")

    @override_settings(GALLERY_SENDFILE_HEADER="X-Accel-Redirect")
    def test_w002_sendfile_without_local_cache(self):
        self.assertReports("gallery.W002")

    @override_settings(
        GALLERY_SENDFILE_HEADER="X-Accel-Redirect",
        GALLERY_CACHE_STORAGE="tests.test_checks.local_storage",
    )
    def test_sendfile_with_local_cache(self):
        self.assertEqual(self.gallery_messages(), [])

    @override_settings(GALLERY_LOCK_CACHE="locks")
    def test_e011_lock_cache_not_in_caches(self):
        self.assertReports("gallery.E011")

    @override_settings(
        GALLERY_LOCK_CACHE="default",
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
    )
    def test_w003_lock_cache_in_process(self):
        self.assertReports("gallery.W003")

    @override_settings(
        GALLERY_LOCK_CACHE="shared",
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "shared": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "gallery_locks",
            },
        },
    )
    def test_shared_lock_cache(self):
        self.assertEqual(self.gallery_messages(), [])

    @override_settings(GALLERY_PATTERNS=[HEIC_PATTERN])
    def test_w004_heic_pattern_without_pillow_heif(self):
        with without_pillow_heif():
            [message] = self.assertReports("gallery.W004")
        self.assertIn("pillow-heif", message.msg)
        self.assertIn("pip install pillow-heif", message.hint)

    @override_settings(GALLERY_PATTERNS=[HEIC_PATTERN])
    def test_heic_pattern_with_pillow_heif(self):
        self.assertEqual(self.gallery_messages(), [])

    @override_settings(GALLERY_PATTERNS=[GOOD_PATTERN])
    def test_jpeg_pattern_without_pillow_heif(self):
        with without_pillow_heif():
            self.assertEqual(self.gallery_messages(), [])

    @override_settings(GALLERY_RESIZE_FORMATS=["avif", "gif"])
    def test_e012_unknown_resize_format(self):
        [message] = self.assertReports("gallery.E012")
        self.assertIn("gif", message.msg)

    @override_settings(GALLERY_RESIZE_FORMATS="webp")
    def test_e012_resize_formats_not_a_list(self):
        self.assertReports("gallery.E012")

    @override_settings(GALLERY_RESIZE_FORMATS=["avif", "webp", "jpeg"])
    def test_resize_formats(self):
        self.assertEqual(self.gallery_messages(), [])

    @override_settings(GALLERY_PHOTO_DATES="metadata")
    def test_e013_unknown_photo_dates(self):
        [message] = self.assertReports("gallery.E013")
        self.assertIn("metadata", message.msg)

    @override_settings(GALLERY_PHOTO_DATES="exif")
    def test_photo_dates_from_exif(self):
        self.assertEqual(self.gallery_messages(), [])

    @override_settings(GALLERY_TASK_BACKEND="gallery", TASKS={})
    def test_e014_tasks_framework_missing(self):
        # Neither Django 6's django.tasks nor the backport can be imported.
        # Only the gallery's check runs: Django 6's own checks need django.tasks.
        from gallery.checks import check_task_backend

        missing = {"django.tasks": None, "django_tasks": None}
        with mock.patch.dict(sys.modules, missing):
            [message] = check_task_backend()
        self.assertEqual(message.id, "gallery.E014")
        self.assertIsInstance(message, checks.Error)
        self.assertTrue(message.hint)

    @override_settings(GALLERY_TASK_BACKEND="gallery", TASKS={})
    def test_e015_task_backend_not_in_tasks(self):
        self.assertReports("gallery.E015")

    @override_settings(
        GALLERY_TASK_BACKEND="gallery",
        TASKS={"gallery": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
    )
    def test_task_backend(self):
        self.assertEqual(self.gallery_messages(), [])


@contextlib.contextmanager
def without_pillow_heif():
    """Make ``import pillow_heif`` fail, as when it is not installed."""
    formats.heif_available.cache_clear()
    try:
        with mock.patch.dict(sys.modules, {"pillow_heif": None}):
            yield
    finally:
        formats.heif_available.cache_clear()


# E014 needs the tasks framework uninstalled: only its own test above shows it.
ALL_IDS = [
    *(f"gallery.E{number:03d}" for number in (*range(1, 14), 15)),
    *(f"gallery.W{number:03d}" for number in range(1, 6)),
]


def manage_py_check(settings_module, *args):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=settings_module)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "django", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_manage_py_check_reports_every_id():
    """``django-admin check`` on misconfigured sites lists every id."""
    output = ""
    for settings_module in [
        "tests.settings.misconfigured",
        "tests.settings.unconfigured",
    ]:
        result = manage_py_check(settings_module)
        assert result.returncode == 1, result.stderr
        output += result.stderr
    for id in ALL_IDS:
        assert f"({id})" in output, (id, output)


def test_manage_py_check_passes_on_test_settings():
    result = manage_py_check("tests.settings", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout

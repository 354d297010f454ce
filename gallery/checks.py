"""System checks for misconfigured settings; docs/checks.rst explains each id."""

import importlib
import re

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string

from .conf import DEFAULTS, conf
from .resizers.formats import FORMATS, heif_available
from .resizers.presets import parse_preset
from .scanning import captures
from .storages import KINDS, get_storage, is_local

REMOTE_SERVING_CHOICES = ("redirect", "stream")
PHOTO_DATES_CHOICES = ("pattern", "exif")
DEFAULT_PRESETS = DEFAULTS["RESIZE_PRESETS"]


def error(id, msg, hint):
    return Error(msg, hint=hint, id=f"gallery.{id}")


def warning(id, msg, hint):
    return Warning(msg, hint=hint, id=f"gallery.{id}")


def load_storage(kind):
    """Return ``(storage, errors)`` for ``kind``; ``storage`` is None on errors."""
    name = kind.upper()
    if (
        getattr(conf, f"{name}_STORAGE") is None
        and getattr(conf, f"{name}_DIR") is None
    ):
        return None, [
            error(
                "E001",
                f"GALLERY_{name}_STORAGE is not set.",
                "Set it to an alias of STORAGES or to the dotted path of a "
                "storage class or of a function returning a storage.",
            )
        ]
    try:
        return get_storage(kind), []
    except Exception as exc:  # a factory of the host project may fail in any way
        return None, [
            error(
                "E002",
                f"GALLERY_{name}_STORAGE cannot be turned into a storage: {exc}",
                "Check the alias or dotted path; a class or function must be "
                "importable and give a django.core.files.storage.Storage.",
            )
        ]


@register()
def check_storages(app_configs=None, **kwargs):
    """Report missing or broken photo and cache storages."""
    errors = []
    for kind in KINDS:
        errors += load_storage(kind)[1]
    return errors


def check_pattern_captures(index, regex):
    names = set(regex.groupindex)
    errors = []
    missing = sorted(set(captures.ALBUM_DATE) - names)
    if not any(captures.is_album_name(name) for name in names):
        missing.insert(0, captures.ALBUM_NAME)
    if missing:
        errors.append(
            error(
                "E005",
                f"GALLERY_PATTERNS[{index}] lacks the captures {', '.join(missing)}.",
                "Albums need a name (a_name, or a_name1, a_name2...) and a date "
                f"({', '.join(captures.ALBUM_DATE)}): add named groups such as "
                "(?P<a_year>\\d{4}).",
            )
        )
    dates = set(captures.ALBUM_DATE + captures.PHOTO_DATE)
    unknown = sorted(name for name in names - dates if not captures.is_album_name(name))
    if unknown:
        errors.append(
            warning(
                "W001",
                f"GALLERY_PATTERNS[{index}] has unknown captures {', '.join(unknown)}; "
                "the scan ignores them.",
                f"Known captures: {', '.join(captures.known())}. Use an "
                "unnamed group (...) or (?:...) for anything else.",
            )
        )
    return errors


def check_pattern(index, entry):
    if not (
        isinstance(entry, list | tuple)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and isinstance(entry[1], str | re.Pattern)
    ):
        return [
            error(
                "E003",
                f"GALLERY_PATTERNS[{index}] is not a (category, regex) pair: {entry!r}",
                'Write each entry as ("Category", r"regular expression").',
            )
        ]
    try:
        regex = re.compile(entry[1])
    except re.error as exc:
        return [
            error(
                "E004",
                f"GALLERY_PATTERNS[{index}] does not compile: {exc}",
                "Fix the regular expression (write it as a raw string r'...').",
            )
        ]
    return check_pattern_captures(index, regex)


@register()
def check_patterns(app_configs=None, **kwargs):
    """Report malformed entries of GALLERY_PATTERNS and GALLERY_IGNORES."""
    errors = []
    for index, entry in enumerate(conf.PATTERNS):
        errors += check_pattern(index, entry)
    for index, pattern in enumerate(conf.IGNORES):
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            errors.append(
                error(
                    "E006",
                    f"GALLERY_IGNORES[{index}] does not compile: {exc}",
                    "Fix the regular expression (write it as a raw string r'...').",
                )
            )
    return errors


def malformed_presets():
    """``(name, value)`` of the presets that :func:`parse_preset` rejects."""
    for name, value in conf.RESIZE_PRESETS.items():
        try:
            parse_preset(value)
        except ValueError:
            yield name, value


@register()
def check_presets(app_configs=None, **kwargs):
    """Report malformed resize presets and a missing ``thumb`` preset."""
    presets = conf.RESIZE_PRESETS
    errors = [
        error(
            "E007",
            f"GALLERY_RESIZE_PRESETS[{name!r}] is not (width, height, crop): {value!r}",
            "Width and height are positive integers and crop is True or False, "
            'for example "thumb": (128, 128, True).',
        )
        for name, value in malformed_presets()
    ]
    if "thumb" not in presets:
        errors.append(
            error(
                "E008",
                "GALLERY_RESIZE_PRESETS has no 'thumb' preset.",
                'The admin and the pages show thumbnails: add for example "thumb": '
                "(128, 128, True).",
            )
        )
    return errors


# Presets the default templates use, beside ``thumb``, and what lacks without.
TEMPLATE_PRESETS = {
    "row": "album pages show square thumbnails instead of justified rows",
    "standard": "photo pages and the viewer have no image to show",
}


@register()
def check_template_presets(app_configs=None, **kwargs):
    """Report presets that the default templates need and the site lacks."""
    presets = conf.RESIZE_PRESETS
    return [
        warning(
            "W005",
            f"GALLERY_RESIZE_PRESETS has no {name!r} preset: {effect}.",
            f"Add it with its 2x variant, for example {name!r}: {example}; "
            "docs/reference.rst lists the presets of the default templates.",
        )
        for name, effect in TEMPLATE_PRESETS.items()
        if name not in presets
        for example in [DEFAULT_PRESETS[name]]
    ]


@register()
def check_serving(app_configs=None, **kwargs):
    """Report serving settings that cannot work together."""
    errors = []
    if conf.SENDFILE_HEADER:
        storage, problems = load_storage("cache")
        if not problems and not is_local(storage):
            errors.append(
                warning(
                    "W002",
                    "GALLERY_SENDFILE_HEADER is set but the cache storage has no "
                    "local files, so the web server cannot send them.",
                    "Use a cache storage on the local disk, or remove "
                    "GALLERY_SENDFILE_HEADER and use GALLERY_REMOTE_SERVING.",
                )
            )
    if conf.REMOTE_SERVING not in REMOTE_SERVING_CHOICES:
        errors.append(
            error(
                "E010",
                f"GALLERY_REMOTE_SERVING is {conf.REMOTE_SERVING!r}.",
                'Use "redirect" (to a signed URL) or "stream" (through Django).',
            )
        )
    return errors


@register()
def check_resize(app_configs=None, **kwargs):
    """Report a custom GALLERY_RESIZE that is not an importable function."""
    # The default resizer ships with the package and has its own tests.
    if not conf.is_set("RESIZE"):
        return []
    try:
        resize = import_string(conf.RESIZE)
    except (ImportError, AttributeError) as exc:
        problem = f"cannot be imported: {exc}"
    else:
        if callable(resize):
            return []
        problem = "is not callable"
    return [
        error(
            "E009",
            f"GALLERY_RESIZE {conf.RESIZE!r} {problem}.",
            "Give the dotted path of a function, for example "
            '"gallery.resizers.pillow.resize".',
        )
    ]


def names_heif(entry):
    """Whether a ``GALLERY_PATTERNS`` entry names the .heic or .heif extension."""
    regex = entry[1] if isinstance(entry, list | tuple) and len(entry) == 2 else ""
    source = regex.pattern if isinstance(regex, re.Pattern) else str(regex)
    return bool(re.search(r"he(?:ic|if)", source, re.IGNORECASE))


@register()
def check_formats(app_configs=None, **kwargs):
    """Report HEIC/HEIF originals that cannot be resized, and unknown choices."""
    errors = []
    if any(names_heif(entry) for entry in conf.PATTERNS) and not heif_available():
        errors.append(
            warning(
                "W004",
                "GALLERY_PATTERNS match HEIC/HEIF files but pillow-heif is not "
                "installed: their thumbnails cannot be made.",
                "Install pillow-heif (the heif extra of myks-gallery): "
                "pip install pillow-heif.",
            )
        )
    if conf.PHOTO_DATES not in PHOTO_DATES_CHOICES:
        errors.append(
            error(
                "E013",
                f"GALLERY_PHOTO_DATES is {conf.PHOTO_DATES!r}.",
                'Use "pattern" (dates from the paths only) or "exif" (from the '
                "EXIF of photos whose path gives no date).",
            )
        )
    unknown = [name for name in conf.RESIZE_FORMATS if name not in FORMATS]
    if unknown or isinstance(conf.RESIZE_FORMATS, str):
        errors.append(
            error(
                "E012",
                f"GALLERY_RESIZE_FORMATS is {conf.RESIZE_FORMATS!r}.",
                "Give a list of formats among "
                f"{', '.join(map(repr, FORMATS))}, for example "
                '["avif", "webp", "jpeg"]; end it with "jpeg" or "png".',
            )
        )
    return errors


# Caches that cannot hold a lock between processes or servers.
PROCESS_CACHES = {
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.locmem.LocMemCache",
}


@register()
def check_lock_cache(app_configs=None, **kwargs):
    """Report a GALLERY_LOCK_CACHE that is not a cache able to hold locks."""
    alias = conf.LOCK_CACHE
    if not alias:
        return []
    if alias not in settings.CACHES:
        return [
            error(
                "E011",
                f"GALLERY_LOCK_CACHE {alias!r} is not an alias of CACHES.",
                "Name a cache of CACHES shared by every server, or remove the "
                "setting to lock with files on the local disk.",
            )
        ]
    if settings.CACHES[alias].get("BACKEND") in PROCESS_CACHES:
        return [
            warning(
                "W003",
                f"GALLERY_LOCK_CACHE {alias!r} does not share its entries between "
                "processes, so it cannot lock.",
                "Use Redis, Memcached or the database cache, or remove the setting "
                "to lock with files on the local disk.",
            )
        ]
    return []


@register()
def check_task_backend(app_configs=None, **kwargs):
    """Report a GALLERY_TASK_BACKEND that names no backend of the tasks framework."""
    alias = conf.TASK_BACKEND
    if not alias:
        return []
    if not tasks_framework():
        return [
            error(
                "E014",
                "GALLERY_TASK_BACKEND is set but Django's tasks framework is missing.",
                "On Django 5.2, install myks-gallery[tasks] (the django-tasks "
                "backport), or remove the setting to scan in the request.",
            )
        ]
    if alias not in getattr(settings, "TASKS", {}):
        return [
            error(
                "E015",
                f"GALLERY_TASK_BACKEND {alias!r} is not an alias of TASKS.",
                "Name a backend of TASKS whose workers run the gallery's tasks, "
                "or remove the setting to scan in the request.",
            )
        ]
    return []


def tasks_framework():
    """Whether Django's tasks framework (or its backport) can be imported."""
    for module in ("django.tasks", "django_tasks"):
        try:
            importlib.import_module(module)
        except ImportError:
            continue
        return True
    return False

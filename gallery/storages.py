"""Access to the photo storage and the cache storage."""

import functools
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import (
    FileSystemStorage,
    InMemoryStorage,
    Storage,
    storages,
)
from django.utils.module_loading import import_string

from .conf import conf

KINDS = ("photo", "cache")


def _built_once(function):
    """Memoise ``function`` of one argument, called once for each argument
    even when several threads first ask at the same time (the first requests
    of a server): a setting that builds a new storage at each call, such as
    an in-memory one, must give every thread the same storage."""
    values, lock = {}, threading.RLock()

    @functools.wraps(function)
    def memo(argument):
        try:
            return values[argument]
        except KeyError:
            with lock:
                if argument not in values:
                    values[argument] = function(argument)
                return values[argument]

    def cache_clear():
        with lock:
            values.clear()

    memo.cache_clear = cache_clear
    return memo


@_built_once
def get_storage(kind):
    """Return the storage configured for ``kind``, "photo" or "cache"."""
    if kind not in KINDS:
        raise ValueError(f"unknown storage kind: {kind!r}")
    value = getattr(conf, f"{kind.upper()}_STORAGE")
    if value is None:
        legacy = getattr(conf, f"{kind.upper()}_DIR")
        if legacy is None:
            raise ImproperlyConfigured(
                f"Set GALLERY_{kind.upper()}_STORAGE to a storage alias, "
                f"a dotted path to a storage class or factory, or a storage."
            )
        return FileSystemStorage(location=legacy)
    return build_storage(value)


def build_storage(value):
    """Turn a setting value into a storage instance."""
    if isinstance(value, Storage):
        return value
    if not isinstance(value, str):
        raise ImproperlyConfigured(f"Expected a string, got {value!r}.")
    if value in settings.STORAGES:
        return storages[value]
    try:
        factory = import_string(value)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"{value!r} is neither an alias in STORAGES nor an importable path: {exc}"
        ) from exc
    storage = factory()
    if not isinstance(storage, Storage):
        raise ImproperlyConfigured(f"{value!r} did not return a storage.")
    return storage


def is_local(storage):
    """Tell whether files of ``storage`` have a path on the local disk."""
    # InMemoryStorage implements path() although nothing is on the disk.
    if isinstance(storage, InMemoryStorage):
        return False
    try:
        storage.path("")
    except NotImplementedError:
        return False
    return True

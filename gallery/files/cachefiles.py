"""Names of the files kept in the cache storage, and writing them safely.

Names are keyed hashes (``SECRET_KEY``) of what the file is made of, so they
cannot be guessed and change when an original is replaced.
"""

import os
import posixpath
import tempfile

from django.core.files import File
from django.utils.crypto import salted_hmac

from ..conf import conf
from ..storages import is_local

__all__ = [
    "digest",
    "photo_key",
    "resized_name",
    "broken_name",
    "save_atomically",
    "move_into",
]


def digest(*parts):
    """Keyed hash of ``parts``, as 40 hexadecimal digits."""
    value = "\x1f".join(str(part) for part in parts)
    # Explicit since Django 6.1 deprecates the default; SHA-1 keeps the names.
    return salted_hmac("gallery.cachefiles", value, algorithm="sha1").hexdigest()


def photo_key(photo):
    """What identifies one version of an original.

    The name is part of it: a primary key reused after a database restore
    must not inherit the cached files of another photo.
    """
    return f"{photo.pk}:{photo.image_name}:{photo.version}"


def resized_name(photo, width, height, crop):
    """Name of a resized version of ``photo`` in the cache storage."""
    key = digest("resized", photo_key(photo), width, height, bool(crop))
    extension = posixpath.splitext(photo.filename)[1].lower() or ".jpg"
    return f"resized/{key[:2]}/{key}{extension}"


def broken_name(photo):
    """Name of the marker recording that this version of ``photo`` is broken."""
    # Raising the pixel limit gives large originals another chance.
    key = digest("broken", photo_key(photo), conf.MAX_PIXELS)
    return f"broken/{key[:2]}/{key}.txt"


def save_atomically(storage, name, content):
    """Save ``content`` (a file) under ``name``; readers never see part of it."""
    if not is_local(storage):
        # Remote object stores publish an object only once it is complete.
        if storage.exists(name):
            storage.delete(name)
        return storage.save(name, content)
    path = storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, temp_path = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as temp:
            for chunk in File(content).chunks():
                temp.write(chunk)
        os.chmod(temp_path, 0o644)
        os.replace(temp_path, path)
    except BaseException:
        os.unlink(temp_path)
        raise
    return name


def move_into(storage, name, temp_path):
    """Publish the complete local file ``temp_path`` as ``name``."""
    if is_local(storage):
        path = storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.chmod(temp_path, 0o644)
        os.replace(temp_path, path)
        return name
    with open(temp_path, "rb") as content:
        return save_atomically(storage, name, content)

"""What the scanner reads from a storage: the files, with what identifies a version."""

import dataclasses
import datetime
import importlib
import os
import posixpath
import time
import typing

from django.core.files.storage import InMemoryStorage
from django.utils.translation import gettext as _

from ..storages import is_local

__all__ = [
    "Listing",
    "ListingError",
    "StoredFile",
    "UnreadableDirectory",
    "list_storage",
    "local_root",
]


class ListingError(Exception):
    """The storage could not be listed at all (missing, unreachable, refused)."""


class StoredFile(typing.NamedTuple):
    """A file of the photo storage, as the listing gives it."""

    name: str  # path relative to the storage root, "/"-separated, as listed
    size: int | None = None
    modified: datetime.datetime | None = None  # aware, UTC
    etag: str = ""


class UnreadableDirectory(typing.NamedTuple):
    """A directory that could not be read, and why."""

    path: str  # relative to the storage root
    error: str


@dataclasses.dataclass
class Listing:
    """The result of listing a storage."""

    files: list[StoredFile] = dataclasses.field(default_factory=list)
    # The scanner leaves the albums below these directories untouched.
    unreadable: list[UnreadableDirectory] = dataclasses.field(default_factory=list)
    # Local storages: the modification time (ns) of each directory read, and
    # the directories whose files were not read because that time was known.
    directories: dict[str, int] = dataclasses.field(default_factory=dict)
    unchanged: set[str] = dataclasses.field(default_factory=set)
    started: int = 0  # time.time_ns() when the listing began


# Generic storages whose size() and get_modified_time() cost no request.
_CHEAP_METADATA = (InMemoryStorage,)


def list_storage(storage, known=None):
    """Return the :class:`Listing` of every file of ``storage``.

    ``known`` maps directories of a local storage to a modification time: the
    files of a directory that still has this time are not read again.
    """
    if _is_s3(storage):
        lister = _s3_lister()
        if lister is not None:
            return lister(storage)
    root = local_root(storage)
    if root is not None:
        return _list_local(root, known)
    return _list_generic(storage)


def local_root(storage):
    """The directory holding the files of ``storage``, or None."""
    # InMemoryStorage has path() but no directory on disk.
    if is_local(storage) and not isinstance(storage, InMemoryStorage):
        return storage.path("")
    return None


def _is_s3(storage):
    return type(storage).__module__.startswith("storages.backends.s3")


def _s3_lister():
    """The flat S3 listing, or ``None`` when it is not available."""
    try:
        module = importlib.import_module("gallery.scanning.listing_s3")
    except ModuleNotFoundError as exc:
        if exc.name != "gallery.scanning.listing_s3":
            raise
        return None
    return module.list_s3


def _list_local(root, known=None):
    """List the directory ``root`` with ``os.scandir``, recording size and mtime."""
    if not os.path.isdir(root):
        raise ListingError(
            _("The photo directory %(root)s does not exist.") % {"root": root}
        )
    listing = Listing(started=time.time_ns())
    pending = [""]
    seen = set()
    while pending:
        relative = pending.pop()
        try:
            _scan_local_dir(root, relative, listing, pending, seen, known or {})
        except OSError as exc:
            if not relative:
                message = _("Cannot read %(root)s: %(error)s.")
                raise ListingError(
                    message % {"root": root, "error": exc.strerror}
                ) from exc
            error = exc.strerror or str(exc)
            listing.unreadable.append(UnreadableDirectory(relative, error))
    return listing


def _scan_local_dir(root, relative, listing, pending, seen, known):
    """Add the files of one directory to ``listing``; queue its subdirectories."""
    # Through a descriptor, each stat() resolves one name instead of a path.
    fd = os.open(os.path.join(root, relative), os.O_RDONLY | os.O_DIRECTORY)
    try:
        identity = os.fstat(fd)
        if (identity.st_dev, identity.st_ino) in seen:  # a symlink loop
            return
        seen.add((identity.st_dev, identity.st_ino))
        if known.get(relative) == identity.st_mtime_ns:
            # Same entries as last time: only the subdirectories are needed.
            _read_local_subdirs(fd, relative, pending)
            listing.unchanged.add(relative)
        else:
            listing.files.extend(_read_local_dir(fd, relative, pending))
        listing.directories[relative] = identity.st_mtime_ns
    finally:
        os.close(fd)


def _read_local_dir(fd, relative, pending):
    prefix = f"{relative}/" if relative else ""
    files = []
    add, from_timestamp = files.append, datetime.datetime.fromtimestamp
    utc = datetime.UTC
    with os.scandir(fd) as entries:
        for entry in entries:
            if entry.is_file():
                stat = entry.stat()
                modified = from_timestamp(stat.st_mtime, utc)
                add(StoredFile(prefix + entry.name, stat.st_size, modified))
            elif entry.is_dir():
                pending.append(prefix + entry.name)
    return files


def _read_local_subdirs(fd, relative, pending):
    prefix = f"{relative}/" if relative else ""
    with os.scandir(fd) as entries:
        pending.extend(prefix + entry.name for entry in entries if entry.is_dir())


def _list_generic(storage):
    """List any storage with ``listdir``; size and mtime only where they are cheap."""
    listing = Listing()
    cheap = isinstance(storage, _CHEAP_METADATA)
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            directories, files = storage.listdir(relative)
        except Exception as exc:  # any backend error: network, permissions, ...
            if not relative:
                message = _("Cannot list the photo storage: %(error)s")
                raise ListingError(message % {"error": exc}) from exc
            listing.unreadable.append(UnreadableDirectory(relative, str(exc)))
            continue
        pending.extend(posixpath.join(relative, name) for name in directories)
        for name in files:
            listing.files.append(
                _stored_file(storage, posixpath.join(relative, name), cheap)
            )
    return listing


def _stored_file(storage, name, cheap):
    if not cheap:
        return StoredFile(name)
    modified = storage.get_modified_time(name)
    return StoredFile(name, storage.size(name), modified.astimezone(datetime.UTC))

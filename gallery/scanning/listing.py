"""What the scanner reads from a storage: the files, with what identifies a version."""

import dataclasses
import datetime
import functools
import heapq
import importlib
import itertools
import os
import posixpath
import sys
import time
import typing

from django.core.files.storage import InMemoryStorage
from django.utils.translation import gettext as _

from ..storages import is_local
from . import localdirs
from .order import holds

__all__ = [
    "Listing",
    "ListingError",
    "StoredFile",
    "UnreadableDirectory",
    "is_s3",
    "list_storage",
    "local_root",
    "walk_storage",
]


class ListingError(Exception):
    """The storage could not be listed at all (missing, unreachable, refused)."""


class StoredFile(typing.NamedTuple):
    """A file of the photo storage, as the listing gives it."""

    name: str  # path relative to the storage root, "/"-separated, as listed
    size: int | None = None
    modified: datetime.datetime | None = None  # aware, UTC
    etag: str = ""


# tuple.__new__ with the class bound: no Python call a file.
_as_stored_file = functools.partial(tuple.__new__, StoredFile)


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
    seen: set = dataclasses.field(default_factory=set)  # (device, inode) read


# Generic storages whose size() and get_modified_time() cost no request.
_CHEAP_METADATA = (InMemoryStorage,)


def list_storage(storage, known=None, progress=None):
    """Return the :class:`Listing` of every file of ``storage``.

    ``known`` maps directories of a local storage to a modification time: the
    files of a directory that still has this time are not read again.
    ``progress("list", files so far, None)`` is called as the listing grows.
    """
    listing, directories = walk_storage(storage, known, progress)
    for _path, files in directories:
        listing.files.extend(files)
    return listing


def walk_storage(storage, known=None, progress=None):
    """Return ``(listing, directories)``: ``directories`` yields ``(path,
    files)`` for each directory holding files, in the order of
    :func:`.order.directory_key`, and fills ``listing`` (but its ``files``)
    as it goes. ``known`` and ``progress`` are those of :func:`list_storage`.
    """
    listing = Listing(started=time.time_ns())
    if is_s3(storage):
        lister = _s3_lister()
        if lister is not None:
            return listing, lister(storage, listing, progress)
    root = local_root(storage)
    if root is not None:
        if not os.path.isdir(root):
            raise ListingError(
                _("The photo directory %(root)s does not exist.") % {"root": root}
            )
        read = _LocalReader(root, known or {})
    else:
        read = functools.partial(_read_generic, storage)
    return listing, _walk(listing, read, progress)


def _walk(listing, read, progress):
    """Read directories in the order of their paths followed by "/", and
    yield each after its subdirectories, as a flat listing of keys ends them.

    ``read(listing, path)`` returns the files and subdirectories of ``path``
    (files None when not read again); it raises ``OSError`` when it cannot.
    Its ``close()``, if any, is called when the walk ends or is abandoned.
    """
    try:
        yield from _walk_in_order(listing, read, progress)
    finally:
        if hasattr(read, "close"):
            read.close()


def _walk_in_order(listing, read, progress):
    pending = [("", "")]  # (walk key, path): parents come before children
    held = []  # (path, files) of the directories above the one being read
    count = 0
    while pending:
        _, path = heapq.heappop(pending)
        while held and not holds(held[-1][0], path):
            yield held.pop()
        if progress:
            progress("list", count, None)
        try:
            files, subdirectories = read(listing, path)
        except OSError as exc:
            if not path:
                raise ListingError(_root_error(read, exc)) from exc
            error = exc.strerror or str(exc)
            listing.unreadable.append(UnreadableDirectory(path, error))
            continue
        for subdirectory in subdirectories:
            heapq.heappush(pending, (localdirs.walk_key(subdirectory), subdirectory))
        if files:
            count += len(files)
            held.append((path, files))
    while held:
        yield held.pop()


def _root_error(read, exc):
    if isinstance(read, _LocalReader):
        message = _("Cannot read %(root)s: %(error)s.")
        return message % {"root": read.root, "error": exc.strerror}
    return _("Cannot list the photo storage: %(error)s") % {"error": exc}


def local_root(storage):
    """The directory holding the files of ``storage``, or None."""
    # InMemoryStorage has path() but no directory on disk.
    if is_local(storage) and not isinstance(storage, InMemoryStorage):
        return storage.path("")
    return None


def is_s3(storage):
    return type(storage).__module__.startswith("storages.backends.s3")


def _s3_lister():
    """The flat S3 listing, or ``None`` when it is not available."""
    try:
        module = importlib.import_module("gallery.scanning.listing_s3")
    except ModuleNotFoundError as exc:
        if exc.name != "gallery.scanning.listing_s3":
            raise
        return None
    return module.walk_s3


class _LocalReader:
    """Reads the directories of a local storage as the walk asks for them, in
    this process, then ahead of the walk in a child (see :mod:`.localdirs`)
    once :data:`.localdirs.READ_AHEAD_AFTER` files were read, when the
    machine has more than one processor."""

    def __init__(self, root, known):
        self.root = root
        self.known = known
        self.pending = set()  # the paths the walk has yet to ask for
        self.files = 0
        self.ahead = None
        self.tried = not _read_ahead_possible()

    def __call__(self, listing, path):
        self.pending.discard(path)
        result = self.ahead.take(path) if self.ahead else NotImplemented
        if result is NotImplemented:
            self.ahead = None
            result = localdirs.read_directory(self.root, path, self.known, listing.seen)
        elif isinstance(result, OSError):
            raise result
        if result is None:  # a loop of symbolic links
            return None, []
        identity, mtime, files, subdirectories = result
        listing.seen.add(identity)
        listing.directories[path] = mtime
        self.pending.update(subdirectories)
        if files is None:  # same entries as last time
            listing.unchanged.add(path)
            return None, subdirectories
        names, sizes, mtimes = files
        self.files += len(names)
        if not self.tried and self.files >= localdirs.READ_AHEAD_AFTER:
            self.tried = True
            if self.pending:
                self.ahead = localdirs.ReadAhead.start(
                    self.root, self.known, listing.seen, self.pending
                )
        utc, no_etag = itertools.repeat(datetime.UTC), itertools.repeat("")
        modified = map(datetime.datetime.fromtimestamp, mtimes, utc)
        rows = zip(names, sizes, modified, no_etag, strict=False)
        return list(map(_as_stored_file, rows)), subdirectories

    def close(self):
        if self.ahead:
            self.ahead.close()
            self.ahead = None


def _read_ahead_possible():
    """Whether a child process may read ahead: more than one processor, this
    process run by a Python interpreter (not embedded in a server), and the
    child's program a file (not in a zip archive)."""
    if not localdirs.READ_AHEAD_AFTER or not os.path.isfile(localdirs.__file__):
        return False
    try:
        processors = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        processors = os.cpu_count() or 1
    executable = os.path.basename(sys.executable or "")
    return processors > 1 and executable.lower().startswith("python")


def _read_generic(storage, listing, relative):
    """The files and subdirectories of one directory, with ``listdir``; size
    and modification time only where they are cheap."""
    try:
        directories, files = storage.listdir(relative)
    except OSError:
        raise
    except Exception as exc:  # any backend error: network, permissions, ...
        raise OSError(str(exc)) from exc
    cheap = isinstance(storage, _CHEAP_METADATA)
    subdirectories = [posixpath.join(relative, name) for name in directories]
    return [
        _stored_file(storage, posixpath.join(relative, name), cheap) for name in files
    ], subdirectories


def _stored_file(storage, name, cheap):
    if not cheap:
        return StoredFile(name)
    modified = storage.get_modified_time(name)
    return StoredFile(name, storage.size(name), modified.astimezone(datetime.UTC))

"""Zip exports of the photos of an album that a visitor may see.

An archive streams while it is built: photos are stored, not recompressed,
so the first bytes leave at once and memory stays flat. The stream is also
written to a temporary file, published in the cache storage once complete;
the next visitor who may see the same photos gets that file.
"""

import datetime
import logging
import os
import posixpath
import tempfile
import time
import zipfile

from django.http import StreamingHttpResponse
from django.utils import timezone

from .. import access
from ..conf import conf
from ..storages import get_storage, is_local
from . import cachefiles, locks, serving
from .http import content_disposition

__all__ = [
    "exported_photos",
    "export_response",
    "archive_name",
    "delete_expired_archives",
]

logger = logging.getLogger("gallery.exports")

BLOCK_SIZE = 1024 * 1024
ARCHIVE_DIR = "exports"
SWEEP_INTERVAL = 3600  # seconds between two looks for expired archives
BUILD_EXPIRES = 3600  # seconds a shared lock outlives the request building an archive
_last_sweep = 0.0


def exported_photos(user, album):
    """The photos of ``album`` that ``user`` may see, in album order, to export."""
    return list(access.visible_photos(user, album.photo_set.all()))


def archive_name(album, photos):
    """Cache name of the archive of exactly these versions of ``photos``."""
    key = cachefiles.digest(
        "export", album.pk, *(cachefiles.photo_key(photo) for photo in photos)
    )
    return f"{ARCHIVE_DIR}/{key}.zip"


def download_name(album):
    """File name offered to the visitor: the album's date and name."""
    name = album.name or album.dirpath.replace("/", " ")
    return f"{album.date:%Y-%m-%d} {name}.zip"


def export_response(request, album, photos):
    """Serve the archive of ``photos``, reusing a cached one when it exists."""
    cache = get_storage("cache")
    name = archive_name(album, photos)
    filename = download_name(album)
    if cache.exists(name):
        return serving.serve(request, cache, name, filename=filename, attachment=True)
    sweep(cache)
    response = StreamingHttpResponse(
        build_once(stream_zip(photos), cache, name), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition(filename, attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response


def entry_names(photos):
    """A unique name in the archive for each photo; case differences collide."""
    seen = set()
    for photo in photos:
        stem, extension = posixpath.splitext(photo.filename)
        name, number = photo.filename, 1
        while name.lower() in seen:
            number += 1
            name = f"{stem} ({number}){extension}"
        seen.add(name.lower())
        yield name


class Chunks:
    """A write-only, non-seekable file collecting what ``zipfile`` writes."""

    def __init__(self):
        self.chunks = []

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def pop(self):
        chunks, self.chunks = self.chunks, []
        return b"".join(chunks)


def stream_zip(photos):
    """Yield the bytes of a zip archive of ``photos`` as it is built.

    Photos whose file is missing are left out; once exhausted, the generator
    returns their image names (``missing = yield from stream_zip(photos)``).
    """
    storage = get_storage("photo")
    missing = []
    output = Chunks()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for photo, name in zip(photos, entry_names(photos), strict=True):
            try:
                source = storage.open(photo.image_name, "rb")
            except FileNotFoundError:
                logger.warning("Cannot export %s: file not found", photo.image_name)
                missing.append(photo.image_name)
                continue
            with source:
                yield from add_entry(zf, output, source, entry_info(photo, name))
    yield output.pop()
    return missing


def entry_info(photo, name):
    info = zipfile.ZipInfo(name, date_time=entry_time(photo))
    info.compress_type = zipfile.ZIP_STORED
    # Only decides whether the entry needs ZIP64; the real size is written
    # after the data.
    info.file_size = photo.size or 0
    return info


def add_entry(zf, output, source, info):
    large = info.file_size >= zipfile.ZIP64_LIMIT
    with zf.open(info, "w", force_zip64=large) as entry:
        while block := source.read(BLOCK_SIZE):
            entry.write(block)
            yield output.pop()
    yield output.pop()


def entry_time(photo):
    moment = photo.date or photo.modified
    if moment is None:
        return (1980, 1, 1, 0, 0, 0)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return max(moment.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def build_once(archive, cache, name):
    """Stream ``archive``; keep a copy in the cache unless another request does.

    Concurrent requests for the same archive all get their bytes at once,
    but only one of them writes it to the cache.
    """
    key = f"export:{name}"
    with locks.lock(key, wait_up_to=0, expires=BUILD_EXPIRES) as building:
        if building:
            yield from tee_into_cache(archive, cache, name)
        else:
            yield from streamed(archive)


def tee_into_cache(archive, cache, name):
    """Yield the chunks of ``archive``; publish them as ``name`` once all are sent.

    Nothing is published when ``archive`` returns names of missing files. A
    cache storage that refuses writes (full, read-only) costs the copy, never
    the download.
    """
    try:
        fd, temp_path = open_temporary(cache)
    except OSError as exc:
        logger.error("Cannot keep a copy of %s: %s", name, exc)
        yield from streamed(archive)
        return
    try:
        with os.fdopen(fd, "wb") as temp:
            whole, missing = yield from copied(archive, temp, name)
        if whole and not missing:
            publish(cache, name, temp_path)
    finally:
        archive.close()
        if os.path.exists(temp_path):
            os.unlink(temp_path)


def copied(archive, temp, name):
    """Yield the chunks of ``archive`` and write them into ``temp``.

    Return whether the copy is whole, and what ``archive`` returned.
    """
    whole = True
    while True:
        try:
            chunk = next(archive)
        except StopIteration as end:
            return whole, end.value
        whole = whole and write(temp, chunk, name)
        yield chunk


def open_temporary(cache):
    """A temporary file next to the archives of a local cache, or in /tmp."""
    directory = cache.path(ARCHIVE_DIR) if is_local(cache) else None
    if directory:
        os.makedirs(directory, exist_ok=True)
    return tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".zip")


def streamed(archive):
    """Yield the chunks of ``archive``; close it even if the client goes away."""
    try:
        yield from archive
    finally:
        archive.close()


def write(temp, chunk, name):
    """Copy ``chunk`` into ``temp``; tell whether the copy is still whole."""
    try:
        temp.write(chunk)
    except OSError as exc:
        logger.error("Cannot keep a copy of %s: %s", name, exc)
        return False
    return True


def publish(cache, name, temp_path):
    try:
        cachefiles.move_into(cache, name, temp_path)
    except OSError as exc:
        logger.error("Cannot store %s in the cache storage: %s", name, exc)


def sweep(cache):
    """Delete expired archives, at most once per ``SWEEP_INTERVAL`` and process."""
    global _last_sweep
    if time.monotonic() - _last_sweep >= SWEEP_INTERVAL:
        _last_sweep = time.monotonic()
        delete_expired_archives(cache)


def delete_expired_archives(cache, now=None):
    """Delete archives older than ``GALLERY_ARCHIVE_EXPIRY`` days from a local cache.

    Other workers may publish or delete archives meanwhile: files that vanish
    are skipped.
    """
    if not is_local(cache) or not os.path.isdir(cache.path(ARCHIVE_DIR)):
        return []
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=conf.ARCHIVE_EXPIRY)
    deleted = []
    for entry in os.scandir(cache.path(ARCHIVE_DIR)):
        try:
            stat = entry.stat()
            modified = datetime.datetime.fromtimestamp(stat.st_mtime, datetime.UTC)
            if entry.is_file() and modified < limit:
                os.unlink(entry.path)
                deleted.append(f"{ARCHIVE_DIR}/{entry.name}")
        except FileNotFoundError:
            continue
    return deleted

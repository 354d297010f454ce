"""Locks that keep two workers from building the same cached file at once.

By default a lock is an ``flock`` on a file in a local directory: it holds
between threads and processes of one machine, and is released by the kernel
if its holder dies. With several servers, set ``GALLERY_LOCK_CACHE`` to the
alias of a cache shared by all of them (Redis, Memcached, database cache):
locks are then taken with the atomic ``cache.add()``.
"""

import contextlib
import fcntl
import os
import tempfile
import time
import uuid

from django.core.cache import caches
from django.utils.crypto import salted_hmac

from ..conf import conf
from ..storages import get_storage, is_local

BUCKETS = 4096  # bounds the number of lock files; collisions only serialize


@contextlib.contextmanager
def lock(key, wait=True, timeout=300):
    """Hold an exclusive lock named ``key`` across threads and processes.

    Yield whether the lock is held: with ``wait=False``, ``False`` comes at
    once when another holder has it. ``timeout`` bounds how long a cache lock
    outlives a holder that died.
    """
    digest = salted_hmac("gallery.locks", key, algorithm="sha1").hexdigest()
    if conf.LOCK_CACHE:
        cache = caches[conf.LOCK_CACHE]
        held = cache_lock(cache, f"gallery-lock:{digest}", wait, timeout)
    else:
        held = file_lock(lock_path(int(digest[:8], 16) % BUCKETS), wait)
    with held as acquired:
        yield acquired


def lock_dir():
    """Directory of lock files: in a local cache storage, else the temp dir."""
    storage = get_storage("cache")
    if is_local(storage):
        return storage.path(".locks")
    return os.path.join(tempfile.gettempdir(), "myks-gallery-locks")


def lock_path(bucket):
    directory = lock_dir()
    os.makedirs(directory, exist_ok=True)
    return os.path.join(directory, f"{bucket:03x}.lock")


@contextlib.contextmanager
def file_lock(path, wait=True):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
        else:
            yield True
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def cache_lock(cache, key, wait=True, timeout=300, poll=0.05):
    token = uuid.uuid4().hex
    deadline = time.monotonic() + timeout
    # A holder that died leaves the key until it expires after ``timeout``.
    acquired = cache.add(key, token, timeout)
    while wait and not acquired:
        if time.monotonic() > deadline:
            break
        time.sleep(poll)
        acquired = cache.add(key, token, timeout)
    try:
        yield acquired or wait
    finally:
        if cache.get(key) == token:
            cache.delete(key)

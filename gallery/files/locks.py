"""Locks that keep two workers from building the same cached file at once.

By default a lock is an ``flock`` on a file in a local directory: it holds
between threads and processes of one machine, and is released by the kernel
if its holder dies. With several servers, set ``GALLERY_LOCK_CACHE`` to the
alias of a cache shared by all of them (Redis, Memcached, database cache):
locks are then taken with the atomic ``cache.add()``, and expire so that a
holder that died does not keep them forever.

:func:`lock` never raises because the lock is taken: it waits at most
``wait_up_to`` seconds, then tells whether the lock is held. Callers decide
what to do without it.
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

__all__ = ["lock"]

BUCKETS = 4096  # bounds the number of lock files; collisions only serialize
# Seconds between two attempts, doubling from FIRST_POLL up to a ceiling: an
# attempt costs a system call for a file lock, a round trip for a cache lock.
FIRST_POLL = 0.002
FILE_POLL = 0.01
CACHE_POLL = 0.05


@contextlib.contextmanager
def lock(key, *, wait_up_to, expires):
    """Try to hold the exclusive lock ``key``; yield whether it is held.

    Waits at most ``wait_up_to`` seconds for another holder (``0``: one
    attempt). A cache lock expires ``expires`` seconds after it was taken,
    even if still held, so ``expires`` must exceed the longest hold; a file
    lock is released by the kernel instead and ignores ``expires``.
    """
    digest = salted_hmac("gallery.locks", key, algorithm="sha1").hexdigest()
    if conf.LOCK_CACHE:
        cache = caches[conf.LOCK_CACHE]
        held = _cache_lock(cache, f"gallery-lock:{digest}", wait_up_to, expires)
    else:
        held = _file_lock(_lock_path(int(digest[:8], 16) % BUCKETS), wait_up_to)
    with held as acquired:
        yield acquired


def _attempt_until(attempt, wait_up_to, poll):
    """Call ``attempt()`` until it returns true or ``wait_up_to`` seconds pass."""
    deadline = time.monotonic() + wait_up_to
    delay = FIRST_POLL
    while not attempt():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(delay, remaining))
        delay = min(2 * delay, poll)
    return True


def _lock_dir():
    """Directory of lock files: in a local cache storage, else the temp dir."""
    storage = get_storage("cache")
    if is_local(storage):
        return storage.path(".locks")
    return os.path.join(tempfile.gettempdir(), "myks-gallery-locks")


def _lock_path(bucket):
    directory = _lock_dir()
    os.makedirs(directory, exist_ok=True)
    return os.path.join(directory, f"{bucket:03x}.lock")


@contextlib.contextmanager
def _file_lock(path, wait_up_to):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def attempt():
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    try:
        yield _attempt_until(attempt, wait_up_to, FILE_POLL)
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def _cache_lock(cache, key, wait_up_to, expires):
    token = uuid.uuid4().hex

    def attempt():
        return cache.add(key, token, expires)

    acquired = _attempt_until(attempt, wait_up_to, CACHE_POLL)
    try:
        yield acquired
    finally:
        # Never delete the key of the next holder, after ours expired.
        if acquired and cache.get(key) == token:
            cache.delete(key)

"""Locks held in Redis, as several app servers would share them.

Each worker process stands for an app server with a disk of its own; only
the Redis server is shared, so a lock that holds proves it is taken there.
"""

import time

import pytest
from django.core.cache import caches

from gallery.files import locks
from tests.files.test_locks_across_servers import HOLD, overlapping, run_workers

pytestmark = pytest.mark.component


@pytest.fixture
def redis_lock_cache(redis_url, settings, monkeypatch):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "locks": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        },
    }
    settings.GALLERY_LOCK_CACHE = "locks"
    monkeypatch.setenv("GALLERY_TEST_REDIS_URL", redis_url)
    yield caches["locks"]
    caches["locks"].clear()


def test_resize_lock_holds_across_servers_with_redis(redis_lock_cache, tmp_path):
    started = time.monotonic()

    assert overlapping(run_workers("resize-redis", tmp_path)) == []

    assert time.monotonic() - started >= 3 * HOLD


def test_a_held_lock_is_refused_without_waiting(redis_lock_cache):
    with locks.lock("photo 1") as first:
        with locks.lock("photo 1", wait=False) as second:
            assert (first, second) == (True, False)
        with locks.lock("photo 2", wait=False) as other:
            assert other is True
    with locks.lock("photo 1", wait=False) as again:
        assert again is True


def test_a_dead_holder_lets_go_after_the_timeout(redis_lock_cache):
    # A holder that died never deletes its key: Redis expires it.
    redis_lock_cache.add("gallery-lock:stale", "dead holder", 1)
    with locks.cache_lock(redis_lock_cache, "gallery-lock:stale", poll=0.05) as held:
        assert held is True
    assert redis_lock_cache.get("gallery-lock:stale") is None

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


def hold(key, wait_up_to=0, expires=60):
    return locks.lock(key, wait_up_to=wait_up_to, expires=expires)


def test_a_held_lock_is_refused_without_waiting(redis_lock_cache):
    with hold("photo 1") as first:
        with hold("photo 1") as second:
            assert (first, second) == (True, False)
        with hold("photo 2") as other:
            assert other is True
    with hold("photo 1") as again:
        assert again is True


def test_a_dead_holder_lets_go_when_its_lock_expires(redis_lock_cache):
    with hold("photo 1", expires=1) as first:  # a holder that never releases it
        assert first
        started = time.monotonic()
        with hold("photo 1", wait_up_to=10) as second:
            assert second is True  # Redis expired the first holder's key
        assert 0.5 < time.monotonic() - started < 10

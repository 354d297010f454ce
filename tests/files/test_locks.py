"""What ``locks.lock`` promises, with file locks and with cache locks.

``tests/files/test_locks_across_servers.py`` checks the same locks between
processes sharing PostgreSQL.
"""

import contextlib
import multiprocessing
import threading
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from gallery.files import locks

KEY = "photo 1, version 1"


@pytest.fixture(params=["file", "cache"])
def backend(request):
    alias = "default" if request.param == "cache" else None
    with override_settings(GALLERY_LOCK_CACHE=alias):
        yield request.param
    caches["default"].clear()


def hold(key=KEY, wait_up_to=0, expires=60):
    return locks.lock(key, wait_up_to=wait_up_to, expires=expires)


def test_a_free_lock_is_held_and_released(backend):
    with hold() as held:
        assert held
    with hold() as held_again:
        assert held_again


def test_one_attempt_gives_up_at_once(backend):
    with hold() as first:
        started = time.monotonic()
        with hold(wait_up_to=0) as second:
            assert (first, second) == (True, False)
        assert time.monotonic() - started < 1


def test_other_keys_are_independent(backend):
    with hold("a") as first, hold("b") as second:
        assert (first, second) == (True, True)


def test_waiting_gives_up_after_its_deadline_without_the_lock(backend):
    with hold():
        started = time.monotonic()
        with hold(wait_up_to=0.2) as held:
            assert not held
        assert time.monotonic() - started >= 0.2


def test_leaving_without_the_lock_leaves_it_to_its_holder(backend):
    with hold():
        with hold() as held:
            assert not held
        with hold() as still_taken:
            assert not still_taken


def test_a_waiting_lock_gets_it_once_released(backend, monkeypatch):
    polling = threading.Event()
    sleep = time.sleep

    def spy_sleep(seconds):
        polling.set()
        sleep(seconds)

    monkeypatch.setattr(locks.time, "sleep", spy_sleep)
    result = {}

    def wait():
        with hold(wait_up_to=30) as held:
            result.update(held=held, at=time.monotonic())

    waiter = threading.Thread(target=wait)
    with hold():
        waiter.start()
        assert polling.wait(10)  # the waiter found the lock taken
        released = time.monotonic()
    waiter.join()
    assert result["held"] and result["at"] >= released


@override_settings(GALLERY_LOCK_CACHE="default")
def test_a_cache_lock_expires_after_its_holder_died():
    died = contextlib.ExitStack()
    assert died.enter_context(hold(expires=1))  # never released
    with hold(wait_up_to=10, expires=60) as held:
        assert held
        died.close()  # the late exit must not free the new holder's lock
        with hold() as third:
            assert not third
    caches["default"].clear()


def hold_in_child(taken, release):
    with hold() as held:
        assert held
        taken.set()
        release.wait(30)


def test_a_file_lock_holds_across_processes():
    context = multiprocessing.get_context("fork")
    taken, release = context.Event(), context.Event()
    child = context.Process(target=hold_in_child, args=(taken, release))
    child.start()
    try:
        assert taken.wait(30)
        with hold() as held:
            assert not held
    finally:
        release.set()
        child.join(30)
    assert child.exitcode == 0
    with hold(wait_up_to=10) as held:
        assert held

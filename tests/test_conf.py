import contextlib
import threading

import pytest
from django.core.files.storage import InMemoryStorage
from django.test import override_settings

from gallery.conf import conf
from gallery.resizers import get_resize
from gallery.storages import get_storage


def test_default_value_when_not_set():
    assert conf.RESIZE == "gallery.resizers.pillow.resize"
    assert not conf.is_set("RESIZE")


@override_settings(GALLERY_RESIZE="gallery.resizers.thumbor.resize")
def test_set_value():
    assert conf.RESIZE == "gallery.resizers.thumbor.resize"
    assert conf.is_set("RESIZE")


def test_unknown_setting_is_an_error():
    with pytest.raises(AttributeError, match="unknown gallery setting"):
        conf.RESIZES  # noqa: B018
    with pytest.raises(AttributeError, match="unknown gallery setting"):
        conf.is_set("RESIZES")


def test_changing_the_resizer_forgets_the_memoised_one():
    from gallery.resizers import pillow, thumbor

    assert get_resize() is pillow.resize
    with override_settings(GALLERY_RESIZE="gallery.resizers.thumbor.resize"):
        assert get_resize() is thumbor.resize
    assert get_resize() is pillow.resize


def test_changing_a_storage_forgets_the_memoised_one(tmp_path):
    before = get_storage("cache")
    with override_settings(GALLERY_CACHE_STORAGE=None, GALLERY_CACHE_DIR=tmp_path):
        assert get_storage("cache").location == str(tmp_path)
    assert get_storage("cache") is not before  # rebuilt from the restored setting


built = []  # the storages the factory below made
arrived = threading.Barrier(4)


def counted_storage():
    """A new in-memory storage at each call, as the tests' settings give."""
    # Threads that all got in wait for each other here; with one at a time,
    # the first gives up waiting and the others never come in.
    with contextlib.suppress(threading.BrokenBarrierError):
        arrived.wait(timeout=0.5)
    built.append(InMemoryStorage())
    return built[-1]


@override_settings(GALLERY_CACHE_STORAGE="tests.test_conf.counted_storage")
def test_threads_asking_first_at_once_share_one_storage():
    """The first requests of a server ask for the storage at the same time;
    with an in-memory storage, each would otherwise write where the others
    never read."""
    built.clear()
    arrived.reset()
    got = []
    threads = [
        threading.Thread(target=lambda: got.append(get_storage("cache")))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert len(got) == 4 and all(storage is built[0] for storage in got)

import pytest
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

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import override_settings
from PIL import Image

from gallery.files import cachefiles
from gallery.files.precompute import precompute
from gallery.models import Photo
from gallery.resizers import pillow
from gallery.storages import get_storage
from tests.builders import make_album, make_image, make_photo

pytestmark = pytest.mark.django_db


def add_photo(album, filename, data):
    photo = make_photo(album, filename, size=len(data))
    get_storage("photo").save(photo.image_name, ContentFile(data))
    return photo


@pytest.fixture
def local_storages(tmp_path):
    """Storages on disk, so that worker processes share them."""
    photos = FileSystemStorage(location=tmp_path / "photos")
    cache = FileSystemStorage(location=tmp_path / "cache")
    with override_settings(GALLERY_PHOTO_STORAGE=photos, GALLERY_CACHE_STORAGE=cache):
        yield photos, cache


def test_precompute_decodes_each_original_once(monkeypatch):
    album = make_album()
    photos = [add_photo(album, f"{n}.jpg", make_image(600, 400)) for n in range(3)]
    calls = []
    original = pillow.decode

    def decode(data, sizes):
        calls.append(len(sizes))
        return original(data, sizes)

    monkeypatch.setattr(pillow, "decode", decode)
    report = precompute(Photo.objects.all(), ["thumb", "standard"], jobs=1)
    assert report.created == 6
    assert calls == [2, 2, 2]
    cache = get_storage("cache")
    for photo in photos:
        assert cache.exists(cachefiles.resized_name(photo, 128, 128, True))
        assert cache.exists(cachefiles.resized_name(photo, 768, 768, False))

    calls.clear()
    report = precompute(Photo.objects.all(), ["thumb", "standard"], jobs=1)
    assert (report.created, report.existing, calls) == (0, 6, [])


def test_precompute_reports_broken_files():
    album = make_album()
    add_photo(album, "good.jpg", make_image(300, 200))
    broken = add_photo(album, "bad.jpg", b"not an image")
    report = precompute(Photo.objects.all(), ["thumb"], jobs=1)
    assert report.created == 1
    assert report.broken == [broken.image_name]
    assert report.failed == []


def test_precompute_refuses_unknown_preset():
    with pytest.raises(ValueError, match="huge"):
        precompute(Photo.objects.all(), ["huge"])


def test_precompute_in_worker_processes(local_storages):
    photos, cache = local_storages
    album = make_album()
    created = [add_photo(album, f"{n}.jpg", make_image(400, 300)) for n in range(4)]
    add_photo(album, "bad.jpg", b"")
    report = precompute(Photo.objects.all(), ["thumb", "thumb2x"], jobs=2)
    assert report.created == 8
    assert len(report.broken) == 1
    for photo in created:
        name = cachefiles.resized_name(photo, 256, 256, True)
        with Image.open(cache.path(name)) as image:
            assert image.size == (256, 256)

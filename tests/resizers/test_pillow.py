import io
import logging
import multiprocessing
import os
import threading
import urllib.parse
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from PIL import Image, ImageCms, ImageOps

from gallery.files import cachefiles
from gallery.resizers import (
    CachedFile,
    ImageUnavailable,
    get_preset,
    get_resize,
    pillow,
)
from gallery.storages import get_storage
from tests.builders import make_album, make_album_policy, make_image, make_photo

DATA = Path(__file__).resolve().parents[1] / "data"


def legacy_resize(photo, width, height, crop=True):
    return f"https://thumbs.example.com/{width}x{height}/{photo.pk}"


def public_photo(data, filename="photo.jpg", **fields):
    album = make_album()
    make_album_policy(album, public=True)
    photo = make_photo(album, filename, size=len(data), **fields)
    get_storage("photo").save(photo.image_name, ContentFile(data))
    return photo


def resized_url(photo, preset="thumb"):
    return reverse("gallery:photo-resized", args=[preset, photo.pk])


def load(source):
    """Open and decode an image from a path, bytes or a file; close the file."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    with Image.open(source) as image:
        image.load()
    return image


def open_cached(name):
    return load(get_storage("cache").open(name))


def spy_decode():
    """Patch the decoder to record each decoded image."""
    decoded = []
    original = pillow.decode

    def decode(*args, **kwargs):
        image, orientation = original(*args, **kwargs)
        decoded.append(image.size)
        return image, orientation

    return mock.patch.object(pillow, "decode", decode), decoded


# Configuration


def test_get_resize_defaults_to_pillow():
    assert get_resize() is pillow.resize


def test_get_resize_follows_setting():
    with override_settings(GALLERY_RESIZE="tests.resizers.test_pillow.legacy_resize"):
        assert get_resize() is legacy_resize
    assert get_resize() is pillow.resize


def test_get_preset():
    assert get_preset("thumb") == (128, 128, True)
    assert get_preset("standard") == (768, 768, False)
    assert get_preset("missing") is None


# Names


@pytest.mark.django_db
def test_resized_name_is_keyed_and_follows_the_version():
    photo = make_photo(size=10)
    name = cachefiles.resized_name(photo, 128, 128, True)
    assert name == cachefiles.resized_name(photo, 128, 128, True)
    assert photo.filename not in name
    with override_settings(SECRET_KEY="another secret key"):
        assert cachefiles.resized_name(photo, 128, 128, True) != name
    assert name != cachefiles.resized_name(photo, 128, 128, False)
    photo.size = 11
    assert name != cachefiles.resized_name(photo, 128, 128, True)
    with override_settings(SECRET_KEY="another secret"):
        photo.size = 10
        assert name != cachefiles.resized_name(photo, 128, 128, True)


# Geometry


@pytest.mark.parametrize(
    "size, preset, expected",
    [
        ((300, 200), (128, 128, True), (128, 128)),
        ((200, 300), (128, 128, True), (128, 128)),
        ((300, 200), (64, 32, True), (64, 32)),
        ((300, 200), (100, 100, False), (100, 67)),
        ((200, 300), (100, 100, False), (67, 100)),
        ((60, 40), (100, 100, False), (60, 40)),  # never enlarged
    ],
)
def test_sizes(size, preset, expected):
    (output,) = pillow.render(make_image(*size), [preset])
    assert load(output).size == expected


def test_crop_keeps_the_centre():
    image = Image.new("RGB", (300, 100), "red")
    image.paste((0, 0, 255), (100, 0, 200, 100))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    (output,) = pillow.render(buffer.getvalue(), [(50, 50, True)])
    assert load(output).getpixel((25, 25)) == (0, 0, 255)


def upright_reference(path, size):
    image = ImageOps.exif_transpose(load(path))
    return ImageOps.fit(image, size, Image.Resampling.LANCZOS)


def difference(first, second):
    first, second = first.convert("L").tobytes(), second.convert("L").tobytes()
    pixels = zip(first, second, strict=True)
    return sum(abs(a - b) for a, b in pixels) / len(first)


def test_exif_orientation_of_a_real_photo():
    path = DATA / "coffee.jpg"
    assert load(path).getexif()[0x0112] == 6
    data = path.read_bytes()
    fit, crop = pillow.render(data, [(300, 300, False), (128, 128, True)])
    fit, crop = load(fit), load(crop)
    assert fit.size == (300, 200)  # stored as 400x600, shown as 600x400
    upright = upright_reference(path, (128, 128))
    sideways = ImageOps.fit(load(path), (128, 128))
    assert difference(crop, upright) < 8
    assert difference(crop, sideways) > 4 * difference(crop, upright)


def test_png_stays_png():
    image = Image.new("RGBA", (200, 100), (10, 20, 30, 128))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    (output,) = pillow.render(buffer.getvalue(), [(50, 50, False)])
    result = load(output)
    assert (result.format, result.mode, result.size) == ("PNG", "RGBA", (50, 25))


def test_palette_png_stays_png():
    image = Image.new("P", (200, 100), 3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    (output,) = pillow.render(buffer.getvalue(), [(50, 50, True)])
    assert load(output).format == "PNG"


def test_grayscale_stays_grayscale():
    (output,) = pillow.render((DATA / "camera.jpg").read_bytes(), [(64, 64, True)])
    assert load(output).mode == "L"


def test_colour_profile_is_kept():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "green").save(buffer, "JPEG", icc_profile=profile)
    (output,) = pillow.render(buffer.getvalue(), [(64, 64, True)])
    assert load(output).info["icc_profile"] == profile


def test_resize_options_apply_per_format():
    data = make_image(300, 200)
    options = {"JPEG": {"progressive": True}, "PNG": {"optimize": True}}
    (plain,) = pillow.render(data, [(64, 64, True)])
    with override_settings(GALLERY_RESIZE_OPTIONS=options):
        (progressive,) = pillow.render(data, [(64, 64, True)])
    assert "progressive" not in load(plain).info
    assert load(progressive).info["progressive"]


@pytest.mark.parametrize(
    "preset, decoded",
    [
        ((128, 128, True), (256, 192)),  # 1/8 of 2048x1536
        ((768, 768, False), (1024, 768)),  # 1/2: 1/4 would give 512 < 768
        ((4000, 4000, False), (2048, 1536)),
    ],
)
def test_draft_mode_decodes_no_more_than_needed(preset, decoded):
    patch, sizes = spy_decode()
    with patch:
        pillow.render(make_image(2048, 1536), [preset])
    assert sizes == [decoded]


def test_draft_mode_with_orientation():
    patch, sizes = spy_decode()
    with patch:
        pillow.render((DATA / "coffee.jpg").read_bytes(), [(150, 75, False)])
    # Upright 600x400 fits into 150x75 at 113x75: 1/4 of 400x600 is enough.
    assert sizes == [(100, 150)]


def test_one_decode_for_several_sizes():
    patch, sizes = spy_decode()
    with patch:
        outputs = pillow.render(make_image(2048, 1536), [(128, 128, True)] * 3)
    assert len(outputs) == 3
    assert len(sizes) == 1


# Broken originals


BROKEN = {
    "truncated": make_image(600, 400)[:2000],
    "not an image": b"this is not a JPEG file" * 20,
    "empty": b"",
}


@pytest.mark.parametrize("data", BROKEN.values(), ids=BROKEN.keys())
def test_render_refuses_broken_data(data):
    with pytest.raises(ImageUnavailable):
        pillow.render(data, [(128, 128, True)])


def test_render_refuses_images_above_max_pixels():
    with (
        override_settings(GALLERY_MAX_PIXELS=300 * 200 - 1),
        pytest.raises(ImageUnavailable, match="GALLERY_MAX_PIXELS"),
    ):
        pillow.render(make_image(300, 200), [(128, 128, True)])


@pytest.mark.django_db
@pytest.mark.parametrize("data", BROKEN.values(), ids=BROKEN.keys())
def test_broken_original_gives_cacheable_404_decoded_once(client, caplog, data):
    photo = public_photo(data)
    photo_storage = get_storage("photo")
    caplog.set_level(logging.WARNING, "gallery.resizers")
    for _ in range(3):
        response = client.get(resized_url(photo))
        assert response.status_code == 404
        assert "max-age=3600" in response["Cache-Control"]
    assert photo_storage.operations("open") == [photo.image_name]
    records = [r for r in caplog.records if r.name == "gallery.resizers"]
    assert len(records) == 1
    assert photo.image_name in records[0].getMessage()
    # A replaced file is a new version: it is tried again.
    photo.size = 12345
    photo.save()
    client.get(resized_url(photo))
    assert len(photo_storage.operations("open")) == 2


@pytest.mark.django_db
def test_too_large_original_gives_404(client):
    photo = public_photo(make_image(300, 200))
    with override_settings(GALLERY_MAX_PIXELS=1000):
        assert client.get(resized_url(photo)).status_code == 404


@pytest.mark.django_db
def test_missing_original_gives_404(client):
    album = make_album()
    make_album_policy(album, public=True)
    photo = make_photo(album)
    assert client.get(resized_url(photo)).status_code == 404


# Views


@pytest.mark.django_db
def test_resized_photo_is_served_after_access_check(client):
    photo = public_photo(make_image(300, 200))
    response = client.get(resized_url(photo))
    # The in-memory cache storage is remote and signs no URL: streamed.
    assert response.status_code == 200
    name = cachefiles.resized_name(photo, 128, 128, True)
    assert (
        b"".join(response.streaming_content) == get_storage("cache").open(name).read()
    )
    assert open_cached(name).size == (128, 128)


@pytest.mark.django_db
def test_resized_photo_streamed_from_local_cache(client, tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    with override_settings(GALLERY_CACHE_STORAGE=storage):
        photo = public_photo(make_image(300, 200))
        response = client.get(resized_url(photo, "standard"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    image = load(b"".join(response.streaming_content))
    assert image.size == (300, 200)


@pytest.mark.django_db
def test_unknown_preset_gives_404(client):
    photo = public_photo(make_image(300, 200))
    assert client.get(resized_url(photo, "huge")).status_code == 404


@pytest.mark.django_db
def test_invisible_photo_gives_404(client):
    photo = make_photo()
    get_storage("photo").save(photo.image_name, ContentFile(make_image()))
    assert client.get(resized_url(photo)).status_code == 404
    assert get_storage("photo").operations("open") == []


@pytest.mark.django_db
def test_resizer_of_0_9_1_returning_a_url_still_works(client):
    photo = public_photo(make_image(300, 200))
    with override_settings(GALLERY_RESIZE="tests.resizers.test_pillow.legacy_resize"):
        response = client.get(resized_url(photo))
    assert response.status_code == 302
    assert response["Location"] == f"https://thumbs.example.com/128x128/{photo.pk}"


@pytest.mark.django_db
def test_resize_returns_cached_file_and_reuses_it():
    photo = public_photo(make_image(300, 200))
    result = pillow.resize(photo, 128, 128, True)
    assert result == CachedFile(cachefiles.resized_name(photo, 128, 128, True))
    patch, sizes = spy_decode()
    with patch:
        assert pillow.resize(photo, 128, 128, True) == result
    assert sizes == []


# Concurrency


def resize_in_threads(photo, count):
    """Resize ``photo`` from ``count`` threads at once; return the decoded sizes."""
    barrier = threading.Barrier(count)
    patch, sizes = spy_decode()

    def request():
        barrier.wait()
        try:
            pillow.resize(photo, 128, 128, True)
        finally:
            connection.close()  # the thread that resizes records the photo's size

    with patch:
        threads = [threading.Thread(target=request) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return sizes


@pytest.mark.django_db
def test_concurrent_first_requests_in_threads_decode_once():
    photo = public_photo(make_image(1200, 800))
    photo.album  # noqa: B018  (loaded before the threads start)
    get_storage("cache")  # one in-memory storage for all threads
    assert len(resize_in_threads(photo, 16)) == 1
    assert get_storage("cache").operations("save") == [
        cachefiles.resized_name(photo, 128, 128, True)
    ]


def resize_in_child(photo, log_path, barrier):
    original = pillow.decode

    def decode(*args, **kwargs):
        with open(log_path, "a") as log:
            log.write("decode\n")
        return original(*args, **kwargs)

    pillow.decode = decode
    barrier.wait()
    pillow.resize(photo, 128, 128, True)


@pytest.mark.django_db
def test_concurrent_first_requests_in_processes_decode_once(tmp_path):
    data = make_image(1200, 800)
    photos = FileSystemStorage(location=tmp_path / "photos")
    cache = FileSystemStorage(location=tmp_path / "cache")
    settings = {"GALLERY_PHOTO_STORAGE": photos, "GALLERY_CACHE_STORAGE": cache}
    with override_settings(**settings):
        photo = public_photo(data)
        photo.album  # noqa: B018
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(16)
        log_path = tmp_path / "decodes.log"
        args = (photo, log_path, barrier)
        children = [
            context.Process(target=resize_in_child, args=args) for _ in range(16)
        ]
        for child in children:
            child.start()
        for child in children:
            child.join()
    assert [child.exitcode for child in children] == [0] * 16
    assert log_path.read_text() == "decode\n"
    name = cachefiles.resized_name(photo, 128, 128, True)
    assert load(cache.path(name)).size == (128, 128)
    assert not [n for n in os.listdir(cache.path(os.path.dirname(name))) if ".tmp" in n]


@pytest.mark.django_db
@override_settings(GALLERY_LOCK_CACHE="default")
def test_concurrent_first_requests_with_cache_locks_decode_once():
    photo = public_photo(make_image(1200, 800))
    photo.album  # noqa: B018
    get_storage("cache")
    assert len(resize_in_threads(photo, 16)) == 1


# thumbor


@pytest.mark.django_db
@override_settings(GALLERY_RESIZE="gallery.resizers.thumbor.resize")
def test_thumbor_resizer_redirects_to_signed_url(client):
    import libthumbor

    photo = public_photo(make_image(), "Été.jpg")
    response = client.get(resized_url(photo, "standard"))
    assert response.status_code == 302
    location = urllib.parse.unquote(response["Location"])
    assert location.startswith("http://127.0.0.1:8888/")
    signature, path = location.removeprefix("http://127.0.0.1:8888/").split("/", 1)
    assert path == f"fit-in/768x768/smart/{photo.image_name}"
    crypto = libthumbor.CryptoURL(key="thumbor security key of the test suite")
    expected = crypto.generate(
        image_url=urllib.parse.quote(photo.image_name.encode(), safe="/"),
        width=768,
        height=768,
        fit_in=True,
        smart=True,
    )
    assert urllib.parse.unquote(expected) == f"/{signature}/{path}"


def test_cmyk_jpeg_stays_jpeg():
    buffer = io.BytesIO()
    Image.new("CMYK", (300, 200), (0, 50, 100, 0)).save(buffer, "JPEG")
    (output,) = pillow.render(buffer.getvalue(), [(64, 64, True)])
    result = load(output)
    assert (result.format, result.mode, result.size) == ("JPEG", "CMYK", (64, 64))

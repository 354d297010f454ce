"""Originals of phones and cameras in every format; resized images per Accept."""

import io
import logging

import pytest
from django.test import override_settings
from django.urls import reverse
from PIL import Image, ImageOps

from gallery.files import cachefiles
from gallery.files.precompute import precompute
from gallery.models import Photo
from gallery.resizers import formats, pillow
from gallery.storages import get_storage
from tests.builders import make_image
from tests.fixtures.phone_photos import (
    EXIF_IFD,
    GPS_IFD,
    ORIGINAL_FORMATS,
    SOURCE,
    srgb_profile,
)
from tests.resizers.test_pillow import (
    difference,
    load,
    public_photo,
    resized_url,
    spy_decode,
)

OUTPUTS = [None, *formats.FORMATS]
EVERY_FORMAT = ["avif", "webp", "jpeg", "png"]
CHROMIUM = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"


def upright(size):
    """The sample photo turned upright and fitted to ``size``, as a reference."""
    image = ImageOps.exif_transpose(load(SOURCE.read_bytes()))
    return ImageOps.fit(image, size, Image.Resampling.LANCZOS)


def vary(response):
    return [part.strip() for part in response.get("Vary", "").split(",")]


# Originals


@pytest.mark.parametrize("extension", ORIGINAL_FORMATS)
def test_originals_are_resized_upright(phone_photos, extension):
    crop, fit = pillow.render(
        phone_photos(extension), [(128, 128, True), (300, 300, False)]
    )
    crop, fit = load(crop), load(fit)
    assert fit.size == (300, 200)
    assert crop.size == (128, 128)
    assert difference(crop, upright((128, 128))) < 10
    # Sideways would differ much more.
    sideways = ImageOps.fit(load(SOURCE.read_bytes()), (128, 128))
    assert difference(crop, sideways) > 2 * difference(crop, upright((128, 128)))


@pytest.mark.parametrize(
    "extension, expected",
    [
        ("heic", "JPEG"),
        ("avif", "JPEG"),
        ("tiff", "JPEG"),
        ("webp", "WEBP"),
        ("png", "PNG"),
        ("jpg", "JPEG"),
    ],
)
def test_default_output_format_is_shown_by_every_browser(
    phone_photos, extension, expected
):
    (output,) = pillow.render(phone_photos(extension), [(64, 64, True)])
    assert load(output).format == expected


@pytest.mark.parametrize("extension", ORIGINAL_FORMATS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_resized_images_carry_no_metadata_but_the_colour_profile(
    phone_photos, extension, output
):
    (data,) = pillow.render(phone_photos(extension), [(64, 64, True)], [output])
    image = load(data)
    exif = image.getexif()
    assert dict(exif) == {}
    assert dict(exif.get_ifd(GPS_IFD)) == {}
    assert dict(exif.get_ifd(EXIF_IFD)) == {}
    assert not {"exif", "xmp", "XML:com.adobe.xmp"} & set(image.info)
    for secret in (b"SERIAL-123456", b"private maker note", b"PhoneMaker"):
        assert secret not in data
    assert image.info.get("icc_profile") == srgb_profile()


@pytest.mark.parametrize("output", EVERY_FORMAT)
@pytest.mark.parametrize("mode", ["RGBA", "P", "L", "CMYK", "LA"])
def test_every_mode_encodes_in_every_format(output, mode):
    image = Image.new(mode, (120, 80))
    buffer = io.BytesIO()
    image.save(buffer, "TIFF")
    (data,) = pillow.render(buffer.getvalue(), [(64, 64, True)], [output])
    assert load(data).format == formats.FORMATS[output].pillow


def test_damaged_heic_is_unavailable(phone_photos):
    with pytest.raises(pillow.ImageUnavailable):
        pillow.render(phone_photos("heic")[:3000], [(64, 64, True)])


# Negotiation


@pytest.mark.parametrize(
    "accept, expected",
    [
        (CHROMIUM, "avif"),
        ("image/webp,*/*", "webp"),
        ("image/avif;q=0,image/webp", "webp"),
        ("image/avif;q=0.0, image/webp;q=0.000, */*", "jpeg"),
        ("*/*", "jpeg"),
        ("", "jpeg"),
        (None, "jpeg"),
        ("image/png", "jpeg"),  # JPEG is not refused: the last one is the fallback
        ("text/html", "jpeg"),
        ("IMAGE/AVIF", "avif"),
        ("image/avif;q=garbage", "avif"),
    ],
)
@override_settings(GALLERY_RESIZE_FORMATS=["avif", "webp", "jpeg"])
def test_negotiate(accept, expected):
    assert formats.negotiate(accept) == expected


def test_negotiate_unconfigured_keeps_the_default():
    assert formats.negotiate(CHROMIUM) is None


@override_settings(GALLERY_RESIZE_FORMATS=["webp", "png", "jpeg"])
def test_negotiate_wildcard_admits_png():
    assert formats.negotiate("image/*") == "png"


# Views


@pytest.mark.django_db
@override_settings(GALLERY_RESIZE_FORMATS=["avif", "webp", "jpeg"])
@pytest.mark.parametrize(
    "accept, media_type",
    [(CHROMIUM, "image/avif"), ("image/webp,*/*", "image/webp"), (None, "image/jpeg")],
)
def test_resized_format_follows_accept(client, phone_photos, accept, media_type):
    photo = public_photo(phone_photos("heic"), "IMG_1234.HEIC")
    headers = {"Accept": accept} if accept else {}
    response = client.get(resized_url(photo), headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == media_type
    assert "Accept" in vary(response)
    data = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(data)).get_format_mimetype() == media_type
    extension = formats.FORMATS[formats.negotiate(accept)].extension
    assert f'filename="IMG_1234{extension}"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_each_format_has_its_own_cache_name(phone_photos):
    photo = public_photo(phone_photos("jpg"))
    names = {cachefiles.resized_name(photo, 128, 128, True, f) for f in OUTPUTS}
    assert len(names) == len(OUTPUTS)
    assert cachefiles.resized_name(photo, 128, 128, True, "webp").endswith(".webp")


@pytest.mark.django_db
def test_unconfigured_formats_send_no_vary(client):
    photo = public_photo(make_image(300, 200))
    response = client.get(resized_url(photo), headers={"Accept": CHROMIUM})
    assert response["Content-Type"] == "image/jpeg"
    assert "Accept" not in vary(response)


@pytest.mark.django_db
def test_heic_resized_to_jpeg_by_default(client, phone_photos):
    photo = public_photo(phone_photos("heic"), "IMG_1234.HEIC")
    response = client.get(resized_url(photo))
    assert response["Content-Type"] == "image/jpeg"
    assert load(b"".join(response.streaming_content)).size == (128, 128)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extension, media_type",
    [
        ("HEIC", "image/heic"),
        ("heif", "image/heif"),
        ("avif", "image/avif"),
        ("webp", "image/webp"),
        ("png", "image/png"),
        ("tiff", "image/tiff"),
        ("JPG", "image/jpeg"),
    ],
)
def test_originals_served_with_their_media_type(client, extension, media_type):
    photo = public_photo(b"original bytes", f"IMG_0001.{extension}")
    response = client.get(reverse("gallery:photo-original", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == media_type


@pytest.mark.django_db
def test_heic_without_pillow_heif_is_404_and_original_downloads(
    client, phone_photos, caplog
):
    from tests.test_checks import without_pillow_heif

    data = phone_photos("heic")
    photo = public_photo(data, "IMG_1234.HEIC")
    caplog.set_level(logging.WARNING, "gallery.resizers")
    with without_pillow_heif():
        response = client.get(resized_url(photo))
        assert response.status_code == 404
        original = client.get(reverse("gallery:photo-original", args=[photo.pk]))
        assert b"".join(original.streaming_content) == data
    assert "pillow-heif" in caplog.text
    # Nothing marks the file as broken: once installed, it is resized.
    assert not get_storage("cache").exists(cachefiles.broken_name(photo))
    assert client.get(resized_url(photo)).status_code == 200


@pytest.mark.django_db
def test_damaged_heic_gives_404(client, phone_photos):
    photo = public_photo(phone_photos("heic")[:3000], "IMG_1234.HEIC")
    response = client.get(resized_url(photo))
    assert response.status_code == 404
    assert get_storage("cache").exists(cachefiles.broken_name(photo))


@pytest.mark.django_db
@override_settings(GALLERY_RESIZE_FORMATS=["avif", "webp", "jpeg"])
def test_precompute_makes_every_configured_format(phone_photos):
    photo = public_photo(phone_photos("jpg"))
    report = precompute(Photo.objects.all(), ["thumb", "standard"], jobs=1)
    assert (report.created, report.existing) == (6, 0)
    cache = get_storage("cache")
    for format in ("avif", "webp", "jpeg"):
        name = cachefiles.resized_name(photo, 128, 128, True, format)
        assert load(cache.open(name).read()).format == formats.FORMATS[format].pillow
    report = precompute(Photo.objects.all(), ["thumb", "standard"], jobs=1)
    assert (report.created, report.existing) == (0, 6)


@pytest.mark.django_db
def test_precompute_unconfigured_makes_the_default_format(phone_photos):
    photo = public_photo(phone_photos("heic"), "IMG_1234.HEIC")
    report = precompute(Photo.objects.all(), ["thumb"], jobs=1)
    assert report.created == 1
    name = cachefiles.resized_name(photo, 128, 128, True)
    assert name.endswith(".jpg")
    assert get_storage("cache").exists(name)


@pytest.mark.parametrize("format", ["PNG", "WEBP", "TIFF"])
@pytest.mark.parametrize(
    "preset, decoded",
    [
        ((128, 128, True), (256, 192)),  # 1/8 of 2048x1536, as JPEG draft mode
        ((768, 768, False), (1024, 768)),
        ((4000, 4000, False), (2048, 1536)),
    ],
)
def test_formats_without_draft_mode_are_reduced_alike(format, preset, decoded):
    patch, sizes = spy_decode()
    with patch:
        (output,) = pillow.render(make_image(2048, 1536, format=format), [preset])
    assert sizes == [decoded]
    expected = {
        (128, 128): (128, 128),
        (768, 768): (768, 576),
        (4000, 4000): (2048, 1536),
    }
    assert load(output).size == expected[preset[:2]]


@pytest.mark.django_db
@override_settings(
    GALLERY_RESIZE="gallery.resizers.thumbor.resize",
    GALLERY_RESIZE_FORMATS=["avif", "webp", "jpeg"],
)
def test_thumbor_gets_the_format_as_a_filter(client):
    photo = public_photo(make_image())
    response = client.get(resized_url(photo), headers={"Accept": "image/webp,*/*"})
    assert response.status_code == 302
    assert "/filters:format(webp)/" in response["Location"]
    assert "Accept" in vary(response)

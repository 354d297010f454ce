"""GPS positions blanked in originals and zips for visitors without "Can see all"."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from gallery.files import exifblock, location
from gallery.storages import get_storage
from tests.builders import make_album, make_album_policy, make_photo, make_user
from tests.fixtures.phone_photos import (
    EXIF_IFD,
    GPS_IFD,
    SERIAL,
    phone_exif,
    phone_photo,
)

STRIPPED = ["jpg", "heic", "avif"]


def exif_of(data):
    with Image.open(io.BytesIO(data)) as image:
        image.load()  # the pixels still decode
        return image.getexif()


def blanked(data):
    file = io.BytesIO(data)
    return location.PatchedFile(file, location.gps_patches(file)).read()


@pytest.mark.parametrize("extension", STRIPPED)
def test_gps_block_blanked_in_place(phone_photos, extension):
    data = phone_photos(extension)
    assert dict(exif_of(data).get_ifd(GPS_IFD))
    result = blanked(data)
    assert len(result) == len(data)
    exif = exif_of(result)
    assert GPS_IFD not in exif
    assert dict(exif.get_ifd(GPS_IFD)) == {}
    # The rest of the EXIF stays.
    assert exif[0x010F] == "PhoneMaker"
    assert exif.get_ifd(EXIF_IFD)[SERIAL] == "SERIAL-123456"
    # Only the EXIF block changed: the pixels are the same bytes.
    start, length = exifblock.locate(io.BytesIO(data))
    assert result[:start] == data[:start]
    assert result[start + length :] == data[start + length :]


@pytest.mark.parametrize("byte_order", ["<", ">"])
def test_both_byte_orders(byte_order):
    exif = phone_exif()
    exif.endian = byte_order
    data = phone_photo("jpg", exif)
    assert GPS_IFD not in exif_of(blanked(data))


@pytest.mark.parametrize("extension", ["webp", "png", "tiff"])
def test_other_formats_are_unchanged(phone_photos, extension):
    data = phone_photos(extension)
    assert location.gps_patches(io.BytesIO(data)) == []


def test_without_gps_nothing_changes(phone_photos):
    data = phone_photo("jpg", phone_exif(gps=False))
    assert location.gps_patches(io.BytesIO(data)) == []


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\x00\x00\x00\xff",
        b"\xff\xd8\xff\xe1\xff\xffExif\x00\x00II*\x00\x08\x00\x00\x00\x05\x00",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x10meta",
        b"\x00\x00\x00\x01ftypheic",
        b"not an image at all",
    ],
)
def test_damaged_headers_give_no_patch(data):
    assert location.gps_patches(io.BytesIO(data)) == []


def test_damaged_heic_gives_no_patch(phone_photos):
    data = phone_photos("heic")
    assert location.gps_patches(io.BytesIO(data[:3000])) == []


# Views


@pytest.fixture
def public_album():
    album = make_album()
    make_album_policy(album, public=True)
    return album


def add_original(album, data, filename):
    photo = make_photo(album, filename, size=len(data))
    get_storage("photo").save(photo.image_name, ContentFile(data))
    return photo


def original_url(photo):
    return reverse("gallery:photo-original", args=[photo.pk])


def content(response):
    return b"".join(response.streaming_content)


@pytest.mark.django_db
@override_settings(GALLERY_STRIP_LOCATION=True)
@pytest.mark.parametrize("extension", STRIPPED)
def test_visitors_get_originals_without_gps(
    client, phone_photos, public_album, extension
):
    data = phone_photos(extension)
    photo = add_original(public_album, data, f"IMG_0001.{extension}")
    response = client.get(original_url(photo))
    assert response.status_code == 200
    result = content(response)
    assert len(result) == len(data) == int(response["Content-Length"])
    assert dict(exif_of(result).get_ifd(GPS_IFD)) == {}


@pytest.mark.django_db
@override_settings(GALLERY_STRIP_LOCATION=True)
def test_owner_gets_originals_with_gps(client, phone_photos, public_album):
    data = phone_photos("jpg")
    photo = add_original(public_album, data, "IMG_0001.jpg")
    client.force_login(make_user(perms=["gallery.view"]))
    assert content(client.get(original_url(photo))) == data


@pytest.mark.django_db
def test_location_kept_by_default(client, phone_photos, public_album):
    data = phone_photos("jpg")
    photo = add_original(public_album, data, "IMG_0001.jpg")
    assert content(client.get(original_url(photo))) == data


@pytest.mark.django_db
@override_settings(GALLERY_STRIP_LOCATION=True)
def test_ranges_of_the_blanked_original(client, phone_photos, public_album):
    data = phone_photos("jpg")
    photo = add_original(public_album, data, "IMG_0001.jpg")
    whole = content(client.get(original_url(photo)))
    response = client.get(original_url(photo), headers={"Range": "bytes=20-299"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 20-299/{len(data)}"
    assert content(response) == whole[20:300]
    assert whole[20:300] != data[20:300]


@pytest.mark.django_db
@override_settings(
    GALLERY_STRIP_LOCATION=True, GALLERY_SENDFILE_HEADER="X-Accel-Redirect"
)
def test_blanked_originals_are_streamed_not_sent_by_the_web_server(
    client, phone_photos, public_album, tmp_path
):
    photos = FileSystemStorage(location=tmp_path)
    with override_settings(GALLERY_PHOTO_STORAGE=photos):
        with_gps = add_original(public_album, phone_photos("heic"), "IMG_0001.HEIC")
        exif = phone_exif(gps=False)
        without = add_original(public_album, phone_photo("jpg", exif), "IMG_0002.jpg")
        response = client.get(original_url(with_gps))
        assert "X-Accel-Redirect" not in response
        assert response["Content-Type"] == "image/heic"
        assert dict(exif_of(content(response)).get_ifd(GPS_IFD)) == {}
        # Nothing to blank: the web server may send it.
        assert "X-Accel-Redirect" in client.get(original_url(without))


@pytest.mark.django_db
@override_settings(GALLERY_STRIP_LOCATION=True)
def test_zip_entries_without_gps_for_visitors_only(client, phone_photos, public_album):
    data = phone_photos("jpg")
    add_original(public_album, data, "IMG_0001.jpg")
    url = reverse("gallery:album-export", args=[public_album.pk])
    archive = zipfile.ZipFile(io.BytesIO(content(client.get(url))))
    entry = archive.read("IMG_0001.jpg")
    assert len(entry) == len(data)
    assert dict(exif_of(entry).get_ifd(GPS_IFD)) == {}
    client.force_login(make_user(perms=["gallery.view"]))
    archive = zipfile.ZipFile(io.BytesIO(content(client.get(url))))
    assert archive.read("IMG_0001.jpg") == data


@pytest.mark.django_db
@override_settings(GALLERY_STRIP_LOCATION=True)
def test_share_link_holders_get_originals_without_gps(client, phone_photos):
    from gallery import shares
    from tests.builders import make_share_link

    owner = make_user()
    album = make_album()
    make_album_policy(album, users=[owner])
    data = phone_photos("jpg")
    photo = add_original(album, data, "IMG_0001.jpg")
    link = make_share_link(album)
    client.get(reverse("gallery:share", args=[shares.make_token(link)]))
    response = client.get(original_url(photo))
    assert response.status_code == 200
    assert dict(exif_of(content(response)).get_ifd(GPS_IFD)) == {}
    client.force_login(owner)  # named in the policy, but cannot see all photos
    assert (
        dict(exif_of(content(client.get(original_url(photo)))).get_ifd(GPS_IFD)) == {}
    )

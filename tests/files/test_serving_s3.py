"""Originals, resized images and exports with both storages on S3."""

import contextlib
import io
import urllib.parse
import urllib.request
import zipfile

import pytest
from django.urls import reverse
from PIL import Image

from tests.builders import make_album, make_album_policy, make_image, make_photo
from tests.fixtures.s3 import FailAfter, no_retries, on_send

pytestmark = [pytest.mark.component, pytest.mark.django_db]

EXPIRY = 123  # GALLERY_SIGNED_URL_EXPIRY of these tests


@pytest.fixture(autouse=True)
def signed_url_expiry(settings):
    settings.GALLERY_SIGNED_URL_EXPIRY = EXPIRY


@pytest.fixture
def photos(s3, s3_storages):
    """Two public photos whose originals are in the S3 photo bucket."""
    album = make_album("2013/01_19_Snow in Paris")
    make_album_policy(album, public=True)
    result = []
    for number, color in enumerate([(200, 30, 30), (30, 200, 30)]):
        photo = make_photo(album, f"2013-01-19_19-12-4{number}.jpg")
        s3.put("photos", photo.image_name, make_image(800, 600, color=color))
        result.append(photo)
    return result


def original_url(photo):
    return reverse("gallery:photo-original", args=[photo.pk])


def resized_url(photo, preset="thumb"):
    return reverse("gallery:photo-resized", args=[preset, photo.pk])


def export_url(photo):
    return reverse("gallery:album-export", args=[photo.album.pk])


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def assert_signed_redirect(response, s3, bucket, name=None):
    """Check the redirect to a signed URL of ``bucket``; return that URL."""
    assert response.status_code == 302
    url = response["Location"]
    parts = urllib.parse.urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == s3.endpoint_url
    assert parts.path.startswith(f"/{bucket}/")
    if name is not None:
        assert urllib.parse.unquote(parts.path) == f"/{bucket}/{name}"
    query = urllib.parse.parse_qs(parts.query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == [str(EXPIRY)]
    assert query["X-Amz-Signature"]
    return url


def image_size(data):
    return Image.open(io.BytesIO(data)).size


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_original_redirects_to_a_signed_url(client, s3, photos):
    photo = photos[0]

    response = client.get(original_url(photo))

    url = assert_signed_redirect(response, s3, "photos", photo.image_name)
    assert (
        fetch(url)
        == s3.client().get_object(Bucket="photos", Key=photo.image_name)["Body"].read()
    )


def test_resized_image_is_saved_to_the_cache_and_redirected(
    client, s3, photos, s3_storages, s3_requests
):
    response = client.get(resized_url(photos[0]))

    url = assert_signed_redirect(response, s3, "cache")
    assert image_size(fetch(url)) == (128, 128)
    (key,) = s3.keys("cache")
    assert urllib.parse.unquote(urllib.parse.urlsplit(url).path) == f"/cache/{key}"

    s3_requests.watch(s3_storages[1])
    again = client.get(resized_url(photos[0]))

    assert again["Location"].split("?")[0] == url.split("?")[0]
    assert s3_requests.count("PutObject") == 0


def test_export_is_streamed_then_saved_and_redirected(client, s3, photos):
    first = client.get(export_url(photos[0]))

    assert first.status_code == 200
    archive = body(first)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        assert sorted(zf.namelist()) == sorted(photo.filename for photo in photos)
    (key,) = s3.keys("cache")
    assert key.startswith("exports/")

    second = client.get(export_url(photos[0]))

    url = assert_signed_redirect(second, s3, "cache", key)
    assert fetch(url) == archive


def test_streamed_through_the_app_when_configured(client, s3, photos, settings):
    settings.GALLERY_REMOTE_SERVING = "stream"
    photo = photos[0]

    original = client.get(original_url(photo))
    resized = client.get(resized_url(photo, "standard"))

    assert original.status_code == 200
    assert (
        body(original)
        == s3.client().get_object(Bucket="photos", Key=photo.image_name)["Body"].read()
    )
    assert resized.status_code == 200
    assert image_size(body(resized)) == (768, 576)
    assert "Location" not in resized


def test_cached_export_streamed_when_configured(client, s3, photos, settings):
    settings.GALLERY_REMOTE_SERVING = "stream"
    archive = body(client.get(export_url(photos[0])))  # built, then saved
    assert [key.split("/")[0] for key in s3.keys("cache")] == ["exports"]

    cached = client.get(export_url(photos[0]))

    assert cached.status_code == 200
    assert "Location" not in cached
    assert body(cached) == archive
    assert "attachment" in cached["Content-Disposition"]


# Failures: a clean error response, and nothing left in the cache as complete.


@pytest.fixture
def failing(s3, settings):
    """Make one storage fail: ``failing("photo" | "cache", FailAfter(...))``."""

    def make(kind, handler):
        bucket = "photos" if kind == "photo" else "cache"
        storage = on_send(s3.storage(bucket, client_config=no_retries()), handler)
        setattr(settings, f"GALLERY_{kind.upper()}_STORAGE", storage)
        return storage

    return make


@pytest.fixture
def failing_client(client):
    client.raise_request_exception = False
    return client


def assert_clean_error(response):
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response["Cache-Control"] == "no-store"
    assert b"try again later" in response.content


def test_photo_endpoint_failing_during_resize(failing_client, s3, photos, failing):
    failing("photo", FailAfter(0))

    response = failing_client.get(resized_url(photos[0]))

    assert_clean_error(response)
    assert s3.keys("cache") == []


def test_cache_endpoint_failing_during_resize_upload(
    failing_client, s3, photos, failing, settings
):
    failing("cache", FailAfter(0, operations={"PutObject", "CreateMultipartUpload"}))

    response = failing_client.get(resized_url(photos[0]))

    assert_clean_error(response)
    assert s3.keys("cache") == []
    # Once the endpoint is back, the next request builds the image.
    settings.GALLERY_CACHE_STORAGE = s3.storage("cache")
    assert failing_client.get(resized_url(photos[0])).status_code == 302


def test_photo_endpoint_failing_during_export(failing_client, s3, photos, failing):
    failing("photo", FailAfter(1, operations={"GetObject"}))  # the second photo fails

    response = failing_client.get(export_url(photos[0]))

    if response.status_code == 200:  # the stream started: it must break
        with pytest.raises(Exception):  # noqa: B017 (any error ends the stream)
            body(response)
    else:
        assert_clean_error(response)
    assert s3.keys("cache") == []


def test_cache_endpoint_failing_while_saving_an_export(
    failing_client, s3, photos, failing
):
    failing("cache", FailAfter(0, operations={"PutObject", "CreateMultipartUpload"}))

    response = failing_client.get(export_url(photos[0]))

    if response.status_code == 200:
        # The visitor may get the whole archive; the cache must not.
        with contextlib.suppress(Exception):
            body(response)
    else:
        assert_clean_error(response)
    assert s3.keys("cache") == []

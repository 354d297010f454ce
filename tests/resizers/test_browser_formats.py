"""Chromium gets AVIF or WebP thumbnails as its Accept allows; plain clients JPEG."""

import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from gallery.storages import get_storage
from tests.builders import make_album, make_album_policy, make_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORMATS = override_settings(GALLERY_RESIZE_FORMATS=["avif", "webp", "jpeg"])


@pytest.fixture
def album(phone_photos):
    album = make_album(name="New Year")
    make_album_policy(album, public=True)
    for filename, extension in (("IMG_0001.HEIC", "heic"), ("IMG_0002.jpg", "jpg")):
        data = phone_photos(extension)
        photo = make_photo(album, filename, size=len(data))
        get_storage("photo").save(photo.image_name, ContentFile(data))
    return album


def thumbnails(page, url):
    """Load the album page; return the responses of its two thumbnails."""
    responses = []
    page.on(
        "response",
        lambda response: (
            "/resized/thumb/" in response.url and responses.append(response)
        ),
    )
    page.goto(url)
    images = page.locator("img[src*='/resized/thumb/']")
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0",
            arg=image.element_handle(),
        )
    # The page's other images too, before the live server stops.
    page.wait_for_load_state("networkidle")
    return responses


@FORMATS
def test_chromium_receives_avif(browser_page, live_server, album):
    responses = thumbnails(browser_page, f"{live_server.url}{album.get_absolute_url()}")
    assert len(responses) == 2
    for response in responses:
        assert response.status == 200
        assert response.headers["content-type"] == "image/avif"
        assert "Accept" in response.headers["vary"]
        assert "image/avif" in response.request.all_headers()["accept"]


@FORMATS
def test_chromium_without_avif_receives_webp(browser_page, live_server, album):
    def without_avif(route):
        headers = {**route.request.headers, "accept": "image/webp,image/*,*/*;q=0.8"}
        route.continue_(headers=headers)

    browser_page.route("**/resized/**", without_avif)
    responses = thumbnails(browser_page, f"{live_server.url}{album.get_absolute_url()}")
    assert [r.headers["content-type"] for r in responses] == ["image/webp"] * 2


@FORMATS
def test_request_without_accept_receives_jpeg(live_server, album):
    photo = album.photo_set.get(filename="IMG_0001.HEIC")
    path = reverse("gallery:photo-resized", args=["thumb", photo.pk])
    url = f"{live_server.url}{path}"
    with urllib.request.urlopen(url) as response:  # sends no Accept header
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.read()[:3] == b"\xff\xd8\xff"

"""Visitors walking the gallery in headless Chromium.

With ``GALLERY_UPDATE_SCREENSHOTS=1``, the walk also saves the screenshots of
the documentation into ``docs/_static/screenshots/``.
"""

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from gallery.conf import conf
from gallery.models import Photo
from gallery.storages import get_storage
from tests.fixtures.pages import build_family_gallery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "_static" / "screenshots"


@pytest.fixture
def gallery(browser_page):
    return build_family_gallery(images=True)


def screenshot(page, name):
    """Save a screenshot for the documentation when asked to."""
    if os.environ.get("GALLERY_UPDATE_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def draw_missing_resized_images(page):
    """Where the site doesn't serve resized images yet, make them here.

    Only used for screenshots, so that they show photos in any case.
    """

    def handle(route):
        response = route.fetch()
        if response.status != 404:
            route.fulfill(response=response)
            return
        preset, pk = route.request.url.rstrip("/").split("/")[-2:]
        width, height, crop = conf.RESIZE_PRESETS[preset]
        photo = Photo.objects.select_related("album").get(pk=pk)
        with get_storage("photo").open(photo.image_name) as original:
            image = Image.open(original).convert("RGB")
        if crop:
            image = image.resize((width, height))
        else:
            image.thumbnail((width, height))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG")
        route.fulfill(body=buffer.getvalue(), content_type="image/jpeg")

    if os.environ.get("GALLERY_UPDATE_SCREENSHOTS") == "1":
        page.route(re.compile(r".*/resized/.*"), handle)


def album_names(page):
    return page.locator(".gallery-album-name").all_inner_texts()


def test_anonymous_visitor_walks_index_album_photo(browser_page, gallery):
    page = browser_page
    draw_missing_resized_images(page)
    page.set_viewport_size({"width": 1200, "height": 800})
    page.goto(f"{page.base_url}/")
    assert page.title() == "Gallery"
    assert album_names(page) == ["Été à Nice", "Snow in Paris"]
    assert "Family dinner" not in page.content()
    previews = page.locator(".gallery-preview img")
    assert previews.count() == 5  # 1 + 4 visible photos
    first = previews.first
    assert first.get_attribute("loading") == "lazy"
    assert first.get_attribute("width") == "128"
    assert "/resized/thumb2x/" in first.get_attribute("srcset")
    # The thumbnails are served (resized from the originals) and displayed.
    page.wait_for_load_state("networkidle")
    loaded = "images => images.map(i => i.complete && i.naturalWidth > 0)"
    assert previews.evaluate_all(loaded) == [True] * 5
    screenshot(page, "index")

    page.get_by_role("link", name="Snow in Paris").click()
    page.wait_for_url(re.compile(r".*/album/\d+/$"))
    assert page.locator("h1").inner_text() == "Snow in Paris"
    thumbnails = page.locator(".gallery-photos img")
    assert thumbnails.count() == 4
    links = page.locator(".gallery-photos a")
    photos = gallery.photos
    assert links.evaluate_all("links => links.map(a => a.pathname)") == [
        f"/photo/{photos[key].pk}/" for key in "ceab"
    ]
    alts = thumbnails.evaluate_all("images => images.map(i => i.alt)")
    assert alts[:2] == ["Snow in Paris"] * 2  # no date
    assert alts[2] == "Snow in Paris, Jan. 19, 2013"
    assert page.get_by_role("link", name="Download album").count() == 1
    screenshot(page, "album")

    page.goto(links.nth(2).evaluate("a => a.href"))  # the photo's own page
    figure = page.locator(".gallery-figure img")
    assert figure.get_attribute("alt") == alts[2]
    assert "/resized/standard/" in figure.get_attribute("src")
    assert page.get_by_role("link", name="Original").count() == 1
    screenshot(page, "photo")


def log_in(page, username):
    page.goto(f"{page.base_url}/login/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(username)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{page.base_url}/")


def test_family_member_sees_the_family_album(browser_page, gallery):
    page = browser_page
    log_in(page, "member")
    assert album_names(page) == ["Family dinner"]
    assert page.get_by_text("Showing only the albums shared with you.").is_visible()

    page.get_by_role("link", name="Show public albums").click()
    assert album_names(page) == ["Family dinner", "Été à Nice", "Snow in Paris"]
    page.goto(f"{page.base_url}/")  # the choice is remembered
    assert len(album_names(page)) == 3
    assert "Holidays" not in page.content()

    page.get_by_role("link", name="Family dinner").click()
    assert page.locator(".gallery-photos img").count() == 2  # f3 is hidden

    hidden = gallery.albums["holidays"]
    response = page.goto(f"{page.base_url}/album/{hidden.pk}/")
    assert response.status == 404


def test_keyboard_navigation_on_the_photo_page(browser_page, gallery):
    page = browser_page
    photos = gallery.photos
    page.goto(f"{page.base_url}/photo/{photos['e'].pk}/")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"{page.base_url}/photo/{photos['a'].pk}/")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"{page.base_url}/photo/{photos['b'].pk}/")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(f"{page.base_url}/photo/{photos['a'].pk}/")
    page.keyboard.press("Escape")
    page.wait_for_url(f"{page.base_url}/album/{gallery.albums['snow'].pk}/")


def test_keys_are_ignored_while_typing(browser_page, gallery):
    page = browser_page
    page.goto(f"{page.base_url}/photo/{gallery.photos['a'].pk}/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<input id=typing>')")
    page.locator("#typing").press("ArrowRight")
    assert page.url.endswith(f"/photo/{gallery.photos['a'].pk}/")

"""The album's justified rows and its full-screen viewer, in headless Chromium."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from playwright.sync_api import expect

from gallery.files.precompute import precompute
from gallery.models import Photo
from gallery.storages import get_storage
from tests.builders import make_album, make_album_policy, make_image, make_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(640, 480), (480, 640), (800, 400), (500, 500), (600, 400)]
COLOURS = [(38, 70, 83), (42, 157, 143), (233, 196, 106), (231, 111, 81)]
COUNT = 24

# Sum of the layout shifts seen since the page started loading.
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
})"""


@pytest.fixture
def album(browser_page):
    """A public album of photos of several shapes, all measured but the last."""
    album = make_album("2020/05_01_Shapes", name="Shapes")
    make_album_policy(album, public=True)
    storage = get_storage("photo")
    for number in range(COUNT):
        photo = make_photo(album, f"{number:02d}.jpg")
        size, colour = SIZES[number % len(SIZES)], COLOURS[number % len(COLOURS)]
        storage.save(photo.image_name, ContentFile(make_image(*size, color=colour)))
        if number == COUNT - 2:
            precompute(Photo.objects.all(), ["row"], jobs=1)
    return album


def photos(album):
    return list(album.photo_set.order_by("filename"))


def cells(page):
    return page.locator(".gallery-photos a")


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_rows_fill_the_width_without_overflow_or_shift(browser_page, album, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{page.base_url}{album.get_absolute_url()}")
    expect(cells(page)).to_have_count(COUNT)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = [cells(page).nth(i).bounding_box() for i in range(COUNT)]
    # Every measured cell has its photo's shape.
    for photo, box in zip(photos(album)[:-1], boxes, strict=False):
        shape = SIZES[int(photo.filename[:2]) % len(SIZES)]
        assert box["width"] / box["height"] == pytest.approx(
            shape[0] / shape[1], rel=0.03
        )
    # The cells of the first row share its height and fill the width.
    first_row = [box for box in boxes if box["y"] == boxes[0]["y"]]
    assert len({round(box["height"]) for box in first_row}) == 1
    assert boxes[-1]["width"] == pytest.approx(boxes[-1]["height"], abs=1)  # square
    page.wait_for_load_state("load")
    assert page.evaluate(LAYOUT_SHIFT) == 0


def open_viewer(page, index):
    cells(page).nth(index).click()
    expect(page.locator(".pswp--open")).to_be_visible()


def test_viewer_follows_keys_swipes_address_and_back(browser_page, album):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.emulate_media(reduced_motion="reduce")  # no animation to wait for
    album_url = f"{page.base_url}{album.get_absolute_url()}"
    page.goto(album_url)
    shown = photos(album)
    open_viewer(page, 2)
    expect(page).to_have_url(f"{page.base_url}{shown[2].get_absolute_url()}")
    live = page.locator(".pswp [aria-live=polite]")
    expect(live).to_have_text(re.compile(r"^Shapes.*photo 3 of 24$"))
    download = page.locator(".pswp__button--download")
    original = reverse("gallery:photo-original", args=[shown[2].pk])
    expect(download).to_have_attribute("href", original)

    swipe(page, -400)
    expect(page).to_have_url(f"{page.base_url}{shown[3].get_absolute_url()}")
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(f"{page.base_url}{shown[4].get_absolute_url()}")
    page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(f"{page.base_url}{shown[3].get_absolute_url()}")

    page.go_back()
    expect(page.locator(".pswp")).to_have_count(0)
    expect(page).to_have_url(album_url)
    expect(cells(page).nth(3)).to_be_focused()

    open_viewer(page, 5)
    page.keyboard.press("Escape")
    expect(page.locator(".pswp")).to_have_count(0)
    expect(page).to_have_url(album_url)
    expect(cells(page).nth(5)).to_be_focused()


def swipe(page, distance):
    """A finger moving ``distance`` pixels sideways across the viewer."""
    session = page.context.new_cdp_session(page)
    session.send("Emulation.setTouchEmulationEnabled", {"enabled": True})
    x, y = 640, 400
    points = [x + distance * step / 10 for step in range(11)]
    for kind, at in [
        ("touchStart", points[0]),
        *(("touchMove", p) for p in points[1:]),
    ]:
        session.send(
            "Input.dispatchTouchEvent",
            {"type": kind, "touchPoints": [{"x": at, "y": y}]},
        )
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()


def test_viewer_slideshow_moves_on(browser_page, album):
    page = browser_page
    page.clock.install()
    page.goto(f"{page.base_url}{album.get_absolute_url()}")
    open_viewer(page, 0)
    play = page.locator(".pswp__button--slideshow")
    play.click()
    expect(play).to_have_attribute("aria-pressed", "true")
    page.clock.run_for(4500)
    expect(page).to_have_url(f"{page.base_url}{photos(album)[1].get_absolute_url()}")


def test_without_javascript_the_cells_open_photo_pages(browser, live_server, album):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}{album.get_absolute_url()}")
    page.locator(".gallery-photos a").nth(1).click()
    expect(page).to_have_url(f"{live_server.url}{photos(album)[1].get_absolute_url()}")
    expect(page.locator(".gallery-figure img")).to_have_attribute(
        "alt", re.compile(r"^Shapes")
    )
    context.close()

"""axe-core finds nothing serious on the visitor's pages, light and dark."""

import pytest
from playwright.sync_api import expect

from tests.components import require
from tests.fixtures.pages import build_family_gallery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # pragma: no cover
    Axe = None

SERIOUS = {"serious", "critical"}
# Best practices that Lighthouse counts too, whatever axe's impact.
ALSO = {"heading-order"}


@pytest.fixture
def gallery(browser_page):
    require(Axe, "axe-playwright-python is not installed")
    return build_family_gallery(images=True)


def serious_violations(page):
    results = Axe().run(page)
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS or violation["id"] in ALSO
    ]


def pages(gallery):
    snow = gallery.albums["snow"]
    return {
        "index": "/",
        "year": f"/year/{snow.date.year}/",
        "album": snow.get_absolute_url(),
        "photo": gallery.photos["a"].get_absolute_url(),
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_and_viewer_have_no_serious_violation(browser_page, gallery, scheme):
    page = browser_page
    page.emulate_media(color_scheme=scheme)
    found = {}
    for name, url in pages(gallery).items():
        page.goto(f"{page.base_url}{url}")
        page.wait_for_load_state("load")
        found[name] = serious_violations(page)
    page.goto(f"{page.base_url}{pages(gallery)['album']}")
    page.locator(".gallery-photos a").first.click()
    expect(page.locator(".pswp--open .pswp__img").first).to_be_visible()
    page.wait_for_function(  # the end of the opening animation
        "getComputedStyle(document.querySelector('.pswp__bg')).opacity === '1'"
    )
    found["viewer"] = serious_violations(page)
    assert found == {name: [] for name in found}

"""An owner sends a share link, its recipient browses, the owner revokes it."""

import zipfile

import pytest
from django.urls import reverse

from tests.admin.test_browser import local_storages as local_storages
from tests.admin.test_browser import log_in_to_admin
from tests.builders import make_album, make_image, make_photo, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNER_PERMS = [
    "gallery.view_album",
    "gallery.change_album",
    "gallery.view_sharelink",
    "gallery.add_sharelink",
    "gallery.change_sharelink",
]


def create_link(page, base_url, album):
    """From the album's page, create a link for Grandma; return the copied URL."""
    page.goto(f"{base_url}{reverse('admin:gallery_album_change', args=[album.pk])}")
    page.click("a.gallery-share")
    page.fill("#id_recipient", "Grandma")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert "copy it below" in page.inner_text(".messagelist")
    page.click("button.gallery-copy")
    page.wait_for_function(
        "document.querySelector('button.gallery-copy').textContent === '✓'"
    )
    return page.evaluate("navigator.clipboard.readText()")


def revoke(page, base_url):
    page.goto(f"{base_url}{reverse('admin:gallery_sharelink_changelist')}")
    page.check("input[name=_selected_action]")
    page.select_option("select[name=action]", "revoke")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    assert "Revoked 1 link." in page.inner_text(".messagelist")


def test_send_browse_download_revoke(
    browser_page, browser, live_server, local_storages
):
    base_url = live_server.url
    owner = make_user("owner", is_staff=True, perms=OWNER_PERMS)
    album = make_album(name="Wedding")
    photos = [make_photo(album), make_photo(album)]
    for photo in photos:
        local_storages.add(photo.image_name, content=make_image(640, 480))

    # The owner creates the link from the album's page and copies it.
    page = browser_page
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=base_url
    )
    log_in_to_admin(page, base_url, owner)
    url = create_link(page, base_url, album)
    assert url.startswith(f"{base_url}/s/")

    # Grandma opens it in a browser of her own: the token leaves the address bar.
    guest_context = browser.new_context(accept_downloads=True)
    guest = guest_context.new_page()
    guest.set_default_timeout(10_000)
    guest.goto(url)
    assert guest.url == f"{base_url}{album.get_absolute_url()}"
    assert guest.locator("h1").inner_text() == "Wedding"
    thumbnail = guest.locator(".gallery-photos img").first
    thumb_url = f"{base_url}{thumbnail.get_attribute('src')}"
    guest.wait_for_load_state("networkidle")
    assert thumbnail.evaluate("image => image.naturalWidth") > 0
    with guest.expect_download() as download_info:
        guest.click("a.gallery-export")
    archive = download_info.value
    with zipfile.ZipFile(archive.path()) as zf:
        assert sorted(zf.namelist()) == sorted(photo.filename for photo in photos)
    # A photo opens full screen over the album, its address in the bar.
    photo_url = f"{base_url}{photos[0].get_absolute_url()}"
    guest.locator(".gallery-photos a").first.click()
    guest.wait_for_url(photo_url)
    guest.locator(".pswp--open .pswp__img").first.wait_for()
    # That address opens the photo's own page, as a copied link would.
    guest.goto(photo_url)
    assert guest.locator("figure img").evaluate("image => image.complete")

    # The owner revokes it: the link says so, and what was loaded is gone.
    revoke(page, base_url)
    response = guest.goto(url)
    assert response.status == 410
    assert "no longer works" in guest.locator("h1").inner_text()
    assert guest.goto(thumb_url).status == 404
    assert guest_context.request.get(thumb_url).status == 404
    guest_context.close()

    # The admin shows the opening and the download.
    page.goto(f"{base_url}{reverse('admin:gallery_sharelink_changelist')}")
    row = page.locator("#result_list tbody tr").first.inner_text()
    assert "revoked" in row
    assert "opened once" in row and "zip downloaded once" in row

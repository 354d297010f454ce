"""An owner shares an album with a group through the admin, then takes it back."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from tests.builders import make_album, make_group, make_image, make_photo, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWNER_PERMS = [
    "gallery.view_album",
    "gallery.change_album",
    "gallery.add_albumaccesspolicy",
    "gallery.change_albumaccesspolicy",
    "gallery.delete_albumaccesspolicy",
]


def log_in_to_admin(page, base_url, user):
    page.goto(f"{base_url}{reverse('admin:login')}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.username)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def log_in_to_site(page, base_url, user, next_url):
    page.goto(f"{base_url}{reverse('login')}?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.username)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}{next_url}")


def run_action(page, base_url, album, action):
    """Select ``album`` in the album list and run ``action`` on it."""
    page.goto(f"{base_url}{reverse('admin:gallery_album_changelist')}")
    page.check(f"input[name=_selected_action][value='{album.pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def urls_of(album, photos):
    urls = [reverse("gallery:album", args=[album.pk])]
    for photo in photos:
        urls += [
            reverse("gallery:photo", args=[photo.pk]),
            reverse("gallery:photo-resized", args=["thumb", photo.pk]),
            reverse("gallery:photo-original", args=[photo.pk]),
        ]
    return [*urls, reverse("gallery:album-export", args=[album.pk])]


def statuses(context, base_url, urls):
    return {url: context.request.get(f"{base_url}{url}").status for url in urls}


@pytest.fixture
def local_storages(photo_tree, settings, tmp_path):
    """Photos and cache on the local disk, served by the application."""
    settings.GALLERY_CACHE_STORAGE = FileSystemStorage(location=tmp_path / "cache")
    return photo_tree


def test_share_an_album_with_a_group_then_take_it_back(
    browser_page, browser, live_server, local_storages
):
    base_url = live_server.url
    family = make_group("family")
    member = make_user("member", groups=[family])
    owner = make_user("owner", is_staff=True, perms=OWNER_PERMS)
    album = make_album(name="Snow in Paris")
    photos = [make_photo(album), make_photo(album)]
    for photo in photos:
        local_storages.add(photo.image_name, content=make_image(640, 480))
    urls = urls_of(album, photos)

    # The owner gives the family access through "Set access policy".
    page = browser_page
    log_in_to_admin(page, base_url, owner)
    run_action(page, base_url, album, "set_access_policy")
    page.wait_for_selector("#set_access_policy_form")
    assert "Snow in Paris" in page.content()
    page.select_option("#id_groups_from", label="family")
    page.click("#id_groups_add")
    page.click("input[name=set_access_policy]")
    page.wait_for_selector(".messagelist")
    assert "Created 1 access policy." in page.inner_text(".messagelist")

    # A member of the family sees the album, its photos and their files.
    member_context = browser.new_context()
    member_page = member_context.new_page()
    log_in_to_site(member_page, base_url, member, urls[0])
    assert "Snow in Paris" in member_page.content()
    for photo in photos:
        link = member_page.locator(f"a[href='{photo.get_absolute_url()}']")
        assert link.count() >= 1
    assert statuses(member_context, base_url, urls) == dict.fromkeys(urls, 200)

    # The owner takes the access back through "Unset access policy".
    run_action(page, base_url, album, "unset_access_policy")
    page.click("input[name=unset_access_policy]")
    page.wait_for_selector(".messagelist")
    assert "Deleted 1 access policy." in page.inner_text(".messagelist")

    # Now the member gets a 404 for every one of them.
    assert statuses(member_context, base_url, urls) == dict.fromkeys(urls, 404)
    member_context.close()

import pytest
from django.test import override_settings
from django.urls import reverse

from gallery.models import Album, Photo
from tests.builders import make_album, make_user

pytestmark = pytest.mark.django_db

SNOW = "2013/01_19_Snow in Paris"
URL = "/admin/gallery/photo/scan/"


@pytest.fixture
def scanner_client(client):
    user = make_user(is_staff=True, perms=["gallery.scan"])
    client.force_login(user)
    return client


def texts(response):
    return [str(message) for message in response.context["messages"]]


def test_url_name():
    assert reverse("admin:gallery_scan_photos") == URL


def test_staff_without_permission_gets_403(client, photo_tree):
    client.force_login(make_user(is_staff=True, perms=["gallery.view"]))
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403
    assert not Album.objects.exists()  # nothing was scanned


def test_visitor_without_permission_still_gets_404_on_gallery_pages(client):
    client.force_login(make_user(is_staff=True))
    album = make_album()
    assert client.get(album.get_absolute_url()).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_get_shows_the_plan_and_changes_nothing(scanner_client, photo_tree):
    photo_tree.album(SNOW, 3).add("2013/notes.txt")
    response = scanner_client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Adding album {SNOW} (Photos) as Snow in Paris" in content
    assert "would do: 1 album added, 0 removed, 0 moved, 3 photos added" in content
    assert "? 2013/notes.txt" in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert '<div class="breadcrumbs">' in content
    assert not Album.objects.exists()


def test_post_applies_and_reports_in_messages(scanner_client, photo_tree):
    photo_tree.album(SNOW, 3)
    response = scanner_client.post(URL, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    messages = texts(response)
    assert messages[0] == f"Adding album {SNOW} (Photos) as Snow in Paris"
    assert messages[-1].startswith("Done: 1 album added")
    assert Photo.objects.count() == 3
    assert "The database already matches the photo storage." in (
        response.content.decode()
    )


def test_post_requires_csrf(photo_tree):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(is_staff=True, perms=["gallery.scan"]))
    photo_tree.album(SNOW, 1)
    assert client.post(URL).status_code == 403  # Django's CSRF failure page
    assert not Album.objects.exists()


def test_refusal_offers_force(scanner_client, photo_tree):
    make_album(SNOW)
    response = scanner_client.get(URL)
    content = response.content.decode()
    assert "this scan would remove 1 of 1 album" in content
    assert 'name="force"' in content
    response = scanner_client.post(URL, follow=True)
    assert any("would remove 1 of 1 album" in text for text in texts(response))
    assert Album.objects.count() == 1
    response = scanner_client.post(URL, {"force": "on"}, follow=True)
    assert f"Removing album {SNOW} (Photos)" in texts(response)
    assert not Album.objects.exists()


def test_missing_storage_is_reported(scanner_client, photo_tree):
    photo_tree.root.rmdir()
    response = scanner_client.get(URL)
    assert "does not exist" in response.content.decode()
    response = scanner_client.post(URL, follow=True)
    assert texts(response) == [f"The photo directory {photo_tree.root} does not exist."]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_superuser_scans_from_the_admin(browser_page, live_server, photo_tree):
    photo_tree.album(SNOW, 3).album("2013/02_01_Rain", 2, day="2013-02-01")
    make_user("admin", is_staff=True, is_superuser=True)
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/?next={URL}")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "admin")
    page.click("input[type=submit]")
    assert page.locator(".scan-albums li").all_inner_texts() == [
        "Adding album 2013/01_19_Snow in Paris (Photos) as Snow in Paris",
        "Adding album 2013/02_01_Rain (Photos) as Rain",
    ]
    page.click("input[value='Scan photos']")
    assert (
        page.locator(".messagelist .success")
        .inner_text()
        .startswith("Done: 2 albums added, 0 removed, 0 moved, 5 photos added")
    )
    page.goto(f"{live_server.url}/admin/gallery/album/")
    rows = page.locator("#result_list tbody tr").all_inner_texts()
    assert len(rows) == 2
    assert any("2013/01_19_Snow in Paris" in row for row in rows)


def test_full_scan_is_offered_when_directories_were_skipped(scanner_client, photo_tree):
    photo_tree.album(SNOW, 2).settle()
    scanner_client.post(URL)
    path = photo_tree.root / SNOW / "2013-01-19_10-00-01.jpg"
    path.write_bytes(b"written over in place")  # the directory keeps its time
    content = scanner_client.get(URL).content.decode()
    assert "3 directories unchanged since the last scan were not read again." in (
        content
    )
    assert 'href="?full=1"' in content
    assert "0 refreshed" in content and 'name="full"' not in content

    content = scanner_client.get(URL + "?full=1").content.decode()
    assert "1 refreshed" in content and "unchanged since" not in content
    assert '<input type="hidden" name="full" value="on">' in content
    scanner_client.post(URL, {"full": "on"})
    assert Photo.objects.get(filename=path.name).size == len(b"written over in place")


def test_page_and_messages_in_french(scanner_client, photo_tree, monkeypatch):
    monkeypatch.setattr("gallery.admin.scan.SHOWN", 1)
    photo_tree.album(SNOW, 1).add("2013/a.txt", "2013/b.txt", "2013/c.txt")
    photo_tree.album("2013/02_01_Rain", 1, day="2013-02-01")
    with override_settings(LANGUAGE_CODE="fr"):
        content = scanner_client.get(URL).content.decode()
        messages = texts(scanner_client.post(URL, follow=True))
    assert "2 albums ajoutés, 0 supprimé, 0 déplacé, 2 photos ajoutées" in content
    assert "et 1 autre album<" in content
    assert "et 2 autres fichiers<" in content
    unmatched = "3 fichiers ne correspondent à aucun motif, par exemple 2013/"
    assert any(message.startswith(unmatched) for message in messages)
    assert messages[-1].startswith("Terminé — 2 albums ajoutés")

"""Share links in the admin: creation in one step, list, actions, permissions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gallery import shares
from gallery.admin.shares import activity, annotate_activity
from gallery.models import AlbumAccessPolicy, ShareLink, ShareLogEntry
from tests.builders import make_album, make_album_policy, make_share_link, make_user

pytestmark = pytest.mark.django_db

ADD = reverse("admin:gallery_sharelink_add")
LIST = reverse("admin:gallery_sharelink_changelist")


def staff(*perms):
    return make_user(is_staff=True, perms=[f"gallery.{perm}" for perm in perms])


def link_form(album, **changes):
    data = {
        "album": album.pk,
        "recipient": "Grandma",
        "expires_0": "",
        "expires_1": "",
        "allow_originals": "on",
        "allow_archive": "on",
    }
    return {**data, **changes}


def test_add_page_starts_from_the_album_with_the_default_expiry(admin_client):
    album = make_album()
    response = admin_client.get(ADD, {"album": album.pk})
    form = response.context["adminform"].form
    assert form.initial["album"] == str(album.pk)
    expires = form.fields["expires"].initial()
    assert abs(expires - shares.default_expiry()) < datetime.timedelta(minutes=1)


def test_creating_a_link_shows_it_with_a_copy_button(admin_client, admin_user):
    album = make_album()
    make_album_policy(album)
    when = timezone.localtime() + datetime.timedelta(days=30)
    data = link_form(album, expires_0=f"{when:%Y-%m-%d}", expires_1="12:00:00")
    response = admin_client.post(ADD, data, follow=True)
    link = ShareLink.objects.get()
    assert (link.recipient, link.created_by) == ("Grandma", admin_user)
    assert link.expires.date() == when.date()
    assert response.redirect_chain[-1][0].endswith(f"/{link.pk}/change/")
    assert shares.make_token(link) in response.content.decode()
    assert b"gallery-copy" in response.content
    assert b"copy it below" in response.content


def test_an_empty_expiry_needs_never_ticked(admin_client):
    album = make_album()
    response = admin_client.post(ADD, link_form(album))
    assert response.status_code == 200
    assert not ShareLink.objects.exists()
    admin_client.post(ADD, link_form(album, never="on"))
    assert ShareLink.objects.get().expires is None


def test_sharing_an_album_without_policy_makes_it_private(admin_client):
    album = make_album()
    response = admin_client.post(ADD, link_form(album, never="on"), follow=True)
    policy = AlbumAccessPolicy.objects.get(album=album)
    assert (policy.public, policy.inherit) == (False, True)
    assert not policy.users.exists()
    assert b"had no access policy" in response.content


def test_album_page_has_a_share_button_and_the_inline(admin_client):
    album = make_album()
    link = make_share_link(album)
    url = reverse("admin:gallery_album_change", args=[album.pk])
    content = admin_client.get(url).content.decode()
    assert f"{ADD}?album={album.pk}" in content
    assert shares.make_token(link) in content


def test_links_added_inline_give_the_album_a_policy(admin_client, admin_user):
    album = make_album(date=datetime.date(2013, 1, 19))
    url = reverse("admin:gallery_album_change", args=[album.pk])
    data = {
        "category": album.category,
        "date": "2013-01-19",
        "name": album.name,
        "access_policy-TOTAL_FORMS": "0",
        "access_policy-INITIAL_FORMS": "0",
        "share_links-TOTAL_FORMS": "1",
        "share_links-INITIAL_FORMS": "0",
        "share_links-0-recipient": "Uncle",
        "share_links-0-never": "on",
        "share_links-0-allow_originals": "on",
    }
    response = admin_client.post(url, data, follow=True)
    link = ShareLink.objects.get()
    assert (link.recipient, link.album, link.created_by) == ("Uncle", album, admin_user)
    assert (link.expires, link.allow_archive) == (None, False)
    assert b"had no access policy" in response.content


def log(link, kind, count, when=None):
    for _ in range(count):
        ShareLogEntry.objects.create(link=link, kind=kind, time=when or timezone.now())


def test_activity_in_words():
    album = make_album()
    link = make_share_link(album)
    fetch = lambda: annotate_activity(ShareLink.objects.all()).get()  # noqa: E731
    assert activity(fetch()) == "never opened"
    when = timezone.make_aware(datetime.datetime(2026, 11, 12, 10))
    log(link, "opened", 3, when)
    log(link, "archive", 1)
    assert activity(fetch()) == (
        "opened 3 times, last on 12 November 2026; zip downloaded once"
    )
    log(link, "original", 2)
    assert "2 originals downloaded" in activity(fetch())


@pytest.mark.parametrize("count", [1, 10])
def test_list_shows_status_and_activity_in_fixed_queries(
    admin_client, django_assert_num_queries, count
):
    album = make_album()
    for number in range(count):
        link = make_share_link(album, recipient=f"R{number}")
        log(link, "opened", 2)
    make_share_link(album, recipient="Gone", revoked=timezone.now())
    make_share_link(album, recipient="Late", days=-1)
    with django_assert_num_queries(5):
        response = admin_client.get(LIST)
    content = response.content.decode()
    for word in ["active", "revoked", "expired", "opened 2 times", "never opened"]:
        assert word in content
    assert response.context["cl"].result_count == count + 2


def test_list_filters_by_status(admin_client):
    album = make_album()
    make_share_link(album, recipient="Live")
    make_share_link(album, recipient="Gone", revoked=timezone.now())
    make_share_link(album, recipient="Late", days=-1)
    for status, recipient in [
        ("active", "Live"),
        ("revoked", "Gone"),
        ("expired", "Late"),
    ]:
        response = admin_client.get(LIST, {"status": status})
        assert [link.recipient for link in response.context["cl"].result_list] == [
            recipient
        ]


def action(client, name, links):
    data = {"action": name, "_selected_action": [link.pk for link in links]}
    return client.post(LIST, data, follow=True)


def test_revoke_and_extend(admin_client):
    album = make_album()
    soon = make_share_link(album, days=1)
    ended = make_share_link(album, days=-5)
    never = make_share_link(album, days=None)
    action(admin_client, "extend", [soon, ended, never])
    for link in (soon, ended, never):
        link.refresh_from_db()
    days = datetime.timedelta(days=30)
    assert soon.expires > timezone.now() + days
    assert timezone.now() + days - soon.expires < datetime.timedelta(days=2)
    assert ended.is_active() and never.expires is None
    action(admin_client, "revoke", [soon])
    soon.refresh_from_db()
    assert soon.status() == "revoked"


def test_permissions_decide_who_may_create_and_revoke(client):
    album = make_album()
    link = make_share_link(album)
    viewer = staff("view_sharelink")
    client.force_login(viewer)
    assert client.get(ADD).status_code == 403
    response = client.get(LIST)
    assert response.status_code == 200
    assert response.context["action_form"] is None  # no action is allowed
    action(client, "revoke", [link])
    link.refresh_from_db()
    assert link.revoked is None
    client.force_login(staff("view_sharelink", "change_sharelink"))
    action(client, "revoke", [link])
    link.refresh_from_db()
    assert link.revoked is not None


def test_album_explanation_names_the_recipients_of_active_links(admin_client):
    album = make_album()
    make_album_policy(album)
    make_share_link(album, recipient="Grandma")
    make_share_link(album, recipient="Uncle", revoked=timezone.now())
    url = reverse("admin:gallery_album_change", args=[album.pk])
    notes = admin_client.get(url).context["visibility_notes"]
    assert notes[-1] == (
        "An active share link also opens it to Grandma, who sees what a user "
        "named in its policy sees."
    )


def test_list_says_never_for_links_without_expiry(admin_client):
    album = make_album()
    make_share_link(album, recipient="Forever", days=None)
    response = admin_client.get(LIST)
    assert '<td class="field-expires_display">never</td>' in response.content.decode()


def test_list_says_never_in_french(admin_client, settings):
    settings.LANGUAGE_CODE = "fr"
    make_share_link(make_album(), recipient="Forever", days=None)
    response = admin_client.get(LIST, headers={"Accept-Language": "fr"})
    assert '<td class="field-expires_display">jamais</td>' in response.content.decode()


@pytest.mark.parametrize("perm", [None, "add_sharelink", "change_sharelink"])
def test_only_who_may_create_or_change_links_sees_their_url(client, perm):
    """Seeing the list and the log is not holding every link."""
    album = make_album()
    link = make_share_link(album)
    perms = ["view_sharelink", "view_album", "change_album"]
    client.force_login(staff(*perms, *([perm] if perm else [])))
    token = shares.make_token(link)
    pages = [
        LIST,
        reverse("admin:gallery_sharelink_change", args=[link.pk]),
        reverse("admin:gallery_album_change", args=[album.pk]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        assert (token in response.content.decode()) == (perm is not None)

"""Share links: tokens, the share URL, and what a grant opens on every URL."""

import datetime
import io
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from gallery import access, shares
from gallery.models import ShareLink, ShareLogEntry
from gallery.storages import get_storage
from tests.builders import (
    make_album,
    make_album_policy,
    make_image,
    make_photo,
    make_photo_policy,
    make_share_link,
    make_user,
)

pytestmark = pytest.mark.django_db


def share_url(link):
    return reverse("gallery:share", args=[shares.make_token(link)])


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


class Family:
    """A private album: photos inheriting, one private and one public of their own."""

    def __init__(self, photo_storage, inherit=True):
        self.owner = make_user("owner")
        self.album = make_album(
            "2013/01_19_Wedding", name="Wedding", date=datetime.date(2013, 1, 19)
        )
        make_album_policy(self.album, users=[self.owner], inherit=inherit)
        self.photos = {}
        for key in ("first", "second", "private", "public"):
            photo = make_photo(self.album, f"{key}.jpg")
            photo_storage.save(photo.image_name, ContentFile(make_image(8, 6)))
            self.photos[key] = photo
        make_photo_policy(self.photos["private"], users=[self.owner])
        make_photo_policy(self.photos["public"], public=True)
        self.other = make_album(
            "2014/02_02_Other", name="Other", date=datetime.date(2014, 2, 2)
        )
        make_album_policy(self.other, users=[self.owner])
        make_photo(self.other, "other.jpg")

    def url(self, name, key=None):
        if key is None:
            return reverse(f"gallery:{name}", args=[self.album.pk])
        return reverse(f"gallery:{name}", args=[self.photos[key].pk])


@pytest.fixture
def family(photo_storage):
    return Family(photo_storage)


@pytest.fixture
def link(family):
    return make_share_link(family.album)


# Tokens


def test_token_has_the_key_and_a_signature_of_at_least_128_bits(link):
    token = shares.make_token(link)
    assert token.startswith(link.key)
    assert len(link.key) * 6 >= 128
    assert len(token[len(link.key) :]) * 6 >= 128
    assert shares.find_link(token) == link


@pytest.mark.parametrize("change", ["key only", "other signature", "other key"])
def test_tokens_not_made_by_the_site_find_nothing(link, change):
    token = shares.make_token(link)
    forged = {
        "key only": link.key,
        "other signature": link.key + shares.signature(link.key, "not the key"),
        "other key": "A" * shares.KEY_LENGTH + token[shares.KEY_LENGTH :],
    }[change]
    assert shares.find_link(forged) is None


def test_tokens_survive_a_key_rotation_with_a_fallback_only(link, settings):
    token = shares.make_token(link)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a new secret key"
    assert shares.find_link(token) is None
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert shares.find_link(token) == link
    assert shares.make_token(link) != token


# The share URL


def test_share_url_grants_the_album_and_hides_the_token(client, family, link):
    response = client.get(share_url(link))
    assert response.status_code == 302
    assert response["Location"] == family.url("album")
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.session[shares.SESSION_KEY] == [link.pk]
    assert client.get(family.url("album")).status_code == 200


def test_opening_a_link_gives_an_existing_session_a_new_key(client, family, link):
    """Someone who planted the session cookie does not get the grant."""
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted
    client.get(share_url(link))
    assert client.session.session_key != planted
    assert client.session[shares.SESSION_KEY] == [link.pk]
    assert client.session["planted"] is True
    attacker = Client()
    attacker.cookies["sessionid"] = planted
    assert attacker.get(family.url("album")).status_code == 404


def test_first_opening_in_a_session_is_logged_once(client, link):
    headers = {"User-Agent": "Grandma's browser"}
    client.get(share_url(link), headers=headers)
    client.get(share_url(link), headers=headers)
    entry = ShareLogEntry.objects.get()
    assert (entry.link, entry.kind, entry.user_agent) == (
        link,
        "opened",
        headers["User-Agent"],
    )
    assert entry.ip_address is None


@override_settings(GALLERY_SHARE_LOG_IP=True)
def test_ip_address_is_logged_when_asked(client, link):
    client.get(share_url(link), REMOTE_ADDR="192.0.2.7")
    assert ShareLogEntry.objects.get().ip_address == "192.0.2.7"


@override_settings(GALLERY_SHARE_LOG_DAYS=10)
def test_old_log_entries_are_deleted(client, link):
    old = timezone.now() - datetime.timedelta(days=11)
    ShareLogEntry.objects.create(link=link, kind="opened", time=old)
    recent = ShareLogEntry.objects.create(
        link=link, kind="opened", time=old + datetime.timedelta(days=2)
    )
    client.get(share_url(link))
    assert recent in ShareLogEntry.objects.all()
    assert ShareLogEntry.objects.count() == 2


@pytest.mark.parametrize("token", ["x", "A" * 60, "not-a-token"])
def test_unknown_token_is_a_404_without_session(client, link, token):
    response = client.get(reverse("gallery:share", args=[token]))
    assert response.status_code == 404
    assert "sessionid" not in response.cookies
    assert not ShareLogEntry.objects.exists()


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_ended_links_answer_410_and_grant_nothing(client, family, state):
    fields = {"days": -1} if state == "expired" else {"revoked": timezone.now()}
    link = make_share_link(family.album, **fields)
    response = client.get(share_url(link))
    assert response.status_code == 410
    assert response["Referrer-Policy"] == "no-referrer"
    assert b"no longer works" in response.content
    assert b"Wedding" not in response.content
    assert "sessionid" not in response.cookies
    assert client.get(family.url("album")).status_code == 404


# What a grant shows


VISIBLE = {"first", "second", "public"}
PHOTO_URLS = ["photo", "photo-original"]


@pytest.fixture
def holder(client, link):
    client.get(share_url(link))
    return client


def test_grant_shows_the_photos_a_named_user_sees(holder, family):
    for key in family.photos:
        expected = 200 if key in VISIBLE else 404
        for name in PHOTO_URLS:
            assert holder.get(family.url(name, key)).status_code == expected, (
                key,
                name,
            )
        resized = reverse(
            "gallery:photo-resized", args=["thumb", family.photos[key].pk]
        )
        assert holder.get(resized).status_code == expected
    other = reverse("gallery:album", args=[family.other.pk])
    assert holder.get(other).status_code == 404


def test_grant_without_inheritance_shows_public_photos_only(client, photo_storage):
    family = Family(photo_storage, inherit=False)
    link = make_share_link(family.album)
    client.get(share_url(link))
    assert client.get(family.url("album")).status_code == 200
    for key in family.photos:
        expected = 200 if key == "public" else 404
        assert client.get(family.url("photo", key)).status_code == expected


def test_listings_include_shared_albums_marked(holder, family):
    response = holder.get(reverse("gallery:index"))
    assert response.context["object_list"] == [family.album]
    assert response.context["object_list"][0].photos_count == len(VISIBLE)
    assert b"shared with you" in response.content
    year = holder.get(reverse("gallery:year", args=[2013]))
    assert year.context["object_list"] == [family.album]
    latest = holder.get(reverse("gallery:latest"))
    assert latest["Location"] == family.url("album")


def test_signed_in_visitors_get_grants_besides_their_own_albums(client, family, link):
    member = make_user("member")
    client.force_login(member)
    client.get(share_url(link))
    response = client.get(reverse("gallery:index"))
    assert response.context["object_list"] == [family.album]
    assert response.context["object_list"][0].shared


def test_export_holds_the_shared_photos_and_is_logged(holder, family):
    response = holder.get(family.url("album-export"))
    with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
        assert sorted(archive.namelist()) == sorted(f"{key}.jpg" for key in VISIBLE)
    holder.get(family.url("photo-original", "first"))
    kinds = sorted(ShareLogEntry.objects.values_list("kind", flat=True))
    assert kinds == ["archive", "opened", "original"]
    photo = ShareLogEntry.objects.get(kind="original").photo
    assert photo == family.photos["first"]


def test_links_may_forbid_downloads(client, family):
    link = make_share_link(family.album, allow_originals=False, allow_archive=False)
    client.get(share_url(link))
    album = client.get(family.url("album"))
    assert album.status_code == 200
    assert family.url("album-export").encode() not in album.content
    assert client.get(family.url("album-export")).status_code == 404
    page = client.get(family.url("photo", "first"))
    assert family.url("photo-original", "first").encode() not in page.content
    assert client.get(family.url("photo-original", "first")).status_code == 404
    # A public photo is downloadable by anybody, with or without the link.
    assert client.get(family.url("photo-original", "public")).status_code == 200


@pytest.mark.parametrize("end", ["revoke", "expire", "delete"])
def test_ending_a_link_closes_every_url_at_once(holder, family, link, end):
    thumb = reverse("gallery:photo-resized", args=["thumb", family.photos["first"].pk])
    loaded = holder.get(thumb)
    assert loaded.status_code == 200
    assert loaded["Cache-Control"] == "private, no-cache"
    if end == "revoke":
        link.revoked = timezone.now()
        link.save()
    elif end == "expire":
        link.expires = timezone.now() - datetime.timedelta(seconds=1)
        link.save()
    else:
        link.delete()
    assert holder.get(thumb).status_code == 404
    for url in [family.url("album"), family.url("album-export")]:
        assert holder.get(url).status_code == 404
    for name in [*PHOTO_URLS]:
        assert holder.get(family.url(name, "first")).status_code == 404
    assert holder.get(reverse("gallery:index")).context["object_list"] == []


# Object checks agree with the filters


def session_grants(*links):
    request = RequestFactory().get("/")
    request.session = {shares.SESSION_KEY: [link.pk for link in links]}
    return access.grants(request)


def test_object_checks_match_the_filters(family, link):
    other_link = make_share_link(family.other, revoked=timezone.now())
    grants = session_grants(link, other_link)
    user = AnonymousUser()
    albums = set(access.visible_albums(user, grants=grants))
    for album in [family.album, family.other]:
        assert access.can_see_album(user, album, grants=grants) == (album in albums)
    photos = set(access.visible_photos(user, grants=grants))
    for photo in [*family.photos.values(), *family.other.photo_set.all()]:
        assert access.can_see_photo(user, photo, grants=grants) == (photo in photos)
    assert photos == {family.photos[key] for key in VISIBLE}


# Query budgets: fixed whatever the number of grants


def open_links(client, family, count):
    for number in range(count):
        album = family.album
        if number:
            album = make_album(name=f"Extra {number}", date=datetime.date(2012, 1, 1))
            make_album_policy(album)
            make_photo(album)
        client.get(share_url(make_share_link(album, recipient=f"R{number}")))


PAGES = {
    "index": lambda f: reverse("gallery:index"),
    "search": lambda f: reverse("gallery:index") + "?q=wedding",
    "year": lambda f: reverse("gallery:year", args=[2013]),
    "album": lambda f: f.url("album"),
    "photo": lambda f: f.url("photo", "public"),
    "latest": lambda f: reverse("gallery:latest"),
    "resized": lambda f: reverse(
        "gallery:photo-resized", args=["thumb", f.photos["public"].pk]
    ),
}
# Queries for a visitor who sees the same without grants: anonymous, or
# signed in (the session, the user, its permissions).
BUDGETS = {"index": 4, "search": 4, "year": 6, "album": 4, "photo": 3, "latest": 1}
BUDGETS["resized"] = 1
SIGNED_IN = 4


@pytest.mark.parametrize("grants", [0, 1, 3])
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
@pytest.mark.parametrize("page", PAGES)
def test_query_budget_with_grants(
    client, family, django_assert_num_queries, grants, signed_in, page
):
    """A grant costs the anonymous visitor's session, and nothing else."""
    if signed_in:
        member = make_user("member")
        family.album.access_policy.users.add(member)
        client.force_login(member)
    if grants:
        open_links(client, family, grants)
    else:  # the same albums and photos, seen without a grant
        family.album.access_policy.public = True
        family.album.access_policy.save()
    url = PAGES[page](family)
    client.get(url)  # the resized image is made once
    session = 1 if grants and not signed_in else 0
    expected = BUDGETS[page] + (SIGNED_IN if signed_in else session)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code in (200, 302)
    if page not in ("latest", "resized"):
        assert b"Wedding" in response.content


@pytest.mark.parametrize("grants", [1, 3])
@pytest.mark.parametrize("page", ["photo-original", "album-export"])
def test_downloads_add_their_log_entry(
    client, family, django_assert_num_queries, grants, page
):
    open_links(client, family, grants)
    url = family.url(page, "first" if page == "photo-original" else None)
    # Without grants: 1 query for the original, 2 for the album's export.
    expected = {"photo-original": 1, "album-export": 2}[page] + 2
    with django_assert_num_queries(expected):
        response = client.get(url)
        body(response)
    assert response.status_code == 200


def test_links_expire_after_the_default_days_unless_never_is_chosen(family):
    with override_settings(GALLERY_SHARE_LINK_DAYS=7):
        link = ShareLink.objects.create(album=family.album, recipient="Uncle")
    left = link.expires - timezone.now()
    assert datetime.timedelta(days=6, hours=23) < left <= datetime.timedelta(days=7)
    never = ShareLink.objects.create(album=family.album, recipient="Me", expires=None)
    assert never.is_active(timezone.now() + datetime.timedelta(days=10_000))


def test_revalidations_and_ranges_are_not_downloads(client, settings, tmp_path):
    settings.GALLERY_PHOTO_STORAGE = FileSystemStorage(location=tmp_path)
    family = Family(get_storage("photo"))
    holder = client
    holder.get(share_url(make_share_link(family.album)))
    url = family.url("photo-original", "first")
    first = holder.get(url)
    revalidated = holder.get(url, headers={"If-None-Match": first["ETag"]})
    ranged = holder.get(url, headers={"Range": "bytes=0-9"})
    # Close the files as a server would, keeping the test's database connection.
    request_finished.disconnect(close_old_connections)
    try:
        first.close()
        ranged.close()
    finally:
        request_finished.connect(close_old_connections)
    statuses = [first.status_code, revalidated.status_code, ranged.status_code]
    assert statuses == [200, 304, 206]
    assert ShareLogEntry.objects.filter(kind="original").count() == 1


def test_share_url_query_budget(client, link, django_assert_num_queries):
    # The link; its log entry and the deletion of old ones; the new session
    # (a check, and its insertion in a savepoint).
    with django_assert_num_queries(7):
        client.get(share_url(link))
    # The session, the link.
    with django_assert_num_queries(2):
        client.get(share_url(link))
    # Another link: the link, the session; the session under a new key (a
    # check, its insertion in a savepoint), the deletion of the old key; the
    # log entry and the deletion of old ones; the grant (in a savepoint).
    other = make_share_link(link.album, recipient="Other")
    with django_assert_num_queries(13):
        client.get(share_url(other))


def test_forged_tokens_cost_no_query(client, link, django_assert_num_queries):
    forged = link.key + shares.signature(link.key, "not the key")
    with django_assert_num_queries(0):
        response = client.get(reverse("gallery:share", args=[forged]))
    assert response.status_code == 404


@override_settings(GALLERY_SHARE_LOG_DAYS=None)
def test_log_entries_can_be_kept_for_ever(link):
    old = timezone.now() - datetime.timedelta(days=10_000)
    ShareLogEntry.objects.create(link=link, kind="opened", time=old)
    assert shares.delete_old_entries() == 0
    assert ShareLogEntry.objects.count() == 1


def test_an_ended_link_gets_no_304_for_a_file_loaded_before(client, settings, tmp_path):
    settings.GALLERY_PHOTO_STORAGE = FileSystemStorage(location=tmp_path)
    family = Family(get_storage("photo"))
    link = make_share_link(family.album)
    client.get(share_url(link))
    url = family.url("photo-original", "first")
    loaded = client.get(url)
    validators = {
        "If-None-Match": loaded["ETag"],
        "If-Modified-Since": loaded["Last-Modified"],
    }
    request_finished.disconnect(close_old_connections)
    try:
        loaded.close()
        assert client.get(url, headers=validators).status_code == 304
        link.revoked = timezone.now()
        link.save()
        assert client.get(url, headers=validators).status_code == 404
    finally:
        request_finished.connect(close_old_connections)

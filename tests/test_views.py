"""The pages, under each permission context: what is shown, what is a 404."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.urls import reverse

from gallery import access
from gallery.models import Album, AlbumAccessPolicy, Photo, PhotoAccessPolicy
from tests.builders import (
    make_album,
    make_album_policy,
    make_group,
    make_photo,
    make_photo_policy,
    make_user,
)
from tests.fixtures.pages import ALBUMS

pytestmark = pytest.mark.django_db

ORDER = ["holidays", "snow", "ete", "family", "hidden"]  # oldest first


def album_url(album):
    return reverse("gallery:album", args=[album.pk])


def photo_url(photo):
    return reverse("gallery:photo", args=[photo.pk])


class PageTests:
    """Checks run for one visitor; subclasses describe what that visitor sees."""

    user = None
    # Album key -> keys of the visible photos, in album order.
    albums = {}
    # Albums in listings, oldest first, without and with ?show_public.
    listed = []
    listed_with_public = []

    @pytest.fixture
    def visitor(self, client, family_gallery):
        if self.user is not None:
            client.force_login(family_gallery.users[self.user])
        return client

    @pytest.fixture
    def g(self, family_gallery):
        return family_gallery

    def names(self, keys):
        return [ALBUMS[key][0] for key in keys]

    # Index, search, latest

    def test_index_lists_visible_albums_newest_first(self, visitor):
        response = visitor.get(reverse("gallery:index"))
        assert response.status_code == 200
        shown = [album.name for album in response.context["latest"]]
        assert shown == self.names(reversed(self.listed))
        for key in ALBUMS:
            assert (ALBUMS[key][0] in response.text) == (key in self.listed)

    def test_index_counts_and_previews_visible_photos(self, visitor, g):
        response = visitor.get(reverse("gallery:index"))
        for album in response.context["latest"]:
            key = next(k for k, v in g.albums.items() if v.pk == album.pk)
            expected = [g.photos[p].pk for p in self.albums[key]]
            assert album.photos_count == len(expected)
            preview = [photo.pk for photo in album.preview]
            assert len(preview) == min(len(expected), 5)
            # A random choice, kept in album order.
            assert preview == [pk for pk in expected if pk in preview]
            assert album.thumbnails == "".join(p.thumbnail for p in album.preview)
            assert album.thumbnails in response.text

    @override_settings(GALLERY_PREVIEW_COUNT=2)
    def test_preview_count_setting(self, visitor):
        response = visitor.get(reverse("gallery:index"))
        for album in response.context["latest"]:
            assert len(album.preview) == min(album.photos_count, 2)

    @pytest.mark.parametrize(
        ("query", "key"), [("snow", "snow"), ("PARIS", "snow"), ("ÉTÉ", "ete")]
    )
    def test_search_is_case_insensitive(self, visitor, query, key):
        response = visitor.get(reverse("gallery:index"), {"q": query})
        shown = [album.name for album in response.context["latest"]]
        assert shown == (self.names([key]) if key in self.listed else [])
        assert response.context["q"] == query

    def test_search_without_match(self, visitor):
        response = visitor.get(reverse("gallery:index"), {"q": "nothing"})
        assert list(response.context["latest"]) == []
        assert "no albums match" in response.text

    def test_latest_redirects_to_most_recent_visible_album(self, visitor, g):
        response = visitor.get(reverse("gallery:latest"))
        if self.listed:
            expected = album_url(g.albums[self.listed[-1]])
        else:
            expected = reverse("gallery:index")
        assert response.status_code == 302
        assert response.url == expected

    # Year archive

    @pytest.mark.parametrize("year", [2012, 2013, 2014, 2015, 2016])
    def test_year(self, visitor, year):
        response = visitor.get(reverse("gallery:year", args=[year]))
        listed = [k for k in self.listed if ALBUMS[k][1].year == year]
        if not listed:
            assert response.status_code == 404
            return
        assert [a.name for a in response.context["album_list"]] == self.names(
            reversed(listed)
        )
        years = sorted({ALBUMS[k][1].year for k in self.listed})
        before = [y for y in years if y < year]
        after = [y for y in years if y > year]
        previous_year = response.context["previous_year"]
        next_year = response.context["next_year"]
        assert (previous_year and previous_year.year) == (before or [None])[-1]
        assert (next_year and next_year.year) == (after or [None])[0]

    # Albums

    def test_album_pages(self, visitor, g):
        for key, album in g.albums.items():
            response = visitor.get(album_url(album))
            if key not in self.albums:
                assert response.status_code == 404, key
                continue
            expected = [g.photos[p].pk for p in self.albums[key]]
            assert [photo.pk for photo in response.context["photos"]] == expected
            export = reverse("gallery:album-export", args=[album.pk])
            assert (export in response.text) == bool(expected)

    def test_album_neighbours_follow_listings(self, visitor, g):
        for key in self.albums:
            response = visitor.get(album_url(g.albums[key]))
            position = ORDER.index(key)
            before = [k for k in self.listed if ORDER.index(k) < position]
            after = [k for k in self.listed if ORDER.index(k) > position]
            previous_album = response.context["previous_album"]
            next_album = response.context["next_album"]
            assert previous_album == (g.albums[before[-1]] if before else None)
            assert next_album == (g.albums[after[0]] if after else None)

    # Photos

    def test_photo_pages(self, visitor, g):
        visible = {p for keys in self.albums.values() for p in keys}
        for key, photo in g.photos.items():
            response = visitor.get(photo_url(photo))
            assert response.status_code == (200 if key in visible else 404), key
            if key in visible:
                original = reverse("gallery:photo-original", args=[photo.pk])
                assert original in response.text
                assert "/resized/standard/" in response.text

    def walk(self, client, photo, direction):
        seen = [photo.pk]
        while photo is not None and len(seen) < 20:
            response = client.get(photo_url(photo))
            photo = response.context[f"{direction}_photo"]
            if photo is not None:
                seen.append(photo.pk)
        return seen

    def test_previous_and_next_walk_every_visible_photo(self, visitor, g):
        for keys in self.albums.values():
            expected = [g.photos[key].pk for key in keys]
            assert self.walk(visitor, g.photos[keys[0]], "next") == expected
            backwards = self.walk(visitor, g.photos[keys[-1]], "previous")
            assert backwards == expected[::-1]

    # Public albums for signed-in users

    def test_show_public_is_remembered(self, visitor):
        response = visitor.get(reverse("gallery:index"), {"show_public": ""})
        shown = [album.name for album in response.context["latest"]]
        assert shown == self.names(reversed(self.listed_with_public))
        response = visitor.get(reverse("gallery:index"))
        assert len(response.context["latest"]) == len(self.listed_with_public)
        response = visitor.get(reverse("gallery:index"), {"hide_public": ""})
        assert len(response.context["latest"]) == len(self.listed)

    def test_public_toggle_is_visible(self, visitor):
        text = visitor.get(reverse("gallery:index")).text
        toggles = self.listed != self.listed_with_public
        assert ('href="?show_public"' in text) == toggles
        if toggles:
            text = visitor.get(reverse("gallery:index"), {"show_public": ""}).text
            assert 'href="?hide_public"' in text


class TestAnonymous(PageTests):
    albums = {"snow": ["c", "e", "a", "b"], "ete": ["y"]}
    listed = listed_with_public = ["snow", "ete"]


class TestGroupMember(PageTests):
    user = "member"
    albums = {"snow": ["c", "e", "a", "b"], "ete": ["y"], "family": ["f1", "f2"]}
    listed = ["family"]
    listed_with_public = ["snow", "ete", "family"]


class TestSingleUserPolicyOwner(PageTests):
    user = "owner"
    albums = {
        "holidays": ["h1", "h2"],
        "snow": ["c", "e", "d", "a", "b"],
        "ete": ["y"],
    }
    listed = ["holidays"]
    listed_with_public = ["holidays", "snow", "ete"]


class TestSeeEverything(PageTests):
    user = "viewer"
    albums = {
        "holidays": ["h1", "h2"],
        "snow": ["c", "e", "d", "a", "b"],
        "ete": ["x", "y"],
        "family": ["f1", "f2", "f3"],
        "hidden": ["z1"],
    }
    listed = listed_with_public = ORDER


# Query budgets


def build_many(albums_count, photos_count):
    """``albums_count`` albums of ``photos_count`` photos, a third for each policy."""
    family = make_group("family")
    users = {
        "member": make_user("member", groups=[family]),
        "owner": make_user("owner"),
        "viewer": make_user("viewer", perms=["gallery.view"]),
    }
    start = date(2013, 1, 1)
    albums = Album.objects.bulk_create(
        Album(
            category="Photos",
            dirpath=f"album{i:04d}",
            date=start + timedelta(days=10 * i),
            name=f"Album {i}",
        )
        for i in range(albums_count)
    )
    policies = AlbumAccessPolicy.objects.bulk_create(
        AlbumAccessPolicy(album=album, public=i % 3 == 0)
        for i, album in enumerate(albums)
    )
    for i, policy in enumerate(policies):
        if i % 3 == 1:
            policy.groups.add(family)
        elif i % 3 == 2:
            policy.users.add(users["owner"])
    photos = Photo.objects.bulk_create(
        Photo(album=album, filename=f"{j:04d}.jpg")
        for album in albums
        for j in range(photos_count)
    )
    # Every album's first photo has a policy of its own, hiding it.
    PhotoAccessPolicy.objects.bulk_create(
        PhotoAccessPolicy(photo=photo) for photo in photos[::photos_count]
    )
    return users


VISITORS = [None, "member", "owner", "viewer"]
PAGES = ["index", "search", "year", "album", "photo", "latest"]


def page_url(page, user):
    album = access.visible_albums(user).order_by("date", "pk").first()
    photo = access.visible_photos(user, album.photo_set.order_by("filename"))[1]
    return {
        "index": reverse("gallery:index"),
        "search": reverse("gallery:index") + "?q=album",
        "year": reverse("gallery:year", args=[2013]),
        "album": album_url(album),
        "photo": photo_url(photo),
        "latest": reverse("gallery:latest"),
    }[page]


# Queries for the session, the user, its permissions (2) and the page.
SIGNED_IN = {"index": 8, "search": 8, "year": 10, "album": 8, "photo": 7, "latest": 5}
BUDGETS = {
    None: {"index": 4, "search": 4, "year": 6, "album": 4, "photo": 3, "latest": 1},
    "member": SIGNED_IN,
    "owner": SIGNED_IN,
    "viewer": SIGNED_IN,
}


@pytest.mark.parametrize("size", [(3, 3), (45, 30)], ids=["small", "larger"])
@pytest.mark.parametrize("visitor", VISITORS, ids=["anonymous", *VISITORS[1:]])
@pytest.mark.parametrize("page", PAGES)
def test_query_budget(client, django_assert_num_queries, size, visitor, page):
    users = build_many(*size)
    user = users[visitor] if visitor else AnonymousUser()
    if visitor:
        client.force_login(user)
        client.get(reverse("gallery:index"), {"show_public": ""})
    url = page_url(page, user)
    with django_assert_num_queries(BUDGETS[visitor][page]):
        response = client.get(url)
    assert response.status_code in (200, 302)


# Search and pagination


def test_pagination_keeps_the_search(client):
    for number in range(25):
        album = make_album(name=f"Trip {number}")
        make_album_policy(album, public=True)
    make_album_policy(make_album(name="Other"), public=True)
    response = client.get(reverse("gallery:index"), {"q": "trip"})
    assert response.context["paginator"].count == 25
    assert 'href="?page=2&amp;q=trip"' in response.text
    assert "Page 1 of 2" in response.text
    response = client.get(reverse("gallery:index"), {"q": "trip", "page": 2})
    assert len(response.context["latest"]) == 5


def test_search_treats_wildcards_literally(client):
    make_album_policy(make_album(name="Snow"), public=True)
    make_album_policy(make_album(name="100% snow"), public=True)
    response = client.get(reverse("gallery:index"), {"q": "%"})
    assert [album.name for album in response.context["latest"]] == ["100% snow"]


def test_latest_follows_show_public(client, family_gallery):
    client.force_login(family_gallery.users["owner"])
    response = client.get(reverse("gallery:latest"))
    assert response.url == album_url(family_gallery.albums["holidays"])
    response = client.get(reverse("gallery:latest"), {"show_public": ""})
    assert response.url == album_url(family_gallery.albums["ete"])


def test_missing_pages_are_404(client, family_gallery):
    assert client.get(reverse("gallery:album", args=[999])).status_code == 404
    assert client.get(reverse("gallery:photo", args=[999])).status_code == 404
    assert client.get(reverse("gallery:index"), {"page": 9}).status_code == 404


@override_settings(GALLERY_PREVIEW_COUNT=0)
def test_counts_without_previews(client, family_gallery):
    response = client.get(reverse("gallery:index"))
    counts = {album.name: album.photos_count for album in response.context["latest"]}
    assert counts == {"Été à Nice": 1, "Snow in Paris": 4}
    assert all(album.preview == [] for album in response.context["latest"])


@pytest.mark.django_db
def test_photo_shared_without_its_album_names_no_album(client):
    album = make_album(name="Secret party")
    make_album_policy(album)  # nobody
    photo = make_photo(album)
    make_photo_policy(photo, public=True)
    response = client.get(reverse("gallery:photo", args=[photo.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Secret party" not in html
    assert album.get_absolute_url() not in html
    assert client.get(album.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_search_ignores_nul_characters(client):
    album = make_album(name="Snow")
    make_album_policy(album, public=True)
    response = client.get(reverse("gallery:index"), {"q": "Sn\x00ow"})
    assert response.status_code == 200
    assert "Snow" in response.content.decode()

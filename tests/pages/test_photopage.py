"""The photo page's lookups through compiled SQL agree with the access rules."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gallery import access
from gallery.models import Photo
from gallery.pages import prepared
from gallery.pages.ordering import PHOTO_ORDER_IN_ALBUM, neighbour
from gallery.pages.photopage import photo_neighbours, visible_photo
from tests.builders import (
    make_album,
    make_album_policy,
    make_group,
    make_photo,
    make_photo_policy,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def compile_afresh():
    """Each test compiles its queries: ids repeat once a test's rows are gone."""
    prepared._compiled.clear()
    yield
    prepared._compiled.clear()


NOON = datetime.datetime(2013, 1, 19, 12, tzinfo=datetime.UTC)


@pytest.fixture
def world():
    """An album shared with a group, photos with equal, missing and own policies."""
    family = make_group("family")
    member = make_user("member", groups=[family])
    album = make_album()
    make_album_policy(album, groups=[family])
    specs = [("a.jpg", None), ("b.jpg", None), ("c.jpg", NOON), ("d.jpg", NOON)]
    specs += [("e.jpg", NOON + datetime.timedelta(hours=1)), ("f.jpg", None)]
    photos = [make_photo(album, name, date=date) for name, date in specs]
    make_photo_policy(photos[1], public=True)  # seen by anybody
    make_photo_policy(photos[3])  # seen by nobody but see-all users
    visitors = {
        "anonymous": AnonymousUser(),
        "member": member,
        "stranger": make_user("stranger"),
        "viewer": make_user("viewer", perms=["gallery.view"]),
    }
    return album, visitors


def expected(user, photo, album_passes):
    photos = access.visible_in_album(user, photo.album_id, album_passes)
    order = PHOTO_ORDER_IN_ALBUM
    return tuple(neighbour(photo, photos, order, forward) for forward in (False, True))


@pytest.mark.parametrize("album_passes", [True, False])
@pytest.mark.parametrize("name", ["anonymous", "member", "stranger", "viewer"])
def test_neighbours_match_the_queryset(world, name, album_passes):
    album, visitors = world
    user = visitors[name]
    for photo in Photo.objects.filter(album=album):
        found = photo_neighbours(user, photo, album_passes)
        wanted = expected(user, photo, album_passes)
        assert found == wanted, (name, photo.filename)
        for got, want in zip(found, wanted, strict=True):
            if want is not None:
                assert (got.date, got.filename, got.album_id) == (
                    want.date,
                    want.filename,
                    want.album_id,
                )


def test_compiled_once_for_every_photo_and_user(world):
    album, visitors = world
    photos = list(Photo.objects.filter(album=album, date__isnull=False))
    photo_neighbours(visitors["member"], photos[0], True)
    compiled = len(prepared._compiled)
    other = make_user("other", groups=list(visitors["member"].groups.all()))
    access.can_see_everything(other)  # its permissions, fetched once per request
    with CaptureQueriesContext(connection) as queries:
        found = photo_neighbours(other, photos[-1], True)
    assert len(prepared._compiled) == compiled  # the same SQL, other values
    assert len(queries) == 2
    assert found == expected(other, photos[-1], True)


def test_values_are_parameters_not_sql(world):
    album, visitors = world
    photo = make_photo(album, "x'); DROP TABLE gallery_photo; --.jpg", date=NOON)
    previous, _ = photo_neighbours(visitors["viewer"], photo, True)
    assert previous.filename == "d.jpg"
    assert Photo.objects.filter(album=album).count() == 7


@pytest.mark.parametrize("name", ["anonymous", "member", "stranger", "viewer"])
def test_visible_photo_follows_the_rules(world, name):
    album, visitors = world
    user = visitors[name]
    for photo in Photo.objects.filter(album=album).select_related("album"):
        found = visible_photo(user, photo.pk)
        if not access.can_see_photo(user, photo):
            assert found is None, photo.filename
            continue
        assert (found.filename, found.date) == (photo.filename, photo.date)
        assert found.album.name == album.name
        assert bool(found.album_visible) == access.can_see_album(user, album)
    assert visible_photo(user, 2_000_000_000) is None


def test_sql_compiled_for_one_user_serves_another_with_their_own_rights():
    family = make_group("family")
    member, stranger = make_user("member", groups=[family]), make_user("stranger")
    album = make_album()
    make_album_policy(album, groups=[family], inherit=True)
    first, own, last = (make_photo(album, f"{n}.jpg") for n in (1, 2, 3))
    make_photo_policy(own, users=[member])
    assert visible_photo(member, first.pk) is not None  # compiled for the member
    assert photo_neighbours(member, first, True)[1] == own
    assert visible_photo(stranger, first.pk) is None
    assert visible_photo(stranger, own.pk) is None
    assert photo_neighbours(stranger, first, False) == (None, None)
    assert visible_photo(member, last.pk) == last


@pytest.mark.parametrize("pk", [2**31, 2**63 - 1, 2**63, 2**64])
def test_ids_beyond_the_database_s_range_are_no_photo(pk):
    album = make_album()
    make_album_policy(album, public=True)
    make_photo(album, "a.jpg")
    assert visible_photo(AnonymousUser(), pk) is None


def test_a_value_the_query_transforms_is_refused():
    from django.db.models import CharField

    from gallery.models import Album

    def build(name):
        return Album.objects.filter(name__startswith=name).values_list("pk")

    with pytest.raises(ValueError, match="name"):
        prepared.prepared_rows(
            ("test",), build, {"name": CharField()}, {"name": "a"}, "default"
        )

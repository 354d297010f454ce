import pytest
from django.contrib.auth.models import AnonymousUser

from gallery import access
from tests.builders import (
    make_album,
    make_album_policy,
    make_group,
    make_photo,
    make_photo_policy,
    make_user,
)

pytestmark = pytest.mark.django_db


def visible(user, album):
    in_queryset = access.visible_albums(user).filter(pk=album.pk).exists()
    assert in_queryset == access.can_see_album(user, album)
    return in_queryset


def test_album_without_policy_is_hidden():
    album = make_album()
    assert not visible(AnonymousUser(), album)
    assert not visible(make_user(), album)


def test_viewer_sees_everything():
    album = make_album()
    assert visible(make_user(perms=["gallery.view"]), album)
    assert visible(make_user(is_superuser=True), album)


def test_group_member_sees_group_album_without_duplicates():
    first, second = make_group(), make_group()
    member = make_user(groups=[first, second])
    album = make_album()
    make_album_policy(album, groups=[first, second], users=[member])
    assert visible(member, album)
    assert access.visible_albums(member).count() == 1


def test_photo_policy_overrides_album_policy():
    member = make_user()
    album = make_album()
    make_album_policy(album, users=[member])
    inherited, narrowed = make_photo(album), make_photo(album)
    make_photo_policy(narrowed)
    assert set(access.visible_photos(member)) == {inherited}
    assert access.can_see_photo(member, inherited)
    assert not access.can_see_photo(member, narrowed)

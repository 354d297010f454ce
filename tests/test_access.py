import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.signed_cookies import SessionStore

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


def test_include_public_false_leaves_public_albums_out():
    member = make_user()
    public, shared = make_album(), make_album()
    make_album_policy(public, public=True)
    make_album_policy(shared, users=[member])
    assert set(access.visible_albums(member)) == {public, shared}
    assert set(access.visible_albums(member, include_public=False)) == {shared}
    assert not access.can_see_album(member, public, include_public=False)
    assert access.can_see_album(member, shared, include_public=False)


def test_public_album_and_photo_policy_for_anonymous_users():
    album = make_album()
    make_album_policy(album, public=True, inherit=False)
    hidden, shown = make_photo(album), make_photo(album)
    make_photo_policy(shown, public=True)
    anonymous = AnonymousUser()
    assert visible(anonymous, album)
    assert set(access.visible_photos(anonymous)) == {shown}
    assert not access.can_see_photo(anonymous, hidden)


def test_photo_policy_widens_a_private_album():
    album = make_album()
    make_album_policy(album, groups=[make_group()])
    photo = make_photo(album)
    make_photo_policy(photo, public=True)
    outsider = make_user()
    assert not visible(outsider, album)
    assert list(access.visible_photos(outsider)) == [photo]
    assert access.can_see_photo(outsider, photo)


def request_for(rf, user, session, query=""):
    request = rf.get(f"/{query}")
    request.user = user
    request.session = session
    return request


def test_show_public_is_remembered_in_the_session(rf):
    member = make_user()
    session = SessionStore()
    assert not access.show_public(request_for(rf, member, session))
    assert access.show_public(request_for(rf, member, session, "?show_public"))
    assert access.show_public(request_for(rf, member, session))
    assert not access.show_public(request_for(rf, member, session, "?hide_public"))
    assert not access.show_public(request_for(rf, member, session))


def test_show_public_always_for_anonymous_and_see_all_users(rf):
    viewer = make_user(perms=["gallery.view"])
    for user in (AnonymousUser(), viewer):
        session = SessionStore()
        assert access.show_public(request_for(rf, user, session, "?hide_public"))
        assert "show_public" not in session


def test_deactivated_user_is_treated_as_anonymous():
    group = make_group()
    user = make_user(groups=[group], is_active=False)
    shared, public = make_album(), make_album()
    make_album_policy(shared, users=[user], groups=[group])
    make_album_policy(public, public=True)
    photo = make_photo(shared)
    assert set(access.visible_albums(user)) == {public}
    assert not access.can_see_album(user, shared)
    assert access.can_see_album(user, public)
    assert not access.visible_photos(user).filter(pk=photo.pk).exists()
    assert not access.can_see_photo(user, photo)

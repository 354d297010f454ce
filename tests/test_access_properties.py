"""Random worlds of users, groups, albums, photos and policies.

In each world, the queryset filters and the object checks of
``gallery.access`` agree with each other and with the rules stated below in
plain Python, on whichever database the suite runs.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gallery import access
from gallery.models import Album, Photo
from tests.builders import (
    make_album,
    make_album_policy,
    make_group,
    make_photo,
    make_photo_policy,
    make_user,
)

pytestmark = pytest.mark.django_db

MAX_USERS, MAX_GROUPS = 4, 3


# The rules, in plain Python, on plain data.


@dataclass(frozen=True)
class Policy:
    public: bool
    users: frozenset
    groups: frozenset
    inherit: bool = True


@dataclass(frozen=True)
class Person:
    kind: str  # "anonymous", "member", "viewer" (gallery.view) or "superuser"
    active: bool
    groups: frozenset


def sees_everything(person):
    return person.active and person.kind in ("viewer", "superuser")


def allows(policy, index, person, include_public=True):
    if policy is None:
        return False
    if include_public and policy.public:
        return True
    if person.kind == "anonymous" or not person.active:
        return False  # a deactivated account counts as anonymous
    return index in policy.users or bool(person.groups & policy.groups)


def rule_album(index, person, album_policy, include_public):
    if sees_everything(person):
        return True
    return allows(album_policy, index, person, include_public)


def rule_photo(index, person, photo_policy, album_policy):
    if sees_everything(person):
        return True
    if photo_policy is None and album_policy is not None and album_policy.inherit:
        photo_policy = album_policy
    return allows(photo_policy, index, person)


# Strategies.

user_indexes = st.frozensets(st.integers(0, MAX_USERS - 1), max_size=MAX_USERS)
group_indexes = st.frozensets(st.integers(0, MAX_GROUPS - 1), max_size=MAX_GROUPS)
people = st.lists(
    st.builds(
        Person,
        kind=st.sampled_from(["member", "member", "viewer", "superuser"]),
        active=st.booleans(),
        groups=group_indexes,
    ),
    min_size=1,
    max_size=MAX_USERS,
)
album_policies = st.none() | st.builds(
    Policy, public=st.booleans(), users=user_indexes, groups=group_indexes,
    inherit=st.booleans(),
)  # fmt: skip
photo_policies = st.none() | st.builds(
    Policy, public=st.booleans(), users=user_indexes, groups=group_indexes
)
albums = st.tuples(album_policies, st.lists(photo_policies, max_size=3))
worlds = st.tuples(people, st.lists(albums, min_size=1, max_size=4))


# Building the world in the database.


def build(world):
    """Create the objects of ``world``; return them by primary key with their specs."""
    persons, album_specs = world
    groups = [make_group() for _ in range(MAX_GROUPS)]
    users = [(AnonymousUser(), Person("anonymous", True, frozenset()), -1)]
    for index, person in enumerate(persons):
        user = make_user(
            groups=[groups[i] for i in person.groups],
            perms=["gallery.view"] if person.kind == "viewer" else [],
            is_superuser=person.kind == "superuser",
            is_active=person.active,
        )
        users.append((user, person, index))
    members = [user for user, _, _ in users[1:]]

    def members_of(policy):
        return {
            "public": policy.public,
            "users": [members[i] for i in policy.users if i < len(members)],
            "groups": [groups[i] for i in policy.groups],
        }

    built_albums, built_photos = [], []
    for album_policy, photo_specs in album_specs:
        album = make_album()
        if album_policy is not None:
            make_album_policy(
                album, inherit=album_policy.inherit, **members_of(album_policy)
            )
        built_albums.append((album.pk, album_policy))
        for photo_policy in photo_specs:
            photo = make_photo(album)
            if photo_policy is not None:
                make_photo_policy(photo, **members_of(photo_policy))
            built_photos.append((photo.pk, photo_policy, album_policy))
    return users, built_albums, built_photos


def pks(queryset):
    found = list(queryset.values_list("pk", flat=True))
    assert len(found) == len(set(found)), "duplicate rows"
    return set(found)


def fetch(albums, photos):
    """Load the objects once, as views do, for the object checks of every user."""
    members = ["access_policy__users", "access_policy__groups"]
    album_objects = Album.objects.select_related("access_policy").prefetch_related(
        *members
    )
    photo_objects = Photo.objects.select_related(
        "access_policy", "album__access_policy"
    ).prefetch_related(*members, *(f"album__{m}" for m in members))
    album_by_pk = {album.pk: album for album in album_objects}
    photo_by_pk = {photo.pk: photo for photo in photo_objects}
    return (
        [(album_by_pk[pk], policy) for pk, policy in albums],
        [(photo_by_pk[pk], *policies) for pk, *policies in photos],
    )


def check_user(user, person, index, albums, photos):
    for include_public in (True, False):
        expected = {
            album.pk
            for album, policy in albums
            if rule_album(index, person, policy, include_public)
        }
        assert pks(access.visible_albums(user, include_public)) == expected
        for album, _ in albums:
            seen = access.can_see_album(user, album, include_public)
            assert seen == (album.pk in expected)
            if include_public:  # the method kept from 0.9.1
                assert album.is_allowed_for_user(user) == seen
    expected = {
        photo.pk
        for photo, own, album_policy in photos
        if rule_photo(index, person, own, album_policy)
    }
    assert pks(access.visible_photos(user)) == expected
    assert pks(access.visible_photos_per_row(user)) == expected
    for album, _ in albums:
        policy = album.get_access_policy()
        passes = bool(policy and policy.inherit and access.policy_allows(policy, user))
        in_album = access.visible_in_album(user, album, passes)
        assert pks(in_album) == expected & pks(album.photo_set.all())
    shown_albums = Photo.objects.annotate(seen=access.album_is_visible_per_row(user))
    for pk, album_pk, seen in shown_albums.values_list("pk", "album", "seen"):
        album = next(album for album, _ in albums if album.pk == album_pk)
        assert bool(seen) == access.can_see_album(user, album), pk
    for photo, _, _ in photos:
        assert access.can_see_photo(user, photo) == (photo.pk in expected)
        assert photo.is_allowed_for_user(user) == (photo.pk in expected)
    first = albums[0][0]
    in_first = Photo.objects.filter(album=first)
    assert pks(access.visible_photos(user, in_first)) == expected & pks(in_first)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(worlds)
def test_filters_checks_and_rules_agree(world):
    # Each example builds its world in a savepoint that is rolled back.
    with transaction.atomic():
        users, albums, photos = build(world)
        albums, photos = fetch(albums, photos)
        for user, person, index in users:
            check_user(user, person, index, albums, photos)
        transaction.set_rollback(True)

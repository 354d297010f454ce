import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.urls import reverse

from gallery import access
from gallery.admin import PhotoAdmin
from gallery.admin import visibility as explanations
from gallery.models import AlbumAccessPolicy, Photo, PhotoAccessPolicy
from tests.builders import (
    make_album,
    make_album_policy,
    make_group,
    make_photo,
    make_photo_policy,
    make_user,
)

pytestmark = pytest.mark.django_db

ALBUM_PERMS = ["gallery.view_album", "gallery.change_album"]
PHOTO_PERMS = ["gallery.view_photo", "gallery.change_photo"]


def changelist(model):
    return reverse(f"admin:gallery_{model}_changelist")


def staff(client, *perms):
    user = make_user(is_staff=True, perms=perms)
    client.force_login(user)
    return user


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def act(client, model, action, objects, **data):
    """Post ``action`` on ``objects`` from the changelist of ``model``."""
    data = {
        "action": action,
        "index": 0,
        "select_across": 0,
        "_selected_action": [obj.pk for obj in objects],
        **data,
    }
    return client.post(changelist(model), data, follow=True)


def policy_data(*, public=False, users=(), groups=(), **extra):
    return {
        "public": "on" if public else "",
        "users": [user.pk for user in users],
        "groups": [group.pk for group in groups],
        **extra,
    }


# Changelists


def test_album_changelist_columns(admin_client):
    group, member = make_group("friends"), make_user("alice")
    album = make_album(name="Snow in Paris")
    make_album_policy(album, groups=[group], users=[member], inherit=False)
    make_album(name="Hidden")
    response = admin_client.get(changelist("album"))
    content = response.content.decode()
    assert "Snow in Paris" in content and "Hidden" in content
    assert "friends" in content and "alice" in content
    assert response.context["cl"].show_full_result_count is False


def test_photo_changelist_shows_effective_policy_and_preview(admin_client):
    group = make_group("family")
    album = make_album()
    make_album_policy(album, groups=[group])
    photo = make_photo(album)
    response = admin_client.get(changelist("photo"))
    content = response.content.decode()
    assert "family" in content
    thumb = reverse("gallery:photo-resized", kwargs={"preset": "thumb", "pk": photo.pk})
    assert f'<img src="{thumb}" width="128" height="128"' in content
    assert 'loading="lazy"' in content


def test_photo_changelist_without_inheritance_shows_no_policy(admin_client):
    album = make_album()
    make_album_policy(album, groups=[make_group("family")], inherit=False)
    make_photo(album)
    assert "family" not in admin_client.get(changelist("photo")).content.decode()


@pytest.mark.parametrize("model", ["album", "photo"])
def test_scan_link_needs_the_scan_permission(client, model):
    perms = ALBUM_PERMS if model == "album" else PHOTO_PERMS
    scan = reverse("admin:gallery_scan_photos")
    staff(client, *perms)
    assert scan not in client.get(changelist(model)).content.decode()
    staff(client, *perms, "gallery.scan")
    assert scan in client.get(changelist(model)).content.decode()


def test_search_photos_by_album_name_and_filename(admin_client):
    snow = make_photo(make_album(name="Snow"), "snow.jpg")
    rain = make_photo(make_album(name="Rain"), "rain.jpg")
    found = admin_client.get(changelist("photo"), {"q": "Snow"}).context["cl"]
    assert list(found.result_list) == [snow]
    found = admin_client.get(changelist("photo"), {"q": "rain.jpg"}).context["cl"]
    assert list(found.result_list) == [rain]


def populate(rows):
    """``rows`` albums and photos, with varied policies and members."""
    groups = [make_group() for _ in range(3)]
    users = [make_user() for _ in range(3)]
    for number in range(rows):
        album = make_album()
        make_album_policy(
            album, users=users[: number % 3 + 1], groups=groups[: number % 2 + 1]
        )
        photo = make_photo(album)
        if number % 2:
            make_photo_policy(photo, users=users[:2], groups=groups[:1])


@pytest.mark.parametrize("rows", [10, 100])
@pytest.mark.parametrize("model, queries", [("album", 9), ("photo", 8)])
def test_changelist_query_budget(
    admin_client, django_assert_num_queries, rows, model, queries
):
    populate(rows)
    with django_assert_num_queries(queries):
        response = admin_client.get(changelist(model))
    assert len(response.context["cl"].result_list) == rows


# Set access policy


def test_set_policy_shows_an_intermediate_page(client):
    staff(client, *ALBUM_PERMS, "gallery.add_albumaccesspolicy")
    albums = [make_album(name="Snow"), make_album(name="Rain")]
    response = act(client, "album", "set_access_policy", albums)
    assert response.templates[0].name == "admin/gallery/set_access_policy.html"
    content = response.content.decode()
    assert "Snow" in content and "Rain" in content
    form = response.context["form"]
    assert list(form.fields) == ["public", "groups", "users", "inherit"]
    assert 'name="_selected_action"' in content
    assert not AlbumAccessPolicy.objects.exists()


def test_set_policy_form_for_photos_has_no_inherit(client):
    staff(client, *PHOTO_PERMS, "gallery.add_photoaccesspolicy")
    response = act(client, "photo", "set_access_policy", [make_photo()])
    assert list(response.context["form"].fields) == ["public", "groups", "users"]


def test_set_policy_creates_and_changes_album_policies(client):
    staff(
        client,
        *ALBUM_PERMS,
        "gallery.add_albumaccesspolicy",
        "gallery.change_albumaccesspolicy",
    )
    old_group, group, user = make_group(), make_group(), make_user()
    fresh, covered, untouched = make_album(), make_album(), make_album()
    make_album_policy(covered, public=True, groups=[old_group])
    make_album_policy(untouched, groups=[old_group])
    data = policy_data(groups=[group], users=[user], set_access_policy="1")
    response = act(client, "album", "set_access_policy", [fresh, covered], **data)
    assert "Created 1 access policy. Changed 1 access policy." in messages_of(response)
    for album in (fresh, covered):
        policy = AlbumAccessPolicy.objects.get(album=album)
        assert not policy.public and not policy.inherit
        assert list(policy.groups.all()) == [group]
        assert list(policy.users.all()) == [user]
    assert list(untouched.access_policy.groups.all()) == [old_group]
    [entry] = LogEntry.objects.filter(object_id=fresh.pk)
    assert entry.get_change_message() == (
        "Changed is public, authorized groups, authorized users and photos inherit "
        f"album access policy for album access policy “{fresh}”."
    )
    assert LogEntry.objects.filter(object_id=covered.pk).exists()
    assert not LogEntry.objects.filter(object_id=untouched.pk).exists()


def test_set_policy_on_photos(client):
    staff(client, *PHOTO_PERMS, "gallery.add_photoaccesspolicy")
    photos = [make_photo(), make_photo()]
    data = policy_data(public=True, set_access_policy="1")
    response = act(client, "photo", "set_access_policy", photos, **data)
    assert "Created 2 access policies." in messages_of(response)
    assert PhotoAccessPolicy.objects.filter(public=True).count() == 2


def test_set_policy_with_invalid_data_shows_the_form_again(client):
    staff(client, *ALBUM_PERMS, "gallery.add_albumaccesspolicy")
    album = make_album()
    data = {"users": ["999999"], "set_access_policy": "1"}
    response = act(client, "album", "set_access_policy", [album], **data)
    assert response.context["form"].errors["users"]
    assert not AlbumAccessPolicy.objects.exists()


def test_set_policy_across_every_selected_row(client):
    staff(client, *ALBUM_PERMS, "gallery.add_albumaccesspolicy")
    albums = [make_album() for _ in range(3)]
    data = policy_data(public=True, set_access_policy="1", select_across=1)
    act(client, "album", "set_access_policy", albums[:1], **data)
    assert AlbumAccessPolicy.objects.filter(public=True).count() == 3


@pytest.mark.parametrize("model", ["album", "photo"])
@pytest.mark.parametrize("step", [{}, {"set_access_policy": "1"}])
def test_set_policy_needs_add_permission_for_objects_without_policy(
    client, model, step
):
    perms = ALBUM_PERMS if model == "album" else PHOTO_PERMS
    staff(client, *perms, f"gallery.change_{model}accesspolicy")
    obj = make_album() if model == "album" else make_photo()
    response = act(client, model, "set_access_policy", [obj], **policy_data(**step))
    assert response.templates[0].name == f"admin/gallery/{model}/change_list.html"
    [message] = messages_of(response)
    assert "1 of the selected" in message
    assert "has no access policy yet" in message
    assert "permission to add" in message
    assert not obj.__class__.objects.filter(access_policy__isnull=False).exists()


@pytest.mark.parametrize("model", ["album", "photo"])
def test_set_policy_needs_change_permission_for_objects_with_policy(client, model):
    perms = ALBUM_PERMS if model == "album" else PHOTO_PERMS
    staff(client, *perms, f"gallery.add_{model}accesspolicy")
    if model == "album":
        obj = make_album()
        make_album_policy(obj, public=True)
    else:
        obj = make_photo()
        make_photo_policy(obj, public=True)
    data = policy_data(set_access_policy="1")
    response = act(client, model, "set_access_policy", [obj], **data)
    [message] = messages_of(response)
    assert "already has an access policy" in message
    assert "permission to change" in message
    obj.access_policy.refresh_from_db()
    assert obj.access_policy.public


def test_set_policy_with_only_change_permission_on_existing_policies(client):
    staff(client, *PHOTO_PERMS, "gallery.change_photoaccesspolicy")
    photo = make_photo()
    make_photo_policy(photo, public=True)
    data = policy_data(set_access_policy="1")
    response = act(client, "photo", "set_access_policy", [photo], **data)
    assert "Changed 1 access policy." in messages_of(response)
    photo.access_policy.refresh_from_db()
    assert not photo.access_policy.public


def test_set_policy_without_any_policy_permission(client):
    staff(client, *ALBUM_PERMS)
    fresh, covered = make_album(), make_album()
    make_album_policy(covered)
    response = act(client, "album", "set_access_policy", [fresh, covered])
    messages = messages_of(response)
    assert len(messages) == 2
    assert "permission to add album access policies" in messages[0]
    assert "permission to change album access policies" in messages[1]


def test_set_policy_makes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    staff(
        client,
        *PHOTO_PERMS,
        "gallery.add_photoaccesspolicy",
        "gallery.change_photoaccesspolicy",
    )
    photos = [make_photo() for _ in range(30)]
    for photo in photos[::2]:
        make_photo_policy(photo)
    users, groups = [make_user(), make_user()], [make_group()]
    data = policy_data(users=users, groups=groups, set_access_policy="1")
    with django_assert_max_num_queries(30):
        act(client, "photo", "set_access_policy", photos, **data)
    assert PhotoAccessPolicy.users.through.objects.count() == 60
    assert PhotoAccessPolicy.groups.through.objects.count() == 30


# Unset access policy


def test_unset_policy_shows_a_confirmation_page(client):
    staff(client, *ALBUM_PERMS, "gallery.delete_albumaccesspolicy")
    album = make_album(name="Snow")
    make_album_policy(album)
    response = act(client, "album", "unset_access_policy", [album])
    assert response.templates[0].name == "admin/gallery/unset_access_policy.html"
    assert "Are you sure? 1 access policy will be deleted." in response.content.decode()
    assert AlbumAccessPolicy.objects.exists()


@pytest.mark.parametrize("model", ["album", "photo"])
def test_unset_policy_deletes_policies(client, model):
    perms = ALBUM_PERMS if model == "album" else PHOTO_PERMS
    staff(client, *perms, f"gallery.delete_{model}accesspolicy")
    if model == "album":
        objects = [make_album(), make_album(), make_album()]
        make_album_policy(objects[0], users=[make_user()])
        make_album_policy(objects[2])
    else:
        objects = [make_photo(), make_photo(), make_photo()]
        make_photo_policy(objects[0], users=[make_user()])
        make_photo_policy(objects[2])
    data = {"unset_access_policy": "1"}
    response = act(client, model, "unset_access_policy", objects[:2], **data)
    assert "Deleted 1 access policy." in messages_of(response)
    policies = AlbumAccessPolicy if model == "album" else PhotoAccessPolicy
    assert policies.objects.count() == 1
    assert policies.users.through.objects.count() == 0
    [entry] = LogEntry.objects.all()
    assert entry.object_id == str(objects[0].pk)
    assert entry.get_change_message().startswith(f"Deleted {model} access policy")


@pytest.mark.parametrize("model", ["album", "photo"])
@pytest.mark.parametrize("step", [{}, {"unset_access_policy": "1"}])
def test_unset_policy_needs_delete_permission(client, model, step):
    perms = ALBUM_PERMS if model == "album" else PHOTO_PERMS
    staff(
        client,
        *perms,
        f"gallery.add_{model}accesspolicy",
        f"gallery.change_{model}accesspolicy",
    )
    if model == "album":
        obj = make_album()
        make_album_policy(obj)
    else:
        obj = make_photo()
        make_photo_policy(obj)
    response = act(client, model, "unset_access_policy", [obj], **step)
    assert response.templates[0].name == f"admin/gallery/{model}/change_list.html"
    [message] = messages_of(response)
    assert "You cannot unset these access policies" in message
    assert "permission to delete" in message
    assert obj.__class__.objects.filter(access_policy__isnull=False).exists()


def test_unset_policy_when_nothing_to_delete(client):
    staff(client, *ALBUM_PERMS)
    response = act(client, "album", "unset_access_policy", [make_album()])
    assert messages_of(response) == [
        "None of the selected albums has an access policy."
    ]


# Who can see it


def visibility(client, obj):
    model = obj._meta.model_name
    url = reverse(f"admin:gallery_{model}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    context = response.context
    return list(context["visibility_notes"]), list(context["visibility_warnings"])


SEE_ALL = "Only users with the “Can see all photos” permission can see it."


def test_album_without_policy(admin_client):
    notes, warnings = visibility(admin_client, make_album())
    assert notes == ["This album has no access policy.", SEE_ALL]
    assert warnings == []


def test_public_album_passing_its_policy_on(admin_client):
    album = make_album()
    make_album_policy(album, public=True)
    notes, warnings = visibility(admin_client, album)
    assert notes == [
        "This album’s access policy says who can see it.",
        "It is public: anyone can see it, including anonymous visitors.",
        "Its photos without their own access policy follow this policy.",
    ]
    assert warnings == []


def test_private_album_not_passing_its_policy_on(admin_client):
    album = make_album()
    make_album_policy(
        album, users=[make_user("alice")], groups=[make_group("family")], inherit=False
    )
    notes, _ = visibility(admin_client, album)
    assert notes[1] == (
        "It can be seen by the users alice; the members of the groups family, "
        "and by users with the “Can see all photos” permission."
    )
    assert notes[2].startswith("Its photos do not inherit this policy")


def test_album_policy_naming_nobody(admin_client):
    album = make_album()
    make_album_policy(album)
    notes, _ = visibility(admin_client, album)
    assert notes[1].startswith("Its policy is not public and names no user or group")


def test_album_with_photos_wider_than_itself(admin_client):
    album = make_album()
    make_album_policy(album, users=[make_user()])
    narrow, wide = make_photo(album), make_photo(album, "wide.jpg")
    make_photo_policy(narrow)
    make_photo_policy(wide, public=True)
    notes, warnings = visibility(admin_client, album)
    assert notes[-1] == (
        "2 photos of this album have their own access policy, which overrides "
        "the album’s."
    )
    assert warnings == [
        "1 photo of this album is visible to people who cannot see the album: wide.jpg."
    ]


def test_album_change_page_shows_the_warning(admin_client):
    album = make_album()
    make_photo_policy(make_photo(album), public=True)
    url = reverse("admin:gallery_album_change", args=[album.pk])
    content = admin_client.get(url).content.decode()
    assert "Who can see it" in content
    assert '<li class="warning">Warning: 1 photo of this album is visible' in content


def test_photo_with_own_policy(admin_client):
    album = make_album()
    make_album_policy(album, public=True)
    photo = make_photo(album)
    make_photo_policy(photo, users=[make_user("bob")])
    notes, warnings = visibility(admin_client, photo)
    assert notes == [
        "This photo has its own access policy, which overrides its album’s.",
        "It can be seen by the users bob, and by users with the “Can see all "
        "photos” permission.",
    ]
    assert warnings == []


def test_photo_inheriting_its_album_policy(admin_client):
    album = make_album()
    make_album_policy(album, groups=[make_group("family")])
    notes, warnings = visibility(admin_client, make_photo(album))
    assert notes[0].startswith("This photo has no access policy of its own: it follows")
    assert "the members of the groups family" in notes[1]
    assert warnings == []


def test_photo_of_an_album_not_passing_its_policy_on(admin_client):
    album = make_album()
    make_album_policy(album, public=True, inherit=False)
    notes, warnings = visibility(admin_client, make_photo(album))
    assert notes == [
        "This photo has no access policy of its own, and its album’s access "
        "policy is not inherited by its photos.",
        SEE_ALL,
    ]
    assert warnings == []


def test_photo_without_any_policy(admin_client):
    notes, warnings = visibility(admin_client, make_photo())
    assert notes == ["Neither this photo nor its album has an access policy.", SEE_ALL]
    assert warnings == []


def test_public_photo_in_a_private_album(admin_client):
    album = make_album()
    make_album_policy(album, users=[make_user()])
    photo = make_photo(album)
    make_photo_policy(photo, public=True)
    _, warnings = visibility(admin_client, photo)
    assert warnings == [
        "This photo is visible to people who cannot see its album: anyone, "
        "including anonymous visitors."
    ]


def test_photo_naming_people_its_album_does_not(admin_client):
    family, friends = make_group("family"), make_group("friends")
    alice, bob = make_user("alice"), make_user("bob", groups=[family])
    carol = make_user("carol")
    album = make_album()
    make_album_policy(album, users=[alice], groups=[family])
    photo = make_photo(album)
    make_photo_policy(photo, users=[alice, bob, carol], groups=[family, friends])
    _, warnings = visibility(admin_client, photo)
    assert warnings == [
        "This photo is visible to people who cannot see its album: the users "
        "carol; the members of the groups friends."
    ]


def test_photo_narrower_than_its_album(admin_client):
    family = make_group("family")
    album = make_album()
    make_album_policy(album, groups=[family], users=[make_user()])
    photo = make_photo(album)
    make_photo_policy(photo, groups=[family])
    assert visibility(admin_client, photo)[1] == []


def test_photo_in_a_public_album_is_never_wider(admin_client):
    album = make_album()
    make_album_policy(album, public=True)
    photo = make_photo(album)
    make_photo_policy(photo, public=True, users=[make_user()])
    assert visibility(admin_client, photo)[1] == []


def test_visibility_notes_are_escaped(admin_client):
    album = make_album()
    make_album_policy(album, groups=[make_group("<b>family</b>")])
    url = reverse("admin:gallery_album_change", args=[album.pk])
    content = admin_client.get(url).content.decode()
    assert "&lt;b&gt;family&lt;/b&gt;" in content


def test_add_page_has_no_visibility_notes(admin_client):
    response = admin_client.get(reverse("admin:gallery_album_add"))
    assert "visibility_notes" not in response.context


def test_audience_beyond_album_agrees_with_the_access_rules():
    family, friends = make_group(), make_group()
    alice, bob = make_user(), make_user(groups=[family])
    carol, dave = make_user(), make_user(groups=[friends])
    album = make_album()
    make_album_policy(album, users=[alice], groups=[family])
    photo = make_photo(album)
    make_photo_policy(photo, users=[alice, bob, carol], groups=[friends])
    photo = Photo.objects.select_related("album").get(pk=photo.pk)
    public, groups, users = explanations.audience_beyond_album(photo)
    assert not public and groups == [friends] and users == [carol]
    for user in (alice, bob):
        assert access.can_see_photo(user, photo) and access.can_see_album(user, album)
    for user in (carol, dave):
        assert access.can_see_photo(user, photo)
        assert not access.can_see_album(user, album)


@pytest.mark.parametrize(
    "album_policy, reason",
    [
        (None, "none"),
        ({"inherit": True}, "inherited"),
        ({"inherit": False}, "not-inherited"),
    ],
)
def test_photo_policy_reason(album_policy, reason):
    album = make_album()
    if album_policy is not None:
        make_album_policy(album, **album_policy)
    photo = make_photo(album)
    assert explanations.photo_policy_reason(Photo.objects.get(pk=photo.pk)) == reason
    make_photo_policy(photo)
    assert explanations.photo_policy_reason(Photo.objects.get(pk=photo.pk)) == "own"


def test_action_page_lists_photos_with_their_album_and_a_count_of_the_rest(client):
    staff(client, *PHOTO_PERMS, "gallery.delete_photoaccesspolicy")
    album = make_album(name="Snow")
    photos = [make_photo(album, f"snow{number}.jpg") for number in range(4)]
    make_photo_policy(photos[3])
    response = client.post(
        changelist("photo"),
        {
            "action": "unset_access_policy",
            "index": 0,
            "select_across": 1,
            "_selected_action": [photos[0].pk],
        },
    )
    assert response.context["count"] == 4
    content = response.content.decode()
    assert "Snow › snow" in content
    assert 'name="select_across" value="1"' in content


def test_action_page_lists_a_limited_number_of_objects(client, monkeypatch):
    monkeypatch.setattr(PhotoAdmin, "listed_objects", 2)
    staff(client, *PHOTO_PERMS, "gallery.add_photoaccesspolicy")
    photos = [make_photo() for _ in range(5)]
    response = act(client, "photo", "set_access_policy", photos)
    assert len(response.context["objects"]) == 2
    assert "and 3 more" in response.content.decode()


def test_no_preview_without_the_preset(admin_client, settings):
    settings.GALLERY_RESIZE_PRESETS = {}
    make_photo()
    content = admin_client.get(changelist("photo")).content.decode()
    assert "/resized/" not in content


def test_album_and_file_name_of_a_photo_are_read_only(admin_client):
    photo = make_photo()
    url = reverse("admin:gallery_photo_change", args=[photo.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "album" not in form.fields and "filename" not in form.fields


def test_photo_changelist_ordering_walks_an_index(admin_client):
    if connection.vendor != "sqlite":
        pytest.skip("query plans are checked on SQLite")
    queryset = admin_client.get(changelist("photo")).context["cl"].queryset
    sql, params = queryset[:100].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "gallery_photo_order_idx" in plan
    assert "TEMP B-TREE" not in plan

"""Who may see what: queryset filters and per-object checks, side by side.

The rules:

* A user with the ``gallery.view`` permission (superusers included) sees
  everything.
* An album is visible when its policy is public, names the user, or names one
  of the user's groups. An album without a policy is visible to nobody else.
* A photo with its own policy follows that policy only. A photo without one
  follows its album's policy when that policy has ``inherit`` set; otherwise
  nobody else sees it.
* A deactivated account sees what an anonymous visitor sees.
* Listings for authenticated users without ``gallery.view`` leave out public
  albums until the user asks for them (see :func:`show_public`).
* A share link opened in the session (a grant, see :func:`grants`) adds its
  album, listed whatever the visitor's choice on public albums, and the photos
  that a user named in the album's policy would see: those that inherit it
  (the others follow their own policy, public or not, as for anyone).
  Originals and archives go through a grant only when its link allows them.
  Revoked and expired links grant nothing.
* With ``GALLERY_STRIP_LOCATION``, only users with ``gallery.view`` get the
  GPS position of originals (see :func:`sees_location`).

Filters never join many-valued relations at the top level, so they return no
duplicate rows and need no ``DISTINCT``.
"""

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Coalesce

from . import shares
from .conf import conf
from .models import Album, AlbumAccessPolicy, Photo, PhotoAccessPolicy, ShareLink

# What a grant is used for, and what its link must allow for it.
USES = {
    "view": {},
    "originals": {"allow_originals": True},
    "archive": {"allow_archive": True},
}


def can_see_everything(user):
    """Tell whether ``user`` bypasses access policies."""
    return user.has_perm("gallery.view")


def sees_location(user):
    """Tell whether originals reach ``user`` with their GPS position."""
    return not conf.STRIP_LOCATION or can_see_everything(user)


def is_identified(user):
    """Tell whether policies naming ``user`` or its groups apply to it.

    A deactivated account is treated as anonymous, whatever the session or
    the authentication backend says.
    """
    return user.is_authenticated and getattr(user, "is_active", True)


def user_group_ids(user):
    """Primary keys of the groups of ``user``, fetched once per user object."""
    if not is_identified(user) or not hasattr(user, "groups"):
        return frozenset()
    if not hasattr(user, "_gallery_group_ids"):
        user._gallery_group_ids = frozenset(user.groups.values_list("pk", flat=True))
    return user._gallery_group_ids


def allowed_policies(policy_model, user, include_public=True):
    """Queryset of the policies of ``policy_model`` that grant access to ``user``."""
    condition = Q(public=True) if include_public else Q(pk__in=[])
    if is_identified(user):
        users = policy_model.users
        condition |= Q(
            pk__in=users.through.objects.filter(
                **{users.field.m2m_reverse_field_name(): user.pk}
            ).values(users.field.m2m_field_name())
        )
        if hasattr(user, "groups"):
            groups = policy_model.groups
            condition |= Q(
                pk__in=groups.through.objects.filter(
                    group__in=user.groups.values("pk")
                ).values(groups.field.m2m_field_name())
            )
    return policy_model.objects.filter(condition)


def album_condition(user, include_public=True):
    """``Q`` object selecting the albums visible to ``user`` (not for see-all users).

    For anonymous visitors it is a join on the album's policy, one row at
    most: the database may then read a page of albums in order, checking each,
    or all the public policies, whichever is cheaper.
    """
    if not is_identified(user):
        return Q(access_policy__public=True) if include_public else Q(pk__in=[])
    policies = allowed_policies(AlbumAccessPolicy, user, include_public)
    return Q(pk__in=policies.values("album"))


def photo_condition(user, albums=None):
    """``Q`` object selecting the photos visible to ``user`` (not for see-all users).

    With ``albums`` (primary keys), only the policies of those albums and of
    their photos are read: a page of a few albums then costs the same in a
    collection of any size.
    """
    own = allowed_policies(PhotoAccessPolicy, user)
    inherited = allowed_policies(AlbumAccessPolicy, user).filter(inherit=True)
    if albums is not None:
        own = own.filter(photo__album__in=albums)
        inherited = inherited.filter(album__in=albums)
    return Q(pk__in=own.values("photo")) | Q(
        access_policy__isnull=True, album__in=inherited.values("album")
    )


def grants(request, use="view"):
    """Active share links of this session that allow ``use``; ``None`` without any.

    A lazy queryset, used as a subquery: checking grants adds no query.
    """
    ids = shares.granted_ids(request)
    if not ids:
        return None
    return ShareLink.objects.active().filter(pk__in=ids, **USES[use])


def shared_album_condition(grants):
    """``Q`` object selecting the albums of ``grants``."""
    return Q(pk__in=grants.values("album"))


def shared_photo_condition(grants):
    """``Q`` object selecting the photos that ``grants`` add.

    Photos with their own policy are left to it: a user named in the album's
    policy only sees them when they are public, like anybody.
    """
    inherited = AlbumAccessPolicy.objects.filter(
        inherit=True, album__in=grants.values("album")
    )
    return Q(access_policy__isnull=True, album__in=inherited.values("album"))


def policy_admits(user, include_public=True):
    """``Q`` on a policy model: the policies that grant access to ``user``.

    It joins the policy's users and groups: use it inside ``Exists()`` only,
    where the duplicate rows of the joins don't matter.
    """
    condition = Q(public=True) if include_public else Q(pk__in=[])
    if is_identified(user):
        condition |= Q(users=user.pk)
        if hasattr(user, "groups"):
            membership = user._meta.get_field("groups").related_query_name()
            condition |= Q(**{f"groups__{membership}": user.pk})
    return condition


def album_admits(user, album="album"):
    """``Exists()``: the policy of the album in field ``album`` grants ``user``."""
    return Exists(
        AlbumAccessPolicy.objects.filter(policy_admits(user), album=OuterRef(album))
    )


def photo_condition_per_row(user):
    """:func:`photo_condition` tested row by row, for looking up a few photos.

    Listings filter many photos at once with :func:`photo_condition`; a photo
    page and its neighbours check a handful of rows, each with index lookups,
    without reading every policy of the collection.
    """
    if not is_identified(user):  # public policies only: joins are enough
        inherited = Q(album__access_policy__inherit=True, access_policy__isnull=True)
        return Q(access_policy__public=True) | inherited & Q(
            album__access_policy__public=True
        )
    own = PhotoAccessPolicy.objects.filter(policy_admits(user), photo=OuterRef("pk"))
    inherited = AlbumAccessPolicy.objects.filter(
        policy_admits(user), album=OuterRef("album"), inherit=True
    )
    return Q(Exists(own)) | Q(access_policy__isnull=True) & Q(Exists(inherited))


def visible_in_album(user, album, album_passes):
    """The visible photos of ``album``, when its policy's verdict is known.

    ``album_passes`` tells whether the album's policy lets ``user`` see the
    photos that inherit it (``inherit`` set and granting ``user``): then only
    the photos with a policy of their own need a test.
    """
    photos = Photo.objects.filter(album=album)
    if can_see_everything(user):
        return photos
    if is_identified(user):
        own = PhotoAccessPolicy.objects.filter(
            policy_admits(user), photo=OuterRef("pk")
        )
        own = Q(Exists(own))
    else:  # public policies only: a join is enough
        own = Q(access_policy__public=True)
    return photos.filter(own | Q(access_policy__isnull=True) if album_passes else own)


def visible_photos_per_row(user, queryset=None):
    """:func:`visible_photos` with :func:`photo_condition_per_row`."""
    if queryset is None:
        queryset = Photo.objects.all()
    if can_see_everything(user):
        return queryset
    return queryset.filter(photo_condition_per_row(user))


def visible_albums_per_row(user, include_public=True, queryset=None):
    """:func:`visible_albums` without grants, tested row by row.

    For looking up an album, its neighbours, or a page of albums by date: each
    row is checked with index lookups, so that the cost follows the rows read,
    not the number of albums in the collection.
    """
    if queryset is None:
        queryset = Album.objects.all()
    if can_see_everything(user):
        return queryset
    policies = AlbumAccessPolicy.objects.filter(
        policy_admits(user, include_public), album=OuterRef("pk")
    )
    return queryset.filter(Exists(policies))


def album_is_visible_per_row(user):
    """:func:`album_is_visible` tested on the row of the album."""
    if can_see_everything(user):
        return Value(True)
    if not is_identified(user):
        return Coalesce("album__access_policy__public", False)
    return album_admits(user)


def visible_albums(user, include_public=True, queryset=None, grants=None):
    """Albums that ``user`` may see, optionally leaving out public albums."""
    if queryset is None:
        queryset = Album.objects.all()
    if can_see_everything(user):
        return queryset
    condition = album_condition(user, include_public)
    if grants is not None:
        condition |= shared_album_condition(grants)
    return queryset.filter(condition)


def visible_photos(user, queryset=None, grants=None, albums=None):
    """Photos that ``user`` may see; ``albums``: see :func:`photo_condition`."""
    if queryset is None:
        queryset = Photo.objects.all()
    if can_see_everything(user):
        return queryset
    condition = photo_condition(user, albums)
    if grants is not None:
        condition |= shared_photo_condition(grants)
    return queryset.filter(condition)


def album_is_visible(user, album_field="album", grants=None):
    """Expression telling whether the album in ``album_field`` is visible to ``user``.

    For annotating photos: a photo may be visible in an album that is not.
    """
    if can_see_everything(user):
        return Value(True)
    albums = visible_albums(user, grants=grants).filter(pk=OuterRef(album_field))
    return Exists(albums)


def is_shared(grants, album_field="pk"):
    """Expression telling whether ``grants`` include the album in ``album_field``."""
    if grants is None:
        return Value(False)
    return Exists(grants.filter(album=OuterRef(album_field)))


def granting_link(grants, album_field="pk"):
    """Expression: a link of ``grants`` to the album in ``album_field``, or null."""
    if grants is None:
        return Value(None, output_field=IntegerField())
    links = grants.filter(album=OuterRef(album_field)).order_by("pk")
    return links.values("pk")[:1]


def may_download_album(user, download_grants):
    """Expression telling whether ``user`` may download a visible album.

    ``download_grants`` are the visitor's grants that allow archives.
    """
    if can_see_everything(user):
        return Value(True)
    condition = album_condition(user)
    if download_grants is not None:
        condition |= shared_album_condition(download_grants)
    return ExpressionWrapper(condition, output_field=BooleanField())


def may_download_photo(user, download_grants):
    """Expression telling whether ``user`` may download the original of a visible photo.

    ``download_grants`` are the visitor's grants that allow originals.
    """
    if can_see_everything(user):
        return Value(True)
    condition = photo_condition(user)
    if download_grants is not None:
        condition |= shared_photo_condition(download_grants)
    return ExpressionWrapper(condition, output_field=BooleanField())


def policy_allows(policy, user, include_public=True):
    """Tell whether ``policy`` (possibly ``None``) grants access to ``user``."""
    if policy is None:
        return False
    if include_public and policy.public:
        return True
    if not is_identified(user):
        return False
    if any(member.pk == user.pk for member in policy.users.all()):
        return True
    group_ids = user_group_ids(user)
    return any(group.pk in group_ids for group in policy.groups.all())


def shared_album_ids(grants):
    """Primary keys of the albums of ``grants`` (one query), for object checks."""
    if grants is None:
        return frozenset()
    return frozenset(grants.values_list("album", flat=True))


def can_see_album(user, album, include_public=True, grants=None):
    """Object check matching :func:`visible_albums`."""
    if can_see_everything(user):
        return True
    if policy_allows(album.get_access_policy(), user, include_public):
        return True
    return album.pk in shared_album_ids(grants)


def is_shared_photo(photo, grants):
    """Object check matching :func:`shared_photo_condition`."""
    if photo.get_access_policy() is not None:
        return False
    policy = photo.album.get_access_policy()
    if policy is None or not policy.inherit:
        return False
    return photo.album_id in shared_album_ids(grants)


def can_see_photo(user, photo, grants=None):
    """Object check matching :func:`visible_photos`."""
    if can_see_everything(user):
        return True
    if policy_allows(photo.get_effective_access_policy(), user):
        return True
    return grants is not None and is_shared_photo(photo, grants)


def show_public(request):
    """Tell whether album listings include public albums for this request.

    Anonymous users and users who see everything always get them. Other users
    get them after visiting a page with ``?show_public``, until ``?hide_public``;
    the choice is kept in the session.
    """
    user = request.user
    if not is_identified(user) or can_see_everything(user):
        return True
    session = request.session
    if "show_public" in request.GET:
        session["show_public"] = True
    elif "hide_public" in request.GET:
        session["show_public"] = False
    return session.get("show_public", False)

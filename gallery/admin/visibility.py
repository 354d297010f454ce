"""Who can see an album or a photo, and why, in plain words for the admin."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from ..models import Photo

__all__ = ["names", "explain_album", "explain_photo"]

SEE_ALL = gettext_lazy(
    "Only users with the “Can see all photos” permission can see it."
)

PHOTO_REASONS = {
    "own": gettext_lazy(
        "This photo has its own access policy, which overrides its album’s."
    ),
    "inherited": gettext_lazy(
        "This photo has no access policy of its own: it follows its album’s, "
        "because the album’s policy is inherited by its photos."
    ),
    "not-inherited": gettext_lazy(
        "This photo has no access policy of its own, and its album’s access "
        "policy is not inherited by its photos."
    ),
    "none": gettext_lazy("Neither this photo nor its album has an access policy."),
}


def names(objects, limit=None):
    """Join the string forms of ``objects`` for a sentence, up to ``limit``."""
    objects = list(objects)
    shown = ", ".join(str(obj) for obj in objects[:limit])
    return shown + ", …" if limit is not None and len(objects) > limit else shown


def audience(public, groups, users):
    """Name the people that a policy (or part of it) lets in."""
    parts = []
    if public:
        parts.append(_("anyone, including anonymous visitors"))
    if users:
        parts.append(_("the users %(users)s") % {"users": names(users)})
    if groups:
        parts.append(
            _("the members of the groups %(groups)s") % {"groups": names(groups)}
        )
    return pgettext("between the groups of people a policy lets in", "; ").join(parts)


def audience_sentence(policy):
    """One sentence saying who the effective ``policy`` (or ``None``) lets in."""
    if policy is None:
        return str(SEE_ALL)
    if policy.public:
        return _("It is public: anyone can see it, including anonymous visitors.")
    people = audience(False, policy.groups.all(), policy.users.all())
    if not people:
        return _(
            "Its policy is not public and names no user or group: only users "
            "with the “Can see all photos” permission can see it."
        )
    return _(
        "It can be seen by %(people)s, and by users with the “Can see all "
        "photos” permission."
    ) % {"people": people}


def explain_album(album):
    """Return ``(notes, warnings)``: sentences on who can see ``album`` and why."""
    policy = album.get_access_policy()
    if policy is None:
        notes = [_("This album has no access policy."), audience_sentence(None)]
    else:
        notes = [_("This album’s access policy says who can see it.")]
        notes.append(audience_sentence(policy))
        notes.append(inheritance_sentence(policy))
    overriding = own_policy_photos(album)
    if overriding:
        notes.append(
            ngettext(
                "%(count)s photo of this album has its own access policy, "
                "which overrides the album’s.",
                "%(count)s photos of this album have their own access policy, "
                "which overrides the album’s.",
                len(overriding),
            )
            % {"count": number_format(len(overriding), force_grouping=True)}
        )
    wider = [photo for photo in overriding if audience_beyond_album(photo)]
    warnings = []
    if wider:
        warnings.append(
            ngettext(
                "%(count)s photo of this album is visible to people who cannot "
                "see the album: %(photos)s.",
                "%(count)s photos of this album are visible to people who cannot "
                "see the album: %(photos)s.",
                len(wider),
            )
            % {
                "count": number_format(len(wider), force_grouping=True),
                "photos": names(wider, limit=10),
            }
        )
    return notes, warnings


def inheritance_sentence(policy):
    """Say whether the photos of the album of ``policy`` follow it."""
    if policy.inherit:
        return _("Its photos without their own access policy follow this policy.")
    return _(
        "Its photos do not inherit this policy: those without their own access "
        "policy are visible only to users with the “Can see all photos” "
        "permission."
    )


def own_policy_photos(album):
    """Photos of ``album`` with their own policy, ready for explanations."""
    photos = (
        Photo.objects.filter(album=album, access_policy__isnull=False)
        .select_related("access_policy")
        .prefetch_related("access_policy__users", "access_policy__groups")
    )
    photos = list(photos)
    for photo in photos:
        photo.album = album
    return photos


def explain_photo(photo):
    """Return ``(notes, warnings)``: sentences on who can see ``photo`` and why."""
    reason = photo_policy_reason(photo)
    notes = [str(PHOTO_REASONS[reason])]
    notes.append(audience_sentence(photo.get_effective_access_policy()))
    beyond = audience_beyond_album(photo)
    warnings = []
    if beyond:
        warnings.append(
            _("This photo is visible to people who cannot see its album: %(people)s.")
            % {"people": audience(*beyond)}
        )
    return notes, warnings


def photo_policy_reason(photo):
    """Say why ``photo`` has its effective policy.

    One of ``"own"`` (its policy overrides the album's), ``"inherited"`` (it
    follows the album's policy), ``"not-inherited"`` (the album has a policy
    that its photos do not inherit) or ``"none"`` (no policy anywhere).
    """
    if photo.get_access_policy() is not None:
        return "own"
    album_policy = photo.album.get_access_policy()
    if album_policy is None:
        return "none"
    return "inherited" if album_policy.inherit else "not-inherited"


def audience_beyond_album(photo):
    """What lets people see ``photo`` without seeing its album, or ``None``.

    Returns ``(public, groups, users)``: whether the photo is public while its
    album is not, the groups that the photo's policy names and the album's
    does not, and the users that it names and who are not allowed by the
    album's policy, directly or through a group.
    """
    policy = photo.get_access_policy()
    if policy is None:
        return None
    album_policy = photo.album.get_access_policy()
    if album_policy is not None and album_policy.public:
        return None
    album_groups = set(album_policy.groups.all()) if album_policy else set()
    album_users = set(album_policy.users.all()) if album_policy else set()
    groups = [group for group in policy.groups.all() if group not in album_groups]
    users = [user for user in policy.users.all() if user not in album_users]
    if users and album_groups:
        members = _members(users, album_groups)
        users = [user for user in users if user.pk not in members]
    if not (policy.public or groups or users):
        return None
    return policy.public, groups, users


def _members(users, groups):
    """Primary keys of those ``users`` who belong to one of ``groups``."""
    field = type(users[0])._meta.get_field("groups")
    user_field, group_field = field.m2m_field_name(), field.m2m_reverse_field_name()
    memberships = field.remote_field.through.objects.filter(
        **{f"{user_field}__in": users, f"{group_field}__in": groups}
    )
    return set(memberships.values_list(f"{user_field}_id", flat=True))

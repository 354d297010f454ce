"""The access rules of the gallery, stated plainly over a ``World``.

This is a second, independent statement of the rules of ``gallery.access``
(which it must never call): what each user should see on each page.

A share link opened by a user adds, while it is active, its album and what a
user named only in that album's policy would see: the photos inheriting the
policy. ``use`` says what for: "view", "originals" or "archive"; a link may
refuse the last two.
"""

import dataclasses


def grants(policy, user, include_public=True):
    """Tell whether ``policy`` (or ``None``) lets ``user`` in."""
    if policy is None:
        return False
    if policy.public and include_public:
        return True
    if user.anonymous:
        return False
    return user.name in policy.users or bool(user.groups & policy.groups)


def shared(user, album, use="view"):
    """Tell whether a link that ``user`` opened lets ``album`` through for ``use``."""
    return any(link.album is album and link.allows(use) for link in user.links)


def sees_album(user, album, include_public=True, use="view"):
    if user.sees_all or grants(album.policy, user, include_public):
        return True
    return shared(user, album, use)


def photo_policy(photo):
    """The policy that decides for ``photo``: its own, else an inherited one."""
    if photo.policy is not None:
        return photo.policy
    album_policy = photo.album.policy
    if album_policy is not None and album_policy.inherit:
        return album_policy
    return None


def named_user_sees(photo):
    """Tell whether a user named only in the album's policy sees ``photo``."""
    policy = photo_policy(photo)
    return policy is not None and (policy is photo.album.policy or policy.public)


def sees_photo(user, photo, use="view"):
    if user.sees_all or grants(photo_policy(photo), user):
        return True
    return named_user_sees(photo) and shared(user, photo.album, use)


def without_links(user):
    """``user`` as if it had opened no share link."""
    return dataclasses.replace(user, links=())


def needs_link(user, photo, use="view"):
    """Tell whether ``user`` gets ``photo`` for ``use`` only through a link."""
    return sees_photo(user, photo, use) and not sees_photo(without_links(user), photo)


def photos_seen(user, album):
    """Photos of ``album`` that ``user`` sees, as a set."""
    return {photo for photo in album.photos if sees_photo(user, photo)}


def listed(world, user, include_public, query=None, year=None):
    """Albums listed for ``user``, most recent first."""
    albums = [
        album
        for album in world.albums
        if sees_album(user, album, include_public)
        and (query is None or query.lower() in album.name.lower())
        and (year is None or album.date.year == year)
    ]
    return sorted(albums, key=lambda album: (album.date, album.name), reverse=True)


def exportable(user, album):
    """Entries of the album's export for ``user``, or ``None`` for a 404."""
    if not sees_album(user, album, use="archive"):
        return None
    photos = [photo for photo in album.photos if sees_photo(user, photo, "archive")]
    return sorted(photo.filename for photo in photos) or None


def export_needs_link(user, album):
    """Tell whether the export of ``album`` for ``user`` depends on its links."""
    return exportable(user, album) != exportable(without_links(user), album)


def listing_years(world, user, include_public):
    return sorted({album.date.year for album in listed(world, user, include_public)})


def includes_public(user, session_choice):
    """Whether listings include public albums, given the session's choice."""
    if user.anonymous or user.sees_all:
        return True
    return session_choice

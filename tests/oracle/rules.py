"""The access rules of the gallery, stated plainly over a ``World``.

This is a second, independent statement of the rules of ``gallery.access``
(which it must never call): what each user should see on each page.
"""


def grants(policy, user, include_public=True):
    """Tell whether ``policy`` (or ``None``) lets ``user`` in."""
    if policy is None:
        return False
    if policy.public and include_public:
        return True
    if user.anonymous:
        return False
    return user.name in policy.users or bool(user.groups & policy.groups)


def sees_album(user, album, include_public=True):
    return user.sees_all or grants(album.policy, user, include_public)


def photo_policy(photo):
    """The policy that decides for ``photo``: its own, else an inherited one."""
    if photo.policy is not None:
        return photo.policy
    album_policy = photo.album.policy
    if album_policy is not None and album_policy.inherit:
        return album_policy
    return None


def sees_photo(user, photo):
    return user.sees_all or grants(photo_policy(photo), user)


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
    if not sees_album(user, album):
        return None
    names = sorted(photo.filename for photo in photos_seen(user, album))
    return names or None


def listing_years(world, user, include_public):
    return sorted({album.date.year for album in listed(world, user, include_public)})


def includes_public(user, session_choice):
    """Whether listings include public albums, given the session's choice."""
    if user.anonymous or user.sees_all:
        return True
    return session_choice

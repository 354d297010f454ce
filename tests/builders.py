"""Builders for users, groups, albums, photos, policies and images."""

import datetime
import io
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from PIL import Image

from gallery.models import (
    Album,
    AlbumAccessPolicy,
    Photo,
    PhotoAccessPolicy,
    ShareLink,
)

_counter = itertools.count(1)


def make_user(username=None, *, groups=(), perms=(), **fields):
    """Create a user with a usable password equal to its username."""
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(username, password=username, **fields)
    if groups:
        user.groups.set(groups)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_group(name=None):
    return Group.objects.create(name=name or f"group{next(_counter)}")


def make_album(dirpath=None, *, date=None, name=None, category="Photos", **fields):
    number = next(_counter)
    date = date or datetime.date(2013, 1, 1) + datetime.timedelta(days=number)
    name = f"Album {number}" if name is None else name
    dirpath = dirpath or f"{date.year}/{date:%m_%d}_{name}"
    return Album.objects.create(
        category=category, dirpath=dirpath, date=date, name=name, **fields
    )


def make_photo(album=None, filename=None, *, date=None, **fields):
    album = album or make_album()
    number = next(_counter)
    filename = filename or f"photo{number:05d}.jpg"
    return Photo.objects.create(album=album, filename=filename, date=date, **fields)


def _set_members(policy, users, groups):
    policy.users.set(users)
    policy.groups.set(groups)
    return policy


def make_album_policy(album, *, public=False, users=(), groups=(), inherit=True):
    policy = AlbumAccessPolicy.objects.create(
        album=album, public=public, inherit=inherit
    )
    return _set_members(policy, users, groups)


def make_photo_policy(photo, *, public=False, users=(), groups=()):
    policy = PhotoAccessPolicy.objects.create(photo=photo, public=public)
    return _set_members(policy, users, groups)


def make_share_link(album, *, recipient="Grandma", days=30, **fields):
    """Create a share link to ``album`` expiring in ``days`` (``None``: never)."""
    expires = None
    if days is not None:
        expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
    return ShareLink.objects.create(
        album=album, recipient=recipient, expires=expires, **fields
    )


def make_image(width=64, height=48, *, format="JPEG", color=(200, 30, 30), exif=None):
    """Return the bytes of an image file of the given size and format."""
    mode = "L" if isinstance(color, int) else "RGB"
    image = Image.new(mode, (width, height), color)
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(buffer, format, **options)
    return buffer.getvalue()

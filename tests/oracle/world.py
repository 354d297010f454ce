"""Random worlds of users, groups, albums, photos and policies, seeded.

Albums may have share links (active, expired or revoked by the time users
browse), and users, signed in or not, hold none, one or several of them.

A world is described twice: as plain data (``World``), which the rules of
:mod:`tests.oracle.rules` read, and as database rows and stored files, which
the application reads. Every album name and file name carries a unique tag so
that a page can be searched for what it must not show.
"""

import dataclasses
import datetime
import random
import string

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.builders import (
    make_album,
    make_album_policy,
    make_group,
    make_image,
    make_photo,
    make_photo_policy,
    make_share_link,
    make_user,
)

WORDS = ["Snow", "snowy beach", "Beach", "Paris", "Été à Lyon", "Party"]
ALBUM_DATES = [
    datetime.date(2012, 12, 31),
    datetime.date(2013, 1, 19),
    datetime.date(2013, 1, 19),
    datetime.date(2013, 6, 1),
    datetime.date(2015, 3, 8),
]
PHOTO_TIMES = [None, None, (10, 0), (10, 0), (12, 30), (18, 5)]


@dataclasses.dataclass(eq=False)
class Policy:
    public: bool
    users: frozenset
    groups: frozenset
    inherit: bool = True


@dataclasses.dataclass(eq=False)
class LinkSpec:
    album: "AlbumSpec"
    state: str  # "active", "expired" or "revoked" while users browse
    allow_originals: bool = True
    allow_archive: bool = True
    obj: object = None

    def allows(self, use):
        """Tell whether the link, opened before, lets ``use`` through now."""
        if self.state != "active":
            return False
        return use == "view" or getattr(self, f"allow_{use}")


@dataclasses.dataclass(eq=False)
class UserSpec:
    name: str
    sees_all: bool = False
    groups: frozenset = frozenset()
    anonymous: bool = False
    obj: object = None
    links: tuple = ()  # opened in the user's session before browsing


@dataclasses.dataclass(eq=False)
class AlbumSpec:
    tag: str
    name: str
    date: datetime.date
    policy: Policy | None
    pk: int = None
    photos: list = dataclasses.field(default_factory=list)
    obj: object = None

    @property
    def dirpath(self):
        return f"{self.date.year}/{self.date:%m_%d}_{self.tag}"


@dataclasses.dataclass(eq=False)
class PhotoSpec:
    tag: str
    album: AlbumSpec
    date: datetime.datetime | None
    policy: Policy | None
    content: bytes = b""
    pk: int = None

    @property
    def filename(self):
        return f"{self.tag}.jpg"

    @property
    def image_name(self):
        return f"{self.album.dirpath}/{self.filename}"


@dataclasses.dataclass(eq=False)
class World:
    seed: int
    users: list
    groups: list
    albums: list
    links: list = dataclasses.field(default_factory=list)

    @property
    def photos(self):
        return [photo for album in self.albums for photo in album.photos]


class Generator:
    """Draw one small world from ``random.Random(seed)``."""

    def __init__(self, seed):
        self.seed = seed
        self.random = random.Random(seed)
        self.tags = set()

    def tag(self):
        while True:
            tag = "qx" + "".join(self.random.choices(string.ascii_lowercase, k=5))
            if tag not in self.tags:
                self.tags.add(tag)
                return tag

    def subset(self, items, chance=0.35):
        return frozenset(item for item in items if self.random.random() < chance)

    def policy(self, users, groups, absent, album):
        if self.random.random() < absent:
            return None
        return Policy(
            public=self.random.random() < 0.35,
            users=self.subset(users),
            groups=self.subset(groups),
            inherit=self.random.random() < 0.65 if album else True,
        )

    def world(self):
        groups = ["g1", "g2"]
        members = [
            UserSpec(f"u{number}", groups=self.subset(groups, 0.5))
            for number in range(1, 3)
        ]
        viewer = UserSpec("viewer", sees_all=True)
        guest = UserSpec("guest", anonymous=True)
        users = [UserSpec("anonymous", anonymous=True), viewer, *members, guest]
        names = [member.name for member in members]
        count = self.random.randint(1, 3)
        albums = [self.album(names, groups) for _ in range(count)]
        links = [link for album in albums for link in self.links(album)]
        for user in [guest, *members]:
            user.links = tuple(self.subset(links, 0.6))
        shared = self.shared_album(names, groups)
        link = LinkSpec(shared, "active", self.random.random() < 0.5)
        guest.links += (link,)
        return World(self.seed, users, groups, [*albums, shared], [*links, link])

    def shared_album(self, users, groups):
        """A private album whose policy photos inherit, one of them at least.

        Shared with the guest through an active link, so that every world has
        photos seen only through a link, the case that ending links must stop.
        """
        album = self.album(users, groups)
        album.policy = Policy(False, self.subset(users), self.subset(groups), True)
        if all(photo.policy is not None for photo in album.photos):
            photo = self.photo(album, users, groups)
            photo.policy = None
            album.photos.append(photo)
        return album

    def links(self, album):
        """None, one or two links to ``album``, each in a random state."""
        states = ["active", "active", "expired", "revoked"]
        return [
            LinkSpec(
                album,
                self.random.choice(states),
                allow_originals=self.random.random() < 0.7,
                allow_archive=self.random.random() < 0.7,
            )
            for _ in range(self.random.choice([0, 1, 1, 2]))
        ]

    def album(self, users, groups):
        tag = self.tag()
        name = f"{self.random.choice(WORDS)} {tag}"
        date = self.random.choice(ALBUM_DATES)
        album = AlbumSpec(tag, name, date, self.policy(users, groups, 0.2, True))
        for _ in range(self.random.randint(0, 3)):
            album.photos.append(self.photo(album, users, groups))
        return album

    def photo(self, album, users, groups):
        time = self.random.choice(PHOTO_TIMES)
        date = None
        if time is not None:
            date = datetime.datetime.combine(
                album.date, datetime.time(*time), datetime.UTC
            )
        policy = self.policy(users, groups, 0.6, False)
        return PhotoSpec(self.tag(), album, date, policy)


def build(world, photo_storage):
    """Create the rows and files of ``world``; fill in primary keys and users."""
    groups = {name: make_group(f"{name}-{world.seed}") for name in world.groups}
    for user in world.users:
        if user.anonymous:
            user.obj = AnonymousUser()
        else:
            perms = ["gallery.view"] if user.sees_all else []
            user.obj = make_user(
                f"{user.name}-{world.seed}",
                groups=[groups[name] for name in sorted(user.groups)],
                perms=perms,
            )
    by_name = {user.name: user.obj for user in world.users}
    for album in world.albums:
        build_album(album, by_name, groups, photo_storage)
    for number, link in enumerate(world.links):
        link.obj = make_share_link(
            link.album.obj,
            recipient=f"r{number}",
            days=None if number % 2 else 30,
            allow_originals=link.allow_originals,
            allow_archive=link.allow_archive,
        )


def end_links(world):
    """Give each link its state for browsing, once users have opened them."""
    past = timezone.now() - datetime.timedelta(seconds=1)
    for link in world.links:
        if link.state == "expired":
            link.obj.expires = past
        elif link.state == "revoked":
            link.obj.revoked = past
        link.obj.save()


def build_album(album, users, groups, photo_storage):
    row = make_album(album.dirpath, date=album.date, name=album.name)
    album.pk, album.obj = row.pk, row
    if album.policy is not None:
        build_policy(make_album_policy, row, album.policy, users, groups)
    for number, photo in enumerate(album.photos):
        photo.content = make_image(8, 6, color=(number * 40, 90, album.pk % 256))
        photo_storage.save(photo.image_name, ContentFile(photo.content))
        photo_row = make_photo(row, photo.filename, date=photo.date)
        photo.pk = photo_row.pk
        if photo.policy is not None:
            build_policy(make_photo_policy, photo_row, photo.policy, users, groups)


def build_policy(maker, row, policy, users, groups):
    options = {
        "public": policy.public,
        "users": [users[name] for name in sorted(policy.users)],
        "groups": [groups[name] for name in sorted(policy.groups)],
    }
    if maker is make_album_policy:
        options["inherit"] = policy.inherit
    return maker(row, **options)

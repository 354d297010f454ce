"""Fill a myks-gallery 0.9.1 database: users, groups, albums, photos, policies."""

import datetime
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings091")
django.setup()

from django.contrib.auth.models import Group, Permission, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from gallery.models import Album, AlbumAccessPolicy, Photo, PhotoAccessPolicy  # noqa: E402

call_command("migrate", verbosity=0)

joined = datetime.datetime(2019, 5, 4, 10, 0, tzinfo=datetime.UTC)


def user(name, **fields):
    u = User(username=name, date_joined=joined, **fields)
    u.password = "md5$fixedsalt$" + "0" * 32
    u.save()
    return u


admin = user("admin", is_superuser=True, is_staff=True, email="admin@example.com")
viewer = user("viewer", first_name="Véronique", last_name="Œuvrard")
scanner = user("scanner", is_staff=True)
alice = user("alice", first_name="Alice")
bob = user("bob", last_name="Dupont-Léger")
zoe = user("zoë", first_name="Zoë")
nobody = user("nobody", is_active=False)

family = Group.objects.create(name="Famille")
friends = Group.objects.create(name="Amis — proches")
photographers = Group.objects.create(name="写真家")
Group.objects.create(name="empty")

view = Permission.objects.get(content_type__app_label="gallery", codename="view")
scan = Permission.objects.get(content_type__app_label="gallery", codename="scan")
viewer.user_permissions.add(view)
photographers.permissions.add(scan)
scanner.groups.add(photographers)
alice.groups.add(family, friends)
bob.groups.add(family)
zoe.groups.add(friends, photographers)


def album(dirpath, date, name, category="Photos"):
    return Album.objects.create(
        category=category, dirpath=dirpath, date=date, name=name
    )


def photos(a, *specs):
    result = []
    for filename, when in specs:
        date = None if when is None else timezone.make_aware(when, datetime.UTC)
        result.append(Photo.objects.create(album=a, filename=filename, date=date))
    return result


def policy(model, public=False, users=(), groups=(), **fields):
    p = model.objects.create(public=public, **fields)
    p.users.set(users)
    p.groups.set(groups)
    return p


dt = datetime.datetime
snow = album("2013/01_19_Neige à Paris", datetime.date(2013, 1, 19), "Neige à Paris")
snow_photos = photos(
    snow,
    ("2013-01-19_19-12-43.jpg", dt(2013, 1, 19, 18, 12, 43)),
    ("2013-01-19_19-15-02.jpg", dt(2013, 1, 19, 18, 15, 2)),
    ("IMG_0001.JPG", None),
)
policy(AlbumAccessPolicy, public=True, album=snow)
# A photo narrowed to one user in a public album.
policy(PhotoAccessPolicy, users=[alice], photo=snow_photos[1])

family_album = album(
    "2014/07_14_Fête de famille", datetime.date(2014, 7, 14), "Fête de famille"
)
family_photos = photos(
    family_album,
    ("été.jpg", dt(2014, 7, 14, 12, 0, 0)),
    ("gâteau.jpg", None),
    ("2014-07-14_23-59-59.jpg", dt(2014, 7, 14, 21, 59, 59)),
)
policy(AlbumAccessPolicy, groups=[family], album=family_album)
# A photo widened to the public in a family album.
policy(PhotoAccessPolicy, public=True, photo=family_photos[0])

wedding = album(
    "2015/06_20_Mariage de Zoë 💍", datetime.date(2015, 6, 20), "Mariage de Zoë 💍"
)
wedding_photos = photos(
    wedding, ("zoë-1.jpg", dt(2015, 6, 20, 15, 30, 0)), ("zoë-2.jpg", None)
)
policy(
    AlbumAccessPolicy, users=[zoe, bob], groups=[friends], inherit=False, album=wedding
)
policy(
    PhotoAccessPolicy, users=[bob], groups=[family, friends], photo=wedding_photos[0]
)

tokyo = album("2016/04_01_東京", datetime.date(2016, 4, 1), "東京", category="Voyages")
photos(tokyo, ("桜.jpg", dt(2016, 4, 1, 3, 0, 0)))
policy(AlbumAccessPolicy, album=tokyo)  # an empty policy: nobody but see-all users

hidden = album("2017/no_policy", datetime.date(2017, 1, 1), "")
hidden_photos = photos(hidden, ("a.jpg", None), ("b.jpg", dt(2017, 1, 1, 0, 0, 0)))
policy(PhotoAccessPolicy, public=True, photo=hidden_photos[1])

print("albums", Album.objects.count(), "photos", Photo.objects.count())

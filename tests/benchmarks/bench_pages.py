"""Time the gallery pages, here and in myks-gallery 0.9.1, on the same data.

    .venv/bin/python tests/benchmarks/bench_pages.py [--quick]

Each side builds, in an in-memory SQLite database, 1,000 albums of 100 photos
(a third public, a third shared with a group, a third with one user) plus one
public album of 2,000 photos, then times each page with Django's test client
(best CPU time of several runs) for the kinds of visitors named in the labels.
Goals: the index at least 3 times faster than 0.9.1 for every visitor, the
album of 2,000 photos at least 4 times faster, the photo page at least as fast.
"""

import sys
import time
import types
from datetime import date, datetime, timedelta

GOALS = {"index": 3, "album 2000": 4, "photo": 1}  # at least that many times faster
ALBUMS, PHOTOS, BIG_ALBUM = 1000, 100, 2000
QUICK_ALBUMS, QUICK_PHOTOS = 200, 20
REPEAT = 9
ROUNDS = 2

BASE_HTML = {
    "base.html": (
        "<!DOCTYPE html><html><head><title>{% block title %}{% endblock %}</title>"
        "{% block extrahead %}{% endblock %}</head>"
        "<body>{% block content %}{% endblock %}</body></html>"
    )
}

URLCONF = "bench_pages_urls"  # a module made by configure(), same on both sides


def configure():
    """Settings that 0.9.1 and this project both accept."""
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        DATABASES={
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        },
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        INSTALLED_APPS=[
            "gallery.apps.GalleryConfig",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.messages",
            "django.contrib.sessions",
            "django.contrib.staticfiles",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        ROOT_URLCONF=URLCONF,
        SECRET_KEY="benchmark",
        STATIC_URL="/static/",
        USE_TZ=True,
        ALLOWED_HOSTS=["testserver"],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ],
                    # Cached, as in production (DEBUG off, default loaders).
                    "loaders": [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                ("django.template.loaders.locmem.Loader", BASE_HTML),
                                "django.template.loaders.app_directories.Loader",
                            ],
                        ),
                    ],
                },
            }
        ],
        GALLERY_RESIZE_PRESETS={
            "thumb": (128, 128, True),
            "thumb2x": (256, 256, True),
            "standard": (768, 768, False),
        },
    )
    import django

    django.setup()
    from django.urls import include, path

    urls = types.ModuleType(URLCONF)
    urls.urlpatterns = [path("", include("gallery.urls", namespace="gallery"))]
    sys.modules[URLCONF] = urls


def build(albums_count, photos_count):
    """Create the data set with bulk operations; return the users and targets."""
    from django.contrib.auth.models import Group, Permission, User
    from django.core.management import call_command
    from django.utils import timezone

    from gallery.models import Album, AlbumAccessPolicy, Photo

    call_command("migrate", verbosity=0)
    family = Group.objects.create(name="family")
    member = User.objects.create_user("member")
    member.groups.add(family)
    owner = User.objects.create_user("owner")
    viewer = User.objects.create_user("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view"))
    start = date(2000, 1, 1)
    albums = Album.objects.bulk_create(
        Album(
            category="Photos",
            dirpath=f"{i:04d}",
            date=start + timedelta(days=7 * i),
            name=f"Album {i}",
        )
        for i in range(albums_count + 1)
    )
    big = albums[-1]
    policies = AlbumAccessPolicy.objects.bulk_create(
        AlbumAccessPolicy(album=album, public=i % 3 == 0 or album is big)
        for i, album in enumerate(albums)
    )
    Through = AlbumAccessPolicy.groups.through
    Through.objects.bulk_create(
        Through(albumaccesspolicy=p, group=family) for p in policies[1::3]
    )
    Through = AlbumAccessPolicy.users.through
    Through.objects.bulk_create(
        Through(albumaccesspolicy=p, user=owner) for p in policies[2::3]
    )
    tz = timezone.get_current_timezone()
    for album in albums:
        count = BIG_ALBUM if album is big else photos_count
        moment = datetime.combine(album.date, datetime.min.time(), tz)
        Photo.objects.bulk_create(
            Photo(
                album=album,
                filename=f"{j:05d}.jpg",
                date=moment + timedelta(minutes=j // 2),  # pairs share a date
            )
            for j in range(count)
        )
    middle = Photo.objects.filter(album=big).order_by("filename")[BIG_ALBUM // 2]
    return {
        "users": {"member": member, "owner": owner, "viewer": viewer},
        "small": albums[0],
        "big": big,
        "photo": middle,
        "year": albums[len(albums) // 2].date.year,
    }


def best_time(client, url):
    """Best of ``REPEAT`` runs of a GET of ``url``, in seconds of CPU time.

    The database is SQLite in memory, so all the work of a request happens in
    this process: its CPU time measures it, and varies much less than the wall
    clock when other processes compete for the machine.
    """
    times = []
    for _ in range(REPEAT):
        start = time.process_time()
        response = client.get(url)
        times.append(time.process_time() - start)
        assert response.status_code == 200, (url, response.status_code)
    return min(times)


def workloads(data):
    """Pairs of (label, visitor, URL)."""
    from django.urls import reverse

    index = reverse("gallery:index")
    year = reverse("gallery:year", args=[data["year"]])
    small = reverse("gallery:album", args=[data["small"].pk])
    big = reverse("gallery:album", args=[data["big"].pk])
    photo = reverse("gallery:photo", args=[data["photo"].pk])
    return [
        ("index, anonymous", None, index),
        ("index, group member", "member", index),
        ("index, single-user owner", "owner", index),
        ("index, gallery.view", "viewer", index),
        ("year, anonymous", None, year),
        ("year, gallery.view", "viewer", year),
        ("album 100, anonymous", None, small),
        ("album 2000, anonymous", None, big),
        ("album 2000, gallery.view", "viewer", big),
        ("photo, anonymous", None, photo),
        ("photo, group member", "member", photo),
        ("photo, gallery.view", "viewer", photo),
    ]


def worker(side, albums_count, photos_count):
    """Build the data and time every workload; return the best times."""
    configure()
    from django.test import Client

    data = build(int(albums_count), int(photos_count))
    results = {}
    for label, visitor, url in workloads(data):
        client = Client()
        if visitor:
            client.force_login(data["users"][visitor])
        results[label] = best_time(client, url)
    return results


def collect(quick=False):
    """Rows of ``(label, baseline seconds, current seconds, "s")``.

    Both sides run ``ROUNDS`` times, in turn, and keep their best times, so
    that a busy moment of a shared machine doesn't penalise one side only.
    """
    from tests.benchmarks.baseline import compare

    sizes = (QUICK_ALBUMS, QUICK_PHOTOS) if quick else (ALBUMS, PHOTOS)
    rounds = [compare(__file__, *sizes) for _ in range(1 if quick else ROUNDS)]

    def best(side, label):
        return min(results[side][label] for results in rounds)

    return [
        (label, best("baseline", label), best("current", label), "s")
        for label in rounds[0]["current"]
    ]


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    title = (
        f"Pages, {ALBUMS} albums of {PHOTOS} photos"
        f" ({QUICK_ALBUMS} of {QUICK_PHOTOS} with --quick)"
    )
    sys.exit(main(title, collect, worker, faster=GOALS))

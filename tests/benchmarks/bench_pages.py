"""Time the gallery pages, here and in myks-gallery 0.9.1, on the same data.

    .venv/bin/python tests/benchmarks/bench_pages.py [--quick]

Each side builds, in an in-memory SQLite database, 1,000 albums of 100 photos
(a third public, a third shared with a group, a third with one user) plus one
public album of 2,000 photos, then times each page with Django's test client
(best CPU time of several runs) for the kinds of visitors named in the labels.
A full run times the photo page again on 100 albums of 100 photos (10,000 and
the album of 2,000), as it must hold at both sizes.
Goals: the index at least 3 times faster than 0.9.1 for every visitor, the
album of 2,000 photos at least 4 times faster, the photo page at least as fast.
"""

import dataclasses
import sys
import time
from datetime import date, datetime, timedelta

GOALS = {"index": 3, "album 2000": 4, "photo": 1}  # at least that many times faster
ALBUMS, PHOTOS, BIG_ALBUM = 1000, 100, 2000
QUICK_ALBUMS, QUICK_PHOTOS = 200, 20
SMALL_ALBUMS = 100  # of PHOTOS each: the photo page at 10,000 photos too
REPEAT = 9
ROUNDS = 2
SHAPES = [(4000, 3000), (3000, 4000), (6000, 4000), (4000, 4000)]


def measured(number):
    """Sizes and colours of photos where the model records them (1.0, not 0.9.1)."""
    from gallery.models import Photo

    if not hasattr(Photo, "placeholder"):
        return {}
    width, height = SHAPES[number % len(SHAPES)]
    return {"width": width, "height": height, "placeholder": "#6a7b8c"}


def build(albums_count, photos_count):
    """Create the data set with bulk operations; return the users and targets."""
    from django.contrib.auth.models import Group, Permission, User
    from django.utils import timezone

    from gallery.models import Album, AlbumAccessPolicy, Photo

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
                **measured(j),
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


def cpu_time(client, url):
    """Best CPU time of ``REPEAT`` GETs of ``url``, in seconds.

    The database is SQLite in memory, so all the work of a request happens in
    this process: its CPU time measures it, and varies much less than the wall
    clock when other processes compete for the machine.
    """
    from baseline import best_time

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return best_time(get, REPEAT, clock=time.process_time)


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
        ("photo, single-user owner", "owner", photo),
        ("photo, gallery.view", "viewer", photo),
    ]


def worker(side, albums_count, photos_count, pages="all"):
    """Build the data and time the workloads of ``pages`` (all, or photo)."""
    from workspace import TEMPLATE_PRESETS, setup_django

    setup_django(site=True, GALLERY_RESIZE_PRESETS=TEMPLATE_PRESETS)
    from django.test import Client

    data = build(int(albums_count), int(photos_count))
    results = {}
    for label, visitor, url in workloads(data):
        if not label.startswith(pages) and pages != "all":
            continue
        client = Client()
        if visitor:
            client.force_login(data["users"][visitor])
        results[label] = cpu_time(client, url)
    return results


def collect(quick=False):
    """Rows of the best times of each page, keyed by their labels.

    Both sides run ``ROUNDS`` times, in turn, and keep their best times, so
    that a busy moment of a shared machine doesn't penalise one side only.
    """
    from tests.benchmarks.baseline import compare, rows_of

    sizes = (QUICK_ALBUMS, QUICK_PHOTOS) if quick else (ALBUMS, PHOTOS)
    results = compare(__file__, *sizes, rounds=1 if quick else ROUNDS)
    rows = rows_of(
        results, [(label, sized(label, *sizes), "s") for label in results["current"]]
    )
    if not quick:
        small = compare(__file__, SMALL_ALBUMS, PHOTOS, "photo", rounds=ROUNDS)
        measures = [
            (label, sized(label, SMALL_ALBUMS, PHOTOS), "s")
            for label in small["current"]
        ]
        rows += [
            dataclasses.replace(row, key=f"{row.key}, small")
            for row in rows_of(small, measures)
        ]
    return rows


def sized(label, albums_count, photos_count):
    """``label``, with the number of photos for the photo page's rows."""
    if not label.startswith("photo"):
        return label
    return f"{label}, {albums_count * photos_count + BIG_ALBUM:,} photos"


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main(sys.modules[__name__]))

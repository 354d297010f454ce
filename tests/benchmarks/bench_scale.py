"""The pages and the admin's lists at 1,000,000 photos against 100,000.

    .venv/bin/python tests/benchmarks/bench_scale.py [--quick]

This project alone: the question is how its pages grow with the collection,
not how they compare with 0.9.1. Each size gets a worker of its own, with a
SQLite database in a temporary folder filled by bulk SQL: albums of 100
photos (10,000 of them at 1,000,000 photos, 1,000 at 100,000), 336 albums a
year as the scan benchmark names them, a third public, a third shared with a
group, a third with one user, one photo in a hundred with a policy of its own,
and a public album of 2,000 photos. Each page is timed (best CPU time of
several requests) and its queries counted, for an anonymous visitor and a
group member; the admin's lists for a superuser. Quick mode compares 10,000
photos with 100,000.

Goals, for every page and visitor: at most 1.5 times its time at the smaller
size, and the same number of queries.
"""

import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

SIZES = (1_000, 10_000)  # albums of PHOTOS photos: 100,000 and 1,000,000
QUICK_SIZES = (100, 1_000)
PHOTOS = 100
BIG_ALBUM = 2_000
ALBUMS_A_YEAR = 336
YEAR = 2000  # a year with albums at every size, full from 33,600 photos
REPEAT = 7
ROUNDS = 2
MAX_RATIO = 1.5
BATCH = 50_000
WORKLOADS = [  # label, visitor, page
    ("index, anonymous", None, "index"),
    ("index, group member", "member", "index"),
    ("year, anonymous", None, "year"),
    ("year, group member", "member", "year"),
    ("album 2000, anonymous", None, "big"),
    ("album 2000, group member", "member", "big"),
    ("album 100, group member", "member", "small"),
    ("photo, anonymous", None, "photo"),
    ("photo, group member", "member", "photo"),
    ("admin album list", "admin", "admin albums"),
    ("admin photo list", "admin", "admin photos"),
]


def album_date(number):
    """The date of album ``number``: 28 a month, 336 a year from 2000."""
    return date(2000 + number // ALBUMS_A_YEAR, number // 28 % 12 + 1, number % 28 + 1)


def add_albums(count):
    """Create ``count`` albums of the data set and their policies; return the albums."""
    from django.contrib.auth.models import Group, User

    from gallery.models import Album, AlbumAccessPolicy

    family = Group.objects.get(name="family")
    owner = User.objects.get(username="owner")
    Album.objects.bulk_create(
        Album(
            category="Photos",
            dirpath=f"{album_date(i).year}/album{i:05d}",
            date=album_date(i),
            name=f"Album {i}",
        )
        for i in range(count + 1)
    )
    albums = list(Album.objects.order_by("pk"))
    big = albums[-1]
    big.date = album_date(ALBUMS_A_YEAR // 2)  # in YEAR
    big.save()
    AlbumAccessPolicy.objects.bulk_create(
        AlbumAccessPolicy(album=album, public=i % 3 == 0 or album is big)
        for i, album in enumerate(albums)
    )
    policies = list(AlbumAccessPolicy.objects.order_by("album_id"))
    groups = AlbumAccessPolicy.groups.through
    groups.objects.bulk_create(
        groups(albumaccesspolicy=p, group=family) for p in policies[1::3]
    )
    users = AlbumAccessPolicy.users.through
    users.objects.bulk_create(
        users(albumaccesspolicy=p, user=owner) for p in policies[2::3]
    )
    return albums


def photo_rows(albums):
    """Rows ``(album_id, filename, date, etag)`` of every photo, as the scan writes."""
    from django.db import connection

    adapt = connection.ops.adapt_datetimefield_value
    for album in albums:
        count = BIG_ALBUM if album is albums[-1] else PHOTOS
        start = datetime.combine(album.date, datetime.min.time(), UTC)
        for j in range(count):
            moment = adapt(start + timedelta(minutes=j // 2))  # pairs share a date
            yield album.pk, f"{j:05d}.jpg", moment, ""


def insert_photos(albums):
    """Insert the photos with one bulk statement a batch, through the driver."""
    from django.db import connection, transaction

    from gallery.models import Photo, PhotoAccessPolicy

    table = connection.ops.quote_name(Photo._meta.db_table)
    sql = (
        f"INSERT INTO {table} (album_id, filename, date, etag) VALUES (%s, %s, %s, %s)"
    )
    rows, batch = photo_rows(albums), True
    with transaction.atomic(), connection.cursor() as cursor:
        while batch:
            batch = [row for _, row in zip(range(BATCH), rows, strict=False)]
            if batch:
                cursor.executemany(sql, batch)
        own = PhotoAccessPolicy._meta.db_table
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(own)} (photo_id, public) "
            f"SELECT id, id % 2 = 0 FROM {table} WHERE id % 100 = 50"
        )


def build(albums_count):
    """The data set of ``albums_count`` albums of ``PHOTOS``; return the targets."""
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from gallery.models import Photo

    with connection.cursor() as cursor:  # a throwaway database: no journal
        cursor.execute("PRAGMA journal_mode = OFF")
        cursor.execute("PRAGMA synchronous = OFF")
    family = Group.objects.create(name="family")
    User.objects.create_user("member").groups.add(family)
    User.objects.create_user("owner")
    User.objects.create_superuser("admin", "", "admin")
    albums = add_albums(albums_count)
    insert_photos(albums)
    big, small = albums[-1], albums[1]  # a group album in YEAR
    middle = Photo.objects.filter(album=big).order_by("filename")[BIG_ALBUM // 2]
    return {"big": big.pk, "small": small.pk, "photo": middle.pk}


def urls(targets):
    """The URL of each page of :data:`WORKLOADS`."""
    from django.urls import reverse

    return {
        "index": reverse("gallery:index"),
        "year": reverse("gallery:year", args=[YEAR]),
        "big": reverse("gallery:album", args=[targets["big"]]),
        "small": reverse("gallery:album", args=[targets["small"]]),
        "photo": reverse("gallery:photo", args=[targets["photo"]]),
        "admin albums": "/admin/gallery/album/",
        "admin photos": "/admin/gallery/photo/",
    }


def measure(client, url):
    """Best CPU time of ``REPEAT`` GETs of ``url``, and its number of queries."""
    from baseline import best_time
    from workspace import count_queries

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    queries = count_queries(get)  # and templates compiled before the timing
    return best_time(get, REPEAT, clock=time.process_time), queries


def worker(side, albums_count):
    """Build ``albums_count`` albums in a file database; time and count each page."""
    from workspace import TEMPLATE_PRESETS, fresh_database, setup_django

    folder = tempfile.mkdtemp(prefix="gallery-scale-")
    database = fresh_database(folder, side)
    try:
        setup_django(
            database=database,
            admin=True,
            GALLERY_PHOTO_DIR="/nonexistent",
            GALLERY_CACHE_DIR="/nonexistent",
            GALLERY_RESIZE_PRESETS=TEMPLATE_PRESETS,
        )
        return measure_all(build(int(albums_count)))
    finally:
        os.remove(database)
        os.rmdir(folder)


def measure_all(targets):
    """Times and query counts of every workload, keyed by its label."""
    from django.contrib.auth.models import User
    from django.test import Client

    pages, results = urls(targets), {}
    for label, visitor, page in WORKLOADS:
        client = Client()
        if visitor:
            client.force_login(User.objects.get(username=visitor))
        seconds, queries = measure(client, pages[page])
        results[label] = seconds
        results[f"{label}, queries"] = queries
    return results


def photos_of(albums_count):
    """The number of photos of a data set of ``albums_count`` albums, as text."""
    return f"{albums_count * PHOTOS + BIG_ALBUM:,} photos"


def collect(quick=False):
    """Rows: each page's time and queries at both sizes, this project alone."""
    from tests.benchmarks.baseline import Row, best_figures, run_worker

    sizes = QUICK_SIZES if quick else SIZES
    runs = {size: [] for size in sizes}
    for _ in range(1 if quick else ROUNDS):
        for size in sizes:
            runs[size].append(run_worker("current", __file__, size))
    rows = []
    for size in sizes:
        figures = best_figures(runs[size])
        for label, _, _ in WORKLOADS:
            for key, unit in ((label, "s"), (f"{label}, queries", "")):
                name = f"{key}, {photos_of(size)}"
                rows.append(Row(f"{key}@{size}", name, None, figures[key], unit))
    return rows


def goals(rows):
    """Two :class:`~baseline.Goal` a page: its time, and its queries, as it grows."""
    from tests.benchmarks.baseline import Goal

    by_size = {}
    for row in rows:
        key, size = row.key.rsplit("@", 1)
        by_size.setdefault(int(size), {})[key] = row.current
    small, large = (by_size[size] for size in sorted(by_size))
    grown = f"{photos_of(max(by_size))} vs {photos_of(min(by_size))}"
    results = []
    for label, _, _ in WORKLOADS:
        times = large[label] / small[label]
        before, after = small[f"{label}, queries"], large[f"{label}, queries"]
        text = f"{label}: {grown} <= {MAX_RATIO}x"
        results.append(Goal(text, f"{times:.2f}x", times <= MAX_RATIO))
        text = f"{label}: same queries"
        results.append(Goal(text, f"{before} -> {after}", before == after))
    return results


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main(sys.modules[__name__]))

"""The admin's photo and album changelists on a large collection.

Seeds SQLite (in memory) with albums, their policies, photos and a few photo
policies, then times the changelists as a superuser and counts their
queries, in this project and in myks-gallery 0.9.1.

Run: ``.venv/bin/python tests/benchmarks/bench_admin.py [--quick]``.
"""

import sys

PHOTOS = 100_000
QUICK_PHOTOS = 10_000
PHOTOS_PER_ALBUM = 100
# The issue asks for "well under a second" with 100,000 photos.
GOAL_SECONDS = 0.5


def seed(photos):
    """Create ``photos`` photos in albums of 100, every album with a policy."""
    import datetime

    from django.contrib.auth.models import Group, User

    from gallery.models import Album, AlbumAccessPolicy, Photo, PhotoAccessPolicy

    group = Group.objects.create(name="friends")
    member = User.objects.create_user("member")
    start = datetime.date(2000, 1, 1)
    albums = Album.objects.bulk_create(
        Album(
            category="Photos",
            dirpath=f"{start.year + i // 300}/album{i:05d}",
            date=start + datetime.timedelta(days=i),
            name=f"Album {i}",
        )
        for i in range(photos // PHOTOS_PER_ALBUM)
    )
    albums = list(Album.objects.order_by("pk"))
    policies = AlbumAccessPolicy.objects.bulk_create(
        AlbumAccessPolicy(album=album, public=i % 3 == 0)
        for i, album in enumerate(albums)
    )
    policies = list(AlbumAccessPolicy.objects.order_by("pk"))
    AlbumAccessPolicy.groups.through.objects.bulk_create(
        AlbumAccessPolicy.groups.through(albumaccesspolicy=policy, group=group)
        for policy in policies
    )
    moment = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    Photo.objects.bulk_create(
        (
            Photo(
                album=albums[i // PHOTOS_PER_ALBUM],
                filename=f"photo{i:06d}.jpg",
                date=moment + datetime.timedelta(hours=i),
            )
            for i in range(photos)
        ),
        batch_size=5000,
    )
    own = list(Photo.objects.order_by("pk").values_list("pk", flat=True))[::100]
    PhotoAccessPolicy.objects.bulk_create(PhotoAccessPolicy(photo_id=pk) for pk in own)
    PhotoAccessPolicy.users.through.objects.bulk_create(
        PhotoAccessPolicy.users.through(photoaccesspolicy=policy, user=member)
        for policy in PhotoAccessPolicy.objects.all()
    )


def measure(client, url):
    """Best time (of ``baseline.REPEAT``) and query count of GET ``url``."""
    from baseline import best_time
    from workspace import count_queries

    def get():
        assert client.get(url).status_code == 200

    queries = count_queries(get)  # and templates compiled before the timing
    return best_time(get), queries


def worker(side, photos):
    """Seed ``photos`` photos; time and count the changelists as a superuser."""
    from workspace import setup_django

    setup_django(
        admin=True,
        GALLERY_PHOTO_DIR="/nonexistent",
        GALLERY_CACHE_DIR="/nonexistent",
        GALLERY_RESIZE_PRESETS={"thumb": (128, 128, True)},
    )
    seed(int(photos))
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.create_superuser("admin", "", "admin"))
    photo_time, photo_queries = measure(client, "/admin/gallery/photo/")
    search_time, _ = measure(client, "/admin/gallery/photo/?q=album+7")
    album_time, album_queries = measure(client, "/admin/gallery/album/")
    return {
        "photo_time": photo_time,
        "photo_queries": photo_queries,
        "search_time": search_time,
        "album_time": album_time,
        "album_queries": album_queries,
    }


def collect(quick=False):
    """Rows of times and queries of the admin changelists."""
    from tests.benchmarks.baseline import compare, rows_of

    photos = QUICK_PHOTOS if quick else PHOTOS
    size = f"{photos:,} photos"
    measures = [
        ("photo_time", f"admin photo list, {size}", "s"),
        ("search_time", f"admin photo search, {size}", "s"),
        ("album_time", f"admin album list, {size}", "s"),
        ("photo_queries", "admin photo list, SQL queries", ""),
        ("album_queries", "admin album list, SQL queries", ""),
    ]
    return rows_of(compare(__file__, photos), measures)


def goals(rows):
    """One :class:`~baseline.Goal`: the goal of the admin issue."""
    from tests.benchmarks.baseline import Goal, by_key

    seconds = by_key(rows)["photo_time"].current
    goal = f"admin photo list under {GOAL_SECONDS} s"
    return [Goal(goal, f"{seconds:.3f} s", seconds < GOAL_SECONDS)]


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main(sys.modules[__name__]))

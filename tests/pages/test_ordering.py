"""The total order of photos and albums, and walking it both ways."""

import datetime

import pytest

from gallery.models import Album, Photo
from gallery.pages.ordering import ALBUM_ORDER, PHOTO_ORDER, neighbour, order_by
from tests.builders import make_album, make_photo

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2013, 1, 19, 12, tzinfo=datetime.UTC)


def walk(first, queryset, fields, forward):
    seen = [first]
    while (following := neighbour(seen[-1], queryset, fields, forward)) is not None:
        seen.append(following)
    return seen


def test_photos_with_equal_and_missing_dates():
    album = make_album()
    # Created out of order, so that primary keys follow neither dates nor names.
    specs = [
        ("b.jpg", NOON),
        ("a.jpg", None),
        ("c.jpg", NOON),
        ("ab.jpg", NOON),
        ("d.jpg", None),
        ("e.jpg", NOON - datetime.timedelta(hours=1)),
    ]
    for filename, date in specs:
        make_photo(album, filename, date=date)
    photos = Photo.objects.filter(album=album)
    ordered = list(order_by(photos, PHOTO_ORDER))
    assert [p.date is None for p in ordered[:2]] == [True, True]
    assert [p.filename for p in ordered] == [
        "a.jpg",
        "d.jpg",
        "e.jpg",
        "ab.jpg",
        "b.jpg",
        "c.jpg",
    ]
    assert walk(ordered[0], photos, PHOTO_ORDER, True) == ordered
    assert walk(ordered[-1], photos, PHOTO_ORDER, False) == ordered[::-1]
    reverse = list(order_by(photos, PHOTO_ORDER, reverse=True))
    assert reverse == ordered[::-1]


def test_albums_sharing_date_and_name():
    date = datetime.date(2013, 1, 19)
    for dirpath in ["x/b", "x/a", "x/c"]:
        make_album(dirpath, date=date, name="Same")
    make_album("y", date=date, name="Earlier name")
    albums = Album.objects.all()
    ordered = list(order_by(albums, ALBUM_ORDER))
    assert [a.dirpath for a in ordered] == ["y", "x/a", "x/b", "x/c"]
    assert walk(ordered[0], albums, ALBUM_ORDER, True) == ordered
    assert walk(ordered[-1], albums, ALBUM_ORDER, False) == ordered[::-1]

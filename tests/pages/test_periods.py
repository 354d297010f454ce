"""The periods that have albums, next to what ``QuerySet.dates()`` returns."""

from datetime import date

import pytest

from gallery.models import Album
from gallery.pages.periods import album_periods
from tests.builders import make_album

pytestmark = pytest.mark.django_db

DATES = [date(999, 12, 31), date(2012, 1, 1), date(2012, 12, 31), date(2013, 6, 15)]


@pytest.fixture
def albums():
    for day in DATES + [date(2013, 6, 1)]:
        make_album(date=day)
    return Album.objects.all()


@pytest.mark.parametrize("kind", ["year", "month"])
def test_periods_are_those_of_dates(albums, kind):
    periods = album_periods(albums, kind)
    assert sorted(periods) == list(albums.dates("date", kind))


def test_albums_are_counted_in_their_period(albums):
    assert album_periods(albums, "month") == {
        date(999, 12, 1): 1,
        date(2012, 1, 1): 1,
        date(2012, 12, 1): 1,
        date(2013, 6, 1): 2,
    }


def test_filtered_albums(albums):
    assert album_periods(albums.filter(date__year=2012), "year") == {
        date(2012, 1, 1): 2
    }

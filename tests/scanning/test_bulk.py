"""Rows written in one statement read back as the ORM would have written them."""

import datetime
import zoneinfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from gallery.models import Photo
from gallery.scanning import bulk as bulk_module
from gallery.scanning.bulk import insert_rows, update_rows
from tests.builders import make_album, make_photo

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = datetime.UTC

DATES = [
    None,
    datetime.datetime(2013, 1, 19, 19, 12, 43, tzinfo=PARIS),
    datetime.datetime(2013, 3, 31, 3, 30, tzinfo=PARIS),  # just after the DST jump
    datetime.datetime(2013, 10, 27, 2, 30, fold=1, tzinfo=PARIS),  # the repeated hour
    datetime.datetime(2017, 7, 14, 2, 40, 0, 123456, tzinfo=UTC),
    datetime.datetime(2017, 7, 14, 2, 40, 0, 1, tzinfo=UTC),
    datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),  # before 1970
    datetime.datetime(1901, 5, 1, 12, 0, tzinfo=PARIS),
    datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime.datetime(1, 1, 2, tzinfo=UTC),
]


def raw_dates():
    """The date and modified columns as the database holds them, by file name."""
    table = Photo._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT filename, date, modified FROM {table}")
        return {name: (date, modified) for name, date, modified in cursor.fetchall()}


def written_by_orm_and_in_bulk(dates):
    album = make_album()
    for number, date in enumerate(dates):
        make_photo(album, f"orm{number}.jpg", date=date, modified=date)
    rows = [
        (album, f"bulk{number}.jpg", date, None, date, "")
        for number, date in enumerate(dates)
    ]
    insert_rows(Photo, ("album", "filename", "date", "size", "modified", "etag"), rows)
    stored = raw_dates()
    return [
        (stored[f"orm{number}.jpg"], stored[f"bulk{number}.jpg"])
        for number in range(len(dates))
    ]


def test_insert_stores_datetimes_as_the_orm_does():
    for orm, bulk in written_by_orm_and_in_bulk(DATES):
        assert bulk == orm


@override_settings(USE_TZ=False, TIME_ZONE="Europe/Paris")
def test_insert_stores_naive_datetimes_as_the_orm_does():
    naive = [None if date is None else date.replace(tzinfo=None) for date in DATES]
    for orm, bulk in written_by_orm_and_in_bulk(naive[:-1]):
        assert bulk == orm


def test_update_stores_datetimes_as_the_orm_does():
    album = make_album()
    photos = [make_photo(album, f"p{number}.jpg") for number in range(len(DATES))]
    update_rows(
        Photo,
        ("date",),
        [(photo.pk, date) for photo, date in zip(photos, DATES, strict=True)],
    )
    stored = [Photo.objects.get(pk=photo.pk).date for photo in photos]
    # As instants: an ambiguous time (fold=1) never equals another zone's time.
    assert [date and date.timestamp() for date in stored] == [
        date and date.timestamp() for date in DATES
    ]


def test_insert_resolves_objects_created_in_the_same_transaction():
    album = make_album()
    rows = [(album, "a.jpg", ""), (album.pk, "b.jpg", "")]
    insert_rows(Photo, ("album", "filename", "etag"), rows)
    assert sorted(album.photo_set.values_list("filename", flat=True)) == [
        "a.jpg",
        "b.jpg",
    ]


@pytest.mark.parametrize("count", [3, 12_001])  # one chunk, and several
def test_insert_leaves_out_values_past_the_fields(monkeypatch, count):
    album = make_album()
    rows = [(album, f"{number}.jpg", "", 987_654) for number in range(count)]
    sent = []
    original = bulk_module._encode_rows
    monkeypatch.setattr(
        bulk_module,
        "_encode_rows",
        lambda *args: sent.extend(encoded := original(*args)) or encoded,
    )
    insert_rows(Photo, ("album", "filename", "etag"), rows)
    photos = Photo.objects.filter(album=album)
    assert photos.count() == count
    assert set(photos.values_list("width", flat=True)) == {None}
    assert {len(row) for row in sent} == {3}  # 987654 is never sent
    assert rows[0][3] == 987_654  # the rows keep their values


# Zones whose hours do not all map to whole hours of UTC: offsets in
# minutes, a summer time of half an hour, offsets of the 19th century.
ODD_ZONES = [
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "Europe/Paris",
    "Pacific/Chatham",
]


@pytest.mark.parametrize("database_zone", [UTC, zoneinfo.ZoneInfo("Asia/Kathmandu")])
def test_hourly_texts_are_those_of_each_value(database_zone):
    """The texts written an hour at a time are those of each value alone."""
    convert = bulk_module._sqlite_datetime_text(database_zone)
    # With a naive one, and without the last day of the calendar when the
    # database's zone is ahead of UTC: it has no text there.
    values = [*DATES, datetime.datetime(2013, 1, 19, 19, 12, 43)]
    if database_zone is not UTC:
        values = [value for value in values if not value or value.year < 9999]
    for name in ODD_ZONES:
        zone = zoneinfo.ZoneInfo(name)
        for year in (1850, 1970, 2013, 2024):
            # Every half hour of the year: each change of offset, both folds.
            start = datetime.datetime(year, 1, 1, tzinfo=zone)
            for step in range(0, 366 * 48, 7):
                local = start + datetime.timedelta(minutes=30 * step, seconds=step)
                values += [local, local.replace(fold=1, microsecond=step)]
    expected = [convert(value) for value in values]
    assert bulk_module._sqlite_texts(database_zone)(values) == expected


@given(
    st.lists(
        st.datetimes(
            min_value=datetime.datetime(1, 1, 2),
            max_value=datetime.datetime(9999, 12, 30),
            timezones=st.sampled_from([UTC, *map(zoneinfo.ZoneInfo, ODD_ZONES)]),
            allow_imaginary=True,
        )
        | st.none(),
        max_size=50,
    )
)
@settings(max_examples=300, deadline=None)
def test_hourly_texts_of_any_datetimes(values):
    convert = bulk_module._sqlite_datetime_text(UTC)
    assert bulk_module._sqlite_texts(UTC)(values) == [convert(v) for v in values]


@pytest.mark.parametrize("count", [1, 3, 4, 5, 11])
def test_insert_in_groups_writes_each_row_once(monkeypatch, count):
    """On SQLite, rows go four at a time here: whole groups, a padded one."""
    monkeypatch.setattr(bulk_module, "_GROUP_ROWS", 4)
    album = make_album()
    rows = [
        (album, f"{number}.jpg", DATES[number % 3], number, "")
        for number in range(count)
    ]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(Photo, ("album", "filename", "date", "size", "etag"), rows)
    assert len(queries) == 1  # one statement, however many rows
    stored = Photo.objects.filter(album=album).order_by("size")
    assert [(p.filename, p.date, p.size, p.etag) for p in stored] == [
        row[1:] for row in rows
    ]
    assert Photo.objects.count() == count  # no row of the padding


def test_insert_in_groups_fails_as_a_whole(monkeypatch):
    monkeypatch.setattr(bulk_module, "_GROUP_ROWS", 4)
    album = make_album()
    rows = [(album, f"{number % 5}.jpg", "") for number in range(7)]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Photo, ("album", "filename", "etag"), rows)
    assert not Photo.objects.exists()

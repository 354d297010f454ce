"""Insert or update any number of rows in one statement on SQLite and PostgreSQL.

The rows come in chunks, which one ``executemany`` sends as they come, so
that neither the number of queries nor the memory grows with the number of
rows; other databases fall back to Django's batches. Datetimes travel as the
text Django stores on SQLite, and as aware or naive values, as Django would
store them, on PostgreSQL.
"""

import contextlib
import datetime
import functools
import itertools
import operator
import sqlite3

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

__all__ = ["insert_chunks", "insert_rows", "prepare", "update_chunks", "update_rows"]

_BATCH_SIZE = 500
_GROUP_ROWS = 500  # rows of each execution of an insert on SQLite, at most
_ONE_STATEMENT = ("sqlite", "postgresql")


def insert_rows(model, fields, rows):
    """Insert ``rows``, tuples of Python values for ``fields``, into the table."""
    insert_chunks(model, fields, [rows])


def insert_chunks(model, fields, chunks, foreign=None):
    """Insert the rows of ``chunks`` (lists of tuples for ``fields``; values
    past those of ``fields`` are left out).

    ``foreign``, if given, turns the values of foreign keys into pks, a list
    at a time; by default, objects are replaced by their pk.
    """
    columns = [model._meta.get_field(name) for name in fields]
    if connection.vendor not in _ONE_STATEMENT:
        for rows in chunks:
            rows = _encode_rows(columns, rows, {models.ForeignKey: _resolve_all})
            objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
            model.objects.bulk_create(objs, batch_size=_BATCH_SIZE)
        return
    names = ", ".join(_quote(column.column) for column in columns)
    table = _quote(model._meta.db_table)
    if connection.vendor == "sqlite":
        sql, grouped = _sqlite_grouped_insert(table, names, len(columns))
        _execute_many(sql, columns, chunks, foreign, grouped)
        return
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    _execute_many(sql, columns, chunks, foreign)


def _sqlite_grouped_insert(table, names, width):
    """An insert of many rows at each execution on SQLite, and the function
    turning rows into its parameters.

    Each execution of a statement costs SQLite about as much as writing a
    row (and updates the table's ``AUTOINCREMENT`` counter): many rows to a
    statement write a scan's photos in two thirds of the time. The rows go in
    groups of a fixed size, each row after a marker, the last group padded
    with rows of nulls whose marker drops them; so one statement serves every
    group and the inserts of a scan stay one ``executemany``.
    """
    size = max(1, min(_GROUP_ROWS, _sqlite_max_params() // (width + 1)))
    row = "(" + ", ".join(["%s"] * (width + 1)) + ")"
    values = ", ".join([row] * size)
    picked = ", ".join(f"column{number}" for number in range(2, width + 2))
    sql = (
        f"INSERT INTO {table} ({names}) SELECT {picked} "
        f"FROM (VALUES {values}) WHERE column1 IS NOT NULL"
    )
    padding = (None,) * (width + 1)

    def grouped(rows):
        rows = iter(rows)
        while group := list(itertools.islice(rows, size)):
            values = []
            for row in group:
                values.append(1)
                values.extend(row)
            values.extend(padding * (size - len(group)))
            yield values

    return sql, grouped


def update_rows(model, fields, rows):
    """Update ``fields`` of ``model`` from ``rows``, tuples of a pk and values."""
    update_chunks(model, fields, [rows])


def update_chunks(model, fields, chunks):
    """Update ``fields`` from the rows of ``chunks``, tuples of a pk and values."""
    if connection.vendor not in _ONE_STATEMENT:
        for rows in chunks:
            objs = [
                model(pk=row[0], **dict(zip(fields, row[1:], strict=True)))
                for row in rows
            ]
            model.objects.bulk_update(objs, fields, batch_size=_BATCH_SIZE)
        return
    columns = [model._meta.get_field(name) for name in fields] + [model._meta.pk]
    assignments = ", ".join(f"{_quote(column.column)} = %s" for column in columns[:-1])
    table, pk = _quote(model._meta.db_table), _quote(columns[-1].column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"
    moved = ((*row[1:], row[0]) for rows in chunks for row in rows)  # pk last
    _execute_many(sql, columns, _batched(moved))


def _batched(rows, size=10_000):
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _sqlite_max_params():
    """The most parameters a statement may have on this SQLite connection."""
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def _execute_many(sql, columns, chunks, foreign=None, grouped=None):
    """Run ``sql`` once for each row of ``chunks``, in one ``executemany``
    (or once for each set of parameters ``grouped`` makes of the rows)."""
    if connection.vendor == "sqlite":
        datetimes = _sqlite_texts(connection.timezone)
    else:
        datetimes = _as_stored
    encoders = {
        models.ForeignKey: foreign or _resolve_all,
        models.DateTimeField: datetimes,
    }
    rows = (row for chunk in chunks for row in _encode_rows(columns, chunk, encoders))
    first = next(rows, None)
    if first is None:
        return
    rows = itertools.chain([first], rows)
    if grouped:
        rows = grouped(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _sqlite_execute_many(cursor, sql, rows)
        else:
            cursor.executemany(sql, rows)


def _sqlite_execute_many(cursor, sql, rows):
    """``executemany`` on SQLite, without Django's peek at the first row.

    Django's SQLite cursor peeks through ``itertools.tee``, which then keeps
    every row sent until the statement ends: all of them. The statement is
    logged and its errors are Django's all the same.
    """
    sql = sql.replace("%s", "?")
    log = getattr(cursor, "debug_sql", None)  # when queries are recorded
    logged = log(sql, rows, many=True) if log else contextlib.nullcontext()
    with logged, connection.wrap_database_errors:
        sqlite3.Cursor.executemany(cursor.cursor, sql, rows)


def _encode_rows(columns, rows, encoders, chunk=5_000):
    """A list of ``rows`` cut to one value a column, the values of each column
    encoded by its type's encoder (``rows`` is left as it is).

    Column by column, each encoder runs one comprehension instead of a call
    for each value; chunk by chunk, the encoded rows replace the originals in
    the new list, so that a chunk at a time stays in memory twice; named
    tuples stay named tuples of their class, unless cut.
    """
    encode = [
        next((encoders[kind] for kind in encoders if isinstance(column, kind)), None)
        for column in columns
    ]
    rows = list(rows)
    if not rows or (not any(encode) and len(rows[0]) == len(columns)):
        return rows
    # tuple.__new__ bound to the class: no Python call a row.
    remake = functools.partial(tuple.__new__, type(rows[0]))
    if len(rows[0]) > len(columns):
        remake = tuple  # a named tuple cut short is a tuple
    for start in range(0, len(rows), chunk):
        values = zip(*rows[start : start + chunk], strict=True)
        encoded = (
            encoder(column) if encoder else column
            # Stops at the last column: the values past it stay unmade.
            for encoder, column in zip(encode, values, strict=False)
        )
        rows[start : start + chunk] = map(remake, zip(*encoded, strict=True))
    return rows


def _resolve_all(values):
    """Objects created earlier in the transaction replaced by their pk."""
    return [getattr(value, "pk", value) for value in values]


def _as_stored(values):
    """Datetimes as Django would store them on PostgreSQL.

    With ``USE_TZ``, naive values are made aware in the default time zone
    (Django does it with a warning); without it, aware values are made naive.
    """
    if settings.USE_TZ:
        zone = timezone.get_default_timezone()
        return [v if v is None or v.tzinfo else v.replace(tzinfo=zone) for v in values]
    return [
        v if v is None or v.tzinfo is None else timezone.make_naive(v) for v in values
    ]


def prepare(column):
    """A function turning Python values of ``column`` into stored text, or None."""
    if connection.vendor != "sqlite" or not isinstance(column, models.DateTimeField):
        return None
    return _sqlite_datetime_text(connection.timezone)


def _sqlite_texts(zone):
    """A column encoder giving Django's text form of datetimes on SQLite."""
    convert = _sqlite_datetime_text(zone)
    if zone is None:  # USE_TZ = False
        return lambda values: [convert(value) for value in values]

    def encode(values):
        text = _hourly_texts(zone, convert)
        return [None if value is None else text(value) for value in values]

    return encode


def _hourly_texts(zone, convert):
    """A function giving the text of aware datetimes as naive ones in ``zone``,
    as Django stores them on SQLite (``convert`` gives that of naive ones).

    It converts and writes the date and hour once for each hour of the values'
    own time, which a photo shares with its neighbours: formatting each value
    whole took a fifth of the time of a first scan.
    """
    hours = {}  # (tzinfo, fold, year, month, day, hour) -> "YYYY-MM-DD HH:" or ""
    hour_of = operator.attrgetter("tzinfo", "fold", "year", "month", "day", "hour")

    def text(value):
        hour = hour_of(value)
        prefix = hours.get(hour)
        if prefix is None:
            if hour[0] is None:  # naive
                return convert(value)
            prefix = hours[hour] = _hour_prefix(value, zone)
        if not prefix:  # an hour not mapped to a whole hour of ``zone``
            return convert(value)
        # % formats these numbers in two thirds of the time of an f-string.
        if value.microsecond:
            rest = value.minute, value.second, value.microsecond
            return "%s%02d:%02d.%06d" % (prefix, *rest)  # noqa: UP031
        return "%s%02d:%02d" % (prefix, value.minute, value.second)  # noqa: UP031

    return text


_HOUR_SPAN = datetime.timedelta(minutes=59, seconds=59, microseconds=999999)


def _hour_prefix(value, zone):
    """The date and hour in ``zone`` of the hour of ``value`` ("YYYY-MM-DD HH:"),
    or "" unless that hour maps to one whole hour of ``zone`` (an offset in
    minutes, a change of offset within the hour, the ends of the calendar)."""
    try:
        start = value.replace(minute=0, second=0, microsecond=0).astimezone(zone)
        end = value.replace(minute=59, second=59, microsecond=999999).astimezone(zone)
    except OverflowError:
        return ""
    aligned = not (start.minute or start.second or start.microsecond)
    if aligned and end - start == _HOUR_SPAN:
        return str(start)[:14]
    return ""


def _sqlite_datetime_text(zone):
    """Django's text form of datetimes on SQLite (naive, in the connection's zone)."""

    def convert(value):
        if value is None or value.tzinfo is None:
            return value if value is None else str(value)
        if zone is None:  # USE_TZ = False: naive, in the default time zone
            return str(timezone.make_naive(value))
        # Naive, then written: an offset in seconds (a city's mean time
        # before standard time) is longer than "+00:00".
        return str(value.astimezone(zone).replace(tzinfo=None))

    return convert


def _quote(name):
    return connection.ops.quote_name(name)

"""Insert or update any number of rows in one statement on SQLite and PostgreSQL.

The rows travel as one JSON parameter, so the number of queries does not grow
with the number of rows; other databases fall back to Django's batches.
Datetimes travel as the text Django stores on SQLite, and as whole microseconds
since the epoch on PostgreSQL, which is cheaper to write than text to parse.
"""

import datetime
import functools
import itertools
import json

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

__all__ = ["insert_rows", "prepare", "update_rows"]

_BATCH_SIZE = 500
_ONE_STATEMENT = ("sqlite", "postgresql")
_UTC_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_NAIVE_EPOCH = datetime.datetime(1970, 1, 1)
_MICROSECOND = datetime.timedelta(microseconds=1)


def insert_rows(model, fields, rows):
    """Insert ``rows``, tuples of Python values for ``fields``, into the table;
    values past those of ``fields`` are left out."""
    if not rows:
        return
    if connection.vendor not in _ONE_STATEMENT:
        columns = [model._meta.get_field(name) for name in fields]
        rows = _encode_rows(columns, rows, {models.ForeignKey: _resolve_all})
        width = len(fields)
        objs = [model(**dict(zip(fields, row[:width], strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=_BATCH_SIZE)
        return
    columns = [model._meta.get_field(name) for name in fields]
    names = ", ".join(_quote(column.column) for column in columns)
    values = ", ".join(_extract(index, column) for index, column in enumerate(columns))
    sql = f"INSERT INTO {_quote(model._meta.db_table)} ({names}) SELECT {values} "
    _execute(sql + f"FROM {_source()}", columns, rows)


def update_rows(model, fields, rows):
    """Update ``fields`` of ``model`` from ``rows``, tuples of a pk and values."""
    if not rows:
        return
    if connection.vendor not in _ONE_STATEMENT:
        objs = [
            model(pk=row[0], **dict(zip(fields, row[1:], strict=True))) for row in rows
        ]
        model.objects.bulk_update(objs, fields, batch_size=_BATCH_SIZE)
        return
    columns = [model._meta.pk] + [model._meta.get_field(name) for name in fields]
    table = _quote(model._meta.db_table)
    assignments = ", ".join(
        f"{_quote(column.column)} = {_extract(index, column, 'j.')}"
        for index, column in enumerate(columns)
        if index
    )
    pk = f"{table}.{_quote(columns[0].column)} = {_extract(0, columns[0], 'j.')}"
    sql = f"UPDATE {table} SET {assignments} FROM {_source()} AS j WHERE {pk}"
    _execute(sql, columns, rows)


def _execute(sql, columns, rows):
    if connection.vendor == "sqlite":
        datetimes = _sqlite_texts(connection.timezone)
    else:
        datetimes = _microseconds
    encoders = {models.ForeignKey: _resolve_all, models.DateTimeField: datetimes}
    rows = _encode_rows(columns, rows, encoders)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_json_rows(rows, len(columns))])


def _json_rows(rows, width, chunk=5_000):
    """``rows`` as a JSON array of arrays of their first ``width`` values.

    Values left out never reach the database, which would parse them all.
    """
    if not rows or len(rows[0]) == width:
        return json.dumps(rows, default=str)
    parts = (
        json.dumps([row[:width] for row in rows[start : start + chunk]], default=str)
        for start in range(0, len(rows), chunk)
    )
    return "[" + ",".join(part[1:-1] for part in parts) + "]"


def _encode_rows(columns, rows, encoders, chunk=5_000):
    """``rows`` with the values of each column encoded by its type's encoder.

    Column by column, each encoder runs one comprehension instead of a call
    for each value; chunk by chunk, the encoded rows replace the originals in
    the list (which changes in place) so that both do not stay in memory;
    named tuples stay named tuples of their class, values past ``columns``
    as they are.
    """
    encode = [
        next((encoders[kind] for kind in encoders if isinstance(column, kind)), None)
        for column in columns
    ]
    if not any(encode):
        return rows
    rows = rows if isinstance(rows, list) else list(rows)
    row_type = type(rows[0]) if rows else tuple
    # tuple.__new__ bound to the class: no Python call a row.
    remake = functools.partial(tuple.__new__, row_type)
    for start in range(0, len(rows), chunk):
        values = zip(*rows[start : start + chunk], strict=True)
        encoded = (
            encoder(column) if encoder else column
            for encoder, column in itertools.zip_longest(encode, values)
        )
        rows[start : start + chunk] = map(remake, zip(*encoded, strict=True))
    return rows


def _resolve_all(values):
    """Objects created earlier in the transaction replaced by their pk."""
    return [getattr(value, "pk", value) for value in values]


def _microseconds(values):
    """Datetimes as whole microseconds since the epoch, as Django would store them.

    Aware values count from the UTC epoch; without ``USE_TZ``, Django stores
    naive values in the default time zone, so they count from a naive epoch.
    """
    if settings.USE_TZ:
        epoch, zone = _UTC_EPOCH, timezone.get_default_timezone()

        def stored(value):  # Django makes naive values aware, with a warning
            return value if value.tzinfo else value.replace(tzinfo=zone)

    else:
        epoch = _NAIVE_EPOCH

        def stored(value):
            return value if value.tzinfo is None else timezone.make_naive(value)

    return [None if v is None else (stored(v) - epoch) // _MICROSECOND for v in values]


def prepare(column):
    """A function turning Python values of ``column`` into stored text, or None."""
    if connection.vendor != "sqlite" or not isinstance(column, models.DateTimeField):
        return None
    return _sqlite_datetime_text(connection.timezone)


def _sqlite_texts(zone):
    """A column encoder giving Django's text form of datetimes on SQLite."""
    convert = _sqlite_datetime_text(zone)

    def encode(values):
        if zone is not None and all(value is None or value.tzinfo for value in values):
            return [  # the common case, without a call a value
                None if value is None else str(value.astimezone(zone))[:-6]
                for value in values
            ]
        return [convert(value) for value in values]

    return encode


def _sqlite_datetime_text(zone):
    """Django's text form of datetimes on SQLite (naive, in the connection's zone)."""

    def convert(value):
        if value is None or value.tzinfo is None:
            return value if value is None else str(value)
        if zone is None:  # USE_TZ = False: naive, in the default time zone
            return str(timezone.make_naive(value))
        if value.tzinfo is not zone:
            value = value.astimezone(zone)
        return str(value)[:-6]  # without "+00:00"

    return convert


def _quote(name):
    return connection.ops.quote_name(name)


def _source():
    if connection.vendor == "sqlite":
        return "json_each(%s)"
    return "json_array_elements(%s::json)"


def _extract(index, column, prefix=""):
    """The SQL reading value ``index`` of a JSON row as ``column`` stores it."""
    if connection.vendor == "sqlite":
        return f"json_extract({prefix}value, '$[{index}]')"
    value = f"({prefix}value->>{index})"
    if isinstance(column, models.DateTimeField):
        epoch = "timestamptz" if settings.USE_TZ else "timestamp"
        return f"('epoch'::{epoch} + {value}::bigint * interval '1 microsecond')"
    return f"{value}::{column.cast_db_type(connection)}"

"""Insert or update any number of rows in one statement on SQLite and PostgreSQL.

The rows travel as one JSON parameter, so the number of queries does not grow
with the number of rows; other databases fall back to Django's batches.
"""

import json

from django.db import connection, models
from django.utils import timezone

BATCH_SIZE = 500
ONE_STATEMENT = ("sqlite", "postgresql")


def insert_rows(model, fields, rows):
    """Insert ``rows``, tuples of Python values for ``fields``, into the table."""
    if not rows:
        return
    if connection.vendor not in ONE_STATEMENT:
        convert_rows([model._meta.get_field(name) for name in fields], rows)
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        return
    columns = [model._meta.get_field(name) for name in fields]
    names = ", ".join(quote(column.column) for column in columns)
    values = ", ".join(extract(index, column) for index, column in enumerate(columns))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) SELECT {values} "
    execute(sql + f"FROM {source()}", columns, rows)


def update_rows(model, fields, rows):
    """Update ``fields`` of ``model`` from ``rows``, tuples of a pk and values."""
    if not rows:
        return
    if connection.vendor not in ONE_STATEMENT:
        objs = [
            model(pk=row[0], **dict(zip(fields, row[1:], strict=True))) for row in rows
        ]
        model.objects.bulk_update(objs, fields, batch_size=BATCH_SIZE)
        return
    columns = [model._meta.pk] + [model._meta.get_field(name) for name in fields]
    table = quote(model._meta.db_table)
    assignments = ", ".join(
        f"{quote(column.column)} = {extract(index, column, 'j.')}"
        for index, column in enumerate(columns)
        if index
    )
    pk = f"{table}.{quote(columns[0].column)} = {extract(0, columns[0], 'j.')}"
    sql = f"UPDATE {table} SET {assignments} FROM {source()} AS j WHERE {pk}"
    execute(sql, columns, rows)


def execute(sql, columns, rows):
    convert_rows(columns, rows, prepare)
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows, default=str)])


def convert_rows(columns, rows, prepare=None):
    """Resolve related objects to their pk and prepare values, in place."""
    converters = [
        (index, convert)
        for index, column in enumerate(columns)
        for convert in [resolve if column.is_relation else prepare and prepare(column)]
        if convert
    ]
    if not converters:
        return
    for number, row in enumerate(rows):
        row = list(row)
        for index, convert in converters:
            row[index] = convert(row[index])
        rows[number] = row  # replacing row by row keeps the memory flat


def resolve(value):
    """The pk of an object created earlier in the transaction, or the value."""
    return getattr(value, "pk", value)


def prepare(column):
    """A function turning Python values of ``column`` into stored text, or None."""
    if connection.vendor != "sqlite" or not isinstance(column, models.DateTimeField):
        return None  # JSON's str() of dates and datetimes is what the cast reads
    return sqlite_datetime_text(connection.timezone)


def sqlite_datetime_text(zone):
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


def quote(name):
    return connection.ops.quote_name(name)


def source():
    if connection.vendor == "sqlite":
        return "json_each(%s)"
    return "json_array_elements(%s::json)"


def extract(index, column, prefix=""):
    if connection.vendor == "sqlite":
        return f"json_extract({prefix}value, '$[{index}]')"
    return f"({prefix}value->>{index})::{column.cast_db_type(connection)}"

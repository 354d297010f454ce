"""Insert or update any number of rows in one statement on SQLite and PostgreSQL.

The rows travel as one JSON parameter, so the number of queries does not grow
with the number of rows; other databases fall back to Django's batches.
"""

import json

from django.db import connection

BATCH_SIZE = 500


def insert_rows(model, fields, rows):
    """Insert ``rows``, tuples of Python values for ``fields``, into ``model``'s table."""
    if not rows:
        return
    if connection.vendor not in ("sqlite", "postgresql"):
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
    if connection.vendor not in ("sqlite", "postgresql"):
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
    data = json.dumps(
        [
            [
                column.get_db_prep_save(value, connection)
                for column, value in zip(columns, row)
            ]
            for row in rows
        ],
        default=str,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [data])


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

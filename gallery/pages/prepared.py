"""Querysets compiled to SQL once per shape, then run with each request's values.

The photo page looks up a handful of rows by index, yet building and compiling
each of its querysets costs about ten times as long as running it (1.3 ms
against 0.15 ms). A prepared query is built once with marker values standing
for the values of a request (a user, an album, a date, a file name), compiled,
and its SQL kept: each later run puts the request's values where the markers'
parameters were. The queryset stays the one statement of the rule; only its
compilation is shared.

Whatever changes the SQL apart from the values (the kind of user, a direction)
must be in the key given by the caller. A value that is ``None`` is compiled
as such (``IS NULL``): which values are missing is part of the key too.
"""

import datetime
import uuid
import weakref

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections

__all__ = ["prepared_rows"]

_compiled = {}  # full key -> (sql, slots, columns), or None if nothing can match
_converters = weakref.WeakKeyDictionary()  # connection -> {full key: converters}


def marker(field, number):
    """A value of ``field`` that no request passes, different for each ``number``."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        moment = datetime.datetime(1901, 2, 3, 4, 5, 6, number)
        return moment.replace(tzinfo=datetime.UTC) if settings.USE_TZ else moment
    if kind in ("CharField", "TextField"):
        return f"\x1fgallery marker {number}\x1f"
    if kind == "UUIDField":
        return uuid.UUID(int=number)
    return -2_000_000_011 - number  # integers and keys


def adapted(field, value, connection):
    """``value`` as the database receives it when compared with ``field``."""
    return field.get_db_prep_value(value, connection, prepared=False)


def _name_of(names, param):
    """The name of the value whose marker ``param`` is, or ``None``."""
    try:
        return names.get(param)
    except TypeError:  # an unhashable parameter is no marker
        return None


def compile_prepared(build, fields, missing, connection):
    """``(sql, slots, columns)`` of ``build(**markers)``, None if it selects nothing.

    Each slot is ``(name, parameter)``: the name of the value whose marker the
    parameter is, or ``None`` for a parameter that stays. ``columns`` are the
    expressions selected, whose converters turn the database's values into
    Python's.
    """
    values = {
        name: None if name in missing else marker(field, number)
        for number, (name, field) in enumerate(fields.items(), 1)
    }
    compiler = build(**values).query.get_compiler(connection.alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    names = {
        adapted(fields[name], value, connection): name
        for name, value in values.items()
        if value is not None
    }
    slots = [(_name_of(names, param), param) for param in params]
    lost = set(names.values()) - {name for name, _ in slots}
    if lost:  # a value the query changed on its way: its marker would stay
        raise ValueError(f"values not passed through as parameters: {sorted(lost)}")
    return sql, slots, [column for column, _, _ in compiler.select]


def converters_of(columns, connection):
    """``(index, function, column)`` for each converter of the values of ``columns``."""
    converters = []
    for index, column in enumerate(columns):
        functions = connection.ops.get_db_converters(column)
        functions += column.get_db_converters(connection)
        converters += [(index, function, column) for function in functions]
    return converters


def converted(rows, converters, connection):
    """``rows`` with their values converted, as querysets do."""
    if not converters:
        return rows
    rows = [list(row) for row in rows]
    for row in rows:
        for index, function, column in converters:
            row[index] = function(row[index], column, connection)
    return rows


def prepared_rows(key, build, fields, values, using):
    """The rows of ``build(**values)``, a ``values_list()``, compiled once per ``key``.

    ``fields`` maps the name of each value to the model field it is compared
    with, which tells how the database receives it; ``key`` names everything
    else that ``build`` depends on; ``using`` is the database to read.
    """
    connection = connections[using]
    missing = frozenset(name for name, value in values.items() if value is None)
    full_key = (key, missing, using, connection.vendor, settings.USE_TZ)
    compiled = _compiled.get(full_key, False)
    if compiled is False:
        compiled = compile_prepared(build, fields, missing, connection)
        _compiled[full_key] = compiled
    if compiled is None:
        return []
    sql, slots, columns = compiled
    params = [
        param if name is None else adapted(fields[name], values[name], connection)
        for name, param in slots
    ]
    # Converters may be methods of the connection: each keeps its own.
    known = _converters.setdefault(connection, {})
    converters = known.get(full_key)
    if converters is None:
        converters = known[full_key] = converters_of(columns, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return converted(cursor.fetchall(), converters, connection)

"""The order in which a scan meets directories, on every side.

A flat listing of keys (as S3 gives them, sorted) ends the files of a
directory when it leaves the keys that start with its path and a slash: a
directory comes after its subdirectories, and sorts among the others by its
path followed by a slash. The local listing, the photo rows read back from the
database and the plan all follow this order, so that a scan holds one
directory at a time, whatever the size of the collection.
"""

from django.db import connection

__all__ = ["LAST", "directory_key", "directory_key_sql", "holds", "ordered"]

LAST = "\U0010ffff"  # sorts after every other character, in UTF-8 bytes too


def directory_key(dirpath):
    """The sort key of the directory ``dirpath`` ("" for the root, which is last)."""
    return f"{dirpath}/{LAST}" if dirpath else LAST


def holds(parent, path):
    """Whether the directory ``path`` is ``parent`` or lies below it."""
    return not parent or path == parent or path.startswith(f"{parent}/")


def ordered():
    """Whether the database can return rows in :func:`directory_key` order."""
    return connection.vendor in ("sqlite", "postgresql")


def directory_key_sql(column):
    """SQL sorting rows by :func:`directory_key` of the text ``column``.

    Both databases compare the text as its UTF-8 bytes (SQLite by default,
    PostgreSQL with the "C" collation), which is the order of code points,
    Python's order of strings.
    """
    if connection.vendor == "sqlite":
        last, collation = "char(1114111)", ""
    else:
        last, collation = "chr(1114111)", ' COLLATE "C"'
    return (
        f"(CASE WHEN {column} = '' THEN {last} "
        f"ELSE {column} || '/' || {last} END){collation}"
    )

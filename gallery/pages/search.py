"""Case-insensitive search on album names that handles non-ASCII letters.

SQLite's ``LIKE`` and ``LOWER()`` only fold ASCII letters, so on SQLite the
lowering is done by Python through a function registered on the connection.
"""

from django.db.models.functions import Lower

__all__ = ["search_albums"]


def _lower(value):
    return None if value is None else value.lower()


class UnicodeLower(Lower):
    """``Lower`` that folds every letter, on SQLite too."""

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function(
            "gallery_lower", 1, _lower, deterministic=True
        )
        return self.as_sql(compiler, connection, function="gallery_lower")


def search_albums(albums, query):
    """Albums whose name contains ``query``, ignoring case."""
    if not query:
        return albums
    return albums.alias(lower_name=UnicodeLower("name")).filter(
        lower_name__contains=query.lower()
    )

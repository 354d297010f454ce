"""The years or months that have albums, and how many, in one cheap query.

``QuerySet.dates()`` on SQLite truncates each date with a Python function, so
listing the years of 1,000 albums calls Python 1,000 times. SQLite stores a
date as ``YYYY-MM-DD`` text: the start of its year or month is a prefix of it,
which SQLite cuts by itself. Counting the albums of each period in the same
query also gives the number of albums, which pagination would query again.
"""

from django.db.models import Count, DateField
from django.db.models.functions import Trunc

__all__ = ["album_periods"]

# Length of the prefix to keep, and what completes it into a date.
SQLITE_PREFIXES = {"year": (4, "-01-01"), "month": (7, "-01")}


class DateTrunc(Trunc):
    """``Trunc`` of a date to its year or month, without Python on SQLite."""

    def __init__(self, expression, kind):
        super().__init__(expression, kind, output_field=DateField())

    def as_sqlite(self, compiler, connection, **extra_context):
        length, rest = SQLITE_PREFIXES[self.kind]
        sql, params = compiler.compile(self.lhs)
        return f"(SUBSTR({sql}, 1, {length}) || '{rest}')", params


def album_periods(albums, kind, field="date"):
    """Map the first day of each ``kind`` of period to its number of ``albums``."""
    rows = albums.order_by().values(period=DateTrunc(field, kind))
    rows = rows.annotate(count=Count("pk")).values_list("period", "count")
    return dict(rows)

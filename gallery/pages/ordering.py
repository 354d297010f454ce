"""A total order on albums and photos, and the neighbours of an object in it.

Photos are ordered by date, file name and primary key, albums by date, name,
directory path, category and primary key. A missing date sorts first on every
database (PostgreSQL would put it last by default), so that walking forwards
and backwards visits the same objects in the same order.
"""

from django.db.models import F, Q

__all__ = [
    "ALBUM_ORDER",
    "PHOTO_ORDER",
    "PHOTO_ORDER_IN_ALBUM",
    "order_by",
    "neighbour",
    "neighbour_queryset",
]

ALBUM_ORDER = ("date", "name", "dirpath", "category", "pk")
PHOTO_ORDER = ("date", "filename", "pk")
# Within an album file names are unique: they end the order without the key.
PHOTO_ORDER_IN_ALBUM = ("date", "filename")


def order_by(queryset, fields, reverse=False):
    """Order ``queryset`` by ``fields``, missing values first (last if ``reverse``)."""
    model = queryset.model
    return queryset.order_by(*(_term(model, field, reverse) for field in fields))


def _term(model, field, reverse):
    """``field`` in ``order_by()``; NULLs placed explicitly only where they occur."""
    if not _nullable(model, field):
        return f"-{field}" if reverse else field
    if reverse:
        return F(field).desc(nulls_last=True)
    return F(field).asc(nulls_first=True)


def _nullable(model, field):
    return field != "pk" and model._meta.get_field(field).null


def _step(field, value, forward, nullable):
    """``Q`` for rows strictly beyond ``value`` on ``field`` alone."""
    if value is None:
        return Q(**{f"{field}__isnull": False}) if forward else Q(pk__in=[])
    step = Q(**{f"{field}__{'gt' if forward else 'lt'}": value})
    if nullable and not forward:
        step |= Q(**{f"{field}__isnull": True})
    return step


def beyond(obj, fields, forward=True):
    """``Q`` selecting the rows after ``obj`` (before it unless ``forward``)."""
    condition = Q(pk__in=[])
    same = Q()
    for field in fields:
        value = getattr(obj, field)
        nullable = _nullable(type(obj), field)
        condition |= same & _step(field, value, forward, nullable)
        same &= Q(**{f"{field}__isnull": True} if value is None else {field: value})
    return _bounded(condition, obj, fields[0], forward)


def _bounded(condition, obj, field, forward):
    """``condition`` and the range it implies on ``field``, where it is one.

    The range adds nothing to the rows selected, but lets the database start
    reading an index at ``obj`` instead of at one end.
    """
    value = getattr(obj, field)
    if value is None or (_nullable(type(obj), field) and not forward):
        return condition
    return condition & Q(**{f"{field}__{'gte' if forward else 'lte'}": value})


def neighbour_queryset(obj, queryset, fields, forward=True):
    """``queryset`` after ``obj`` (before it unless ``forward``), nearest first."""
    candidates = queryset.filter(beyond(obj, fields, forward))
    return order_by(candidates, fields, reverse=not forward)


def neighbour(obj, queryset, fields, forward=True):
    """The object after ``obj`` in ``queryset`` (before it unless ``forward``)."""
    return neighbour_queryset(obj, queryset, fields, forward).first()

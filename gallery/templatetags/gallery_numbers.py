"""Numbers in the pages, grouped by thousands as the visitor's language does.

Django groups digits only with ``USE_THOUSAND_SEPARATOR``, which a site may
leave off; a count of photos reads better as 1,234 (1 234 in French) anyway.
"""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grouped(value):
    """``value`` with its digits grouped for the active language."""
    return number_format(value, force_grouping=True)

"""URLs and thumbnails of many photos at once, with one ``reverse()`` per kind.

Pages list up to thousands of photos, each with a link to its page and to its
thumbnails; reversing every URL and rendering every ``<img>`` attribute in the
template language would take most of the rendering time.
"""

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString

from .presets import preset

# An integer that appears nowhere else in the URL patterns of a site.
PLACEHOLDER = 2_147_483_647


def url_maker(viewname, **kwargs):
    """A function of ``pk`` returning ``reverse(viewname, kwargs={..., "pk": pk})``."""
    url = reverse(viewname, kwargs={**kwargs, "pk": PLACEHOLDER})
    before, _, after = url.rpartition(str(PLACEHOLDER))
    return lambda pk: f"{before}{pk}{after}"


def thumbnail(photo, size):
    """The ``<img>`` element showing the thumbnail of ``photo``."""
    srcset = ""
    if photo.thumb2x_url:
        srcset = f' srcset="{escape(photo.thumb2x_url)} 2x"'
    return SafeString(
        f'<img src="{escape(photo.thumb_url)}"{srcset}{size} loading="lazy"'
        f' alt="{escape(photo.filename)}">'
    )


def add_links(photos, preset_name="thumb"):
    """Set the links and thumbnails of ``photos`` for templates.

    Attributes: ``url`` (the photo's page), ``thumb_url``, ``thumb2x_url``
    (``None`` without a ``2x`` preset), ``thumbnail`` (an ``<img>`` element)
    and ``thumbnail_link`` (the same in a link to the photo's page).
    """
    info = preset(preset_name)
    page = url_maker("gallery:photo")
    thumb = url_maker("gallery:photo-resized", preset=info["name"])
    hidpi = info["hidpi"] and url_maker("gallery:photo-resized", preset=info["hidpi"])
    for photo in photos:
        photo.url = page(photo.pk)
        photo.thumb_url = thumb(photo.pk)
        photo.thumb2x_url = hidpi(photo.pk) if hidpi else None
        photo.thumbnail = thumbnail(photo, info["size"])
        link = f'<a href="{escape(photo.url)}">{photo.thumbnail}</a>'
        photo.thumbnail_link = SafeString(link)
    return photos

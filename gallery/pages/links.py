"""URLs and thumbnails of many photos at once, with one ``reverse()`` per kind.

Pages list up to thousands of photos, each with a link to its page and to its
thumbnails; reversing every URL and rendering every ``<img>`` attribute in the
template language would take most of the rendering time.
"""

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString

from .presets import preset

__all__ = [
    "add_album_links",
    "year_links",
    "LinkMaker",
    "add_links",
    "url_parts",
    "PLACEHOLDER",
]

# An integer that appears nowhere else in the URL patterns of a site.
PLACEHOLDER = 2_147_483_647


def url_parts(viewname, key="pk", **kwargs):
    """What comes before and after ``key`` in ``reverse(viewname, kwargs=...)``."""
    url = reverse(viewname, kwargs={**kwargs, key: PLACEHOLDER})
    before, _, after = url.rpartition(str(PLACEHOLDER))
    return before, after


def add_album_links(albums):
    """Set ``url`` on each of ``albums``, as ``get_absolute_url()`` would."""
    before, after = url_parts("gallery:album")
    for album in albums:
        album.url = f"{before}{album.pk}{after}"
    return albums


def year_links(dates):
    """Pairs ``(year, URL of the year page)`` for ``dates``."""
    before, after = url_parts("gallery:year", key="year")
    return [(date.year, f"{before}{date.year}{after}") for date in dates]


def _with_escaped(parts):
    """``(before, after)`` followed by the same, escaped for HTML attributes."""
    return (*parts, escape(parts[0]), escape(parts[1]))


class LinkMaker:
    """Sets the links and thumbnail of photos in the preset ``preset_name``."""

    def __init__(self, preset_name="thumb"):
        info = preset(preset_name)
        self.size = info["size"]
        self.page = _with_escaped(url_parts("gallery:photo"))
        self.thumb = _with_escaped(
            url_parts("gallery:photo-resized", preset=info["name"])
        )
        self.hidpi = info["hidpi"] and _with_escaped(
            url_parts("gallery:photo-resized", preset=info["hidpi"])
        )

    def thumbnail(self, pk, filename):
        """The ``<img>`` element of the thumbnail of the photo ``pk``."""
        # A primary key needs no escaping: the rest of the URLs is escaped once.
        thumb, hidpi = self.thumb, self.hidpi
        srcset = f' srcset="{hidpi[2]}{pk}{hidpi[3]} 2x"' if hidpi else ""
        return (
            f'<img src="{thumb[2]}{pk}{thumb[3]}"{srcset}{self.size}'
            f' loading="lazy" alt="{escape(filename)}">'
        )

    def link(self, pk, content):
        """``content`` in a link to the page of the photo ``pk``."""
        return f'<a href="{self.page[2]}{pk}{self.page[3]}">{content}</a>'

    def list_items(self, rows):
        """``<li>`` elements of thumbnails in links, for rows ``(pk, filename)``."""
        thumbnail, link = self.thumbnail, self.link
        items = [f"<li>{link(pk, thumbnail(pk, name))}</li>\n" for pk, name in rows]
        return SafeString("".join(items))

    def __call__(self, photo):
        pk = photo.pk
        page, thumb, hidpi = self.page, self.thumb, self.hidpi
        photo.url = f"{page[0]}{pk}{page[1]}"
        photo.thumb_url = f"{thumb[0]}{pk}{thumb[1]}"
        photo.thumb2x_url = f"{hidpi[0]}{pk}{hidpi[1]}" if hidpi else None
        img = self.thumbnail(pk, photo.filename)
        photo.thumbnail = SafeString(img)
        photo.thumbnail_link = SafeString(self.link(pk, img))


def add_links(photos, preset_name="thumb"):
    """Set the links and thumbnails of ``photos`` for templates; return them.

    Attributes: ``url`` (the photo's page), ``thumb_url``, ``thumb2x_url``
    (``None`` without a ``2x`` preset), ``thumbnail`` (an ``<img>`` element)
    and ``thumbnail_link`` (the same in a link to the photo's page).
    """
    make = LinkMaker(preset_name)
    for photo in photos:
        make(photo)
    return photos

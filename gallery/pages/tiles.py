"""Cells of an album's justified rows, and what the viewer needs to open them.

Each cell knows its photo's aspect ratio before any image loads: CSS grows
the cells of a row in proportion to it, so rows fill the width at one height
and nothing moves while thumbnails arrive. The cell's background is the
photo's main colour until then. A photo not measured yet gets a square cell
and the cropped ``thumb`` preset.

The ``srcset`` of a cell lists the ``row`` presets with the width that each
gives this photo; the viewer computes the same for the photo presets from the
data on the list, so that each cell carries only its size.
"""

import functools
import json
import math
from html import escape

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import get_current_timezone, is_aware, localtime
from django.utils.translation import get_language, gettext

from ..resizers.presets import get_preset
from .links import PLACEHOLDER, url_parts

__all__ = [
    "TileMaker",
    "viewer_data",
    "cover",
    "photo_alt",
    "photo_image",
    "photo_url",
    "parts",
]

# Row heights in CSS pixels (gallery.css): narrow screens, others.
ROW_HEIGHTS = (120, 240)
NARROW = "(max-width: 40em)"
ROW_PRESETS = ("row", "row2x")
LAZY = ' loading="lazy"'
EAGER = 12  # cells of the first screen load at once, the others when near
PHOTO_PRESETS = ("standard", "standard2x", "large")


def fitted(width, height, box):
    """Size of a ``width`` × ``height`` image fitted in ``box``, never enlarged."""
    factor = min(box[0] / width, box[1] / height, 1.0)
    return max(round(width * factor), 1), max(round(height * factor), 1)


def distinct(sources):
    """``(url, (width, height))`` pairs, as a list, without those repeating a width."""
    seen, kept = set(), []
    for url, size in sources:
        if size[0] not in seen:
            seen.add(size[0])
            kept.append((url, size))
    return kept


def configured(names):
    """``(name, width, height)`` of the uncropped presets among ``names``."""
    found = []
    for name in names:
        preset = get_preset(name)
        if preset and not preset.crop:
            found.append((name, preset.width, preset.height))
    return found


@functools.lru_cache(maxsize=256)
def _parts(viewname, kwargs, *context):
    return url_parts(viewname, **dict(kwargs))


def parts(viewname, **kwargs):
    """:func:`~.links.url_parts`, reversed once per URL configuration, prefix and
    language (``i18n_patterns`` put it in URLs)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    context = (get_script_prefix(), urlconf, get_language())
    return _parts(viewname, tuple(sorted(kwargs.items())), *context)


def photo_url(pk):
    """The page of the photo ``pk``, as ``get_absolute_url()`` gives it."""
    before, after = parts("gallery:photo")
    return f"{before}{pk}{after}"


def resized_url(name):
    before, after = parts("gallery:photo-resized", preset=name)
    return escape(before), escape(after)


def viewer_data():
    """The JSON that the viewer reads on the list: URL patterns and boxes."""
    key = str(PLACEHOLDER)

    def pattern(viewname, **kwargs):
        return key.join(parts(viewname, **kwargs))

    presets = [
        [pattern("gallery:photo-resized", preset=name), width, height]
        for name, width, height in configured(PHOTO_PRESETS)
    ]
    data = {"key": key, "original": pattern("gallery:photo-original")}
    data = {**data, "presets": presets, "labels": labels()}
    return SafeString(escape(json.dumps(data)))


def labels():
    """The viewer's words, in the language of the request."""
    return {
        "viewer": gettext("Photo viewer"),
        "close": gettext("Close (Esc)"),
        "zoom": gettext("Zoom"),
        "previous": gettext("Previous (arrow left)"),
        "next": gettext("Next (arrow right)"),
        "error": gettext("This photo cannot be displayed."),
        "download": gettext("Download the original"),
        "play": gettext("Play the slideshow"),
        "pause": gettext("Pause the slideshow"),
        # {index} and {total} are replaced by numbers.
        "position": gettext("photo {index} of {total}"),
    }


class TileMaker:
    """Renders the ``<li>`` cells of the photos of ``album``."""

    def __init__(self, album):
        self.album_name = album.display_name
        self.page = tuple(map(escape, parts("gallery:photo")))
        self.rows = [(resized_url(n), (w, h)) for n, w, h in configured(ROW_PRESETS)]
        self.thumb = resized_url("thumb")
        self.date_format = get_format("DATE_FORMAT")
        self.alts = {}  # day -> alt text
        self.zone = get_current_timezone()
        self.shapes = {}  # (width, height) -> pieces of HTML

    def alt(self, date):
        """What the photo is: its album and its day, escaped for an attribute.

        Photos of an album share a few days: each is formatted once.
        """
        if date is not None:
            date = date.astimezone(self.zone) if is_aware(date) else date
        day = date and date.date()
        text = self.alts.get(day)
        if text is None:
            name = self.album_name
            when = day and format_date(day, self.date_format)
            text = self.alts[day] = escape(f"{name}, {when}" if when else name)
        return text

    def shape(self, width, height):
        """What the cells of photos of one size share, as pieces of HTML.

        ``(style, data, parts)``: the cell's style, its ``data-size`` and the
        pieces of the ``<img>`` attributes between which the key goes. Photos
        of an album come in a few sizes: each is worked out once.
        """
        found = self.shapes.get((width, height))
        if found is not None:
            return found
        if not (width and height and self.rows):
            found = (
                "--r:1",
                "",
                (f'src="{self.thumb[0]}', f'{self.thumb[1]}" width="1" height="1"'),
            )
            self.shapes[width, height] = found
            return found
        ratio = width / height
        sources = distinct(
            ((before, after), fitted(width, height, box))
            for (before, after), box in self.rows
        )
        narrow, wide = (math.ceil(ratio * row) for row in ROW_HEIGHTS)
        (first, (w, h)), rest = sources[0], sources[1:]
        # src="A{pk}B" srcset="A{pk}B Ww, C{pk}D Vw" sizes=... width height
        parts = [f'src="{first[0]}', f'{first[1]}" srcset="{first[0]}']
        parts.append(f"{first[1]} {w}w")
        for (before, after), size in rest:
            parts[-1] += f", {before}"
            parts.append(f"{after} {size[0]}w")
        parts[-1] += f'" sizes="{NARROW} {narrow}px, {wide}px" width="{w}" height="{h}"'
        found = (f"--r:{ratio:.4f}", f' data-size="{width}x{height}"', tuple(parts))
        self.shapes[width, height] = found
        return found

    def cell(self, pk, date, width, height, placeholder, lazy=True):
        """One ``<li>``: the thumbnail in a link to the photo's page."""
        style, data, parts = self.shape(width, height)
        if placeholder:
            style += f";background:{escape(placeholder)}"
        image = str(pk).join(parts)
        return (
            f'<li style="{style}"><a href="{self.page[0]}{pk}{self.page[1]}"'
            f' data-pk="{pk}"{data}><img {image}'
            f'{LAZY if lazy else ""} alt="{self.alt(date)}"></a></li>\n'
        )

    def list_items(self, rows):
        """The cells of rows ``(pk, date, width, height, placeholder)``."""
        cell = self.cell
        cells = [cell(*row, lazy=index >= EAGER) for index, row in enumerate(rows)]
        return SafeString("".join(cells))


COVER_SIZES = "(max-width: 40em) 100vw, 24rem"


def cover(photo, lazy=True):
    """The ``<img>`` of an album's cover: ``photo`` in the ``row`` presets."""
    rows = configured(ROW_PRESETS)
    if not (photo.width and photo.height and rows):
        return SafeString(photo.thumbnail.replace(' alt="', ' alt="" data-alt="', 1))
    sources = []
    for name, *box in rows:
        before, after = resized_url(name)
        size = fitted(photo.width, photo.height, box)
        sources.append((f"{before}{photo.pk}{after}", size))
    sources = distinct(sources)
    srcset = ", ".join(f"{url} {size[0]}w" for url, size in sources)
    return SafeString(
        f'<img src="{sources[0][0]}" srcset="{srcset}" sizes="{COVER_SIZES}"'
        f'{LAZY if lazy else ""} alt="">'
    )


def photo_alt(photo, album_visible=True):
    """What ``photo`` is, for its ``alt``: its album (when shown) and its date."""
    parts = [photo.album.display_name] if album_visible else []
    if photo.date is not None:
        date = localtime(photo.date) if is_aware(photo.date) else photo.date
        parts.append(format_date(date, get_format("DATE_FORMAT")))
    return ", ".join(parts) or photo.filename


def photo_image(photo, alt):
    """The attributes of the ``<img>`` of a photo page, over the photo presets.

    The ``sizes`` keep the whole photo on the screen below the page's words.
    """
    presets = configured(PHOTO_PRESETS)
    if not presets:
        return SafeString(format_html('alt="{}"', alt))
    sources = []
    for name, *box in presets:
        before, after = resized_url(name)
        size = fitted(photo.width, photo.height, box) if photo.width else box
        sources.append((f"{before}{photo.pk}{after}", size))
    (src, size), attributes = sources[0], ""
    if photo.width and photo.height:
        sources = distinct(sources)
        srcset = ", ".join(f"{url} {w}w" for url, (w, _) in sources)
        ratio = f"{photo.width / photo.height:.4f}"
        width, height = sources[-1][1]
        attributes = (
            f' srcset="{srcset}" sizes="min(100vw, (100svh - 9rem) * {ratio})"'
            f' width="{width}" height="{height}"'
            f' style="max-width:min(100%,{width}px)"'  # never enlarged
        )
    elif len(sources) > 1:
        attributes = (
            f' srcset="{sources[1][0]} 2x" width="{size[0]}" height="{size[1]}"'
        )
    return SafeString(f'src="{src}"{attributes} alt="{escape(alt)}"')

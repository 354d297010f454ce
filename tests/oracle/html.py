"""Read what a gallery page links to, with the standard library's HTML parser."""

import dataclasses
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve


@dataclasses.dataclass
class Target:
    """A gallery URL found in a page: its name, primary key and preset."""

    name: str
    pk: int = None
    preset: str = None
    year: int = None
    rel: str = ""
    query: str = ""


def target(url, rel=""):
    """Resolve ``url`` to a gallery ``Target``, or ``None`` for other URLs."""
    parts = urlsplit(url)
    if parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.namespace != "gallery":
        return None
    kwargs = match.kwargs
    return Target(
        match.url_name,
        kwargs.get("pk"),
        kwargs.get("preset"),
        kwargs.get("year"),
        rel,
        parts.query,
    )


class Page(HTMLParser):
    """Links, images and text of a page, with the album card each belongs to.

    An album card is the element labelled by ``gallery-album-<pk>`` in
    listings; the text of elements of class ``gallery-count`` is kept apart.
    """

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.targets = []
        self.text = []
        self.cards = {}
        self.counts = []
        self.stack = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        card = self._card(attrs)
        counting = "gallery-count" in (attrs.get("class") or "").split()
        self.stack.append((tag, card, counting))
        if card is not None:
            self.cards.setdefault(card, {"targets": [], "text": [], "counts": []})
        if counting:
            self.counts.append("")
            if self.current_card() is not None:
                self.cards[self.current_card()]["counts"].append(len(self.counts) - 1)
        urls = []
        if tag in ("a", "link") and attrs.get("href"):
            urls.append(attrs["href"])
        if tag in ("img", "source"):
            urls.append(attrs.get("src") or "")
            for candidate in (attrs.get("srcset") or "").split(","):
                urls.append(candidate.strip().split(" ")[0])
        for url in urls:
            found = url and target(url, attrs.get("rel", ""))
            if found:
                self._add(found)
        if tag in ("img",) and attrs.get("alt"):
            self._text(attrs["alt"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._pop(tag)

    def handle_endtag(self, tag):
        self._pop(tag)

    def handle_data(self, data):
        self._text(data)

    def _card(self, attrs):
        label = attrs.get("aria-labelledby") or ""
        if label.startswith("gallery-album-"):
            return int(label.removeprefix("gallery-album-"))
        return None

    def _pop(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def current_card(self):
        for _, card, _ in reversed(self.stack):
            if card is not None:
                return card
        return None

    def counting(self):
        return any(counting for _, _, counting in self.stack)

    def _add(self, found):
        self.targets.append(found)
        card = self.current_card()
        if card is not None:
            self.cards[card]["targets"].append(found)

    def _text(self, data):
        self.text.append(data)
        if self.counting():
            self.counts[-1] += data
        card = self.current_card()
        if card is not None:
            self.cards[card]["text"].append(data)

    def card_count(self, card):
        """The number of photos a card announces, or ``None``."""
        indexes = self.cards[card]["counts"]
        return read_count(self.counts[indexes[0]]) if indexes else None

    def all_text(self):
        return " ".join(self.text)

    def pks(self, name, rel=None):
        """Primary keys of the targets named ``name`` (with ``rel``), in order."""
        return [
            found.pk
            for found in self.targets
            if found.name == name and (rel is None or rel in found.rel.split())
        ]


def read_count(text):
    """``3`` for "3 photos", ``1`` for "one photo"."""
    words = text.split()
    if not words:
        return None
    if words[0] == "one":
        return 1
    return int(words[0]) if words[0].isdigit() else None

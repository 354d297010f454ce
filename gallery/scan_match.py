"""Match listed paths against ``GALLERY_PATTERNS`` and group them into albums."""

import dataclasses
import datetime
import re
import unicodedata

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .conf import conf

PHOTO_GROUPS = tuple(
    f"p_{part}" for part in ("year", "month", "day", "hour", "minute", "second")
)
MAX_LENGTH = {"category": 100, "dirpath": 255, "name": 255, "filename": 255}


def nfc(text):
    """Normalise ``text`` for matching and display, never for storage."""
    return unicodedata.normalize("NFC", text)


@dataclasses.dataclass
class Rules:
    """Compiled patterns and ignores."""

    patterns: list  # (category, compiled regex)
    ignores: list  # compiled regexes

    @classmethod
    def from_settings(cls, patterns=None, ignores=None):
        """Compile ``patterns`` and ``ignores``, by default from the settings."""
        patterns = conf.PATTERNS if patterns is None else patterns
        ignores = conf.IGNORES if ignores is None else ignores
        return cls(
            [(category, re.compile(regex)) for category, regex in patterns],
            [re.compile(regex) for regex in ignores],
        )

    def match(self, path):
        """Return ``(category, pattern)``, ``"ignored"``, or ``None`` when unmatched."""
        if self.ignores and any(ignore.match(path) for ignore in self.ignores):
            return "ignored"
        for category, pattern in self.patterns:
            found = pattern.match(path)
            if found:
                return category, pattern
        return None


@dataclasses.dataclass(slots=True)
class FoundPhoto:
    stored: object  # StoredFile
    filename: str  # as listed
    pattern: re.Pattern  # matched again when needed, not kept: saves memory

    def match(self):
        return self.pattern.match(nfc(self.stored.name))


@dataclasses.dataclass
class FoundAlbum:
    """An album as the listing shows it, with its photos keyed by NFC file name."""

    category: str
    dirpath: str  # as listed
    pk: int | None = None  # once created
    photos: dict = dataclasses.field(default_factory=dict)
    date: datetime.date | None = None
    name: str = ""

    @property
    def key(self):
        return self.category, nfc(self.dirpath)


@dataclasses.dataclass
class Found:
    """What the listing holds, once matched."""

    albums: dict = dataclasses.field(default_factory=dict)  # key -> FoundAlbum
    unmatched: list = dataclasses.field(default_factory=list)
    ignored: list = dataclasses.field(default_factory=list)
    matched: list = dataclasses.field(default_factory=list)  # only when traced
    errors: list = dataclasses.field(default_factory=list)
    skipped: set = dataclasses.field(default_factory=set)  # keys left untouched

    def forget_photos(self):
        """Drop the per-photo data once planned: the plan holds what it needs."""
        for album in self.albums.values():
            album.photos = {}


def match_listing(listing, rules, trace=False):
    """Group the matched files of ``listing`` into albums; collect the rest."""
    found = Found()
    albums = found.albums
    for stored in listing.files:
        path = nfc(stored.name)
        result = rules.match(path)
        if result is None:
            found.unmatched.append(path)
            continue
        if result == "ignored":
            if trace:
                found.ignored.append(path)
            continue
        category, pattern = result
        if trace:
            found.matched.append(path)
        # NFC works per "/"-separated part: the split of both forms agrees.
        dirpath, _, filename = stored.name.rpartition("/")
        normal_dirpath, _, normal_filename = path.rpartition("/")
        album = albums.get((category, normal_dirpath))
        if album is None:
            album = albums[category, normal_dirpath] = FoundAlbum(category, dirpath)
        if filename == normal_filename:
            filename = normal_filename  # one string instead of two
        album.photos[normal_filename] = FoundPhoto(stored, filename, pattern)
    for key, album in list(albums.items()):
        error = describe_album(album)
        if error:
            found.errors.append(f"{nfc(album.dirpath)}: {error}")
            found.skipped.add(key)
            del albums[key]
    return found


def describe_album(album):
    """Set the album's date and name from its first photo; return an error or ``""``."""
    first = album.photos[min(album.photos)]
    captures = first.match().groupdict()
    try:
        parts = [int(captures[f"a_{part}"]) for part in ("year", "month", "day")]
        album.date = datetime.date(*parts)
    except (KeyError, TypeError):
        return _("no album date in the name (a_year, a_month, a_day); album skipped")
    except ValueError as exc:
        return _("invalid album date (%(error)s); album skipped") % {"error": exc}
    names = (value for key, value in sorted(captures.items()) if key[:6] == "a_name")
    album.name = nfc(" ".join(value for value in names if value)).replace("/", " > ")
    too_long = [
        field
        for field, value in (
            ("category", album.category),
            ("dirpath", album.dirpath),
            ("name", album.name),
        )
        if len(value) > MAX_LENGTH[field]
    ]
    if too_long:
        return _("%(fields)s too long for the database; album skipped") % {
            "fields": ", ".join(too_long)
        }
    return ""


def photo_zone():
    """The zone photo dates are made aware in, or None without ``USE_TZ``."""
    return timezone.get_default_timezone() if settings.USE_TZ else None


def photo_date(found_photo, zone):
    """Return ``(date or None, warning or "")`` from the photo's captures."""
    match = found_photo.match()
    try:
        parts = match.group(*PHOTO_GROUPS)
    except IndexError:  # the pattern has no photo date
        return None, ""
    if None in parts:
        return None, ""
    try:
        date = datetime.datetime(*map(int, parts))
    except ValueError as exc:
        return None, _("%(path)s: invalid photo time (%(error)s)") % {
            "path": match.string,
            "error": exc,
        }
    # make_aware() without its checks: date is naive, the zone is zoneinfo.
    return (date if zone is None else date.replace(tzinfo=zone)), ""

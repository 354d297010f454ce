"""Match listed paths against ``GALLERY_PATTERNS`` and group them into albums."""

import dataclasses
import datetime
import functools
import re
import typing
import unicodedata

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import conf
from ..models import Album
from .captures import ALBUM_DATE, PHOTO_DATE, is_album_name

__all__ = [
    "Found",
    "FoundAlbum",
    "FoundPhoto",
    "Matcher",
    "Rules",
    "describe_album",
    "match_listing",
    "nfc",
    "photo_date",
    "photo_zone",
    "too_long_for",
]


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

    def describe(self):
        """What the rules are made of, to tell whether they changed."""
        patterns = [(category, p.pattern, p.flags) for category, p in self.patterns]
        return patterns, [(ignore.pattern, ignore.flags) for ignore in self.ignores]


class FoundPhoto(typing.NamedTuple):
    """A matched file, with the date its name gives."""

    stored: object  # StoredFile
    filename: str  # as listed
    date: datetime.datetime | None  # from the p_* captures
    warning: str = ""  # why the captures give no date


# tuple.__new__ with the class bound: no Python call a photo.
_found_photo = functools.partial(tuple.__new__, FoundPhoto)


@dataclasses.dataclass
class FoundAlbum:
    """An album as the listing shows it, with its photos keyed by NFC file name."""

    category: str
    dirpath: str  # as listed
    pk: int | None = None  # once created
    photos: dict = dataclasses.field(default_factory=dict)
    date: datetime.date | None = None
    name: str = ""
    first: tuple = ("", None)  # (NFC file name, match) of the first photo by name

    @property
    def key(self):
        return self.category, nfc(self.dirpath)


@dataclasses.dataclass
class Found:
    """What the listing holds, once matched."""

    albums: dict = dataclasses.field(default_factory=dict)  # key -> FoundAlbum
    unmatched: list = dataclasses.field(default_factory=list)
    ignored: list = dataclasses.field(default_factory=list)  # only when traced
    ignored_count: int = 0
    matched: list = dataclasses.field(default_factory=list)  # only when traced
    errors: list = dataclasses.field(default_factory=list)
    skipped: set = dataclasses.field(default_factory=set)  # keys left untouched

    def forget_photos(self):
        """Drop the per-photo data once planned: the plan holds what it needs."""
        for album in self.albums.values():
            album.photos = {}


class Matcher:
    """Matches the files of one directory at a time; ``found`` collects the
    files matched by no pattern, the ignored ones and the albums skipped."""

    def __init__(self, rules, trace=False):
        self.rules = rules
        self.trace = trace
        self.found = Found()
        self.zone = photo_zone()

    def match_directory(self, files):
        """The valid albums (``FoundAlbum``) the files of one directory make."""
        albums = {}  # category -> FoundAlbum
        found, trace, zone = self.found, self.trace, self.zone
        patterns, ignores = self.rules.patterns, self.rules.ignores
        normalize = unicodedata.normalize
        for stored in files:
            name = stored.name
            path = normalize("NFC", name)
            # Ignored if an ignore matches, else the first pattern that
            # matches gives the category (explain.explain() says the same).
            if ignores and any(ignore.match(path) for ignore in ignores):
                found.ignored_count += 1
                if trace:
                    found.ignored.append(path)
                continue
            for category, pattern in patterns:  # noqa: B007 (used below)
                match = pattern.match(path)
                if match:
                    break
            else:
                found.unmatched.append(path)
                continue
            if trace:
                found.matched.append(path)
            # NFC works per "/"-separated part: the split of both forms agrees.
            normal_dirpath, _, normal_filename = path.rpartition("/")
            if path == name:
                dirpath, filename = normal_dirpath, normal_filename
            else:
                dirpath, _, filename = name.rpartition("/")
            album = albums.get(category)
            if album is None:
                album = FoundAlbum(category, dirpath, first=(normal_filename, match))
                albums[category] = album
            elif normal_filename < album.first[0]:
                album.first = normal_filename, match
            album.photos[normal_filename] = _found_photo(
                (stored, filename, *photo_date(match, zone))
            )
        return [album for album in albums.values() if self._valid(album)]

    def _valid(self, album):
        error = describe_album(album)
        if error:
            self.found.errors.append(f"{nfc(album.dirpath)}: {error}")
            self.found.skipped.add(album.key)
        return not error


def match_listing(listing, rules, trace=False, progress=None):
    """Group the matched files of ``listing`` into albums; collect the rest.

    ``progress("match", files so far, files in all)`` is called at each
    directory.
    """
    matcher = Matcher(rules, trace)
    directories = {}
    for stored in listing.files:
        directories.setdefault(stored.name.rpartition("/")[0], []).append(stored)
    done, total = 0, len(listing.files)
    for files in directories.values():
        if progress:
            progress("match", done, total)
        for album in matcher.match_directory(files):
            matcher.found.albums.setdefault(album.key, album)
        done += len(files)
    return matcher.found


def describe_album(album):
    """Set the album's date and name from its first photo; return an error or ``""``.

    The pattern tester (:mod:`.explain`) calls it too.
    """
    captures = album.first[1].groupdict()
    album.first = ("", None)  # the match holds its path: let it go
    try:
        parts = [int(captures[name]) for name in ALBUM_DATE]
        album.date = datetime.date(*parts)
    except (KeyError, TypeError):
        message = _("no album date in the name (%(captures)s); album skipped")
        return message % {"captures": ", ".join(ALBUM_DATE)}
    except ValueError as exc:
        return _("invalid album date (%(error)s); album skipped") % {"error": exc}
    names = (value for key, value in sorted(captures.items()) if is_album_name(key))
    album.name = nfc(" ".join(value for value in names if value)).replace("/", " > ")
    fields = {"category": album.category, "dirpath": album.dirpath, "name": album.name}
    too_long = [
        name for name, value in fields.items() if too_long_for(Album, name, value)
    ]
    if too_long:
        return _("%(fields)s too long for the database; album skipped") % {
            "fields": ", ".join(too_long)
        }
    return ""


def too_long_for(model, field, value):
    """Whether the text ``value`` is longer than ``field`` of ``model`` holds."""
    return len(value) > model._meta.get_field(field).max_length


def photo_zone():
    """The zone photo dates are made aware in, or None without ``USE_TZ``."""
    return timezone.get_default_timezone() if settings.USE_TZ else None


_NO_DATE = (None, "")


def photo_date(match, zone):
    """Return ``(date or None, warning or "")`` from the captures of ``match``."""
    if not _has_photo_date(match.re):
        return _NO_DATE
    parts = match.group(*PHOTO_DATE)
    if None in parts:
        return _NO_DATE
    year, month, day, hour, minute, second = parts
    try:
        # Made aware without make_aware()'s checks: zoneinfo needs no localize().
        # The zone given by position, not by name, spares a third of the call.
        date = datetime.datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            0,
            zone,
        )
    except ValueError as exc:
        return None, _("%(path)s: invalid photo time (%(error)s)") % {
            "path": match.string,
            "error": exc,
        }
    return date, ""


@functools.cache
def _has_photo_date(pattern):
    return all(group in pattern.groupindex for group in PHOTO_DATE)

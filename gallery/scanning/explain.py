"""Say what the scan makes of a path, to help write ``GALLERY_PATTERNS``.

For each path: the pattern that matched, with the category, album date and
name, and photo date it gives; or the ignore that skipped it; or, for every
pattern, where it stopped matching: which capture failed on which text. The
admin's pattern tester and ``scanphotos --explain`` show the same lines.
"""

import dataclasses
import posixpath
import re

from django.utils.translation import gettext as _

from .matching import FoundAlbum, Rules, describe_album, nfc, photo_date, photo_zone

__all__ = ["Explanation", "describe", "explain", "sample_paths", "top_level_pieces"]


_SHOWN_REST = 40  # characters of the unmatched rest of a path shown


@dataclasses.dataclass
class Explanation:
    """What the scan makes of one path."""

    path: str
    outcome: str  # "matched", "ignored", "skipped" (album invalid) or "unmatched"
    category: str = ""
    pattern: int = 0  # the number of the pattern that matched, from 1
    album_date: object = None
    album_name: str = ""
    photo_date: object = None
    details: list = dataclasses.field(default_factory=list)  # reasons, warnings


def explain(path, rules=None):
    """Return the :class:`Explanation` of ``path`` under ``rules`` (the settings)."""
    rules = rules or Rules.from_settings()
    path = nfc(path.strip().lstrip("/"))
    for ignore in rules.ignores:
        if ignore.match(path):
            detail = _("ignored by %(regex)s") % {"regex": ignore.pattern}
            return Explanation(path, "ignored", details=[detail])
    for number, (category, pattern) in enumerate(rules.patterns, 1):
        found = pattern.match(path)
        if found:
            return _matched(path, number, category, found)
    reasons = [
        _("pattern %(number)d (%(category)s): %(reason)s")
        % {"number": number, "category": category, "reason": _why_not(pattern, path)}
        for number, (category, pattern) in enumerate(rules.patterns, 1)
    ]
    return Explanation(path, "unmatched", details=reasons or [_("no patterns")])


def _matched(path, number, category, found):
    """The explanation of ``path`` matched by pattern ``number``."""
    dirpath, _sep, filename = path.rpartition("/")
    album = FoundAlbum(category, dirpath, first=(filename, found))
    error = describe_album(album)
    date, warning = photo_date(found, photo_zone())
    warning = warning.removeprefix(f"{path}: ")
    result = Explanation(path, "skipped" if error else "matched", category, number)
    result.details = [detail for detail in (error, warning) if detail]
    if not error:
        result.album_date, result.album_name, result.photo_date = (
            album.date,
            album.name,
            date,
        )
    return result


def _why_not(pattern, path):
    """Where ``pattern`` stops matching ``path``, in words."""
    pieces = top_level_pieces(pattern.pattern)
    if pieces is None:
        return _("does not match")
    matched_up_to, failing = 0, pieces[0] if pieces else ""
    for count in range(len(pieces) - 1, 0, -1):
        found = re.compile("".join(pieces[:count]), pattern.flags).match(path)
        if found:
            matched_up_to, failing = found.end(), pieces[count]
            break
    rest = path[matched_up_to:]
    shown = rest[:_SHOWN_REST] + ("…" if len(rest) > _SHOWN_REST else "")
    group = re.match(r"\(\?P<(\w+)>", failing)
    if not rest:
        return _("the path ends before %(piece)s") % {"piece": failing}
    if group:
        return _("the capture %(name)s fails on “%(rest)s”") % {
            "name": group[1],
            "rest": shown,
        }
    return _("“%(rest)s” does not match %(piece)s") % {"rest": shown, "piece": failing}


def top_level_pieces(source):
    """Cut a regex into top-level groups and the text between them.

    Return None when it has a top-level alternation, which this cannot cut.
    """
    pieces, start, depth, index = [], 0, 0, 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(source, index)
            continue
        if char == "|" and depth == 0:
            return None
        if char == "(":
            if depth == 0 and index > start:
                pieces.append(source[start:index])
                start = index
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                index = _quantifier_end(source, index + 1)
                pieces.append(source[start:index])
                start = index
                continue
        index += 1
    if start < len(source):
        pieces.append(source[start:])
    return pieces


def _class_end(source, index):
    """The index after the character class that starts at ``index``."""
    index += 1
    if index < len(source) and source[index] == "^":
        index += 1
    if index < len(source) and source[index] == "]":
        index += 1
    while index < len(source) and source[index] != "]":
        index += 2 if source[index] == "\\" else 1
    return index + 1


_QUANTIFIER = re.compile(r"(?:[*+?]|\{\d*(?:,\d*)?\})[?+]?")


def _quantifier_end(source, index):
    found = _QUANTIFIER.match(source, index)
    return found.end() if found else index


def describe(explanation):
    """The lines that tell an explanation, first the path, then indented."""
    lines = [explanation.path]
    if explanation.outcome == "unmatched":
        lines.append("  " + _("no pattern matches:"))
        lines += ["    " + detail for detail in explanation.details]
        return lines
    if explanation.pattern:
        which = _("pattern %(number)d (%(category)s)") % {
            "number": explanation.pattern,
            "category": explanation.category,
        }
        if explanation.outcome == "matched":
            which += ": " + _matched_line(explanation)
        lines.append("  " + which)
    lines += ["  " + detail for detail in explanation.details]
    return lines


def _matched_line(explanation):
    text = _("album of %(date)s named “%(name)s”") % {
        "date": explanation.album_date.isoformat(),
        "name": explanation.album_name,
    }
    if explanation.photo_date is not None:
        text += ", " + _("photo of %(date)s") % {
            "date": explanation.photo_date.strftime("%Y-%m-%d %H:%M:%S")
        }
    return text


def sample_paths(storage, count=20, per_directory=2, directories=200):
    """Up to ``count`` paths of ``storage``, a few per directory, breadth first."""
    paths, pending, visited = [], [""], 0
    while pending and len(paths) < count and visited < directories:
        relative = pending.pop(0)
        visited += 1
        try:
            subdirectories, files = storage.listdir(relative)
        except Exception:  # any backend error: sample elsewhere
            continue
        names = sorted(files)[:per_directory]
        paths += [posixpath.join(relative, name) for name in names]
        pending += [posixpath.join(relative, name) for name in sorted(subdirectories)]
    return paths[:count]

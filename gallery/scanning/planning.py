"""Compare what the storage holds with what the database holds: the plan.

A :class:`Planner` takes the albums found one directory at a time and the
stored photos of each as the database returns them, in the same order, so
that it holds the photos of one album at a time; the rows to write wait in
:class:`~.spool.Spool` lists.
"""

import dataclasses
import functools

from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..conf import conf
from ..models import Photo
from .matching import nfc
from .report import counted, number
from .rows import (
    NewPhoto,
    PhotoDate,
    PhotoRemoval,
    PhotoShape,
    PhotoVersion,
    new_photo_fields,
)
from .spool import Spool

__all__ = ["Plan", "Planner", "make_plan"]


@dataclasses.dataclass
class Plan:
    """The changes a scan makes; rows hold Python values ready to be written."""

    albums_add: list = dataclasses.field(default_factory=list)  # FoundAlbum
    albums_remove: list = dataclasses.field(default_factory=list)  # Album
    albums_move: list = dataclasses.field(default_factory=list)  # (Album, FoundAlbum)
    albums_rename: list = dataclasses.field(default_factory=list)  # (Album, dirpath)
    # NewPhoto; album_id: a pk, or -n for the n-th album of albums_add
    photos_add: list = dataclasses.field(default_factory=Spool)
    photos_remove: list = dataclasses.field(default_factory=Spool)  # PhotoRemoval
    photos_redate: list = dataclasses.field(default_factory=Spool)  # PhotoDate
    photos_refresh: list = dataclasses.field(default_factory=Spool)  # PhotoVersion
    # PhotoShape: replaced files, whose recorded size and colour no longer hold
    photos_reshape: list = dataclasses.field(default_factory=Spool)
    sized: bool = False  # whether photos_add holds sizes read from the files
    untouched: list = dataclasses.field(default_factory=list)  # Album
    unchanged: int = 0  # albums of directories the listing did not read again
    photos_in_removed: int = 0  # photos removed with their album
    noisy: set = dataclasses.field(default_factory=set)  # NFC dirs with errors
    errors: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)
    refusal: str = ""
    # With GALLERY_PHOTO_DATES = "exif", photos whose path gives no date:
    # (index in photos_add, name, size) and (pk, name, size); see exifdates.
    undated_added: list = dataclasses.field(default_factory=list)
    undated_replaced: list = dataclasses.field(default_factory=list)
    notes: list = dataclasses.field(default_factory=list)  # details, verbosity 2

    @property
    def changes(self):
        """Whether applying the plan would change anything."""
        return any(
            (self.albums_add, self.albums_remove, self.albums_move)
            + (self.albums_rename, self.photos_add, self.photos_remove)
            + (self.photos_redate, self.photos_refresh)
        )

    def added_album(self, ref):
        """The ``FoundAlbum`` of the ``album_id`` of a ``NewPhoto``, or None
        when it is the pk of a stored album."""
        return self.albums_add[-ref - 1] if ref < 0 else None

    def merge(self, part):
        """Add the changes of ``part``, the plan of one album, to this plan."""
        self.albums_rename += part.albums_rename
        for name in _PHOTO_ROWS:
            getattr(self, name).extend(getattr(part, name))
        if not self.sized:
            self.sized = new_photo_fields(part.photos_add) == NewPhoto._fields
        self.noisy |= part.noisy
        self.errors += part.errors
        self.warnings += part.warnings
        self.notes += part.notes

    def close(self):
        """Let the rows go (and their files)."""
        for name in _PHOTO_ROWS:
            rows = getattr(self, name)
            if isinstance(rows, Spool):
                rows.close()


_PHOTO_ROWS = (
    "photos_add",
    "photos_remove",
    "photos_redate",
    "photos_refresh",
    "photos_reshape",
)


class Planner:
    """Plans a scan album by album: :meth:`add` each album found, then
    :meth:`finish` with what the listing could not read."""

    def __init__(self, state, *, full=False, unchanged=(), dates=None):
        self.plan = Plan()
        self.state = state  # state.State: the albums, and their photos in order
        self.full = full
        self.unchanged = unchanged  # NFC paths of directories not read again
        self.dates = dates  # called with the plan of each album, to date photos
        self.seen = set()  # keys of the albums found
        self.held = []  # new albums that may be stored albums moved
        self.shapes = None  # (count, first, last name) -> stored album pks

    def add(self, found_album):
        """Plan the changes of one album found, in the order of the listing."""
        key = found_album.key
        if key in self.seen:  # the same path in two Unicode forms
            self.plan.errors.append(
                _("%(path)s: listed twice in two Unicode forms; the second skipped")
                % {"path": key[1]}
            )
            return
        self.seen.add(key)
        album = self.state.albums.get(key)
        if album is not None:
            stored = self.state.photos_of(album)
            self._merge(_sync_album, album, found_album, stored, self.state, self.full)
        elif self._may_have_moved(found_album):
            self.held.append(found_album)
            return
        else:
            self._add_album(found_album)
        found_album.photos = {}  # planned: let them go

    def finish(self, found, unreadable=()):
        """Plan what becomes of the stored albums not found; return the plan."""
        plan, state = self.plan, self.state
        plan.errors[:0] = found.errors
        protected = [nfc(directory.path) for directory in unreadable]
        vanished = []
        for key, album in state.albums.items():
            if key in self.seen:
                continue
            if key[1] in self.unchanged:
                plan.unchanged += 1
            elif key in found.skipped or _is_below(key[1], protected):
                plan.untouched.append(album)
            else:
                vanished.append(album)
        moved = self._plan_moves(vanished)
        plan.albums_remove = [album for album in vanished if album.pk not in moved]
        plan.albums_remove.sort(key=lambda album: (album.dirpath, album.category))
        plan.photos_in_removed = state.count_photos(plan.albums_remove)
        for found_album in self.held:
            self._add_album(found_album)
        self.held = []
        _check_safety(plan, state, bool(self.seen))
        return plan

    def _add_album(self, found_album):
        self.plan.albums_add.append(found_album)
        ref = -len(self.plan.albums_add)
        self._merge(_add_photos, ref, _sorted_photos(found_album))
        found_album.photos = {}

    def _merge(self, planner, *args, **kwargs):
        """Plan one album with ``planner`` into a plan of its own, date its
        photos, then add it to the plan."""
        part = Plan(**{name: [] for name in _PHOTO_ROWS})
        planner(part, *args, **kwargs)
        if self.dates and (part.undated_added or part.undated_replaced):
            self.dates(part)
        self.plan.merge(part)

    def _may_have_moved(self, found_album):
        """Whether a stored album not found yet holds the same photo names."""
        if not found_album.photos or not self.state.albums:
            return False
        if self.shapes is None:
            self.shapes = _album_shapes()
        pks = self.shapes.get(_shape(found_album.photos), ())
        return any(self.state.album_keys[pk] not in self.seen for pk in pks)

    def _plan_moves(self, vanished):
        """Pair held albums with vanished albums; plan the moves; return the
        pks of the albums moved."""
        if not (self.held and vanished):
            return set()
        shapes = {_shape(found_album.photos) for found_album in self.held}
        candidates = {pk for shape in shapes for pk in self.shapes.get(shape, ())}
        vanished = [album for album in vanished if album.pk in candidates]
        stored = self.state.photos_of_albums([album.pk for album in vanished])
        moves = _find_moves(vanished, self.held, stored)
        for album, found_album in moves:
            self.plan.albums_move.append((album, found_album))
            photos = stored.get(album.pk, {})
            self._merge(
                _sync_album, album, found_album, photos, self.state, self.full, True
            )
            found_album.photos = {}
        moved = {id(found_album) for _, found_album in moves}
        self.held = [album for album in self.held if id(album) not in moved]
        return {album.pk for album, _ in moves}


def make_plan(found, state, unreadable=(), *, full=False, unchanged=()):
    """Return the :class:`Plan` that turns ``state`` into ``found``, all at once."""
    planner = Planner(state, full=full, unchanged=unchanged)
    for album in sorted(found.albums.values(), key=lambda album: album.key):
        planner.add(album)
    return planner.finish(found, unreadable)


def _shape(photos):
    """What a stored album must share with ``photos`` (NFC names) to be the same."""
    return len(photos), min(photos), max(photos)


def _album_shapes():
    """Stored albums by (number of photos, first and last NFC name)."""
    rows = (
        Photo.objects.order_by()
        .values_list("album")
        .annotate(Count("pk"), Min("filename"), Max("filename"))
    )
    shapes = {}
    for pk, count, first, last in rows:
        shapes.setdefault((count, nfc(first), nfc(last)), []).append(pk)
    return shapes


def _is_below(dirpath, protected):
    return any(
        not top or dirpath == top or dirpath.startswith(f"{top}/") for top in protected
    )


def _sync_album(plan, album, found_album, stored, state, full, moved=False):
    """Plan the photo changes of an album present on both sides; ``stored``
    maps NFC names to its ``StoredPhoto`` rows."""
    if not moved and album.dirpath != found_album.dirpath:
        plan.albums_rename.append((album, found_album.dirpath))  # normalisation
    added = []
    for key, found_photo in sorted(found_album.photos.items()):
        row = stored.pop(key, None)
        if row is None:
            added.append(found_photo)
        else:
            _sync_photo(plan, row, found_photo, state, full)
    _add_photos(plan, album.pk, added)
    plan.photos_remove.extend(
        PhotoRemoval(row.id, album, row.filename) for row in stored.values()
    )


def _sync_photo(plan, row, found_photo, state, full):
    """Plan the update of one photo present on both sides (``row``: StoredPhoto)."""
    stored = found_photo.stored
    listed = (stored.size, stored.modified, stored.etag)
    has_version = listed != (None, None, "")
    replaced = has_version and (
        state.version(stored) != (row.size, row.modified, row.etag)
    )
    if row.filename != found_photo.filename or replaced:
        plan.photos_refresh.append(PhotoVersion(row.id, found_photo.filename, *listed))
    if replaced:
        plan.photos_reshape.append(PhotoShape(row.id))
    if _dated_by_exif(found_photo):
        if replaced or (full and row.date is None):
            plan.undated_replaced.append((row.id, stored.name, stored.size))
        return  # the date read from the file stays
    if full:
        if found_photo.warning:
            plan.warnings.append(found_photo.warning)
        if state.comparable(found_photo.date) != row.date:
            plan.photos_redate.append(PhotoDate(row.id, found_photo.date))


def _sorted_photos(found_album):
    return [found_album.photos[key] for key in sorted(found_album.photos)]


def _dated_by_exif(found_photo):
    """Whether the date of ``found_photo`` comes from its EXIF, not its path."""
    return (
        found_photo.date is None
        and not found_photo.warning
        and conf.PHOTO_DATES == "exif"
    )


def _add_photos(plan, album_ref, found_photos):
    by_exif = conf.PHOTO_DATES == "exif"
    longest = Photo._meta.get_field("filename").max_length
    first, rows = len(plan.photos_add), []
    for stored, filename, date, warning in found_photos:
        if len(filename) > longest:
            path = nfc(stored.name)
            plan.noisy.add(path.rpartition("/")[0])
            plan.errors.append(
                _("%(path)s: file name too long for the database; skipped")
                % {"path": path}
            )
            continue
        if warning:
            plan.warnings.append(warning)
        if by_exif and date is None and not warning:
            plan.undated_added.append((first + len(rows), stored.name, stored.size))
        new = album_ref, filename, date, stored.size, stored.modified, stored.etag
        rows.append(_new_photo((*new, None, None)))
    plan.photos_add.extend(rows)


# tuple.__new__ with the class bound: no Python call a photo.
_new_photo = functools.partial(tuple.__new__, NewPhoto)


def _find_moves(vanished, held, stored):
    """Pair vanished albums with held albums holding the same files (names,
    sizes); ``stored`` maps the pks of vanished albums to their photos."""
    by_names = {}
    for found_album in held:
        by_names.setdefault(frozenset(found_album.photos), []).append(found_album)
    moves = []
    for album in vanished:
        photos = stored.get(album.pk)
        candidates = by_names.get(frozenset(photos or ()), [])
        if photos and len(candidates) == 1 and _same_sizes(photos, candidates[0]):
            moves.append((album, candidates.pop()))
    return moves


def _same_sizes(photos, found_album):
    for key, row in photos.items():
        size = found_album.photos[key].stored.size
        if None not in (size, row.size) and size != row.size:
            return False
    return True


def _check_safety(plan, state, found_any):
    """Refuse to remove every album, or more than half of them, without force."""
    removed = plan.albums_remove
    if not removed:
        return
    present = found_any or plan.unchanged
    if present and len(removed) * 2 <= len(state.albums):
        return
    names = ", ".join(nfc(album.dirpath) for album in removed[:10])
    if len(removed) > 10:
        names += counted(_(" and %(count)s more"), len(removed) - 10)
    if present:
        why = _("The photo storage lacks most albums")
    else:
        why = _("The photo storage lists no photos")
    total = len(state.albums)
    plan.refusal = ngettext(
        "%(why)s: this scan would remove %(removed)s of %(total)s album "
        "(%(names)s). Scan again with force to do it.",
        "%(why)s: this scan would remove %(removed)s of %(total)s albums "
        "(%(names)s). Scan again with force to do it.",
        total,
    ) % {
        "why": why,
        "removed": number(len(removed)),
        "total": number(total),
        "names": names,
    }

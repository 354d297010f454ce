"""Compare what the storage holds with what the database holds: the plan."""

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..conf import conf
from ..models import Photo
from .matching import nfc, too_long_for
from .report import counted, number
from .rows import NewPhoto, PhotoDate, PhotoRemoval, PhotoShape, PhotoVersion

__all__ = ["Plan", "make_plan"]


@dataclasses.dataclass
class Plan:
    """The changes a scan makes; rows hold Python values ready to be written."""

    albums_add: list = dataclasses.field(default_factory=list)  # FoundAlbum
    albums_remove: list = dataclasses.field(default_factory=list)  # Album
    albums_move: list = dataclasses.field(default_factory=list)  # (Album, FoundAlbum)
    albums_rename: list = dataclasses.field(default_factory=list)  # (Album, dirpath)
    # NewPhoto; once applied, as written (album pks, encoded datetimes)
    photos_add: list = dataclasses.field(default_factory=list)
    photos_remove: list = dataclasses.field(default_factory=list)  # PhotoRemoval
    photos_redate: list = dataclasses.field(default_factory=list)  # PhotoDate
    photos_refresh: list = dataclasses.field(default_factory=list)  # PhotoVersion
    # PhotoShape: replaced files, whose recorded size and colour no longer hold
    photos_reshape: list = dataclasses.field(default_factory=list)
    untouched: list = dataclasses.field(default_factory=list)  # Album
    unchanged: int = 0  # albums of directories the listing did not read again
    noisy: set = dataclasses.field(default_factory=set)  # NFC dirs with errors
    errors: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)
    refusal: str = ""
    # With GALLERY_PHOTO_DATES = "exif", photos whose path gives no date:
    # (index in photos_add, name, size) and (pk, name, size).
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


def make_plan(found, state, unreadable=(), *, full=False, unchanged=()):
    """Return the :class:`Plan` that turns ``state`` (database) into ``found``.

    ``unchanged`` holds the NFC paths of directories whose files were not
    listed because they have not changed since the last scan.
    """
    plan = Plan(errors=list(found.errors))
    protected = [nfc(directory.path) for directory in unreadable]
    vanished = []
    for key, album in state.albums.items():
        if key in found.albums:
            _sync_album(plan, album, found.albums[key], state, full)
        elif key[1] in unchanged:
            plan.unchanged += 1
        elif key in found.skipped or _is_below(key[1], protected):
            plan.untouched.append(album)
        else:
            vanished.append(album)
    new = [album for key, album in found.albums.items() if key not in state.albums]
    # Rows sorted as the indexes sort them are inserted much faster.
    new.sort(key=lambda album: (nfc(album.dirpath), album.category))
    moves = _find_moves(vanished, new, state)
    for album, found_album in moves:
        plan.albums_move.append((album, found_album))
        _sync_album(plan, album, found_album, state, full, moved=True)
    moved = {id(found_album) for _, found_album in moves}
    moved_pks = {album.pk for album, _ in moves}
    plan.albums_remove = [album for album in vanished if album.pk not in moved_pks]
    for found_album in new:
        if id(found_album) not in moved:
            plan.albums_add.append(found_album)
            _add_photos(plan, found_album, _sorted_photos(found_album))
    plan.albums_remove.sort(key=lambda album: (album.dirpath, album.category))
    _check_safety(plan, state, found)
    return plan


def _is_below(dirpath, protected):
    return any(
        not top or dirpath == top or dirpath.startswith(f"{top}/") for top in protected
    )


def _sync_album(plan, album, found_album, state, full, moved=False):
    """Plan the photo changes of an album present on both sides."""
    if not moved and album.dirpath != found_album.dirpath:
        plan.albums_rename.append((album, found_album.dirpath))  # normalisation
    stored = state.photos.pop(album.pk, {})
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
    rows = plan.photos_add
    by_exif = conf.PHOTO_DATES == "exif"
    for found_photo in found_photos:
        if too_long_for(Photo, "filename", found_photo.filename):
            path = nfc(found_photo.stored.name)
            plan.noisy.add(path.rpartition("/")[0])
            plan.errors.append(
                _("%(path)s: file name too long for the database; skipped")
                % {"path": path}
            )
            continue
        if found_photo.warning:
            plan.warnings.append(found_photo.warning)
        stored = found_photo.stored
        if by_exif and found_photo.date is None and not found_photo.warning:
            plan.undated_added.append((len(rows), stored.name, stored.size))
        rows.append(
            NewPhoto(
                album_ref,
                found_photo.filename,
                found_photo.date,
                stored.size,
                stored.modified,
                stored.etag,
            )
        )


def _find_moves(vanished, new, state):
    """Pair vanished albums with new albums holding the same files (names, sizes)."""
    by_names = {}
    for found_album in new:
        by_names.setdefault(frozenset(found_album.photos), []).append(found_album)
    moves = []
    for album in vanished:
        photos = state.photos.get(album.pk)
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


def _check_safety(plan, state, found):
    """Refuse to remove every album, or more than half of them, without force."""
    removed = plan.albums_remove
    if not removed:
        return
    present = found.albums or plan.unchanged
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

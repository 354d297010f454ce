"""What the scanner reads from and writes to the database."""

import contextlib
import dataclasses
import hashlib
import os

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection
from django.db.models import Count, Max, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Album, Photo, ScanState
from .bulk import insert_chunks, insert_rows, prepare, update_chunks
from .listing import local_root
from .matching import nfc
from .order import directory_key_sql, ordered
from .rows import (
    NewPhoto,
    PhotoDate,
    PhotoShape,
    PhotoVersion,
    StoredPhoto,
    stored_photos,
)

__all__ = [
    "RACY",
    "Forgotten",
    "Memory",
    "ScanBusy",
    "State",
    "StoredPhotos",
    "apply",
    "fingerprint",
    "read_state",
    "recall",
    "remember",
    "wait_for_scan_lock",
]

_DELETE_BATCH = 500


class ScanBusy(Exception):
    """Another scan holds the lock."""


class Forgotten(Exception):
    """What a scan remembered stopped applying while it listed the storage."""


def wait_for_scan_lock(seconds):
    """Take the scan lock until the transaction ends, waiting at most ``seconds``
    for another scan to release it; raise :class:`ScanBusy` if it does not.

    On SQLite the wait is the connection's busy timeout (its ``timeout``
    option), not ``seconds``. Pages can still read while it is held.
    """
    table = connection.ops.quote_name(Album._meta.db_table)
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SET LOCAL lock_timeout = {int(seconds * 1000)}")
                # Conflicts with itself and with writes, not with reads.
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            elif connection.vendor == "sqlite":
                # Any write statement takes the database write lock until commit.
                cursor.execute(f"UPDATE {table} SET id = id WHERE 0 = 1")
            else:
                list(Album.objects.select_for_update().values_list("pk"))
    except OperationalError as exc:
        raise ScanBusy(_("Another scan is running; try again later.")) from exc


class State:
    """The stored albums, keyed by (category, NFC dirpath), and their photos,
    read in the order of :mod:`.order` as the planner asks for them."""

    def __init__(self, albums, photos, as_text=None):
        self.albums = albums
        self.album_keys = {album.pk: key for key, album in albums.items()}
        self.photos = photos  # StoredPhotos, or a dict of pk -> {name: row}
        self.as_text = as_text  # datetime -> stored text, when rows hold text
        self.naive = not settings.USE_TZ  # read once: settings are slow to read

    def comparable(self, value):
        """``value`` (a datetime) as it reads back from the database."""
        if self.naive and value is not None and timezone.is_aware(value):
            value = timezone.make_naive(value)
        return self.as_text(value) if self.as_text else value

    def version(self, stored):
        return stored.size, self.comparable(stored.modified), stored.etag

    def photos_of(self, album):
        """The stored photos of ``album``: a dict of NFC names to rows."""
        if isinstance(self.photos, dict):
            return self.photos.pop(album.pk, {})
        return self.photos.of(album.pk)

    def photos_of_albums(self, pks):
        """The stored photos of the albums ``pks``, read again: pk -> photos."""
        if isinstance(self.photos, dict):
            return {pk: self.photos[pk] for pk in pks if pk in self.photos}
        return self.photos.read_again(pks)

    def count_photos(self, albums):
        """How many photos the stored ``albums`` hold."""
        if isinstance(self.photos, dict):
            return sum(len(self.photos.get(album.pk, ())) for album in albums)
        pks = [album.pk for album in albums]
        return sum(
            Photo.objects.filter(album__in=pks[start : start + _DELETE_BATCH]).count()
            for start in range(0, len(pks), _DELETE_BATCH)
        )


def read_state(full=True, unchanged=()):
    """Read every album; return the :class:`State` that reads the photos of
    albums not in ``unchanged`` as the planner asks for them.

    ``unchanged`` holds the NFC paths of directories whose files were not
    listed: their albums stay as they are. One query for the albums, one for
    the photos, whatever their number.
    """
    albums = Album.objects.order_by(*_album_order())
    ranks, keyed = {}, {}
    for album in albums:
        key = (album.category, nfc(album.dirpath))
        keyed[key] = album
        if key[1] not in unchanged:
            ranks[album.pk] = len(ranks)
    as_text = prepare(Photo._meta.get_field("modified"))
    photos = StoredPhotos(ranks, full, as_text, len(ranks) < len(keyed))
    return State(keyed, photos, as_text)


def _album_order(prefix=""):
    """The order of the stored albums: that of :mod:`.order`, then category and pk."""
    dirpath = connection.ops.quote_name(Album._meta.db_table) + "." + "dirpath"
    if not ordered():
        return [f"{prefix}dirpath", f"{prefix}category", f"{prefix}pk"]
    key = RawSQL(directory_key_sql(dirpath), ())
    return [key.asc(), f"{prefix}category", f"{prefix}pk"]


class StoredPhotos:
    """The photos of the albums ranked in ``ranks`` (pk -> rank), read in one
    query in that order, album by album, as :meth:`of` asks for them.

    The photos of an album passed over (not asked for when the rows went
    past it) are let go; asked for later, they are read again, as are those
    of albums left out of ``ranks``. Databases that cannot sort in the scan's
    order keep the photos passed over instead.
    """

    def __init__(self, ranks, full, as_text, some=False):
        self.ranks = ranks
        self.full = full
        self.as_text = as_text  # read at the first album asked for
        self.passed = set()  # pks of the albums passed over
        self.kept = {}  # pk -> photos passed over, where the order is unknown
        self.groups = self._groups(some) if ranks else _nothing()
        self.ahead = None  # a group read before its turn

    def of(self, pk):
        """The photos of album ``pk``: a dict of NFC names to ``StoredPhoto``."""
        if pk in self.kept:
            return self.kept.pop(pk)
        rank = self.ranks.get(pk)
        if rank is None:  # thought unchanged, but changed since
            return self.read_again([pk]).get(pk, {})
        for group_pk, rows in self._next_groups():
            if group_pk == pk:
                return rows
            if self.ranks[group_pk] > rank and ordered():
                self.ahead = (group_pk, rows)
                break
            self._pass(group_pk, rows)
        if pk in self.passed:  # passed over: the listing came in another order
            return self.read_again([pk]).get(pk, {})
        return {}

    def read_again(self, pks):
        """The photos of the albums ``pks``, in a query of their own."""
        photos = {}
        for row in stored_photos(_photo_rows(self.full, self.as_text, pks)):
            photos.setdefault(row.album_id, {})[nfc(row.filename)] = row
        return photos

    def close(self):
        """Stop reading: the database is written next, or the scan failed."""
        with contextlib.suppress(DatabaseError):  # the transaction failed
            self.groups.close()

    def _pass(self, pk, rows):
        self.passed.add(pk)
        if not ordered():
            self.kept[pk] = rows

    def _next_groups(self):
        """The groups from the one read ahead; stopping early keeps the rest."""
        if self.ahead is not None:
            group, self.ahead = self.ahead, None
            yield group
        while (group := next(self.groups, None)) is not None:
            yield group

    def _groups(self, some):
        """(album pk, {NFC name: row}) of each album, in the order of ranks."""
        wanted = list(self.ranks) if some and len(self.ranks) <= 500 else None
        if connection.vendor == "sqlite" and wanted is None:
            # One query at a time, each read to its end: a statement left
            # open would keep others from writing (see scanner._run_phases).
            for pks in _batches(self.ranks):
                rows = _photo_rows(self.full, self.as_text, pks, in_order=True)
                yield from self._grouped(stored_photos(rows))
            return
        # On SQLite, read to the end at once: a statement left open while the
        # listing goes on would keep others from writing.
        stream = connection.vendor != "sqlite"
        rows = _photo_rows(
            self.full, self.as_text, wanted, in_order=True, stream=stream
        )
        yield from self._grouped(stored_photos(rows))

    def _grouped(self, rows):
        ranks, pk, photos = self.ranks, None, {}
        for row in rows:
            if row.album_id != pk:
                if photos:
                    yield pk, photos
                pk, photos = row.album_id, {}
            if row.album_id in ranks:  # not an album left unchanged
                photos[nfc(row.filename)] = row
        if photos:
            yield pk, photos


_BATCH_PHOTOS = 50_000  # photos read by one query, at most (or one album)


def _batches(ranks):
    """The pks of ``ranks``, in order, in lists of at most 500 albums holding
    at most ``_BATCH_PHOTOS`` photos (an album of more on its own)."""
    counts = dict(Photo.objects.order_by().values_list("album").annotate(Count("pk")))
    batch, photos = [], 0
    for pk in sorted(ranks, key=ranks.__getitem__):
        count = counts.get(pk, 0)
        if not count:
            continue
        if batch and (photos + count > _BATCH_PHOTOS or len(batch) == _DELETE_BATCH):
            yield batch
            batch, photos = [], 0
        batch.append(pk)
        photos += count
    if batch:
        yield batch


def _nothing():
    yield from ()


def _photo_rows(full, as_text, albums=None, in_order=False, stream=False):
    """Tuples of the ``StoredPhoto`` fields, of ``albums`` (pks) or all;
    datetimes as stored text when ``as_text``; in the order of the albums
    when ``in_order``; read as they are used when ``stream``."""
    date, modified = "date", "modified"
    if as_text:  # reading the text skips parsing every datetime
        date, modified = Cast("date", TextField()), Cast("modified", TextField())
    if not full:  # dates are compared only by a full scan
        date = Value(None, TextField())
    named = {"date": date, "modified": modified}
    columns = [named.get(field, field) for field in StoredPhoto._fields]
    queryset = Photo.objects.order_by().values_list(*columns)
    if albums is not None:
        queryset = queryset.filter(album__in=albums)
    if in_order:
        queryset = queryset.order_by(*_album_order("album__"))
    if connection.vendor not in ("sqlite", "postgresql"):
        return queryset.iterator(chunk_size=10_000)
    # These drivers return the values Django would; skip its per-row work.
    sql, params = queryset.query.sql_with_params()
    if stream:
        return _streamed(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _streamed(sql, params, size=10_000):
    """The rows of a query, fetched ``size`` at a time (on PostgreSQL, from a
    cursor on the server)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield from rows


def apply(plan, progress=None):
    """Write ``plan`` to the database; run inside a transaction.

    ``progress("apply", rows written, rows to write)`` is called after each
    statement, never during one: the callback may use the connection.
    """
    written = Written(plan, progress)
    _delete_by_pk(Photo, [removal.id for removal in plan.photos_remove])
    written.add(len(plan.photos_remove))
    _delete_by_pk(Album, [album.pk for album in plan.albums_remove])
    _update_albums(plan)
    update_chunks(Photo, PhotoVersion._fields[1:], _chunks(plan.photos_refresh))
    update_chunks(Photo, PhotoShape._fields[1:], _chunks(plan.photos_reshape))
    written.add(len(plan.photos_refresh))
    update_chunks(Photo, PhotoDate._fields[1:], _chunks(plan.photos_redate))
    written.add(len(plan.photos_redate))
    created = _insert_albums(plan.albums_add)
    rows = _chunks(plan.photos_add)
    # Without sizes read from the files, two columns of nulls are left out.
    fields = NewPhoto._fields if plan.sized else NewPhoto._fields[:-2]
    insert_chunks(Photo, fields, rows, foreign=_resolver(created))
    written.add(len(plan.photos_add))


class Written:
    """Counts the rows written by :func:`apply` and tells ``progress``."""

    def __init__(self, plan, progress):
        self.progress = progress
        self.total = len(plan.photos_remove) + len(plan.photos_refresh)
        self.total += len(plan.photos_redate) + len(plan.photos_add)
        self.done = 0

    def add(self, count):
        self.done += count
        if self.progress and count:
            self.progress("apply", self.done, self.total)


def _chunks(rows):
    return rows.chunks() if hasattr(rows, "chunks") else [rows] if rows else []


def _insert_albums(albums):
    """Insert ``albums`` (``FoundAlbum``); return their pks, in order."""
    if not albums:
        return []
    insert_rows(
        Album,
        ("category", "dirpath", "date", "name"),
        [(a.category, a.dirpath, a.date, a.name) for a in albums],
    )
    created = {(album.category, album.dirpath): album for album in albums}
    rows = Album.objects.values_list("category", "dirpath", "pk")
    for category, dirpath, pk in rows:
        if (category, dirpath) in created:
            created[category, dirpath].pk = pk
    return [album.pk for album in albums]


def _resolver(created):
    """Album references of ``NewPhoto`` rows as pks: -n is the n-th album created."""

    def resolve(values):
        return [created[-value - 1] if value < 0 else value for value in values]

    return resolve


def _delete_by_pk(model, pks):
    for start in range(0, len(pks), _DELETE_BATCH):
        model.objects.filter(pk__in=pks[start : start + _DELETE_BATCH]).delete()


def _update_albums(plan):
    changed = []
    for album, found_album in plan.albums_move:
        album.category, album.dirpath = found_album.category, found_album.dirpath
        album.date, album.name = found_album.date, found_album.name
        changed.append(album)
    for album, dirpath in plan.albums_rename:
        album.dirpath = dirpath
        changed.append(album)
    if changed:
        Album.objects.bulk_update(changed, ["category", "dirpath", "date", "name"])


# What a scan remembers of a local storage: see ScanState.

# A directory changed this close (ns) to a listing may change again within the
# same tick of its clock: its time is not remembered.
RACY = 2_000_000_000


@dataclasses.dataclass
class Memory:
    """The directory times remembered for a storage, with the fingerprint of
    the rules and rows they were seen with; ``verified`` once compared with
    the database under the scan lock."""

    key: str = ""
    fingerprint: str = ""
    directories: dict = dataclasses.field(default_factory=dict)
    verified: bool = False

    def verify(self, current):
        """Whether the rules and rows, whose :func:`fingerprint` is ``current``,
        are still those the directories were remembered with."""
        self.verified = current == self.fingerprint
        return self.verified


def recall(storage):
    """What the last scan of ``storage`` remembered, or None if not local.

    What it remembered applies only if :meth:`Memory.verify` says so.
    """
    root = local_root(storage)
    if root is None:
        return None
    key = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()
    saved = ScanState.objects.filter(storage=key).first()
    if saved is None:
        return Memory(key)
    return Memory(key, saved.fingerprint, saved.directories)


def fingerprint(rules, albums=None):
    """A digest of the rules and of the rows a scan could find changed by others.

    Deleting albums or photos, or renaming a category, changes it; so does a
    scan, which then remembers the new one.
    """
    if albums is None:
        albums = Album.objects.order_by().values_list("pk", "category", "dirpath")
    else:
        albums = ((album.pk, album.category, album.dirpath) for album in albums)
    photos = Photo.objects.order_by().aggregate(count=Count("pk"), last=Max("pk"))
    digest = hashlib.sha256(repr(rules.describe()).encode())
    digest.update(repr(sorted(albums)).encode())
    digest.update(repr((photos["count"], photos["last"])).encode())
    return digest.hexdigest()


def remember(memory, rules, directories, *, changed):
    """Save the directory times of a scan; ``changed``: whether it wrote rows."""
    if directories == memory.directories and not (changed and directories):
        return  # nothing new to remember
    if changed or not memory.verified:
        memory.fingerprint = fingerprint(rules)
    state = ScanState(
        storage=memory.key, fingerprint=memory.fingerprint, directories=directories
    )
    ScanState.objects.bulk_create(  # one statement: INSERT ... ON CONFLICT UPDATE
        [state],
        update_conflicts=True,
        unique_fields=["storage"],
        update_fields=["fingerprint", "directories"],
    )

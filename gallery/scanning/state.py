"""What the scanner reads from and writes to the database."""

import dataclasses
import hashlib
import os

from django.conf import settings
from django.db import OperationalError, connection
from django.db.models import Count, Max, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Album, Photo, ScanState
from .bulk import insert_rows, prepare, update_rows
from .listing import local_root
from .matching import nfc
from .rows import (
    PhotoDate,
    PhotoShape,
    PhotoVersion,
    StoredPhoto,
    new_photo_fields,
    stored_photos,
)

__all__ = [
    "RACY",
    "Forgotten",
    "Memory",
    "ScanBusy",
    "State",
    "apply",
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


@dataclasses.dataclass
class State:
    """Albums keyed by (category, NFC dirpath); photo rows by album pk, NFC name."""

    albums: dict
    photos: dict
    as_text: object = None  # datetime -> stored text, when rows hold text

    def __post_init__(self):
        self.naive = not settings.USE_TZ  # read once: settings are slow to read

    def comparable(self, value):
        """``value`` (a datetime) as it reads back from the database."""
        if self.naive and value is not None and timezone.is_aware(value):
            value = timezone.make_naive(value)
        return self.as_text(value) if self.as_text else value

    def version(self, stored):
        return stored.size, self.comparable(stored.modified), stored.etag


def read_state(full=True, unchanged=()):
    """Read every album, and the photos of albums not in ``unchanged``.

    ``unchanged`` holds the NFC paths of directories whose files were not
    listed: their albums stay as they are. Two queries at most.
    """
    albums = {
        (album.category, nfc(album.dirpath)): album
        for album in Album.objects.order_by()
    }
    wanted = [a.pk for (_, path), a in albums.items() if path not in unchanged]
    as_text = prepare(Photo._meta.get_field("modified"))
    photos = {}
    if wanted:
        # A long list of pks costs more than reading every photo.
        only = wanted if len(wanted) <= 500 < len(albums) else None
        for row in stored_photos(_photo_rows(full, as_text, only)):
            photos.setdefault(row.album_id, {})[nfc(row.filename)] = row
    return State(albums, photos, as_text)


def _photo_rows(full, as_text, albums=None):
    """Tuples of the ``StoredPhoto`` fields, of ``albums`` (pks) or all;
    datetimes as stored text when ``as_text``."""
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
    if connection.vendor not in ("sqlite", "postgresql"):
        return queryset.iterator(chunk_size=10_000)
    # These drivers return the values Django would; skip its per-row work.
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def apply(plan):
    """Write ``plan`` to the database; run inside a transaction."""
    _delete_by_pk(Photo, [removal.id for removal in plan.photos_remove])
    _delete_by_pk(Album, [album.pk for album in plan.albums_remove])
    _update_albums(plan)
    update_rows(Photo, PhotoVersion._fields[1:], plan.photos_refresh)
    update_rows(Photo, PhotoShape._fields[1:], plan.photos_reshape)
    update_rows(Photo, PhotoDate._fields[1:], plan.photos_redate)
    if plan.albums_add:
        insert_rows(
            Album,
            ("category", "dirpath", "date", "name"),
            [(a.category, a.dirpath, a.date, a.name) for a in plan.albums_add],
        )
        created = {(album.category, album.dirpath): album for album in plan.albums_add}
        rows = Album.objects.values_list("category", "dirpath", "pk")
        for category, dirpath, pk in rows:
            if (category, dirpath) in created:
                created[category, dirpath].pk = pk
    insert_rows(Photo, new_photo_fields(plan.photos_add), plan.photos_add)


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

    def verify(self, rules, albums):
        """Whether the rules and the rows (``albums`` and the photos) are still
        those the directories were remembered with."""
        self.verified = _fingerprint(rules, albums) == self.fingerprint
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


def _fingerprint(rules, albums=None):
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
        memory.fingerprint = _fingerprint(rules)
    state = ScanState(
        storage=memory.key, fingerprint=memory.fingerprint, directories=directories
    )
    ScanState.objects.bulk_create(  # one statement: INSERT ... ON CONFLICT UPDATE
        [state],
        update_conflicts=True,
        unique_fields=["storage"],
        update_fields=["fingerprint", "directories"],
    )

"""A database made by myks-gallery 0.9.1 upgrades with ``migrate`` and loses nothing.

``tests/data/gallery-0.9.1.<vendor>.sql`` were dumped from databases created
by myks-gallery 0.9.1 (on Django 4.2) with its own migrations, then filled
with users, groups, albums, photos and policies. Each test loads the dump of
the database in use into a scratch database of its own.
"""

import contextlib
import copy
import io
import os
import sqlite3
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder

from gallery.models import Album, AlbumAccessPolicy, Photo, PhotoAccessPolicy
from tests.components import require_binary

DATA = Path(__file__).resolve().parent / "data"
ALIAS = "upgrade"

# Tables where ``migrate`` may add rows (but must keep the existing ones).
GROWING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def dump_path(kind="gallery"):
    return DATA / f"{kind}-0.9.1.{connection.vendor}.sql"


@contextlib.contextmanager
def sqlite_database():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "gallery.sqlite3")
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.executescript(dump_path().read_text(encoding="utf-8"))
        yield path


@contextlib.contextmanager
def postgresql_database():
    psql = require_binary(
        "psql", "/usr/lib/postgresql/*/bin/psql", package="postgresql"
    )
    name = f"gallery_upgrade_{uuid.uuid4().hex[:8]}"
    settings = connection.settings_dict
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(
            [psql, "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", str(dump_path())]
            + ["-h", settings["HOST"], "-p", str(settings["PORT"])]
            + ["-U", settings["USER"], "-d", name],
            check=True,
            capture_output=True,
        )
        yield name
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


pytestmark = pytest.mark.django_db


@pytest.fixture
def upgraded_db():
    """Alias of a scratch database loaded with the 0.9.1 dump, not yet migrated."""
    make = {"sqlite": sqlite_database, "postgresql": postgresql_database}
    if connection.vendor not in make:
        pytest.skip(f"no 0.9.1 dump for {connection.vendor}")
    with make[connection.vendor]() as name:
        connections.settings[ALIAS] = dict(
            copy.deepcopy(connections.settings["default"]), NAME=name
        )
        try:
            # Connected here, the alias passes the guard of the test case
            # against databases it was not told about.
            connections[ALIAS].connect()
            yield ALIAS
        finally:
            connections[ALIAS].close()
            del connections[ALIAS]
            del connections.settings[ALIAS]
            ContentType.objects.clear_cache()


def snapshot(alias, columns=None):
    """Every row of every table, as sorted tuples of the given columns."""
    db = connections[alias]
    quote = db.ops.quote_name
    result = {}
    with db.cursor() as cursor:
        for table in db.introspection.table_names(cursor):
            if columns is None:
                names = [
                    info.name
                    for info in db.introspection.get_table_description(cursor, table)
                ]
            elif table in columns:
                names = columns[table][0]
            else:
                continue
            cursor.execute(f"SELECT {', '.join(map(quote, names))} FROM {quote(table)}")
            result[table] = (names, sorted(cursor.fetchall(), key=repr))
    return result


def test_every_row_survives_migrate(upgraded_db):
    before = snapshot(upgraded_db)
    assert before["gallery_album"][1], "the dump holds albums"
    applied = MigrationRecorder(connections[upgraded_db]).applied_migrations()
    assert ("gallery", "0002_widen_names_and_file_version") not in applied

    call_command("migrate", database=upgraded_db, verbosity=0)

    after = snapshot(upgraded_db, columns=before)
    assert after.keys() == before.keys()
    for table, (_, rows) in before.items():
        if table in GROWING_TABLES:
            assert set(rows) <= set(after[table][1]), table
        else:
            assert after[table][1] == rows, table
    applied = MigrationRecorder(connections[upgraded_db]).applied_migrations()
    assert ("gallery", "0002_widen_names_and_file_version") in applied


def test_objects_read_back_after_migrate(upgraded_db):
    call_command("migrate", database=upgraded_db, verbosity=0)
    albums = Album.objects.using(upgraded_db)
    assert list(albums.values_list("name", flat=True)) == [
        "Neige à Paris",
        "Fête de famille",
        "Mariage de Zoë 💍",
        "東京",
        "",
    ]
    assert albums.get(name="東京").category == "Voyages"
    photos = Photo.objects.using(upgraded_db)
    assert photos.count() == 11
    assert sorted(photos.filter(date=None).values_list("filename", flat=True)) == [
        "IMG_0001.JPG",
        "a.jpg",
        "gâteau.jpg",
        "zoë-2.jpg",
    ]
    assert {(p.size, p.modified, p.etag) for p in photos} == {(None, None, "")}

    wedding = AlbumAccessPolicy.objects.using(upgraded_db).get(
        album__name__contains="💍"
    )
    assert not wedding.public and not wedding.inherit
    assert {u.username for u in wedding.users.all()} == {"zoë", "bob"}
    assert [g.name for g in wedding.groups.all()] == ["Amis — proches"]
    policies = AlbumAccessPolicy.objects.using(upgraded_db).order_by("album__date")
    assert [(p.public, p.inherit) for p in policies] == [
        (True, True),
        (False, True),
        (False, False),
        (False, True),
    ]
    photo_policies = PhotoAccessPolicy.objects.using(upgraded_db)
    assert {
        (
            p.photo.filename,
            p.public,
            frozenset(u.username for u in p.users.all()),
            frozenset(g.name for g in p.groups.all()),
        )
        for p in photo_policies
    } == {
        ("2013-01-19_19-15-02.jpg", False, frozenset({"alice"}), frozenset()),
        ("été.jpg", True, frozenset(), frozenset()),
        (
            "zoë-1.jpg",
            False,
            frozenset({"bob"}),
            frozenset({"Famille", "Amis — proches"}),
        ),
        ("b.jpg", True, frozenset(), frozenset()),
    }


def test_users_groups_and_permissions_survive(upgraded_db):
    call_command("migrate", database=upgraded_db, verbosity=0)
    users = get_user_model().objects.using(upgraded_db)
    zoe = users.get(username="zoë")
    assert zoe.first_name == "Zoë"
    assert {g.name for g in zoe.groups.all()} == {"Amis — proches", "写真家"}
    assert users.get(username="viewer").last_name == "Œuvrard"
    assert users.get(username="admin").is_superuser

    permissions = Permission.objects.using(upgraded_db).filter(
        content_type__app_label="gallery", codename__in=["view", "scan"]
    )
    names = {p.codename: p.name for p in permissions}
    assert names == {
        "view": "Can see all photos",
        "scan": "Can scan the photos directory",
    }
    viewer = users.get(username="viewer")
    assert [p.codename for p in viewer.user_permissions.all()] == ["view"]
    photographers = Group.objects.using(upgraded_db).get(name="写真家")
    assert [p.codename for p in photographers.permissions.all()] == ["scan"]


def test_new_rows_get_fresh_keys_after_migrate(upgraded_db):
    call_command("migrate", database=upgraded_db, verbosity=0)
    album = Album.objects.using(upgraded_db).create(
        category="Photos", dirpath="2020/new", date="2020-01-01", name="x" * 255
    )
    assert album.pk == 6


def table_schema(alias, table):
    """Columns and constraints of ``table``, without constraint names."""
    db = connections[alias]
    with db.cursor() as cursor:
        columns = {
            (info.name, info.type_code, info.null_ok)
            for info in db.introspection.get_table_description(cursor, table)
        }
        constraints = {
            (
                tuple(c["columns"]),
                c["primary_key"],
                c["unique"],
                c["foreign_key"],
                c["index"],
            )
            for c in db.introspection.get_constraints(cursor, table).values()
        }
    return columns, constraints


def gallery_tables(alias):
    db = connections[alias]
    with db.cursor() as cursor:
        return {
            t for t in db.introspection.table_names(cursor) if t.startswith("gallery_")
        }


def test_upgraded_schema_matches_a_fresh_one(upgraded_db):
    call_command("migrate", database=upgraded_db, verbosity=0)
    tables = gallery_tables("default")
    assert gallery_tables(upgraded_db) == tables
    assert len(tables) >= 8
    for table in tables:
        assert table_schema(upgraded_db, table) == table_schema("default", table), table


def statements(sql):
    """The SQL statements of a ``sqlmigrate`` output, without comments, as a set."""
    lines = [line for line in sql.splitlines() if line and not line.startswith("--")]
    return set(lines) - {"BEGIN;", "COMMIT;"}


def test_initial_migration_is_the_0_9_1_schema(upgraded_db):
    """``sqlmigrate gallery 0001`` gives the statements of 0.9.1's 0001."""
    out = io.StringIO()
    # On a database of its own: SQLite cannot edit schemas in the test's transaction.
    call_command("sqlmigrate", "gallery", "0001", database=upgraded_db, stdout=out)
    expected = dump_path("sqlmigrate-0001").read_text(encoding="utf-8")
    assert statements(out.getvalue()) == statements(expected)


def album_indexes(alias):
    """The indexes of the photo table: (columns, unique), names left out."""
    db = connections[alias]
    with db.cursor() as cursor:
        constraints = db.introspection.get_constraints(cursor, "gallery_photo")
    return {
        (tuple(c["columns"]), c["unique"])
        for c in constraints.values()
        # PostgreSQL tells a unique constraint from the index behind it.
        if (c["index"] or c["unique"])
        and not c["primary_key"]
        and "album_id" in c["columns"]
    }


def test_album_index_goes_and_comes_back(upgraded_db):
    """0.9.1 indexed a photo's album alone; 0007 drops that index, which the
    unique (album, filename) index makes redundant, and restores it on the
    way back. The photos stay."""
    alone = (("album_id",), False)
    call_command("migrate", "gallery", "0006", database=upgraded_db, verbosity=0)
    assert alone in album_indexes(upgraded_db)
    photos = snapshot(upgraded_db)["gallery_photo"]
    assert photos[1], "the dump holds photos"

    call_command("migrate", "gallery", "0007", database=upgraded_db, verbosity=0)
    assert album_indexes(upgraded_db) == {
        (("album_id", "filename"), True),
        (("album_id", "date", "filename"), False),
    }
    assert snapshot(upgraded_db)["gallery_photo"] == photos

    call_command("migrate", "gallery", "0006", database=upgraded_db, verbosity=0)
    assert alone in album_indexes(upgraded_db)
    assert snapshot(upgraded_db)["gallery_photo"] == photos

import os
import tempfile

import pytest

from gallery.storages import get_storage


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor}"


@pytest.fixture(scope="session", autouse=True)
def private_temp_dir(tmp_path_factory):
    """Give this run, and what it starts, a temporary folder of its own.

    Lock files of non-local cache storages live in the temporary folder: test
    runs going on side by side (SQLite, PostgreSQL, Django 6) would otherwise
    take each other's locks.
    """
    path = str(tmp_path_factory.mktemp("tmp"))
    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = os.environ["TMPDIR"] = path
    yield path
    tempfile.tempdir = saved[0]
    if saved[1] is None:
        del os.environ["TMPDIR"]
    else:
        os.environ["TMPDIR"] = saved[1]


@pytest.fixture(autouse=True)
def fresh_storages():
    """Give every test empty in-memory storages."""
    get_storage.cache_clear()
    yield
    get_storage.cache_clear()


@pytest.fixture
def photo_storage():
    return get_storage("photo")


@pytest.fixture
def cache_storage():
    return get_storage("cache")


pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.pages",
    "tests.fixtures.phone_photos",
    "tests.fixtures.photo_tree",
    "tests.fixtures.servers",
    "tests.fixtures.redis",
    "tests.fixtures.s3",
    "tests.fixtures.thumbor",
]

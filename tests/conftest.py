import pytest

from gallery.storages import get_storage


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor}"


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

import datetime
import os
import sys
import types
import unicodedata

import pytest
from django.core.files.base import ContentFile

from gallery.scanning import listing
from gallery.scanning.listing import ListingError, StoredFile, list_storage
from tests.storages import RecordingStorage


def test_local_listing_records_size_and_mtime(photo_tree):
    photo_tree.add("2013/a/one.jpg", content=b"12345")
    path = photo_tree.root / "2013/a/one.jpg"
    os.utime(path, (0, 1_500_000_000.25))
    result = list_storage(photo_tree.storage())
    assert result.files == [
        StoredFile(
            "2013/a/one.jpg",
            5,
            datetime.datetime(2017, 7, 14, 2, 40, 0, 250000, tzinfo=datetime.UTC),
        )
    ]
    assert result.unreadable == []


def test_local_listing_keeps_names_as_listed(photo_tree):
    nfd = unicodedata.normalize("NFD", "2013/Fête/é.jpg")
    photo_tree.add(nfd)
    assert [f.name for f in list_storage(photo_tree.storage()).files] == [nfd]


def test_missing_local_root_is_a_listing_error(tmp_path):
    from django.core.files.storage import FileSystemStorage

    with pytest.raises(ListingError, match="does not exist"):
        list_storage(FileSystemStorage(location=tmp_path / "missing"))


def test_unreadable_local_directory_is_reported(photo_tree, monkeypatch):
    photo_tree.add("ok/1.jpg", "locked/2.jpg")
    real_open = os.open
    locked = str(photo_tree.root / "locked")

    def open_dir(path, flags, *args, **kwargs):
        if str(path).rstrip("/") == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(listing.os, "open", open_dir)
    result = list_storage(photo_tree.storage())
    assert [f.name for f in result.files] == ["ok/1.jpg"]
    assert result.unreadable == [("locked", "Permission denied")]


def test_symlink_loops_are_listed_once(photo_tree):
    photo_tree.add("a/1.jpg")
    (photo_tree.root / "a" / "loop").symlink_to(photo_tree.root / "a")
    assert [f.name for f in list_storage(photo_tree.storage()).files] == ["a/1.jpg"]


def test_generic_listing_uses_listdir():
    storage = RecordingStorage(location="elsewhere")
    storage.save("x/1.jpg", ContentFile(b"123"))
    (stored,) = [f for f in list_storage(storage).files if f.name.endswith(".jpg")]
    assert (stored.name, stored.size) == ("x/1.jpg", 3)
    assert stored.modified.tzinfo == datetime.UTC
    assert "x" in storage.operations("listdir")


class FakeS3Storage(RecordingStorage):
    pass


FakeS3Storage.__module__ = "storages.backends.s3"


def test_s3_storages_use_the_flat_listing(monkeypatch):
    flat = [("a", [StoredFile("a/1.jpg", 1, None, '"etag"')])]
    module = types.ModuleType("gallery.scanning.listing_s3")
    module.walk_s3 = lambda storage, listing, progress=None: iter(flat)
    monkeypatch.setitem(sys.modules, "gallery.scanning.listing_s3", module)
    assert list_storage(FakeS3Storage()).files == flat[0][1]


def test_s3_storages_fall_back_to_listdir(monkeypatch):
    monkeypatch.setitem(sys.modules, "gallery.scanning.listing_s3", None)
    monkeypatch.setattr(listing, "_s3_lister", lambda: None)
    storage = FakeS3Storage()
    storage.save("a/1.jpg", ContentFile(b"1"))
    assert "a/1.jpg" in [f.name for f in list_storage(storage).files]
    assert storage.operations("listdir")


def test_missing_s3_module_means_no_flat_listing(monkeypatch):
    real_import = listing.importlib.import_module

    def import_module(name):
        if name == "gallery.scanning.listing_s3":
            raise ModuleNotFoundError(name=name)
        return real_import(name)

    monkeypatch.setattr(listing.importlib, "import_module", import_module)
    assert listing._s3_lister() is None

"""Storage doubles: one that records what the code reads and writes, one slow."""

import os
import time

from django.core.files.storage import FileSystemStorage, InMemoryStorage


class RecordingStorage(InMemoryStorage):
    """``InMemoryStorage`` that logs ``(operation, name)`` in ``self.log``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.log = []

    def _record(self, operation, name):
        self.log.append((operation, name))

    def _open(self, name, mode="rb"):
        self._record("open", name)
        return super()._open(name, mode)

    def _save(self, name, content):
        self._record("save", name)
        return super()._save(name, content)

    def delete(self, name):
        self._record("delete", name)
        return super().delete(name)

    def exists(self, name):
        self._record("exists", name)
        return super().exists(name)

    def listdir(self, path):
        self._record("listdir", path)
        return super().listdir(path)

    def operations(self, operation):
        """Names passed to ``operation``, in order."""
        return [name for op, name in self.log if op == operation]


def photo_storage():
    return RecordingStorage(location="photos", base_url="/photos/")


def cache_storage():
    return RecordingStorage(location="cache", base_url="/cache/")


class SlowStorage(FileSystemStorage):
    """A directory listed like a remote storage: with a pause per directory.

    It has no local path, so the scanner lists it with ``listdir``.
    """

    def __init__(self, location, pause):
        super().__init__(location=location)
        self.pause = pause

    def path(self, name):
        raise NotImplementedError("a remote-like storage")

    def listdir(self, path):
        time.sleep(self.pause)  # the round trip of a remote storage
        directories, files = [], []
        with os.scandir(os.path.join(self.location, path)) as entries:
            for entry in entries:
                (directories if entry.is_dir() else files).append(entry.name)
        return directories, files


def slow_photo_storage():
    """The photo storage of a test site set up with a slow listing."""
    from django.conf import settings

    photos = os.path.join(settings.SERVER_DIR, "photos")
    return SlowStorage(photos, float(os.environ["GALLERY_SERVER_SLOW_LISTING"]))

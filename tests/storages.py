"""An in-memory storage double that records what the code reads and writes."""

from django.core.files.storage import InMemoryStorage


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

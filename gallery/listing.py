"""What the scanner reads from a storage: the files, with what identifies a version."""

import dataclasses
import datetime


class ListingError(Exception):
    """The storage could not be listed at all (missing, unreachable, refused)."""


@dataclasses.dataclass(frozen=True)
class StoredFile:
    """A file of the photo storage, as the listing gives it."""

    name: str  # path relative to the storage root, "/"-separated, as listed
    size: int | None = None
    modified: datetime.datetime | None = None  # aware, UTC
    etag: str = ""


@dataclasses.dataclass
class Listing:
    """The result of listing a storage."""

    files: list[StoredFile] = dataclasses.field(default_factory=list)
    # (directory path, message) for each directory that could not be read;
    # the scanner leaves albums below them untouched.
    unreadable: list[tuple[str, str]] = dataclasses.field(default_factory=list)

"""One flat, paginated listing of a django-storages ``S3Storage``, streamed."""

import datetime

from botocore.exceptions import BotoCoreError, ClientError
from django.utils.translation import gettext as _

from .listing import ListingError, StoredFile
from .order import holds

__all__ = ["walk_s3"]

_PAGE_SIZE = 1000  # the most S3 returns in one ListObjectsV2 response


def walk_s3(storage, listing, progress=None):
    """Yield ``(directory, files)`` as one pass over the bucket ends each
    directory: in the order of :func:`.order.directory_key`, a page at a time.

    ``progress("list", keys so far, None)`` is called after each page.
    """
    prefix = _storage_prefix(storage)
    held = []  # (directory, files) of the last key's directory and those above
    count = 0
    try:
        for page in _pages(storage, prefix):
            for stored in _stored_files(page, prefix):
                directory = stored.name.rpartition("/")[0]
                while held and not holds(held[-1][0], directory):
                    yield held.pop()
                if held and held[-1][0] == directory:
                    held[-1][1].append(stored)
                else:
                    held.append((directory, [stored]))
                count += 1
            if progress:
                progress("list", count, None)
    except (BotoCoreError, ClientError) as exc:
        # A partial listing would look like deleted photos: all or nothing.
        raise ListingError(_describe(storage, exc)) from exc
    while held:
        yield held.pop()


def _pages(storage, prefix):
    """Iterate over the ListObjectsV2 responses for the keys under ``prefix``."""
    paginator = storage.connection.meta.client.get_paginator("list_objects_v2")
    return paginator.paginate(
        Bucket=storage.bucket_name,
        Prefix=prefix,
        PaginationConfig={"PageSize": _PAGE_SIZE},
    )


def _storage_prefix(storage):
    """The key prefix of the storage's ``location``, ending with "/" unless empty."""
    location = (storage.location or "").strip("/")
    return f"{location}/" if location else ""


def _stored_files(page, prefix):
    """Turn the objects of one ListObjectsV2 page into ``StoredFile``s."""
    for entry in page.get("Contents", ()):
        name = entry["Key"][len(prefix) :]
        if not name or name.endswith("/"):  # folder markers made by consoles
            continue
        yield StoredFile(
            name=name,
            size=entry["Size"],
            modified=entry["LastModified"].astimezone(datetime.UTC),
            etag=entry.get("ETag", "").strip('"'),
        )


def _describe(storage, exc):
    """A one-line message for a failed listing."""
    where = _("bucket %(bucket)r") % {"bucket": storage.bucket_name}
    if storage.endpoint_url:
        where = _("bucket %(bucket)r at %(url)s") % {
            "bucket": storage.bucket_name,
            "url": storage.endpoint_url,
        }
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code, text = error.get("Code", "error"), error.get("Message", "")
        reason = f"{code}: {text}".rstrip(": ")
    else:
        reason = str(exc)
    message = _("Cannot list the S3 %(where)s: %(reason)s") % {
        "where": where,
        "reason": reason,
    }
    return " ".join(message.split())

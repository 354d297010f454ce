"""One flat, paginated listing of a django-storages ``S3Storage``."""

import datetime

from botocore.exceptions import BotoCoreError, ClientError
from django.utils.translation import gettext as _

from .listing import Listing, ListingError, StoredFile

__all__ = ["list_s3"]

_PAGE_SIZE = 1000  # the most S3 returns in one ListObjectsV2 response


def list_s3(storage):
    """Return the ``Listing`` of ``storage`` in one pass over its bucket."""
    prefix = _storage_prefix(storage)
    listing = Listing()
    try:
        for page in _pages(storage, prefix):
            listing.files.extend(_stored_files(page, prefix))
    except (BotoCoreError, ClientError) as exc:
        # A partial listing would look like deleted photos: all or nothing.
        raise ListingError(_describe(storage, exc)) from exc
    return listing


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

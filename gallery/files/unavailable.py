"""A storage failing during a request: "try again later", not a server error."""

import functools
import logging

from django.http import HttpResponse
from django.utils.translation import gettext as _

__all__ = ["storage_errors", "storage_unavailable_response", "when_storage_fails"]

logger = logging.getLogger("gallery")

RETRY_AFTER = 30  # seconds


@functools.cache
def storage_errors():
    """Exceptions a storage raises when its backend fails or cannot be reached."""
    errors = [ConnectionError, TimeoutError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        pass
    else:
        # A missing object is already a FileNotFoundError in django-storages.
        errors += [BotoCoreError, ClientError]
    return tuple(errors)


def storage_unavailable_response():
    """A 503 asking to retry later, never stored by caches."""
    response = HttpResponse(
        _("The photos cannot be reached at the moment; try again later."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def when_storage_fails(view):
    """Decorate a file view so that a failing storage gives a 503 response."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except storage_errors() as exc:
            logger.warning("Storage failure on %s: %s", request.path, exc)
            return storage_unavailable_response()

    return wrapper

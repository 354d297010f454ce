"""Turn a stored file into a response, after the caller checked access.

Three ways, chosen by the storage and the settings:

* local storage and ``GALLERY_SENDFILE_HEADER``: an empty response carrying
  the header, so that the web server sends the file itself;
* local storage otherwise: the application streams the file, with validators,
  conditional requests and byte ranges;
* remote storage: a redirect to a short-lived signed URL of the storage, or,
  when the storage does not sign its URLs or ``GALLERY_REMOTE_SERVING =
  "stream"``, the file streamed through the app. A permanent URL would outlive
  the access check, so it is never handed out.
"""

import inspect
import logging
import mimetypes
import os
import posixpath
import urllib.parse

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from ..conf import conf
from ..storages import is_local
from .http import content_disposition, partial_response

__all__ = ["serve"]

logger = logging.getLogger("gallery.serving")


def serve(request, storage, name, *, filename=None, attachment=False, max_age=3600):
    """Respond with the file ``name`` of ``storage``, named ``filename``.

    A file missing from the storage is a 404.
    """
    filename = filename or posixpath.basename(name)
    try:
        response = file_or_redirect(request, storage, name, filename, attachment)
    except FileNotFoundError as exc:
        raise Http404 from exc
    if response.status_code != 302:
        response.headers.setdefault("Cache-Control", f"private, max-age={max_age}")
    return response


def file_or_redirect(request, storage, name, filename, attachment):
    if is_local(storage):
        path = local_path(storage, name)
        if conf.SENDFILE_HEADER:
            response = sendfile_response(path, filename, attachment)
        else:
            response = local_response(request, path, filename, attachment)
    elif conf.REMOTE_SERVING == "redirect" and signs_urls(storage):
        response = redirect_response(storage, name, filename, attachment)
    else:
        response = stream_response(storage, name, filename, attachment)
    return response


def local_path(storage, name):
    """Real path of ``name``, which must stay inside the storage's directory.

    A symbolic link pointing elsewhere, or a name climbing out of the storage,
    is a 404: the web server would otherwise send any file it can read.
    """
    try:
        path = os.path.realpath(storage.path(name))
    except SuspiciousFileOperation as exc:
        raise Http404 from exc
    root = os.path.realpath(storage.location)
    if os.path.commonpath([root, path]) != root:
        logger.warning("Refusing to serve %s: it is outside %s", path, root)
        raise Http404
    return path


def signs_urls(storage):
    """Tell whether ``storage.url()`` returns signed, expiring URLs.

    django-storages signs them with ``querystring_auth``, except on a custom
    domain without a CloudFront signer.
    """
    if not getattr(storage, "querystring_auth", False):
        return False
    custom_domain = getattr(storage, "custom_domain", None)
    return not custom_domain or getattr(storage, "cloudfront_signer", None) is not None


def content_type(filename):
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def sendfile_path(path):
    """Value of the sendfile header for the absolute, resolved ``path``."""
    root = conf.SENDFILE_ROOT
    if root:
        root = os.path.realpath(root)
        if os.path.commonpath([root, path]) != root:
            logger.error("Refusing to serve %s: outside GALLERY_SENDFILE_ROOT", path)
            raise Http404
        path = os.path.relpath(path, root)
    prefix = conf.SENDFILE_PREFIX
    if prefix:
        path = prefix.rstrip("/") + "/" + path.lstrip("/")
    # Web servers decode the header like a URL; this also keeps it ASCII.
    return urllib.parse.quote(path)


def sendfile_response(path, filename, attachment):
    response = HttpResponse(content_type=content_type(filename))
    response[conf.SENDFILE_HEADER] = sendfile_path(path)
    response["Content-Disposition"] = content_disposition(filename, attachment)
    return response


def validators(stat):
    """``(etag, last_modified)`` of a file from its ``os.stat`` result."""
    return f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"', int(stat.st_mtime)


def local_response(request, path, filename, attachment):
    stat = os.stat(path)
    etag, last_modified = validators(stat)
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = file_response(request, path, stat.st_size, etag, filename)
        response["Content-Disposition"] = content_disposition(filename, attachment)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return response


def file_response(request, path, size, etag, filename):
    """The whole file, or the byte range that the request asks for."""
    file = open(path, "rb")  # noqa: SIM115  (the response closes it)
    response = partial_response(request, file, size, etag)
    if response is None:
        response = FileResponse(file)
        response["Accept-Ranges"] = "bytes"
    response["Content-Type"] = content_type(filename)
    return response


def stream_response(storage, name, filename, attachment):
    file = storage.open(name, "rb")
    response = FileResponse(file, content_type=content_type(filename))
    response["Content-Disposition"] = content_disposition(filename, attachment)
    return response


def redirect_response(storage, name, filename, attachment):
    """Redirect to the storage's URL; signed and short-lived when possible."""
    accepted = inspect.signature(storage.url).parameters
    options = {}
    if "expire" in accepted:
        options["expire"] = conf.SIGNED_URL_EXPIRY
    if "parameters" in accepted:
        disposition = content_disposition(filename, attachment)
        options["parameters"] = {"ResponseContentDisposition": disposition}
    response = HttpResponseRedirect(storage.url(name, **options))
    response["Cache-Control"] = "private, no-store"
    return response

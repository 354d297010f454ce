"""Small pieces of HTTP: Content-Disposition and single byte ranges."""

import re
import unicodedata
import urllib.parse

from django.http import FileResponse, HttpResponse
from django.utils.http import parse_etags

__all__ = ["content_disposition", "partial_response"]

UNSAFE = re.compile(r"[^A-Za-z0-9 !#$&+,.=@^_`{}~()\[\]-]")
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def content_disposition(filename, attachment=False):
    """Header value with an ASCII ``filename`` and the UTF-8 ``filename*``."""
    kind = "attachment" if attachment else "inline"
    ascii_name = unicodedata.normalize("NFKD", filename)
    ascii_name = ascii_name.encode("ascii", "ignore").decode()
    ascii_name = UNSAFE.sub("_", ascii_name).strip() or "file"
    quoted = urllib.parse.quote(filename, safe="")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"


def requested_range(request, size, etag):
    """``(start, end)`` (inclusive) of a single satisfiable range, else ``None``.

    Returns ``False`` when the range cannot be satisfied.
    """
    header = request.headers.get("Range")
    if request.method not in ("GET", "HEAD") or not header:
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and etag not in parse_etags(if_range):
        return None
    match = RANGE.match(header.strip())
    if match is None or match.groups() == ("", ""):
        return None  # several ranges or garbage: send the whole file
    first, last = match.groups()
    if first == "":
        start, end = max(size - int(last), 0), size - 1
    else:
        start, end = int(first), min(int(last or size - 1), size - 1)
    if start > end or start >= size:
        return False
    return start, end


def partial_response(request, file, size, etag):
    """A 206 (or 416) response for a Range request on ``file``, else ``None``."""
    bounds = requested_range(request, size, etag)
    if bounds is None:
        return None
    if bounds is False:
        file.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = bounds
    response = FileResponse(RangeFile(file, start, end), status=206)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = end - start + 1
    return response


class RangeFile:
    """Reads ``file`` from ``start`` to ``end`` included, then ends.

    It has no ``fileno()``, so WSGI servers read it instead of sending the
    whole file with ``sendfile()``.
    """

    def __init__(self, file, start, end):
        file.seek(start)
        self.file = file
        self.remaining = end - start + 1

    def read(self, size=-1):
        if size < 0 or size > self.remaining:
            size = self.remaining
        data = self.file.read(size)
        self.remaining -= len(data)
        return data

    def close(self):
        self.file.close()

"""moto's S3 server on 127.0.0.1 with a bucket filled in-process, listed fast.

The driver of an S3 benchmark runs the server in its own process
(``ThreadedMotoServer``) and puts the keys straight into moto's backend
(about 15,000 a second; moto stores about 50 uploads a second over HTTP).
moto answers each ListObjectsV2 request by sorting every key of the bucket
(about 0.35 s a page at 100,000 keys, 2.5 s at 1,000,000), so a million keys
would take some 40 minutes to list. :func:`indexed_listing` makes moto's
backend answer from a sorted index of the bucket's names instead, with the
same pages, continuation tokens and responses (``tests/test_benchmarks.py``
compares them with moto's own); everything else, HTTP and XML included, is
moto's.
"""

import bisect
import contextlib
import logging

REGION = "us-east-1"


@contextlib.contextmanager
def running_server(bucket, names, indexed=False):
    """Yield the URL of moto's S3 server with ``bucket`` holding keys ``names``.

    With ``indexed``, ListObjectsV2 on that bucket is answered from an index
    made once the keys are in (see :func:`indexed_listing`).
    """
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        backend = fill_bucket(bucket, names)
        host, port = server.get_host_and_port()
        with indexed_listing(backend, bucket) if indexed else contextlib.nullcontext():
            yield f"http://{host}:{port}"
    finally:
        server.stop()
        backend_of_server().reset()


def backend_of_server():
    """The S3 backend that the server of this process answers from."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["global"]


def fill_bucket(bucket, names):
    """Create ``bucket`` with a one-byte object at each of ``names``; its backend."""
    backend = backend_of_server()
    backend.create_bucket(bucket, REGION)
    for name in names:  # in-process: HTTP uploads are slow
        backend.put_object(bucket, name, b"j")
    return backend


@contextlib.contextmanager
def indexed_listing(backend, bucket_name):
    """While open, list ``bucket_name`` (without a delimiter) from a sorted index.

    The bucket must not change meanwhile: the index is made once, on entry.
    Other buckets and listings with a delimiter go to moto's own method.
    """
    from moto.s3.models import S3Backend

    indexed = backend.get_bucket(bucket_name)
    names = sorted(indexed.keys)
    original = S3Backend.list_objects_v2

    def list_objects_v2(self, bucket, prefix, delimiter, *args, **kwargs):
        if bucket is not indexed or delimiter:
            return original(self, bucket, prefix, delimiter, *args, **kwargs)
        return _page(self, bucket, names, prefix, *args, **kwargs)

    S3Backend.list_objects_v2 = list_objects_v2
    try:
        yield
    finally:
        S3Backend.list_objects_v2 = original


def _page(backend, bucket, names, prefix, continuation_token, start_after, max_keys):
    """The keys of one page, truncated and tokened by moto's own method."""
    after = (
        backend._pagination_tokens.get(continuation_token)
        if continuation_token
        else start_after
    )
    prefix = prefix or ""
    start = bisect.bisect_left(names, prefix)
    if after:
        start = max(start, bisect.bisect_right(names, after))
    keys = []
    for name in names[start : start + max_keys + 1]:
        if not name.startswith(prefix):
            break
        keys.append(bucket.keys[name])
    return backend._truncate_result(keys, max_keys)

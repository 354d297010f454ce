"""The real-server test site, counting the images it decodes (tests/test_load.py).

Each ``PIL.Image.open`` in the app appends the SHA-1 of the bytes it opens to
``decodes.log`` in the site directory, so that a test can tell how many times
each original was decoded, across every worker process.
"""

import hashlib
import os

from PIL import Image

from tests.settings.server import *  # noqa: F403
from tests.settings.server import SERVER_DIR

DECODES_LOG = os.path.join(SERVER_DIR, "decodes.log")
_open = Image.open


def counting_open(fp, *args, **kwargs):
    image = _open(fp, *args, **kwargs)
    data = read_all(fp)
    # One short line in append mode: whole lines even from several processes.
    with open(DECODES_LOG, "a", encoding="ascii") as log:
        log.write(hashlib.sha1(data).hexdigest() + "\n")
    return image


def read_all(fp):
    if hasattr(fp, "getvalue"):
        return fp.getvalue()
    if hasattr(fp, "read"):
        position = fp.tell()
        fp.seek(0)
        data = fp.read()
        fp.seek(position)
        return data
    with open(fp, "rb") as file:
        return file.read()


Image.open = counting_open

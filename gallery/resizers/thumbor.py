"""A resizer returning signed URLs of a thumbor server.

thumbor must be able to read the photo storage itself; it is given the name
of the original. Settings: ``THUMBOR_SERVER`` (base URL) and
``THUMBOR_SECURITY_KEY``, as in myks-gallery 0.9.1.
"""

import urllib.parse

import libthumbor
from django.conf import settings

__all__ = ["resize"]


def resize(photo, width, height, crop=True):
    """Return a signed thumbor URL of ``photo`` resized to the preset."""
    image_url = urllib.parse.quote(photo.image_name.encode(), safe="~@#$&()*!+=:;,.?/'")
    path = libthumbor.CryptoURL(key=settings.THUMBOR_SECURITY_KEY).generate(
        image_url=image_url, width=width, height=height, fit_in=not crop, smart=True
    )
    return settings.THUMBOR_SERVER.rstrip("/") + urllib.parse.unquote(path)

"""Share link tokens, the grants they leave in a session, and their log.

A token is the link's stored random key followed by an HMAC of that key with
the site's secret key: the key finds the link, the HMAC proves that the token
was made by this site. A leaked database gives keys but no HMAC; rotating
``SECRET_KEY`` ends every link unless the old key stays in
``SECRET_KEY_FALLBACKS``. Who may see what through a grant is decided in
:mod:`gallery.access`, like everything else.
"""

import base64
import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .conf import conf
from .models import AlbumAccessPolicy, ShareLink, ShareLogEntry, default_share_expiry

SALT = "gallery.shares.token"
KEY_LENGTH = 22  # characters of ShareLink.key: 128 bits, URL-safe base64
SESSION_KEY = "gallery_shares"
MAX_GRANTS = 50  # per session, the most recent first


def signature(key, secret=None):
    """HMAC-SHA256 of ``key`` with ``secret`` (``SECRET_KEY`` by default)."""
    digest = salted_hmac(SALT, key, secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_token(link):
    """The token of the URL of ``link``, under the current secret key."""
    return link.key + signature(link.key)


def is_signed(key, mac):
    """Tell whether ``mac`` signs ``key`` under the secret key or a fallback."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    valid = False
    for secret in secrets:  # all of them: the time taken tells nothing
        valid |= constant_time_compare(mac, signature(key, secret))
    return valid


def find_link(token):
    """The link whose token is ``token``, whatever its state, or ``None``.

    A token that this site did not sign costs no query.
    """
    key, mac = token[:KEY_LENGTH], token[KEY_LENGTH:]
    if not is_signed(key, mac):
        return None
    return ShareLink.objects.select_related("album").filter(key=key).first()


def granted_ids(request):
    """Primary keys of the links opened in this session; not checked."""
    session = getattr(request, "session", None)
    if session is None:
        return ()
    return tuple(session.get(SESSION_KEY, ()))


def grant(request, link):
    """Remember ``link`` in the session; tell whether it is new there.

    A session that existed before gets a new key, as on login: whoever
    planted or saw its cookie does not get the grant.
    """
    ids = list(granted_ids(request))
    new = link.pk not in ids
    if new:
        if request.session.session_key is not None:
            request.session.cycle_key()
        ids.insert(0, link.pk)
        request.session[SESSION_KEY] = ids[:MAX_GRANTS]
    return new


def default_expiry():
    """When a link created now expires by default."""
    return default_share_expiry()


def ensure_policy(album):
    """Give ``album`` a private policy if it has none; tell whether it was created.

    Nobody is named and photos inherit: share links then show every photo
    without a policy of its own.
    """
    _, created = AlbumAccessPolicy.objects.get_or_create(
        album=album, defaults={"public": False, "inherit": True}
    )
    return created


def record(request, link_id, kind, photo=None):
    """Add an entry to the log of the link ``link_id``."""
    ip = (request.META.get("REMOTE_ADDR") or None) if conf.SHARE_LOG_IP else None
    ShareLogEntry.objects.create(
        link_id=link_id,
        kind=kind,
        photo=photo,
        user_agent=request.headers.get("User-Agent", "")[:255],
        ip_address=ip,
    )


def delete_old_entries(now=None):
    """Delete log entries older than ``GALLERY_SHARE_LOG_DAYS``; count them."""
    if conf.SHARE_LOG_DAYS is None:
        return 0
    limit = (now or timezone.now()) - datetime.timedelta(days=conf.SHARE_LOG_DAYS)
    deleted, _ = ShareLogEntry.objects.filter(time__lt=limit).delete()
    return deleted

"""The gallery's data: albums, their photos, and who may see them.

* :class:`Album` is a directory of the photo storage, :class:`Photo` a file in
  it; the scan creates, moves and removes both (:mod:`gallery.scanning`).
* :class:`AlbumAccessPolicy` and :class:`PhotoAccessPolicy` are what the owner
  sets in the admin: public, or selected users and groups. The rules reading
  them live in :mod:`gallery.access`, not here.
* :class:`ScanState` remembers what the last scan saw, to skip unchanged
  directories.
* :class:`ShareLink` opens one album to whoever holds its link, until it
  expires or is revoked; :class:`ShareLogEntry` records its openings and
  downloads.

Table names, fields and permissions are those of myks-gallery 0.9.1, plus the
additions of later migrations.
"""

import datetime
import os
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessPolicy(models.Model):
    public = models.BooleanField(_("is public"), default=False)
    groups = models.ManyToManyField(
        "auth.Group", blank=True, verbose_name=_("authorized groups")
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, verbose_name=_("authorized users")
    )

    class Meta:
        abstract = True

    def allows(self, user):
        """Tell whether this policy lets ``user`` see its object."""
        from .access import policy_allows

        return policy_allows(self, user)


class Album(models.Model):
    category = models.CharField(_("category"), max_length=100)
    dirpath = models.CharField(_("directory path"), max_length=255)
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=255, blank=True)

    class Meta:
        ordering = ("date", "name", "dirpath", "category")
        unique_together = ("dirpath", "category")
        indexes = [models.Index(fields=["date", "name"], name="gallery_album_date_idx")]
        verbose_name = _("album")
        verbose_name_plural = _("albums")

    def __str__(self):
        return self.dirpath

    def get_absolute_url(self):
        return reverse("gallery:album", args=[self.pk])

    @property
    def display_name(self):
        return self.name or self.dirpath.replace("/", " > ")

    def get_access_policy(self):
        """Return the album's access policy, or ``None``."""
        try:
            return self.access_policy
        except AlbumAccessPolicy.DoesNotExist:
            return None

    def is_allowed_for_user(self, user):
        from .access import can_see_album

        return can_see_album(user, self)


class AlbumAccessPolicy(AccessPolicy):
    album = models.OneToOneField(
        Album,
        on_delete=models.CASCADE,
        related_name="access_policy",
        verbose_name=_("album"),
    )
    inherit = models.BooleanField(
        _("photos inherit album access policy"), blank=True, default=True
    )

    class Meta:
        verbose_name = _("album access policy")
        verbose_name_plural = _("album access policies")

    def __str__(self):
        return _("Access policy for %(album)s") % {"album": self.album}


class Photo(models.Model):
    # No index of its own: the unique (album, filename) index serves its
    # lookups, and a scan writes one index fewer for each photo.
    album = models.ForeignKey(
        Album, on_delete=models.CASCADE, db_index=False, verbose_name=_("album")
    )
    filename = models.CharField(_("file name"), max_length=255)
    date = models.DateTimeField(_("date"), null=True, blank=True)
    # What the storage listing said of the file at the last scan; a change
    # means the original was replaced and its cached versions are stale.
    size = models.BigIntegerField(_("size"), null=True, blank=True, editable=False)
    modified = models.DateTimeField(
        _("modification time"), null=True, blank=True, editable=False
    )
    etag = models.CharField(_("ETag"), max_length=100, blank=True, editable=False)
    # Measured when the original is first decoded, upright; pages lay out
    # their cells and paint the placeholder before any thumbnail arrives.
    width = models.PositiveIntegerField(
        _("width"), null=True, blank=True, editable=False
    )
    height = models.PositiveIntegerField(
        _("height"), null=True, blank=True, editable=False
    )
    placeholder = models.CharField(
        _("placeholder colour"),
        max_length=7,
        blank=True,
        editable=False,
        db_default="",  # the scan inserts rows without it
    )

    class Meta:
        ordering = ("date", "filename")
        permissions = (
            ("view", "Can see all photos"),
            ("scan", "Can scan the photos directory"),
        )
        unique_together = ("album", "filename")
        indexes = [
            models.Index(
                fields=["album", "date", "filename"], name="gallery_photo_order_idx"
            )
        ]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("gallery:photo", args=[self.pk])

    @property
    def display_name(self):
        return self.date or os.path.splitext(self.filename)[0]

    @property
    def image_name(self):
        """Name of the original in the photo storage."""
        if not self.album.dirpath:
            return self.filename
        return f"{self.album.dirpath}/{self.filename}"

    @property
    def version(self):
        """A string that changes when the original file is replaced."""
        stamp = self.modified.timestamp() if self.modified else ""
        return f"{self.size or ''}:{stamp}:{self.etag}"

    def get_access_policy(self):
        """Return the photo's own access policy, or ``None``."""
        try:
            return self.access_policy
        except PhotoAccessPolicy.DoesNotExist:
            return None

    def get_effective_access_policy(self):
        """Return the policy that decides who sees this photo, or ``None``."""
        policy = self.get_access_policy()
        if policy is not None:
            return policy
        album_policy = self.album.get_access_policy()
        if album_policy is not None and album_policy.inherit:
            return album_policy
        return None

    def is_allowed_for_user(self, user):
        from .access import can_see_photo

        return can_see_photo(user, self)


class PhotoAccessPolicy(AccessPolicy):
    photo = models.OneToOneField(
        Photo,
        on_delete=models.CASCADE,
        related_name="access_policy",
        verbose_name=_("photo"),
    )

    class Meta:
        verbose_name = _("photo access policy")
        verbose_name_plural = _("photo access policies")

    def __str__(self):
        return _("Access policy for %(photo)s") % {"photo": self.photo}


class ScanState(models.Model):
    """What the last scan saw of a local photo directory.

    A directory whose modification time has not changed since then holds the
    same entries, so the next scan skips reading its files.
    """

    storage = models.CharField(max_length=64, unique=True)  # digest of the root
    fingerprint = models.CharField(max_length=64)  # rules and rows seen with it
    directories = models.JSONField(default=dict)  # relative path -> st_mtime_ns

    class Meta:
        default_permissions = ()
        verbose_name = _("scan state")
        verbose_name_plural = _("scan states")

    def __str__(self):
        return self.storage


class ScanRun(models.Model):
    """One scan that was started: by whom, how it went, what it changed.

    The admin shows these as the scan history; a scan running as a background
    task writes its phase and progress here for the admin page to poll.
    """

    class Origin(models.TextChoices):
        ADMIN = "admin", _("admin")
        COMMAND = "command", _("command")
        SCHEDULE = "schedule", _("schedule")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    origin = models.CharField(_("started from"), max_length=10, choices=Origin)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("started by"),
    )
    full = models.BooleanField(_("full scan"), default=False)
    force = models.BooleanField(_("forced"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.QUEUED
    )
    phase = models.CharField(_("phase"), max_length=10, blank=True)
    done = models.PositiveBigIntegerField(_("items done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("changes"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ("-queued_at", "-pk")
        default_permissions = ()
        verbose_name = _("scan")
        verbose_name_plural = _("scans")

    def __str__(self):
        return _("Scan %(pk)s") % {"pk": self.pk}

    @property
    def active(self):
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def seconds(self):
        """How long it ran, or has been running; ``None`` before it starts."""
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return (end - self.started_at).total_seconds()


def default_share_expiry():
    """When a link created now expires, unless "never" is chosen."""
    from .conf import conf

    return timezone.now() + datetime.timedelta(days=conf.SHARE_LINK_DAYS)


def new_share_key():
    """A random value of 128 bits, 22 URL-safe characters."""
    return secrets.token_urlsafe(16)


class ShareLinkQuerySet(models.QuerySet):
    def active(self, now=None):
        """Links that are neither revoked nor expired at ``now``."""
        now = now or timezone.now()
        return self.filter(
            models.Q(expires__isnull=True) | models.Q(expires__gt=now),
            revoked__isnull=True,
        )


class ShareLink(models.Model):
    """A link that lets whoever holds it see one album, until it expires.

    ``key`` is random and stored; the token in the URL is derived from it and
    the site's secret key (see :mod:`gallery.shares`), so the database alone
    gives no working link.
    """

    album = models.ForeignKey(
        Album,
        on_delete=models.CASCADE,
        related_name="share_links",
        verbose_name=_("album"),
    )
    recipient = models.CharField(
        _("recipient"), max_length=100, help_text=_("Who the link is for.")
    )
    key = models.CharField(
        _("key"), max_length=32, unique=True, default=new_share_key, editable=False
    )
    # None only when "never" is chosen explicitly.
    expires = models.DateTimeField(
        _("expires"),
        null=True,
        blank=True,
        default=default_share_expiry,
        help_text=_("Empty: never expires."),
    )
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    allow_originals = models.BooleanField(_("may download originals"), default=True)
    allow_archive = models.BooleanField(_("may download the album"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ("-created", "-pk")
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self):
        return _("%(album)s for %(recipient)s") % {
            "album": self.album.display_name,
            "recipient": self.recipient,
        }

    STATUSES = {
        "active": _("active"),
        "expired": _("expired"),
        "revoked": _("revoked"),
    }

    def status(self, now=None):
        """``"active"``, ``"expired"`` or ``"revoked"``."""
        if self.revoked is not None:
            return "revoked"
        now = now or timezone.now()
        return "active" if self.expires is None or self.expires > now else "expired"

    def is_active(self, now=None):
        """Tell whether the link still opens its album."""
        return self.status(now) == "active"


class ShareLogEntry(models.Model):
    """One opening of a share link in a session, or one download through it."""

    OPENED, ORIGINAL, ARCHIVE = "opened", "original", "archive"
    KINDS = [
        (OPENED, _("opened")),
        (ORIGINAL, _("original downloaded")),
        (ARCHIVE, _("album downloaded")),
    ]

    link = models.ForeignKey(
        ShareLink,
        on_delete=models.CASCADE,
        related_name="log_entries",
        verbose_name=_("share link"),
    )
    kind = models.CharField(_("event"), max_length=16, choices=KINDS)
    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    photo = models.ForeignKey(
        Photo,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        default_permissions = ("view",)
        ordering = ("-time", "-pk")
        verbose_name = _("share log entry")
        verbose_name_plural = _("share log entries")

    def __str__(self):
        return f"{self.link_id} {self.kind} {self.time:%Y-%m-%d %H:%M}"

"""The gallery's data: albums, their photos, and who may see them.

* :class:`Album` is a directory of the photo storage, :class:`Photo` a file in
  it; the scan creates, moves and removes both (:mod:`gallery.scanning`).
* :class:`AlbumAccessPolicy` and :class:`PhotoAccessPolicy` are what the owner
  sets in the admin: public, or selected users and groups. The rules reading
  them live in :mod:`gallery.access`, not here.
* :class:`ScanState` remembers what the last scan saw, to skip unchanged
  directories.

Table names, fields and permissions are those of myks-gallery 0.9.1, plus the
additions of later migrations.
"""

import os

from django.conf import settings
from django.db import models
from django.urls import reverse
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
    album = models.ForeignKey(Album, on_delete=models.CASCADE, verbose_name=_("album"))
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

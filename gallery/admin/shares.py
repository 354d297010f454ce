"""Share links in the admin: a list with status and activity, an album inline.

Creating a link takes one step: its recipient (the expiry defaults to
``GALLERY_SHARE_LINK_DAYS``); the link is then shown with a button that copies
it. Django's model permissions decide who may create, change (revoke, extend)
or delete links.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Max, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import shares
from ..conf import conf
from ..models import ShareLink, ShareLogEntry

__all__ = [
    "ShareLinkAdmin",
    "ShareLinkInline",
    "activity",
    "annotate_activity",
    "give_policy",
]

COPY_SCRIPT = "gallery/admin/copy.js"
RECENT_ENTRIES = 20  # log entries shown on the page of a link


class ShareLinkForm(forms.ModelForm):
    """A link's fields, where an empty expiry needs "never expires" ticked."""

    never = forms.BooleanField(
        label=gettext_lazy("Never expires"),
        required=False,
        help_text=gettext_lazy("The link works until it is revoked."),
    )

    class Meta:
        model = ShareLink
        fields = ["album", "recipient", "expires", "allow_originals", "allow_archive"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["never"].initial = self.instance.expires is None

    def clean(self):
        data = super().clean()
        if data.get("never"):
            data["expires"] = self.instance.expires = None
        elif not data.get("expires") and "expires" not in self.errors:
            message = _("Choose when the link expires, or tick “Never expires”.")
            self.add_error("expires", message)
        return data


def annotate_activity(links):
    """``links`` with the counts and date that :func:`activity` reads."""
    entries = "log_entries"
    return links.annotate(
        opened_count=Count(entries, filter=Q(log_entries__kind=ShareLogEntry.OPENED)),
        original_count=Count(
            entries, filter=Q(log_entries__kind=ShareLogEntry.ORIGINAL)
        ),
        archive_count=Count(entries, filter=Q(log_entries__kind=ShareLogEntry.ARCHIVE)),
        last_opened=Max(
            "log_entries__time", filter=Q(log_entries__kind=ShareLogEntry.OPENED)
        ),
    )


def activity(link):
    """ "opened 3 times, last on 12 November; zip downloaded once", for ``link``."""
    opened = link.opened_count
    if opened:
        date = formats.date_format(timezone.localtime(link.last_opened), "j F Y")
        text = ngettext(
            "opened once, on %(date)s",
            "opened %(count)d times, last on %(date)s",
            opened,
        ) % {"count": opened, "date": date}
    else:
        text = _("never opened")
    parts = [text]
    if link.original_count:
        parts.append(
            ngettext(
                "one original downloaded",
                "%(count)d originals downloaded",
                link.original_count,
            )
            % {"count": link.original_count}
        )
    if link.archive_count:
        parts.append(
            ngettext(
                "zip downloaded once",
                "zip downloaded %(count)d times",
                link.archive_count,
            )
            % {"count": link.archive_count}
        )
    return "; ".join(parts)


def share_url(link):
    """The path of the link's URL; the copy button makes it absolute."""
    return reverse("gallery:share", args=[shares.make_token(link)])


def copy_button(link):
    """The link's URL with a button that copies it, while it is active."""
    if link.pk is None or not link.is_active():
        return "-"
    return format_html(
        '<code class="gallery-share-url">{}</code> '
        '<button type="button" class="button gallery-copy" data-copy="{}">{}</button>',
        share_url(link),
        share_url(link),
        _("Copy link"),
    )


def may_copy(request):
    """Tell whether the user may see the URLs of links: to add or change them.

    Seeing the list and the log is not holding every link.
    """
    user = request.user
    return user.has_perm("gallery.add_sharelink") or user.has_perm(
        "gallery.change_sharelink"
    )


def without_link(fields, request):
    """``fields`` without the link's URL unless the user :func:`may_copy`."""
    return list(fields) if may_copy(request) else [f for f in fields if f != "link"]


class ShareLinkDisplay:
    """Columns and fields shared by the list of links and the album inline."""

    @admin.display(description=gettext_lazy("status"))
    def status(self, obj):
        if obj.pk is None:
            return "-"
        return ShareLink.STATUSES[obj.status()]

    @admin.display(description=gettext_lazy("link"))
    def link(self, obj):
        return copy_button(obj)


class ShareLinkInline(ShareLinkDisplay, admin.TabularInline):
    model = ShareLink
    form = ShareLinkForm
    extra = 0
    fields = [
        "recipient",
        "expires",
        "never",
        "allow_originals",
        "allow_archive",
        "status",
        "link",
    ]
    readonly_fields = ["status", "link"]
    show_change_link = True

    def get_fields(self, request, obj=None):
        return without_link(super().get_fields(request, obj), request)

    class Media:
        js = [COPY_SCRIPT]


class StatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(ShareLink.STATUSES.items())

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.active(now)
        if self.value() == "revoked":
            return queryset.filter(revoked__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked__isnull=True, expires__lte=now)
        return queryset


@admin.register(ShareLink)
class ShareLinkAdmin(ShareLinkDisplay, admin.ModelAdmin):
    form = ShareLinkForm
    actions = ["revoke", "extend"]
    autocomplete_fields = ["album"]
    list_display = [
        "recipient",
        "album",
        "status",
        "expires_display",
        "last_opened",
        "activity",
        "link",
    ]
    list_filter = [StatusFilter, "allow_originals", "allow_archive"]
    list_select_related = ["album"]
    search_fields = ["recipient", "album__name", "album__dirpath"]
    readonly_fields = ["status", "link", "activity", "log", "created", "created_by"]

    class Media:
        js = [COPY_SCRIPT]

    def get_queryset(self, request):
        return annotate_activity(super().get_queryset(request))

    def get_list_display(self, request):
        return without_link(super().get_list_display(request), request)

    def get_fieldsets(self, request, obj=None):
        main = ["album", "recipient", "expires", "never"]
        main += ["allow_originals", "allow_archive"]
        if obj is None:
            return [(None, {"fields": main})]
        state = ["status", "link", "activity", "created", "created_by"]
        state = without_link(state, request)
        return [(None, {"fields": main}), (_("Use"), {"fields": [*state, "log"]})]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "album"] if obj is not None else readonly

    @admin.display(description=gettext_lazy("expires"), ordering="expires")
    def expires_display(self, obj):
        """The expiry date, or "never" for a link that lasts until revoked."""
        if obj.expires is None:
            return _("never")
        return formats.date_format(timezone.localtime(obj.expires), "DATETIME_FORMAT")

    @admin.display(description=gettext_lazy("last opening"), ordering="last_opened")
    def last_opened(self, obj):
        return obj.last_opened or "-"

    @admin.display(description=gettext_lazy("activity"))
    def activity(self, obj):
        return activity(obj) if obj.pk is not None else "-"

    @admin.display(description=gettext_lazy("log"))
    def log(self, obj):
        entries = obj.log_entries.select_related("photo")[:RECENT_ENTRIES]
        rows = [
            (
                formats.date_format(timezone.localtime(entry.time), "DATETIME_FORMAT"),
                entry.get_kind_display(),
                entry.photo or "",
                entry.user_agent,
                entry.ip_address or "",
            )
            for entry in entries
        ]
        if not rows:
            return "-"
        items = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            rows,
        )
        return format_html("<table>{}</table>", items)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        give_policy(self, request, obj.album)

    def response_add(self, request, obj, post_url_continue=None):
        """Show the new link at once, with its copy button."""
        if "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        message = _("The link for %(recipient)s is ready: copy it below.")
        self.message_user(request, message % {"recipient": obj.recipient})
        url = reverse("admin:gallery_sharelink_change", args=[obj.pk])
        return HttpResponseRedirect(url)

    @admin.action(
        description=gettext_lazy("Revoke selected links"), permissions=["change"]
    )
    def revoke(self, request, queryset):
        count = queryset.filter(revoked__isnull=True).update(revoked=timezone.now())
        message = ngettext("Revoked %(count)d link.", "Revoked %(count)d links.", count)
        self.message_user(request, message % {"count": count})

    @admin.action(
        description=gettext_lazy("Extend selected links by the default duration"),
        permissions=["change"],
    )
    def extend(self, request, queryset):
        """Make each link last ``GALLERY_SHARE_LINK_DAYS`` more, from now at least."""
        now, days = timezone.now(), datetime.timedelta(days=conf.SHARE_LINK_DAYS)
        links = list(queryset.filter(expires__isnull=False))
        for link in links:
            link.expires = max(link.expires, now) + days
        ShareLink.objects.bulk_update(links, ["expires"])
        message = ngettext(
            "Extended %(count)d link.", "Extended %(count)d links.", len(links)
        )
        self.message_user(request, message % {"count": len(links)})


def give_policy(model_admin, request, album):
    """Give ``album`` a private policy if it has none, and say so."""
    if shares.ensure_policy(album):
        message = _(
            "%(album)s had no access policy: it now has a private one, whose "
            "photos are seen by the people you share it with."
        )
        model_admin.message_user(
            request, message % {"album": album.display_name}, messages.INFO
        )

"""The "Set access policy" and "Unset access policy" actions of the admin."""

import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.widgets import (
    FilteredSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count
from django.forms.models import modelform_factory
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import policies

__all__ = ["AccessPolicyActions"]


class AccessPolicyActions:
    """Admin actions setting or removing the access policies of the selection.

    Subclasses of ``ModelAdmin`` set ``policy_model``, the model of the
    policies, whose one-to-one field to the selected model is
    ``policy_target``.
    """

    actions = ["set_access_policy", "unset_access_policy"]
    policy_model = None
    policy_target = None
    policy_fields = ("public", "groups", "users")
    set_access_policy_template = "admin/gallery/set_access_policy.html"
    unset_access_policy_template = "admin/gallery/unset_access_policy.html"
    # How many selected objects the intermediate pages list by name.
    listed_objects = 100

    @admin.action(description=gettext_lazy("Set access policy"))
    def set_access_policy(self, request, queryset):
        counts = policy_counts(queryset)
        if self.refuse(request, set_needs(counts)):
            return None
        form_class = self.get_policy_form_class()
        confirmed = "set_access_policy" in request.POST
        form = form_class(request.POST if confirmed else None)
        if not (confirmed and form.is_valid()):
            return self.render_action_page(
                request, queryset, counts, "set_access_policy", form=form
            )
        with transaction.atomic():
            self.log(request, queryset, "changed")
            created, changed = policies.set_policies(
                self.policy_model, self.policy_target, queryset, form.cleaned_data
            )
        self.message_user(request, set_message(created, changed))
        return None

    @admin.action(description=gettext_lazy("Unset access policy"))
    def unset_access_policy(self, request, queryset):
        counts = policy_counts(queryset)
        if not counts["with_policy"]:
            message = _("None of the selected %(objects)s has an access policy.")
            names = {"objects": self.model._meta.verbose_name_plural}
            self.message_user(request, message % names, messages.WARNING)
            return None
        if self.refuse(request, unset_needs(counts)):
            return None
        if "unset_access_policy" not in request.POST:
            return self.render_action_page(
                request, queryset, counts, "unset_access_policy"
            )
        with transaction.atomic():
            self.log(request, queryset, "deleted")
            deleted = policies.unset_policies(
                self.policy_model, self.policy_target, queryset
            )
        message = ngettext(
            "Deleted %(deleted)s access policy.",
            "Deleted %(deleted)s access policies.",
            deleted,
        )
        self.message_user(request, message % {"deleted": number(deleted)})
        return None

    def get_policy_form_class(self):
        """Form of the policy fields, with the admin's two-pane selectors."""
        return modelform_factory(
            self.policy_model,
            fields=self.policy_fields,
            formfield_callback=self.policy_formfield,
        )

    def policy_formfield(self, db_field, **kwargs):
        if not db_field.many_to_many:
            return db_field.formfield(**kwargs)
        selector = FilteredSelectMultiple(db_field.verbose_name, False)
        # The wrapper gives the selector the markup that the admin's script
        # and style sheet expect, without links to add or change objects.
        widget = RelatedFieldWidgetWrapper(
            selector,
            db_field.remote_field,
            self.admin_site,
            can_add_related=False,
            can_change_related=False,
            can_delete_related=False,
            can_view_related=False,
        )
        return db_field.formfield(widget=widget, **kwargs)

    def refuse(self, request, needs):
        """Tell the user and return ``True`` when a permission in ``needs`` lacks."""
        opts = self.policy_model._meta
        lacking = [
            (action, count)
            for action, count in needs
            if not request.user.has_perm(
                f"{opts.app_label}.{get_permission_codename(action, opts)}"
            )
        ]
        for action, count in lacking:
            message = refusal(action, count) % {
                "count": number(count),
                "objects": self.model._meta.verbose_name_plural,
                "policies": opts.verbose_name_plural,
            }
            self.message_user(request, message, messages.ERROR)
        return bool(lacking)

    def render_action_page(self, request, queryset, counts, action, **context):
        """The intermediate page of ``action``, which posts the selection again."""
        listed = list(queryset[: self.listed_objects])
        media = self.media
        if "form" in context:
            form = context["form"]
            media += form.media
            fieldsets = [(_("Access policy"), {"fields": list(form.fields)})]
            context["adminform"] = helpers.AdminForm(form, fieldsets, {})
        context = {
            **self.admin_site.each_context(request),
            **context,
            "title": getattr(self, action).short_description,
            "action": action,
            "opts": self.model._meta,
            "policy_opts": self.policy_model._meta,
            "objects": listed,
            "count": counts["total"],
            "with_policy": counts["with_policy"],
            "without_policy": counts["total"] - counts["with_policy"],
            "unlisted": counts["total"] - len(listed),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": media,
        }
        context["numbers"] = {
            key: number(context[key])
            for key in ("count", "with_policy", "without_policy", "unlisted")
        }
        template = getattr(self, f"{action}_template")
        return TemplateResponse(request, template, context)

    def log(self, request, queryset, verb):
        """Record in the history of each selected object that its policy changed."""
        objects = self.model._default_manager.filter(
            pk__in=queryset.order_by().values("pk")
        )
        if verb == "deleted":
            objects = objects.filter(access_policy__isnull=False)
        content_type = ContentType.objects.get_for_model(self.model)
        with translation.override(None):
            opts = self.policy_model._meta
            name = str(opts.verbose_name)
            fields = [
                str(opts.get_field(field).verbose_name) for field in self.policy_fields
            ]
        entries = []
        for obj in objects:
            change = {"name": name, "object": str(obj)}
            if verb == "changed":
                change["fields"] = fields
            entries.append(
                LogEntry(
                    user_id=request.user.pk,
                    content_type=content_type,
                    object_id=str(obj.pk),
                    object_repr=str(obj)[:200],
                    action_flag=CHANGE,
                    change_message=json.dumps([{verb: change}]),
                )
            )
        LogEntry.objects.bulk_create(entries, batch_size=1000)


def policy_counts(queryset):
    """Count the selected objects, and those of them that have a policy."""
    return queryset.order_by().aggregate(
        total=Count("pk"), with_policy=Count("access_policy")
    )


def set_needs(counts):
    """Permissions on policies that setting policies on the selection needs."""
    needs = []
    if counts["total"] > counts["with_policy"]:
        needs.append(("add", counts["total"] - counts["with_policy"]))
    if counts["with_policy"]:
        needs.append(("change", counts["with_policy"]))
    return needs


def unset_needs(counts):
    """Permissions on policies that removing the policies of the selection needs."""
    return [("delete", counts["with_policy"])]


def number(count):
    """``count`` written for the active language, with thousands grouped."""
    return number_format(count, force_grouping=True)


def set_message(created, changed):
    """The message after setting policies: how many were created and changed."""
    sentences = []
    if created or not changed:
        sentences.append(
            ngettext(
                "Created %(count)s access policy.",
                "Created %(count)s access policies.",
                created,
            )
            % {"count": number(created)}
        )
    if changed:
        sentences.append(
            ngettext(
                "Changed %(count)s access policy.",
                "Changed %(count)s access policies.",
                changed,
            )
            % {"count": number(changed)}
        )
    return " ".join(sentences)


def refusal(action, count):
    """The message refusing an action for lack of the ``action`` permission."""
    if action == "add":
        return ngettext(
            "You cannot set these access policies: %(count)s of the selected "
            "%(objects)s has no access policy yet, and you do not have the "
            "permission to add %(policies)s.",
            "You cannot set these access policies: %(count)s of the selected "
            "%(objects)s have no access policy yet, and you do not have the "
            "permission to add %(policies)s.",
            count,
        )
    if action == "change":
        return ngettext(
            "You cannot set these access policies: %(count)s of the selected "
            "%(objects)s already has an access policy, and you do not have the "
            "permission to change %(policies)s.",
            "You cannot set these access policies: %(count)s of the selected "
            "%(objects)s already have an access policy, and you do not have the "
            "permission to change %(policies)s.",
            count,
        )
    return ngettext(
        "You cannot unset these access policies: %(count)s of the selected "
        "%(objects)s has an access policy, and you do not have the permission "
        "to delete %(policies)s.",
        "You cannot unset these access policies: %(count)s of the selected "
        "%(objects)s have an access policy, and you do not have the permission "
        "to delete %(policies)s.",
        count,
    )

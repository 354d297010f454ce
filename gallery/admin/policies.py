"""Setting and removing the access policies of many albums or photos at once.

These functions take a queryset of albums or photos, the policy model and the
name of its one-to-one field (``"album"`` or ``"photo"``), and make a fixed
number of queries whatever the size of the selection. They run no model
``save()`` or ``m2m_changed`` signal handlers.
"""

from django.db import transaction

__all__ = ["set_policies", "unset_policies"]

BATCH_SIZE = 1000


def set_policies(policy_model, target, queryset, data):
    """Give every object of ``queryset`` a policy with ``data``.

    ``data`` maps policy fields to values (``public``, ``inherit`` for
    albums, ``users`` and ``groups`` as iterables of instances). Existing
    policies are changed in place; missing ones are created. Returns the
    numbers of created and changed policies.
    """
    selected = queryset.order_by().values("pk")
    fields = {
        name: value for name, value in data.items() if name not in ("users", "groups")
    }
    with transaction.atomic():
        existing = policy_model.objects.filter(**{f"{target}__in": selected})
        changed = existing.update(**fields)
        missing = queryset.order_by().filter(access_policy__isnull=True)
        policy_model.objects.bulk_create(
            [
                policy_model(**{f"{target}_id": pk}, **fields)
                for pk in missing.values_list("pk", flat=True)
            ],
            batch_size=BATCH_SIZE,
        )
        policy_ids = list(existing.values_list("pk", flat=True))
        created = len(policy_ids) - changed
        for name in ("users", "groups"):
            if name in data:
                set_members(policy_model, name, existing, policy_ids, data[name])
    return created, changed


def set_members(policy_model, name, policies, policy_ids, members):
    """Make ``members`` the only ``name`` of ``policies`` (whose keys are given)."""
    field = policy_model._meta.get_field(name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    # A subquery rather than the list of keys: selections may be huge.
    through.objects.filter(**{f"{source}__in": policies.values("pk")}).delete()
    through.objects.bulk_create(
        [
            through(**{f"{source}_id": policy_id, f"{target}_id": member.pk})
            for policy_id in policy_ids
            for member in members
        ],
        batch_size=BATCH_SIZE,
    )


def unset_policies(policy_model, target, queryset):
    """Delete the policies of the objects of ``queryset``; return how many."""
    selected = queryset.order_by().values("pk")
    policies = policy_model.objects.filter(**{f"{target}__in": selected})
    _, deleted = policies.delete()
    return deleted.get(policy_model._meta.label, 0)

"""Reads of the change log, scoped to the admins of each scope."""

from __future__ import annotations

from django.db.models import Model, QuerySet

from tongket.core.actor import Actor
from tongket.core.models import ChangeLog
from tongket.core.permissions import restrict


def history_of(obj: Model) -> QuerySet[ChangeLog]:
    """The change log of one record (its page shows it to whoever may see the record)."""
    return ChangeLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def audit_visible(actor: Actor) -> QuerySet[ChangeLog]:
    """Rows about the scopes the actor administers; events without a scope only for system."""
    return restrict(ChangeLog.objects.all(), actor, "audit")


def audit_filter(rows: QuerySet, *, user: str = "", action: str = "", object_type: str = ""):
    if user:
        rows = rows.filter(user_name__icontains=user)
    if action:
        rows = rows.filter(action=action)
    if object_type:
        rows = rows.filter(object_type=object_type)
    return rows

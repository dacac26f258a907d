"""Scope filters for querysets and the permission check services call before writing."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tongket.core.actor import Actor
from tongket.core.errors import PermissionDeniedError
from tongket.domain.permissions import Target


def restrict(queryset: QuerySet, actor: Actor, action: str = "view") -> QuerySet:
    """Only the rows of `queryset` inside the actor's usable grants.

    Each scoped model names, in `scope_fields`, the lookups that hold its organization path and
    unit path ({"org": "org__path", "unit": "org__unit__path"}). A model without them is not
    scoped data and must not be passed here.
    """
    if actor.system:
        return queryset
    fields = queryset.model.scope_fields
    condition = Q(pk__in=[])
    for grant in actor.usable(action):
        if lookup := fields.get(grant.kind):
            condition |= Q(**{f"{lookup}__startswith": grant.path})
    return queryset.filter(condition)


def require(actor: Actor, action: str, target: Target) -> None:
    """Raises PermissionDeniedError unless the actor may do `action` on `target`."""
    if not actor.can(action, target):
        raise PermissionDeniedError()

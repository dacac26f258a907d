"""Scope filters for querysets and the permission check services call before writing."""

from __future__ import annotations

from django.db import connections
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
    ranged = connections[queryset.db].vendor == "sqlite"
    condition = Q(pk__in=[])
    for grant in actor.usable(action):
        if lookup := fields.get(grant.kind):
            condition |= _under(queryset.model, lookup, grant.path, ranged)
    return queryset.filter(condition)


def _under(model, lookup: str, path: str, ranged: bool) -> Q:
    """The path condition; on SQLite, one through a relation ("org__unit__path") becomes a
    subquery on the related table ("org__unit__in": the units under the path). Two grants'
    conditions OR-ed across a join made SQLite scan every row with its joined path; as
    subqueries, each side is an index range and the OR a union of index searches."""
    *relations, field = lookup.split("__")
    if not (ranged and relations):
        return path_under(lookup, path, ranged)
    related = model
    for name in relations:
        related = related._meta.get_field(name).related_model
    inner = related._base_manager.filter(path_under(field, path, ranged)).values("pk")
    return Q(**{"__".join(relations) + "__in": inner})


def path_under(lookup: str, path: str, ranged: bool) -> Q:
    """`lookup` starts with `path` ("/1/5/"). SQLite cannot use an index for Django's
    `LIKE '/1/5/%' ESCAPE '\\'`, so every page scanned all the city's organizations for each
    scoped query; with `ranged`, the same condition also carries the equivalent byte range
    ('/1/5/' ≤ p < '/1/50', "0" being the character after "/"), which SQLite answers from the
    path index. PostgreSQL already has a pattern index for LIKE; there the range is left out,
    since a database's collation may not order paths bytewise."""
    condition = Q(**{f"{lookup}__startswith": path})
    if ranged and path.endswith("/"):
        condition &= Q(**{f"{lookup}__gte": path, f"{lookup}__lt": path[:-1] + "0"})
    return condition


def require(actor: Actor, action: str, target: Target) -> None:
    """Raises PermissionDeniedError unless the actor may do `action` on `target`."""
    if not actor.can(action, target):
        raise PermissionDeniedError()

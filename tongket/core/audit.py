"""Writing the change log. Services call these inside their own transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models

from tongket.core.actor import Actor
from tongket.core.models import ChangeLog


def _jsonable(value):
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-ready copy of the object's concrete fields (foreign keys as their ids)."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def scope_of(obj: models.Model) -> tuple[str, str]:
    """The (org path, unit path) an object lies in, from its model's `scope_target()`."""
    target = obj.scope_target() if hasattr(obj, "scope_target") else None
    return (target.org_path, target.unit_path) if target else ("", "")


def _user_of(actor: Actor):
    return actor.user if getattr(actor.user, "pk", None) else None


def record_change(
    actor: Actor, action: str, obj: models.Model, *, before=None, after=None, purpose: str = ""
) -> ChangeLog:
    """One audit row for `obj`. Called inside the service's transaction, never on its own."""
    org_path, unit_path = scope_of(obj)
    return ChangeLog.objects.create(
        user=_user_of(actor),
        user_name=actor.name[:150],
        operation_id=actor.operation_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        purpose=purpose[:200],
        scope_org_path=org_path,
        scope_unit_path=unit_path,
    )


def record_event(
    actor: Actor, action: str, object_type: str, text: str = "", extra: dict | None = None
) -> None:
    """An audit row that is not about one object: a login, a list of members, an export."""
    ChangeLog.objects.create(
        user=_user_of(actor),
        user_name=actor.name[:150],
        operation_id=actor.operation_id,
        action=action,
        object_type=object_type,
        object_repr=text[:300],
        after=extra or None,
        purpose=str((extra or {}).get("purpose", ""))[:200],
    )


def record_changes_bulk(actor: Actor, action: str, objs: list, afters: list[dict]) -> None:
    """One audit row per object, written in one statement (bulk imports and generators).

    Same columns as record_change; call inside the service's transaction.
    """
    rows = []
    for obj, after in zip(objs, afters, strict=True):
        org_path, unit_path = scope_of(obj)
        rows.append(
            ChangeLog(
                user=_user_of(actor),
                user_name=actor.name[:150],
                operation_id=actor.operation_id,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                after=after,
                scope_org_path=org_path,
                scope_unit_path=unit_path,
            )
        )
    ChangeLog.objects.bulk_create(rows, batch_size=2000)

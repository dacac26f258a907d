"""Writing path nodes (units, organizations): shared by the registry and party services."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_change, snapshot
from tongket.core.permissions import require
from tongket.domain.errors import DomainError
from tongket.domain.permissions import Target


def node_create(actor: Actor, model: type[models.Model], *, parent, **fields) -> models.Model:
    """Creates a node under `parent` (or a root), writes its path and an audit row.

    A root can only be created by the system; a child needs the "edit" right on its parent.
    Call inside a transaction.
    """
    if parent is None:
        require(actor, "edit", Target(org_path="/", unit_path="/"))
    else:
        require(actor, "edit", parent.scope_target())
    code = fields["code"].strip()
    if not code:
        raise DomainError("code.empty", _("Mã không được để trống."))
    if model.objects.filter(code=code).exists():
        raise DomainError("code.exists", _("Mã %(code)s đã có.") % {"code": code})
    node = model.objects.create(parent=parent, **{**fields, "code": code})
    node.path = node.build_path()
    node.save(update_fields=["path"])
    record_change(actor, "create", node, after=snapshot(node))
    return node

"""Writes to the unit registry: every one checks rights and writes an audit row."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.services import node_create
from tongket.domain.errors import DomainError
from tongket.registry.models import AdminUnit

# A child sits strictly below its parent in this order (a ward under a district or province).
LEVEL_RANK = {level: rank for rank, level in enumerate(AdminUnit.Level.values)}


@transaction.atomic
def unit_create(
    *, actor: Actor, code: str, name: str, level: str, parent: AdminUnit | None = None
) -> AdminUnit:
    if level not in LEVEL_RANK:
        raise DomainError("unit.level", _("Cấp đơn vị không hợp lệ: %(v)s.") % {"v": level})
    if parent is not None and LEVEL_RANK[level] <= LEVEL_RANK[parent.level]:
        raise DomainError(
            "unit.level",
            _("Không thể đặt %(child)s dưới %(parent)s.")
            % {"child": AdminUnit.Level(level).label, "parent": parent.get_level_display()},
        )
    return node_create(actor, AdminUnit, parent=parent, code=code, name=name, level=level)

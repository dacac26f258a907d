"""Template filters for Vietnamese forms: unit levels, organization kinds, numbers, dates."""

from django import template

from tongket.domain import vnformat
from tongket.party.models import PartyOrg
from tongket.registry.models import AdminUnit, UnitEvent

register = template.Library()


@register.filter
def level_label(level: str) -> str:
    return AdminUnit.Level(level).label if level in AdminUnit.Level.values else level


@register.filter
def kind_label(kind: str) -> str:
    return PartyOrg.Kind(kind).label if kind in PartyOrg.Kind.values else kind


@register.filter
def event_label(kind: str) -> str:
    return UnitEvent.Kind(kind).label if kind in UnitEvent.Kind.values else kind


@register.filter
def vn_int(value) -> str:
    return vnformat.format_int(value) if value is not None else "—"


@register.filter
def vn_date(value) -> str:
    """dd/mm/yyyy; an open end, or the "since before our records" start, shows as "…"."""
    from tongket.registry.services import EARLIEST

    return vnformat.format_date_short(value) if value and value != EARLIEST else "…"

"""Reads of the unit registry, always through the actor's scope."""

from django.db.models import QuerySet

from tongket.core.actor import Actor
from tongket.core.errors import NotFoundError
from tongket.core.permissions import restrict
from tongket.registry.models import AdminUnit


def units_visible(actor: Actor) -> QuerySet[AdminUnit]:
    return restrict(AdminUnit.objects.select_related("parent"), actor)


def unit_get(actor: Actor, pk: int) -> AdminUnit:
    unit = units_visible(actor).filter(pk=pk).first()
    if unit is None:
        raise NotFoundError("đơn vị")
    return unit

"""Indicators, targets and actuals of the demo scenarios, loaded through the services.

Only figures are loaded (actuals and targets, as the sources state them or as the scenario
derives them); every share, growth rate and verdict is computed when read.
"""

from __future__ import annotations


def load(actor, data: dict) -> None:
    """The scenario's `[[indicators]]` (created once: both scenarios may name the same one),
    `[[targets]]` and `[[actuals]]`."""
    from tongket.targets.models import Indicator

    known = {i.code: i for i in Indicator.objects.all()}
    for row in data.get("indicators", []):
        if row["code"] not in known:
            known[row["code"]] = _indicator(actor, row, known)
    for row in data.get("targets", []):
        _target(actor, row, known)
    for row in data.get("actuals", []):
        _actual(actor, row, known)


def _indicator(actor, row: dict, known: dict):
    from tongket.targets.services import indicator_create

    return indicator_create(
        actor=actor,
        code=row["code"],
        name=row["name"],
        unit=row["unit"],
        direction=row.get("direction", "higher"),
        over_time=row.get("over_time", "sum"),
        up_tree=row.get("up_tree", "sum"),
        companion=known.get(row.get("companion", "")),
        note=row.get("note", ""),
    )


def _subject(row: dict) -> dict:
    from tongket.party.models import PartyOrg
    from tongket.registry.models import AdminUnit

    if row.get("org"):
        return {"org": PartyOrg.objects.get(code=row["org"])}
    return {"admin_unit": AdminUnit.objects.get(code=row["unit"])}


def _target(actor, row: dict, known: dict) -> None:
    from tongket.targets.services import target_set

    target_set(
        actor=actor,
        indicator=known[row["indicator"]],
        kind=row["kind"],
        span=row["span"],
        value=row["value"],
        source=row.get("source", ""),
        **_subject(row),
    )


def _actual(actor, row: dict, known: dict) -> None:
    from tongket.targets.services import actual_set

    actual_set(
        actor=actor,
        indicator=known[row["indicator"]],
        period=row["period"],
        value=row["value"],
        status=row["status"],
        source=row.get("source", ""),
        **_subject(row),
    )

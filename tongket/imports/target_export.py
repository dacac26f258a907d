"""The `indicators`, `targets` and `actuals` exports, in the columns of target_kind.

Rows carry every column of the import, with enumerations in their Vietnamese words and the
indicator's unit of measure beside each figure, so an export re-imports unchanged. Targets and
actuals are the ones the actor may see (restrict); the catalogue is shared by every office.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from tongket.core.actor import Actor
from tongket.core.permissions import restrict
from tongket.domain.indicators import DIRECTION_WORDS, KIND_WORDS, RULE_WORDS
from tongket.imports import export
from tongket.imports.kinds import word
from tongket.imports.target_kind import STATUS_EXPORT
from tongket.targets.models import Actual, Indicator, Target


def _figure(value: Decimal) -> int | Decimal:
    """A whole figure as an integer cell; otherwise its decimals without trailing zeros
    (10.793,7 rather than 10.793,7000)."""
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def indicator_rows(actor: Actor) -> Iterable[list]:
    rows = Indicator.objects.select_related("companion").order_by("code")
    for i in rows.iterator(chunk_size=2000):
        yield [
            i.code,
            i.name,
            i.unit,
            word(DIRECTION_WORDS, i.direction),
            word(RULE_WORDS, i.over_time),
            word(RULE_WORDS, i.up_tree),
            i.companion.code if i.companion_id else "",
            i.note,
        ]


def _subject(record) -> list[str]:
    return [record.org.code if record.org_id else "", record.unit.code if record.unit_id else ""]


def target_rows(actor: Actor) -> Iterable[list]:
    rows = restrict(Target.objects.select_related("indicator", "org", "unit"), actor, "view")
    order = ("indicator__code", "org__code", "unit__code", "starts_on", "kind")
    for t in rows.order_by(*order).iterator(chunk_size=2000):
        yield [
            t.indicator.code,
            *_subject(t),
            word(KIND_WORDS, t.kind),
            t.span,
            _figure(t.value),
            t.indicator.unit,
            t.source,
        ]


def actual_rows(actor: Actor) -> Iterable[list]:
    rows = restrict(Actual.objects.select_related("indicator", "org", "unit"), actor, "view")
    order = ("indicator__code", "org__code", "unit__code", "starts_on", "ends_on")
    for a in rows.order_by(*order).iterator(chunk_size=2000):
        yield [
            a.indicator.code,
            *_subject(a),
            a.period,
            _figure(a.value),
            STATUS_EXPORT.get(a.status, a.status),
            a.indicator.unit,
            a.source,
        ]


export.ROWS["indicators"] = indicator_rows
export.ROWS["targets"] = target_rows
export.ROWS["actuals"] = actual_rows
export.AUDIT_TYPES["indicators"] = "targets.indicator"
export.AUDIT_TYPES["targets"] = "targets.target"
export.AUDIT_TYPES["actuals"] = "targets.actual"

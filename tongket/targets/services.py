"""Writes of indicators, targets and actuals: one transaction each, permission checked, audited.

Each service takes one row's worth of arguments (codes already resolved to objects, values
as typed), so an import can call it row by row inside its own all-or-nothing transaction. A
revision updates the record in place and writes the change log with the earlier value in
`before`: that is the figure's history (an estimate later made final, a corrected plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_change, snapshot
from tongket.core.locking import claim
from tongket.core.permissions import require
from tongket.domain.errors import DomainError
from tongket.domain.indicators import (
    DIRECTION_WORDS,
    KIND_WORDS,
    RULE_WORDS,
    STATUS_WORDS,
    Direction,
    Rule,
    Span,
    TargetKind,
    canonical_unit,
    check_unit,
    parse_span,
    parse_value,
    read_choice,
)
from tongket.domain.periods import parse_period
from tongket.domain.permissions import Target as ScopeTarget
from tongket.party.models import PartyOrg
from tongket.registry.models import AdminUnit
from tongket.targets.models import Actual, Indicator, Target

SCALE = Decimal("0.0001")  # decimal_places of the value columns
LIMIT = Decimal(10) ** 20  # max_digits − decimal_places of the value columns


@dataclass(frozen=True)
class Saved:
    """What a set_* service did: the record, and whether it was created or changed."""

    record: models.Model
    created: bool
    changed: bool


@transaction.atomic
def indicator_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    unit: str,
    direction: str = Direction.HIGHER,
    over_time: str = Rule.SUM,
    up_tree: str = Rule.SUM,
    companion: Indicator | None = None,
    note: str = "",
) -> Indicator:
    """Adds an indicator to the shared catalogue. The catalogue is the same for every office,
    so only an administrator (of any scope) may extend it."""
    if not (actor.system or actor.usable("grant")):
        require(actor, "grant", ScopeTarget(org_path="/", unit_path="/"))
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise DomainError("indicator.invalid", _("Mã và tên chỉ tiêu không được để trống."))
    if Indicator.objects.filter(code=code).exists():
        raise DomainError("code.exists", _("Mã chỉ tiêu %(code)s đã có.") % {"code": code})
    up_tree = read_choice(up_tree, RULE_WORDS, _("Cách cộng gộp theo đơn vị"))
    if Rule(up_tree) is Rule.LATEST:
        raise DomainError(
            "indicator.invalid",
            _('"Lấy số cuối kỳ" chỉ áp dụng theo thời gian, không áp dụng khi cộng các đơn vị.'),
        )
    indicator = Indicator.objects.create(
        code=code,
        name=name,
        unit=canonical_unit(unit),
        direction=read_choice(direction, DIRECTION_WORDS, _("Chiều đánh giá")),
        over_time=read_choice(over_time, RULE_WORDS, _("Cách cộng gộp theo thời gian")),
        up_tree=up_tree,
        companion=companion,
        note=note.strip(),
    )
    record_change(actor, "create", indicator, after=snapshot(indicator))
    return indicator


def _subject(org: PartyOrg | None, admin_unit: AdminUnit | None):
    if (org is None) == (admin_unit is None):
        raise DomainError(
            "target.subject",
            _("Cần đúng một đối tượng: một tổ chức đảng hoặc một đơn vị hành chính."),
        )
    return org or admin_unit


def _existed(subject, span: Span) -> None:
    """Refuses a figure for a span in which the organization or unit did not exist (a ward
    after it was merged away, a district after 1/7/2025)."""
    alive = subject.versions.filter(valid_from__lte=span.end).exclude(valid_to__lt=span.start)
    if not alive.exists():
        raise DomainError(
            "period.subject",
            _("%(name)s không tồn tại trong %(span)s; không ghi số liệu cho kỳ này.")
            % {"name": subject.name, "span": span.label_vi},
            {"span": span.code},
        )


def _upsert(actor: Actor, model, keys: dict, values: dict, expected: int | None = None) -> Saved:
    """Creates the record, or revises it in place; `expected`: the version the revision was
    made on, refused when the record was revised since (optimistic locking, core.locking)."""
    record = model.objects.filter(**keys).first()
    if record is None:
        record = model.objects.create(**keys, **values)
        record_change(actor, "create", record, after=snapshot(record))
        return Saved(record, True, True)
    fields = [model._meta.get_field(name).attname for name in values]
    before = snapshot(record, fields)
    for name, value in values.items():
        setattr(record, name, value)
    after = snapshot(record, fields)
    if after == before:
        return Saved(record, False, False)
    claim(record, expected)
    record.save()
    record_change(actor, "update", record, before=before, after=after)
    return Saved(record, False, True)


def _value(indicator: Indicator, value, unit_of_measure: str | None, what: str) -> Decimal:
    check_unit(indicator.unit, unit_of_measure, what)
    # The column's scale, so that a value typed again compares equal to the stored one.
    amount = parse_value(value, indicator.unit)
    if abs(amount) >= LIMIT:
        raise DomainError(
            "value.range", _('Giá trị quá lớn: "%(v)s".') % {"v": value}, {"value": str(value)}
        )
    return amount.quantize(SCALE)


@transaction.atomic
def target_set(
    *,
    actor: Actor,
    indicator: Indicator,
    kind: str,
    span: str,
    value,
    org: PartyOrg | None = None,
    admin_unit: AdminUnit | None = None,
    source: str = "",
    unit_of_measure: str | None = None,
    expected_version: int | None = None,
) -> Saved:
    """Sets (creates or revises) a target: a term target over years ("2020-2025"), an annual
    plan or an annual budget estimate for a year ("2024"). `expected_version`: the version a
    revision was made on (see _upsert)."""
    subject = _subject(org, admin_unit)
    require(actor, "edit", subject.scope_target())
    kind = read_choice(kind, KIND_WORDS, _("Loại chỉ tiêu"))
    covered = parse_span(span)
    _check_span(TargetKind(kind), covered)
    _existed(subject, covered)
    amount = _value(indicator, value, unit_of_measure, _("Chỉ tiêu"))
    keys = {"indicator": indicator, "org": org, "unit": admin_unit, "kind": kind}
    keys["span"] = covered.code
    values = {
        "value": amount,
        "source": source.strip(),
        "starts_on": covered.start,
        "ends_on": covered.end,
        "area": _area(subject),
    }
    return _upsert(actor, Target, keys, values, expected_version)


def _check_span(kind: TargetKind, span: Span) -> None:
    if kind is TargetKind.TERM and not span.is_term:
        raise DomainError(
            "target.span",
            _('Chỉ tiêu Nghị quyết Đại hội cần một giai đoạn nhiều năm, ví dụ "2020-2025".'),
            {"value": span.code},
        )
    if kind is not TargetKind.TERM and (span.is_term or len(span.code) != 4):
        raise DomainError(
            "target.span",
            _('Kế hoạch năm và dự toán năm cần một năm, ví dụ "2024"; "%(s)s" không phải năm.')
            % {"s": span.code},
            {"value": span.code},
        )


def _area(subject) -> AdminUnit | None:
    return subject if isinstance(subject, AdminUnit) else subject.unit


@transaction.atomic
def actual_set(
    *,
    actor: Actor,
    indicator: Indicator,
    period: str,
    value,
    status: str,
    org: PartyOrg | None = None,
    admin_unit: AdminUnit | None = None,
    source: str = "",
    unit_of_measure: str | None = None,
    expected_version: int | None = None,
) -> Saved:
    """Records (or revises) the actual of a period, as an estimate ("ước") or final.

    A period that does not exist (2024-H3, 2024-Q5) is refused by the period parser; so is a
    period in which the organization or unit did not exist. `expected_version`: the version a
    revision was made on (see _upsert).
    """
    subject = _subject(org, admin_unit)
    require(actor, "edit", subject.scope_target())
    status = read_choice(status, STATUS_WORDS, _("Tình trạng số liệu"))
    covered = parse_period(period)
    span = Span(covered.code, covered.start, covered.end, covered.label_vi)
    _existed(subject, span)
    amount = _value(indicator, value, unit_of_measure, _("Số thực hiện"))
    keys = {"indicator": indicator, "org": org, "unit": admin_unit, "period": covered.code}
    values = {
        "value": amount,
        "status": status,
        "source": source.strip(),
        "starts_on": covered.start,
        "ends_on": covered.end,
        "area": _area(subject),
    }
    return _upsert(actor, Actual, keys, values, expected_version)

"""Planning and applying `indicators`, `targets` and `actuals` imports through the targets services.

Planning resolves the codes, reads each figure in its indicator's unit and compares it with the
stored record on the natural key, refusing what the services would refuse, so that the preview
lists every problem. Applying then writes each row with one service call (`indicator_create`,
`target_set`, `actual_set`: scoped, audited), each in a savepoint; a refusal (a DomainError or a
PermissionDeniedError) becomes an error on its row and column, and apply_import rolls the whole
file back. A revised actual is an update: the service keeps the earlier value in the change log.

The catalogue is only added to: an indicator already stored must read the same (its unit and
rules are what every stored figure means), and a row that differs is refused with the stored
value named.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.errors import PermissionDeniedError
from tongket.domain.errors import DomainError
from tongket.domain.indicators import DIRECTION_WORDS, RULE_WORDS, Span, parse_span
from tongket.domain.periods import parse_period
from tongket.imports import apply
from tongket.imports.kinds import word
from tongket.imports.target_kind import ActualRow, FigureRow, IndicatorRow, TargetRow
from tongket.party.models import PartyOrg
from tongket.registry.models import AdminUnit
from tongket.targets.models import Actual, Indicator, Target
from tongket.targets.services import (
    _existed,
    _value,
    actual_set,
    indicator_create,
    target_set,
)


def _error(plan: apply.ImportPlan, record, column: str, message: str) -> None:
    apply._Sink(plan, plan.errors, Counter()).error(record, column, message)


# --- indicators -----------------------------------------------------------------------------
_INDICATOR_FIELDS = {
    "name": "tên",
    "unit": "đơn vị tính",
    "direction": "chiều đánh giá",
    "over_time": "cách cộng gộp theo thời gian",
    "up_tree": "cách cộng gộp theo đơn vị",
    "companion_code": "chỉ tiêu đi kèm",
    "note": "ghi chú",
}
_WORDS = {"direction": DIRECTION_WORDS, "over_time": RULE_WORDS, "up_tree": RULE_WORDS}


def _stored_fields(indicator: Indicator) -> dict:
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "over_time": indicator.over_time,
        "up_tree": indicator.up_tree,
        "companion_code": indicator.companion.code if indicator.companion_id else "",
        "note": indicator.note,
    }


def _shown(name: str, value: str) -> str:
    """A stored value as the file would write it ("càng cao càng tốt", not "higher")."""
    return word(_WORDS.get(name, {}), value) or _("(trống)")


def _indicator_difference(r: IndicatorRow, stored: Indicator, present) -> str:
    """The first column whose non-empty cell differs from the stored indicator, or ""."""
    wanted = r.fields()
    have = _stored_fields(stored)
    for name in _INDICATOR_FIELDS:
        given = getattr(r, name)
        if name in present and given and wanted[name] != have[name]:
            return name
    return ""


def plan_indicators(plan: apply.ImportPlan, actor: Actor) -> None:
    """Existing codes must read the same; new ones are created in an order where each
    companion comes first (from the database or from another row of the file)."""
    records: list[IndicatorRow] = plan.records
    wanted = {r.code for r in records} | {r.companion_code for r in records} - {""}
    stored = {
        i.code: i for i in Indicator.objects.filter(code__in=wanted).select_related("companion")
    }
    present = plan.mapped.present
    ordered: list[IndicatorRow] = []
    ready = set(stored)
    waiting = []
    for r in records:
        if r.code in stored:
            if name := _indicator_difference(r, stored[r.code], present):
                _refuse_change(plan, r, name, stored[r.code])
            else:
                plan.actions[r.row] = apply.UNCHANGED
        else:
            waiting.append(r)
    while waiting:
        now = [r for r in waiting if not r.companion_code or r.companion_code in ready]
        if not now:
            break
        ordered += now
        ready |= {r.code for r in now}
        waiting = [r for r in waiting if r not in now]
    failed = plan.mapped.failed_codes
    for r in waiting:
        if r.companion_code not in failed:  # else its own row's error is reported
            _error(plan, r, "companion_code", _missing_companion(r, records))
    for r in ordered:
        plan.actions[r.row] = apply.CREATE
    plan.work = ordered


def _refuse_change(plan, r: IndicatorRow, name: str, indicator: Indicator) -> None:
    _error(
        plan,
        r,
        name,
        _(
            "Chỉ tiêu mã %(code)s đã có với %(what)s “%(v)s”. Tệp nhập chỉ thêm chỉ tiêu mới, "
            "không sửa chỉ tiêu đã có (các số liệu đã lưu được hiểu theo định nghĩa đó)."
        )
        % {
            "code": r.code,
            "what": _INDICATOR_FIELDS[name],
            "v": _shown(name, _stored_fields(indicator)[name]),
        },
    )


def _missing_companion(r: IndicatorRow, records: list[IndicatorRow]) -> str:
    if any(other.code == r.companion_code for other in records):
        return _(
            "Chỉ tiêu đi kèm %(code)s cũng lấy chỉ tiêu này (hoặc một chỉ tiêu của vòng đó) làm "
            "chỉ tiêu đi kèm: các chỉ tiêu đi kèm tạo thành vòng lặp."
        ) % {"code": r.companion_code}
    return _("Không tìm thấy chỉ tiêu đi kèm mã %(code)s, cả trong tệp lẫn trong danh mục.") % {
        "code": r.companion_code
    }


def apply_indicators(plan: apply.ImportPlan, actor: Actor, sink, progress) -> None:
    records: list[IndicatorRow] = plan.work or []
    sink.counts[apply.UNCHANGED] += sum(1 for a in plan.actions.values() if a == apply.UNCHANGED)
    companions = {
        i.code: i
        for i in Indicator.objects.filter(code__in={r.companion_code for r in records} - {""})
    }
    for r in apply._each(records, progress):
        if sink.full():
            return
        fields = r.fields()
        fields.pop("companion_code")
        try:
            with transaction.atomic():
                created = indicator_create(
                    actor=actor,
                    code=r.code,
                    companion=companions.get(r.companion_code),
                    **fields,
                )
        except DomainError as exc:
            sink.error(r, "unit" if exc.code == "unit.unknown" else "code", exc.message)
            continue
        companions[created.code] = created
        sink.counts[apply.CREATE] += 1


# --- targets and actuals --------------------------------------------------------------------
@dataclass
class _Planned:
    """A row ready for its service: the objects its codes name and the stored record."""

    record: FigureRow
    indicator: Indicator
    org: PartyOrg | None
    unit: AdminUnit | None
    stored: Target | Actual | None

    @property
    def subject(self):
        return self.org or self.unit


@dataclass
class _Figures:
    """What a figures import needs per kind: its model, the key column of its time, how to
    read that column, and how to tell a stored record from the row."""

    model: type
    time_column: str
    span: Callable[[str], Span]
    what: Callable[[], str]
    key: Callable[[FigureRow], dict]
    same: Callable[[object, FigureRow, object], bool]
    planned: list[_Planned] = field(default_factory=list)


def _actual_span(code: str) -> Span:
    period = parse_period(code)
    return Span(period.code, period.start, period.end, period.label_vi)


def _column_of(exc: DomainError, r: FigureRow, time_column: str) -> str:
    """The cell a refusal of the services is about."""
    if exc.code.startswith(("value.", "number.")):
        return "value"
    if exc.code == "unit.mismatch":
        return "unit_of_measure"
    if exc.code.startswith(("period.", "target.span")):
        return time_column
    if exc.code == "choice.invalid":
        return "kind" if isinstance(r, TargetRow) else "status"
    if exc.code in ("permission.denied", "target.subject", "not_found"):
        return r.subject_column
    return "indicator_code"


class _FigurePlanner:
    def __init__(self, plan: apply.ImportPlan, actor: Actor, spec: _Figures):
        self.plan, self.actor, self.spec = plan, actor, spec
        records: list[FigureRow] = plan.records
        codes = {r.indicator_code for r in records}
        self.indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
        self.orgs = apply._orgs_by_code({r.org_code for r in records} - {""})
        self.units = apply._units_by_code({r.unit_code for r in records} - {""})
        self.stored = self._stored()
        self.allowed: dict[tuple, bool] = {}
        self.existed: dict[tuple, DomainError | None] = {}

    def _stored(self) -> dict[tuple, object]:
        rows = self.spec.model.objects.filter(indicator__in=list(self.indicators.values()))
        rows = rows.select_related("indicator", "org", "unit")
        return {self._key_of(s): s for s in rows.iterator(chunk_size=2000)}

    def _key_of(self, stored) -> tuple:
        time = getattr(stored, self.spec.time_column)
        subject = (stored.org.code, "") if stored.org_id else ("", stored.unit.code)
        extra = (stored.kind,) if self.spec.model is Target else ()
        return (stored.indicator.code, *subject, *extra, time)

    def run(self) -> None:
        for r in self.plan.records:
            try:
                planned = self.place(r)
            except apply.Refused as refused:
                _error(self.plan, r, refused.column, refused.message)
                continue
            self.spec.planned.append(planned)
            if planned.stored is None:
                action = apply.CREATE
            elif self.spec.same(planned.stored, r, self.plan.mapped.present):
                action = apply.UNCHANGED
            else:
                action = apply.UPDATE
            self.plan.actions[r.row] = action
        self.plan.errors.sort(key=lambda e: e.row)
        self.plan.work = self.spec

    def place(self, r: FigureRow) -> _Planned:
        indicator = self.indicators.get(r.indicator_code)
        if indicator is None:
            raise apply.Refused(
                "indicator_code",
                _("Không có chỉ tiêu mã %(code)s trong danh mục (hãy nhập danh mục trước).")
                % {"code": r.indicator_code},
            )
        org = unit = None
        if r.org_code:
            if (org := self.orgs.get(r.org_code)) is None:
                raise apply.Refused(
                    "org_code",
                    _("Không tìm thấy tổ chức đảng mã %(code)s.") % {"code": r.org_code},
                )
        elif (unit := self.units.get(r.unit_code)) is None:
            raise apply.Refused(
                "unit_code",
                _("Không tìm thấy đơn vị hành chính mã %(code)s.") % {"code": r.unit_code},
            )
        subject = org or unit
        self.may_edit(r, subject)
        time = getattr(r, self.spec.time_column)
        try:
            self.alive(subject, time)
            _value(indicator, r.value, r.unit_of_measure or None, self.spec.what())
        except DomainError as exc:
            raise apply.Refused(_column_of(exc, r, self.spec.time_column), exc.message) from None
        return _Planned(r, indicator, org, unit, self.stored.get(r.key))

    def may_edit(self, r: FigureRow, subject) -> None:
        key = (type(subject).__name__, subject.pk)
        if key not in self.allowed:
            self.allowed[key] = self.actor.can("edit", subject.scope_target())
        if not self.allowed[key]:
            raise apply.Refused(r.subject_column, PermissionDeniedError().message)

    def alive(self, subject, time: str) -> None:
        key = (type(subject).__name__, subject.pk, time)
        if key not in self.existed:
            try:
                _existed(subject, self.spec.span(time))
                self.existed[key] = None
            except DomainError as exc:
                self.existed[key] = exc
        if self.existed[key] is not None:
            raise self.existed[key]


def _source(p: _Planned, present) -> str:
    """The file's source, or the stored one when the file has no `Nguồn` column."""
    if "source" not in present and p.stored is not None:
        return p.stored.source
    return p.record.source


def _figure_same(stored, r: FigureRow, present) -> bool:
    amount = _value(stored.indicator, r.value, r.unit_of_measure or None, "")
    if stored.value != amount:
        return False
    if "source" in present and stored.source != r.source.strip():
        return False
    return not isinstance(r, ActualRow) or stored.status == r.status


TARGET_FIGURES = dict(
    model=Target,
    time_column="span",
    span=parse_span,
    what=lambda: _("Chỉ tiêu"),
    key=lambda r: {"kind": r.kind, "span": r.span},
    same=_figure_same,
)
ACTUAL_FIGURES = dict(
    model=Actual,
    time_column="period",
    span=_actual_span,
    what=lambda: _("Số thực hiện"),
    key=lambda r: {"period": r.period, "status": r.status},
    same=_figure_same,
)


def plan_targets(plan: apply.ImportPlan, actor: Actor) -> None:
    _FigurePlanner(plan, actor, _Figures(**TARGET_FIGURES)).run()


def plan_actuals(plan: apply.ImportPlan, actor: Actor) -> None:
    _FigurePlanner(plan, actor, _Figures(**ACTUAL_FIGURES)).run()


def apply_figures(plan: apply.ImportPlan, actor: Actor, sink, progress) -> None:
    """Every planned row through its service (unchanged ones too: the service checks the
    actor's scope again and reports no change); the counts are what the services did."""
    spec: _Figures | None = plan.work
    if spec is None:
        return
    write = target_set if spec.model is Target else actual_set
    present = plan.mapped.present
    for p in apply._each(spec.planned, progress):
        if sink.full():
            return
        r = p.record
        try:
            with transaction.atomic():
                saved = write(
                    actor=actor,
                    indicator=p.indicator,
                    value=r.value,
                    org=p.org,
                    admin_unit=p.unit,
                    source=_source(p, present),
                    unit_of_measure=r.unit_of_measure or None,
                    **spec.key(r),
                )
        except DomainError as exc:
            sink.error(r, _column_of(exc, r, spec.time_column), exc.message)
            continue
        if saved.created:
            sink.counts[apply.CREATE] += 1
        else:
            sink.counts[apply.UPDATE if saved.changed else apply.UNCHANGED] += 1


apply.PLANNERS["indicators"] = plan_indicators
apply.APPLIERS["indicators"] = apply_indicators
apply.PLANNERS["targets"] = plan_targets
apply.APPLIERS["targets"] = apply_figures
apply.PLANNERS["actuals"] = plan_actuals
apply.APPLIERS["actuals"] = apply_figures

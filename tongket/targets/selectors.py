"""Reads of indicators, targets and actuals, scoped to the actor, with every share, growth
rate and verdict computed here from the stored figures (never stored themselves)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from tongket.core.actor import Actor
from tongket.core.errors import NotFoundError
from tongket.core.permissions import restrict
from tongket.core.routers import reading_replica
from tongket.core.selectors import history_of
from tongket.domain.indicators import (
    TARGET_KIND_VI,
    Direction,
    Ratio,
    Rule,
    TargetKind,
    Verdict,
    aggregate_over_time,
    elapsed_fraction,
    format_value,
    growth,
    growth_phrase,
    parse_span,
    progress,
    result_sentence,
    share_of_target,
    share_phrase,
    verdict_label,
    year_cover,
)
from tongket.domain.periods import Period, parse_period
from tongket.party.models import PartyOrg
from tongket.targets.models import Actual, Indicator, Target

# Which target a row leads with when several cover the period: the year's own targets first.
MAIN_KIND_ORDER = [TargetKind.PLAN, TargetKind.ESTIMATE, TargetKind.TERM]


def indicators_visible(actor: Actor) -> QuerySet[Indicator]:
    """The shared catalogue: every signed-in user reads it (it holds no figures)."""
    return Indicator.objects.select_related("companion").order_by("code")


def indicator_by_code(actor: Actor, code: str) -> Indicator:
    found = indicators_visible(actor).filter(code=code.strip()).first()
    if found is None:
        raise NotFoundError(f"chỉ tiêu mã {code}")
    return found


def _of_subject(subject) -> Q:
    """An organization's figures and those of the unit it is attached to (the district's
    socio-economic results belong in the district committee's review); a unit's own."""
    if isinstance(subject, PartyOrg):
        own = Q(org=subject)
        return own | Q(unit_id=subject.unit_id) if subject.unit_id else own
    return Q(unit=subject)


def targets_of(actor: Actor, subject) -> QuerySet[Target]:
    rows = restrict(Target.objects.select_related("indicator", "org", "unit"), actor)
    return rows.filter(_of_subject(subject))


def actuals_of(actor: Actor, subject) -> QuerySet[Actual]:
    rows = restrict(Actual.objects.select_related("indicator", "org", "unit"), actor)
    return rows.filter(_of_subject(subject))


@dataclass(frozen=True)
class TargetStatus:
    """One target covering the period, with the figure compared against it."""

    kind: str
    kind_label: str
    span: str
    span_label: str
    value: Decimal
    source: str
    compared: Decimal | None  # the actual, or the cumulative value over the target's span
    compared_periods: list[str]
    share: Ratio
    elapsed: Decimal
    verdict: Verdict
    phrase: str

    @property
    def verdict_label(self) -> str:
        return verdict_label(self.verdict)


@dataclass(frozen=True)
class IndicatorStatus:
    """An indicator's figure for a period and everything the review says about it."""

    code: str
    name: str
    unit: str
    direction: str
    period: str
    period_label: str
    holder: str  # the organization or unit whose figure this is
    record_id: int | None  # the stored actual, for its history
    actual: Decimal | None
    status: str
    source: str
    previous: Decimal | None
    previous_period: str
    growth: Ratio
    targets: list[TargetStatus] = field(default_factory=list)
    companion: dict | None = None
    sentence: str = ""

    @property
    def main_target(self) -> TargetStatus | None:
        return self.targets[0] if self.targets else None


@reading_replica()
def targets_status(actor: Actor, subject, period: Period | str) -> list[IndicatorStatus]:
    """Per indicator with a figure in the period or a target covering it: the actual, its
    status, the targets with the share reached and the progress verdict, and the growth over
    the same period of the previous year (or why there is none)."""
    period = parse_period(period) if isinstance(period, str) else period
    actuals = list(actuals_of(actor, subject).filter(starts_on__lte=period.end))
    targets = list(
        targets_of(actor, subject).filter(starts_on__lte=period.start, ends_on__gte=period.end)
    )
    codes = {a.indicator.code for a in actuals if a.period == period.code}
    codes |= {t.indicator.code for t in targets}
    catalogue = {i.code: i for i in indicators_visible(actor).filter(code__in=codes)}
    by_indicator: dict[int, list[Actual]] = {}
    for a in actuals:
        by_indicator.setdefault(a.indicator_id, []).append(a)
    rows = []
    for code in sorted(codes):
        indicator = catalogue[code]
        own = _prefer_subject(by_indicator.get(indicator.pk, []), subject)
        mine = [t for t in targets if t.indicator_id == indicator.pk]
        rows.append(_status(indicator, own, mine, period, by_indicator, subject))
    return rows


def _prefer_subject(actuals: list[Actual], subject) -> dict[str, Actual]:
    """One actual per period: the subject's own where it has one, else its unit's."""
    chosen: dict[str, Actual] = {}
    for a in sorted(actuals, key=lambda a: a.subject != subject):
        chosen.setdefault(a.period, a)
    return chosen


def _status(indicator, actuals: dict[str, Actual], targets, period, by_indicator, subject):
    current = actuals.get(period.code)
    before = period.previous_year_same()
    previous = actuals.get(before.code)
    change = growth(_v(current), _v(previous))
    checks = sorted(
        (_target_status(indicator, t, actuals, period) for t in targets),
        key=lambda s: (MAIN_KIND_ORDER.index(TargetKind(s.kind)), s.span),
    )
    companion = _companion(indicator, by_indicator, period, subject)
    clauses = [growth_phrase(change)] if change.ok else []
    clauses += [checks[0].phrase] if checks else []
    if companion:
        name = companion["name"]
        clauses.append(f"{name[:1].lower()}{name[1:]} {companion['text']}")
    return IndicatorStatus(
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        direction=indicator.direction,
        period=period.code,
        period_label=period.label_vi,
        holder=current.subject.name if current else "",
        record_id=current.pk if current else None,
        actual=_v(current),
        status=current.status if current else "",
        source=current.source if current else "",
        previous=_v(previous),
        previous_period=before.code,
        growth=change,
        targets=checks,
        companion=companion,
        sentence=result_sentence(
            indicator.name,
            period.label_vi,
            _v(current),
            indicator.unit,
            current.status if current else "",
            clauses,
        ),
    )


def _v(actual: Actual | None) -> Decimal | None:
    return actual.value.normalize() + 0 if actual is not None else None


def _target_status(indicator, target: Target, actuals: dict[str, Actual], period: Period):
    """The figure to hold against the target: for a flow (summed over time), the cumulative
    value from the target's start to the period's end; for a stock or a rate, the latest
    level. Progress is judged at the end of the last period actually covered."""
    rule = Rule(indicator.over_time)
    periods = [
        parse_period(code)
        for code, a in actuals.items()
        if a.starts_on >= target.starts_on and a.ends_on <= period.end
    ]
    if rule is Rule.SUM:
        used = year_cover(periods, target.starts_on, period.end)
    else:  # a level: the latest period wins (an average is not a level either)
        used = sorted(periods, key=lambda p: (p.end, -p.days))[-1:]
    value = None
    if used:
        points = [(p, actuals[p.code].value) for p in used]
        value = aggregate_over_time(points, Rule.SUM if rule is Rule.SUM else Rule.LATEST).value
    covered_to = max((p.end for p in used), default=period.end)
    elapsed = elapsed_fraction(target.starts_on, target.ends_on, covered_to)
    share = share_of_target(value, target.value)
    verdict = progress(
        value, target.value, Direction(indicator.direction), elapsed, rule is Rule.SUM
    )
    return TargetStatus(
        kind=target.kind,
        kind_label=TARGET_KIND_VI[TargetKind(target.kind)],
        span=target.span,
        span_label=parse_span(target.span).label_vi,
        value=target.value.normalize() + 0,
        source=target.source,
        compared=None if value is None else value.normalize() + 0,
        compared_periods=[p.code for p in used],
        share=share,
        elapsed=elapsed,
        verdict=verdict,
        phrase=_target_phrase(indicator, target, share, verdict),
    )


def _target_phrase(indicator, target: Target, share: Ratio, verdict: Verdict) -> str:
    kind = TargetKind(target.kind)
    if share.ok:
        return share_phrase(share, kind)
    if verdict is Verdict.MET:  # e.g. no poor household left against a target of 0
        return f"hoàn thành {TARGET_KIND_VI[kind]} ({format_value(target.value, indicator.unit)})"
    return share.message


def _companion(indicator, by_indicator, period: Period, subject) -> dict | None:
    other = indicator.companion
    if other is None:
        return None
    found = _prefer_subject(by_indicator.get(other.pk, []), subject).get(period.code)
    if found is None:
        return None
    return {
        "code": other.code,
        "name": other.name,
        "unit": other.unit,
        "value": found.value.normalize() + 0,
        "status": found.status,
        "text": format_value(found.value, other.unit),
    }


def actual_get(actor: Actor, pk: int) -> Actual:
    found = restrict(Actual.objects.select_related("indicator"), actor).filter(pk=pk).first()
    if found is None:
        raise NotFoundError("số thực hiện")
    return found


def latest_period(actor: Actor, subject) -> str | None:
    """The most recent period with a figure: where the page opens when none is asked for."""
    last = actuals_of(actor, subject).order_by("-ends_on", "starts_on").first()
    return last.period if last else None


@dataclass(frozen=True)
class TrendPoint:
    period: str
    label: str
    value: Decimal
    status: str


@reading_replica()
def indicator_trend(
    actor: Actor, subject, indicator: Indicator, kind: str, upto: Period
) -> list[TrendPoint]:
    """The indicator's actuals for periods of one kind (half-years, years…) up to `upto`,
    oldest first: the trend chart of the page."""
    rows = actuals_of(actor, subject).filter(indicator=indicator, ends_on__lte=upto.end)
    chosen = _prefer_subject(list(rows), subject)
    points = []
    for code, a in chosen.items():
        p = parse_period(code)
        if p.kind == kind:
            points.append(TrendPoint(p.code, p.label_vi, a.value.normalize() + 0, a.status))
    return sorted(points, key=lambda t: parse_period(t.period).start)


@dataclass(frozen=True)
class Revision:
    at: object
    user: str
    action: str
    value: str
    status: str
    source: str


def figure_history(actor: Actor, record: Actual | Target) -> list[Revision]:
    """Every value the figure has had, oldest first, read from the change log (each revision
    keeps the earlier value in its `before`)."""
    model = type(record)
    visible = restrict(model.objects.filter(pk=record.pk), actor)
    if not visible.exists():
        raise NotFoundError("số liệu")
    rows = history_of(record).order_by("at", "id")
    return [
        Revision(
            r.at,
            r.user_name,
            r.action,
            (r.after or {}).get("value", ""),
            (r.after or {}).get("status", ""),
            (r.after or {}).get("source", ""),
        )
        for r in rows
    ]

"""ReviewFigures: every figure of a review, for an organization and a period, from records only.

It is the JSON contract of INTERCHANGE.md ("Review figures as JSON"), extended section by
section, and the one source the narrative, the DOCX, the XLSX annex and the web page read.
Figures are counted on the trees (organizations, administrative units) as they stood at the end
of the period, so a report on an organization that has since been dissolved or merged prints
the names and counts valid then. A section without records is left out and named in `missing`
with the reason, never printed as zeros.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.permissions import require
from tongket.core.routers import reading_replica
from tongket.domain.errors import DomainError
from tongket.domain.periods import Period, parse_period
from tongket.domain.vnformat import format_date_short
from tongket.party.models import PartyOrg

LEVELS = ("excellent", "good", "completed", "not_completed", "unclassified")
UNIT_LEVELS = ("ward", "neighbourhood", "resident_group")


@dataclass(frozen=True)
class LevelCounts:
    """How many subjects at each level; `total` is everyone in the tree, with or without a
    result (`missing` = those without one)."""

    total: int
    excellent: int
    good: int
    completed: int
    not_completed: int
    unclassified: int
    missing: int = 0


@dataclass(frozen=True)
class StreakCounts:
    years: int
    orgs: int
    members: int
    org_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvaluationFigures:
    year: int
    grassroots: LevelCounts
    sub_branches: LevelCounts
    members: LevelCounts
    streaks: StreakCounts
    previous: EvaluationFigures | None = None


@dataclass(frozen=True)
class UnitChange:
    """A reorganization in (or decided in) the period: counts the day before and on the day."""

    effective_on: dt.date
    basis: tuple[str, ...]
    before: dict[str, int]
    after: dict[str, int]
    affected: int = 0  # units under the organization's unit touched by the events that day


@dataclass(frozen=True)
class UnitFigures:
    unit: str  # the code of the administrative unit the organization is attached to
    name: str
    as_of: dt.date
    counts: dict[str, int]
    at_start: dict[str, int]
    changes: tuple[UnitChange, ...] = ()


@dataclass(frozen=True)
class AwardFigures:
    category: str
    name: str
    decision: str
    body: str
    decided_on: dt.date
    orgs: int
    members: int


@dataclass(frozen=True)
class IndicatorFigures:
    """An indicator's figure for the period against its main target; ratios are fractions
    (0.44 for 44 %), None with the reason when there is nothing to compare with."""

    code: str
    name: str
    unit: str
    actual: Decimal | None
    status: str  # estimate / final
    target: Decimal | None
    target_kind: str
    share_of_target: Decimal | None
    growth_yoy: Decimal | None
    growth_note: str
    sentence: str  # the report's own words, from the computations


@dataclass(frozen=True)
class CoverageFigures:
    """Distinct neighbourhoods visited under a programme, over those existing on `as_of`."""

    programme: str
    code: str
    covered: int
    of: int
    body: str  # the visiting body counted ("" = all)
    visits: int


@dataclass(frozen=True)
class MemberFigures:
    """Members of the tree (with an official membership) the day before the period and on its
    last day, and those admitted to the Party in the period who are in the tree at its end."""

    at_start: int
    at_end: int
    admitted: int


@dataclass(frozen=True)
class MeetingFigures:
    """The meeting that reviewed the period (its `period` field names it)."""

    title: str
    held_on: dt.date
    number: int | None = None  # "Hội nghị lần thứ 25"


@dataclass(frozen=True)
class TaskFigures:
    """A task given by the review meeting (or in the period) for the time ahead."""

    title: str
    owner: str
    deadline: dt.date | None
    state: str


@dataclass(frozen=True)
class ReviewFigures:
    """The figures of one review (INTERCHANGE.md "Review figures as JSON", extended)."""

    org: str
    org_name: str  # the name valid at `as_of`
    period: str
    period_label: str  # "năm 2024", "6 tháng đầu năm 2024"
    as_of: dt.date
    in_progress: bool
    evaluation: EvaluationFigures | None
    units: UnitFigures | None
    awards: tuple[AwardFigures, ...]
    indicators: tuple[IndicatorFigures, ...] = ()
    outreach: tuple[CoverageFigures, ...] = ()
    members: MemberFigures | None = None
    meeting: MeetingFigures | None = None
    tasks: tuple[TaskFigures, ...] = ()
    missing: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        """The contract's keys, with dates as ISO strings."""
        data = _plain(asdict(self))
        evaluation = data["evaluation"]
        if evaluation is not None:
            evaluation["streaks"].pop("org_names", None)
        if (units := data["units"]) is not None:
            # The contract's level counts sit beside "as_of", not under a key of their own.
            data["units"] = {**units.pop("counts"), **units}
        return data


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # Figures as they are; ratios to six decimals (0.151193 = 15,12 %).
        return int(value) if value == value.to_integral_value() else round(float(value), 6)
    return value


# --- assembling -----------------------------------------------------------------------------
def check_period(text: str, today: dt.date | None = None) -> tuple[Period, dt.date, bool]:
    """The period, its reference date and whether it is still running; a period that has not
    begun is refused (its report would be all gaps)."""
    period = parse_period(text)
    today = today or timezone.localdate()
    if period.start > today:
        raise DomainError(
            "report.future",
            _("Kỳ %(p)s chưa bắt đầu (từ ngày %(d)s): chưa có số liệu để báo cáo.")
            % {"p": period.code, "d": format_date_short(period.start)},
        )
    if period.end > today:
        return period, today, True
    return period, period.end, False


@reading_replica()
def review_figures(
    actor: Actor, org: PartyOrg, period_text: str, today: dt.date | None = None
) -> ReviewFigures:
    """Every figure of the organization's review for the period, from its records."""
    require(actor, "view", org.scope_target())
    period, as_of, running = check_period(period_text, today)
    missing: list[str] = []
    if running:
        missing.append(
            _("Kỳ %(p)s chưa kết thúc: số liệu tính đến ngày %(d)s.")
            % {"p": period.code, "d": format_date_short(as_of)}
        )
    name = _org_name(org, as_of)
    return ReviewFigures(
        org=org.code,
        org_name=name,
        period=period.code,
        period_label=period.label_vi,
        as_of=as_of,
        in_progress=running,
        evaluation=_evaluation(actor, org, period, running, missing),
        units=_units(actor, org, period, as_of, missing),
        awards=_awards(actor, org, period, missing),
        indicators=_indicators(actor, org, period, missing),
        outreach=_outreach(actor, org, as_of, missing),
        members=_members(actor, org, period, as_of),
        meeting=(meeting := _meeting(actor, org, period)),
        tasks=_tasks(actor, org, period, meeting, as_of, missing),
        missing=tuple(missing),
    )


def _org_name(org: PartyOrg, day: dt.date) -> str:
    from tongket.party.selectors import org_snapshot

    version = org_snapshot(day).nodes.get(org.pk)
    if version is None:
        raise DomainError(
            "report.no_org",
            _("%(org)s không tồn tại vào ngày %(d)s: không có báo cáo cho kỳ này.")
            % {"org": org.name, "d": format_date_short(day)},
        )
    return version.name


def _counts(tally, missing: int) -> LevelCounts:
    return LevelCounts(
        tally.total,
        tally.excellent,
        tally.good,
        tally.completed,
        tally.not_completed,
        tally.unclassified,
        missing,
    )


def _evaluation(actor, org, period: Period, running: bool, missing: list[str]):
    from tongket.evaluation.models import Evaluation
    from tongket.evaluation.selectors import review_evaluation

    if period.kind != "year":
        missing.append(_("Đánh giá, xếp loại chỉ tổng hợp theo năm."))
        return None
    if running or not Evaluation.objects.filter(year=period.year).exists():
        missing.append(_("Chưa có kết quả đánh giá, xếp loại năm %(y)d.") % {"y": period.year})
        return None
    # One call for both: the tree and the members at the end of the year are read once.
    return _evaluation_of(*review_evaluation(actor, org, period.year, 5))


def _evaluation_of(t, s) -> EvaluationFigures:
    previous = None
    if t.previous is not None:
        previous = _evaluation_of(t.previous, None)
    streak = StreakCounts(0, 0, 0)
    if s is not None:
        streak = StreakCounts(s.years, len(s.orgs), len(s.members), tuple(n for _i, n in s.orgs))
    return EvaluationFigures(
        year=t.year,
        grassroots=_counts(t.grassroots, t.missing["grassroots"]),
        sub_branches=_counts(t.sub_branches, t.missing["sub_branches"]),
        members=_counts(t.members, t.missing["members"]),
        streaks=streak,
        previous=previous,
    )


def _level_counts(counter) -> dict[str, int]:
    return {level: counter.get(level, 0) for level in UNIT_LEVELS}


def _units(actor, org: PartyOrg, period: Period, as_of: dt.date, missing: list[str]):
    from tongket.registry.selectors import snapshot_on, unit_counts_on

    if org.unit_id is None:
        missing.append(_("%(org)s chưa gắn với đơn vị hành chính nào.") % {"org": org.name})
        return None
    unit = org.unit
    snap = snapshot_on(as_of)
    if unit.pk not in snap:
        missing.append(_("Đơn vị hành chính %(u)s không tồn tại vào ngày cuối kỳ.") % {"u": unit})
        return None
    start = period.start - dt.timedelta(days=1)
    counts_on = functools.cache(lambda day: _level_counts(unit_counts_on(actor, unit, day)))
    return UnitFigures(
        unit=unit.code,
        name=snap.nodes[unit.pk].name,
        as_of=as_of,
        counts=counts_on(as_of),
        at_start=counts_on(start),
        changes=tuple(_changes(actor, unit, period, counts_on)),
    )


def _changes(actor, unit, period: Period, counts_on) -> list[UnitChange]:
    """Reorganizations that changed the counts under the unit, effective in the period or
    decided in it (a merger decided in 2024 and effective on 1/1/2025 belongs to the 2024
    review)."""
    from django.db.models import Q

    from tongket.registry.models import UnitEvent
    from tongket.registry.selectors import units_affected

    events = UnitEvent.objects.filter(
        Q(effective_on__range=(period.start, period.end))
        | Q(basis__signed_on__range=(period.start, period.end))
    ).select_related("basis")
    by_day: dict[dt.date, set[str]] = {}
    for e in events:
        by_day.setdefault(e.effective_on, set()).add(e.basis.text)
    found = []
    for day, bases in sorted(by_day.items()):
        before, after = counts_on(day - dt.timedelta(days=1)), counts_on(day)
        if before != after:
            touched = len(units_affected(actor, unit.code, day))
            found.append(UnitChange(day, tuple(sorted(bases)), before, after, touched))
    return found


def _awards(actor, org, period: Period, missing: list[str]) -> tuple[AwardFigures, ...]:
    from tongket.evaluation.selectors import award_counts

    rows = [
        AwardFigures(
            r["category"],
            r["name"],
            r["decision"],
            r["body"],
            r["decided_on"],
            r["orgs"],
            r["members"],
        )
        for r in award_counts(actor, org, period.year)
        if period.contains(r["decided_on"]) or period.kind == "year"
    ]
    if not rows:
        missing.append(_("Chưa có quyết định khen thưởng nào trong kỳ."))
    return tuple(rows)


def _indicators(actor, org, period: Period, missing: list[str]) -> tuple[IndicatorFigures, ...]:
    from tongket.targets.selectors import targets_status

    rows = []
    for s in targets_status(actor, org, period):
        main = s.main_target
        rows.append(
            IndicatorFigures(
                code=s.code,
                name=s.name,
                unit=s.unit,
                actual=s.actual,
                status=s.status,
                target=main.value if main else None,
                target_kind=main.kind if main else "",
                share_of_target=main.share.value if main else None,
                growth_yoy=s.growth.value,
                growth_note="" if s.growth.ok else s.growth.message,
                sentence=s.sentence,
            )
        )
    if not rows:
        missing.append(_("Chưa có số liệu chỉ tiêu nào cho kỳ này."))
    return tuple(rows)


def _outreach(actor, org, as_of: dt.date, missing: list[str]) -> tuple[CoverageFigures, ...]:
    """Each programme of the organization: coverage by all its visits, and by each visiting
    body ("Thường trực Quận ủy đã đến thăm 20/112 khu phố" counts one body)."""
    from tongket.outreach.models import Activity
    from tongket.outreach.selectors import coverage_report, programmes_visible

    if org.unit_id is None:
        return ()
    rows = []
    for programme in programmes_visible(actor).filter(org=org).order_by("code"):
        visits = Activity.objects.filter(programme=programme, kind=Activity.Kind.VISIT)
        bodies = sorted(set(visits.filter(held_on__lte=as_of).values_list("body", flat=True)))
        for body in ["", *[b for b in bodies if b]] if bodies else []:
            found = coverage_report(actor, programme, as_of, body=body or None)
            rows.append(
                CoverageFigures(
                    programme.name,
                    programme.code,
                    found.coverage.count,
                    found.coverage.total,
                    body,
                    found.visits,
                )
            )
    if not rows:
        missing.append(_("Chưa có hoạt động dân vận (thăm khu phố) nào được ghi nhận."))
    return tuple(rows)


def _members(actor, org: PartyOrg, period: Period, as_of: dt.date) -> MemberFigures | None:
    from django.db.models import Count, Q

    from tongket.party.selectors import members_on

    # One statement for the end of the period: the count and those admitted in it.
    end = members_on(actor, org, as_of).aggregate(
        n=Count("pk"), admitted=Count("pk", filter=Q(admitted_on__range=(period.start, as_of)))
    )
    if not end["n"]:
        return None
    return MemberFigures(
        at_start=members_on(actor, org, period.start - dt.timedelta(days=1)).count(),
        at_end=end["n"],
        admitted=end["admitted"],
    )


def _meeting(actor, org: PartyOrg, period: Period) -> MeetingFigures | None:
    from tongket.meetings.selectors import meetings_visible

    found = meetings_visible(actor).filter(org=org, period=period.code).order_by("held_on").first()
    return MeetingFigures(found.title, found.held_on, found.number) if found else None


def _tasks(actor, org, period: Period, meeting, as_of, missing) -> tuple[TaskFigures, ...]:
    """Tasks given by the review meeting; without one, those assigned in the period."""
    from tongket.meetings.selectors import tasks_of

    day = meeting.held_on if meeting else as_of
    rows = [
        r
        for r in tasks_of(actor, org, day)
        if (meeting and r.source == meeting.title)
        or (not meeting and period.start <= r.assigned_on <= as_of)
    ]
    if not rows:
        missing.append(_("Chưa có nhiệm vụ nào được giao cho kỳ tới."))
    rows.sort(key=lambda r: (r.deadline or dt.date.max, r.id))
    return tuple(TaskFigures(r.title, r.owner, r.deadline, r.state) for r in rows)

"""Reads of the evaluation: tallies on the tree as it stood at the end of the period, streaks,
the validation report, award eligibility and counts, badges due. Scoped to the actor."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from tongket.core.actor import Actor
from tongket.core.errors import NotFoundError
from tongket.core.permissions import restrict
from tongket.domain.evaluation import (
    Context,
    Level,
    Tally,
    Violation,
    as_warnings,
    rule_by_code,
    streak_lengths,
    tally,
)
from tongket.domain.evaluation.badges import badges_due, next_award_day, party_age_years
from tongket.evaluation.models import (
    AwardDecision,
    AwardRecipient,
    Evaluation,
    EvaluationRound,
    QuotaException,
)
from tongket.evaluation.services import (
    ResultRow,
    _result,
    _subject,
    member_statuses,
    quota_settings,
    year_end,
)
from tongket.party.models import Member, PartyOrg
from tongket.party.selectors import members_on, org_subtree

GRASSROOTS = ("grassroots_committee", "grassroots_branch")


def round_get(actor: Actor, committee: PartyOrg, year: int, quarter=None) -> EvaluationRound:
    rnd = (
        restrict(EvaluationRound.objects.select_related("committee"), actor)
        .filter(committee=committee, year=year, quarter=quarter)
        .first()
    )
    if rnd is None:
        raise NotFoundError(f"đợt đánh giá năm {year} của {committee.name}")
    return rnd


@dataclass(frozen=True)
class OrgGroups:
    """The organizations of a committee's tree at the end of a year, by how reports count."""

    grassroots: list[int]
    sub_branches: list[int]


def org_groups(committee: PartyOrg, day: dt.date) -> OrgGroups:
    """Grassroots organizations ("chi, đảng bộ") and the sub-branches under grassroots
    committees, in the tree as it stood on `day`."""
    snap = org_subtree(committee, day)
    grassroots = [n for n, v in snap.nodes.items() if v.level in GRASSROOTS and n != committee.pk]
    subs = [
        n
        for n, v in snap.nodes.items()
        if v.level == "sub_branch"
        and any(snap.nodes[a].level == "grassroots_committee" for a in snap.ancestors(n))
    ]
    return OrgGroups(grassroots, subs)


def _levels(rows) -> list[Level | None]:
    return [Level(level) if level else None for level in rows]


@dataclass(frozen=True)
class Tallies:
    year: int
    grassroots: Tally
    sub_branches: Tally
    members: Tally
    missing: dict[str, int]
    previous: Tallies | None = None


def evaluation_tally(actor: Actor, committee: PartyOrg, year: int, compare=True) -> Tallies:
    """Counts by level for the grassroots organizations, the sub-branches under grassroots
    committees and the members of the committee's tree at the end of the year; organizations
    or members without a result count as missing, not as a level."""
    day = year_end(year)
    groups = org_groups(committee, day)
    org_rows = dict(
        ANNUAL.filter(year=year, org_id__in=groups.grassroots + groups.sub_branches).values_list(
            "org_id", "level"
        )
    )
    members = members_on(actor, committee, day)
    member_levels = list(
        ANNUAL.filter(year=year, member__in=members).values_list("level", flat=True)
    )
    grassroots = tally(_levels(org_rows[o] for o in groups.grassroots if o in org_rows))
    subs = tally(_levels(org_rows[o] for o in groups.sub_branches if o in org_rows))
    people = tally(_levels(member_levels))
    missing = {
        "grassroots": len(groups.grassroots) - grassroots.total,
        "sub_branches": len(groups.sub_branches) - subs.total,
        "members": members.count() - people.total,
    }
    previous = None
    if compare and Evaluation.objects.filter(year=year - 1).exists():
        previous = evaluation_tally(actor, committee, year - 1, compare=False)
    return Tallies(
        year,
        _with_total(grassroots, len(groups.grassroots)),
        _with_total(subs, len(groups.sub_branches)),
        _with_total(people, members.count()),
        missing,
        previous,
    )


def _with_total(counts: Tally, total: int) -> Tally:
    """The tally over everyone in the tree: those without a result are in the total too."""
    return Tally(
        total,
        counts.excellent,
        counts.good,
        counts.completed,
        counts.not_completed,
        counts.unclassified,
    )


@dataclass(frozen=True)
class Streaks:
    years: int
    end_year: int
    orgs: list[tuple[int, str]]
    members: list[tuple[int, str, str]]


def streaks(actor: Actor, committee: PartyOrg, year: int, years: int = 5) -> Streaks:
    """Organizations and members rated excellent in each of `years` consecutive years ending
    in `year` (a missing or not-classified year breaks the streak, §9 item 14), among those
    in the committee's tree at the end of `year`."""
    day = year_end(year)
    groups = org_groups(committee, day)
    org_ids = groups.grassroots + groups.sub_branches
    span = range(year - years + 1, year + 1)
    org_rows = ANNUAL.filter(year__in=span, org_id__in=org_ids).values_list(
        "org_id", "year", "level"
    )
    member_rows = ANNUAL.filter(
        year__in=span, member__in=members_on(actor, committee, day)
    ).values_list("member_id", "year", "level")
    org_hits = _hits(org_rows, year, years)
    member_hits = _hits(member_rows, year, years)
    orgs = sorted(PartyOrg.objects.filter(pk__in=org_hits).values_list("pk", "name"))
    people = sorted(
        Member.objects.filter(pk__in=member_hits).values_list("pk", "card_number", "full_name"),
        key=lambda r: r[2],
    )
    return Streaks(years, year, orgs, people)


def _hits(rows, year: int, years: int) -> list[int]:
    lengths = streak_lengths(((s, y, Level(lv) if lv else None) for s, y, lv in rows), year)
    return [s for s, n in lengths.items() if n >= years]


# --- the validation report -----------------------------------------------------------------
def validation_report(actor: Actor, rnd: EvaluationRound) -> list[Violation]:
    """Every rule a result breaks, and every quota group over its cap, with the rule named.
    Archived results show their findings as warnings."""
    rule = rule_by_code(rnd.rule_version)
    context = Context(evaluation_date=year_end(rnd.year))
    found: list[Violation] = []
    rows = list(Evaluation.objects.filter(round=rnd).select_related("member", "org"))
    statuses = member_statuses([e.member_id for e in rows if e.member_id], year_end(rnd.year))
    for e in rows:
        row = ResultRow(
            level=e.level or None,
            org=e.org,
            member=e.member,
            unclassified=e.unclassified,
            score=e.score,
            flags=e.flags,
            reviewed_on=e.reviewed_on,
            deciding_body=e.deciding_body,
        )
        subject = _subject(row, statuses.get(e.member_id, frozenset()))
        violations = rule.validate_result(_result(rnd, row), subject, context)
        found += as_warnings(violations) if e.archived else violations
    settings = quota_settings(rnd)
    exceptions = defaultdict(list)
    for x in QuotaException.objects.filter(round=rnd):
        exceptions[x.group].append(x.number)
    for label, group in _quota_groups(rnd, rows, settings.scope).items():
        results = [
            _result(
                rnd,
                ResultRow(
                    level=e.level or None, org=e.org, member=e.member, unclassified=e.unclassified
                ),
            )
            for e in group
        ]
        found += rule.validate_group(results, settings, label, exceptions.get(label, []))
    return found


def _quota_groups(rnd: EvaluationRound, rows: list[Evaluation], scope: str) -> dict:
    """The groups the quota is counted over: the committee as a whole (organizations, and
    members); per grassroots organization (members, HD 21); or groups of similar subjects."""
    orgs = [e for e in rows if e.org_id]
    people = [e for e in rows if e.member_id]
    if scope == "committee":
        return {"Tổ chức đảng": orgs, "Đảng viên": people}
    groups = org_groups(rnd.committee, year_end(rnd.year))
    grassroots = set(groups.grassroots)
    result = {
        "Tổ chức cơ sở đảng": [e for e in orgs if e.org_id in grassroots],
        "Chi bộ trực thuộc": [e for e in orgs if e.org_id not in grassroots],
    }
    if scope == "group":
        return {**result, "Đảng viên": people}
    snap = org_subtree(rnd.committee, year_end(rnd.year))
    names = {n: v.name for n, v in snap.nodes.items()}
    by_grassroots = defaultdict(list)
    for e in people:
        chain = [e.unit_org_id, *snap.ancestors(e.unit_org_id)]
        top = next((n for n in chain if n in grassroots), e.unit_org_id)
        by_grassroots[f"Đảng viên — {names.get(top, top)}"].append(e)
    return {**result, **by_grassroots}


# --- awards and badges ---------------------------------------------------------------------
def award_counts(actor: Actor, committee: PartyOrg, year: int) -> list[dict]:
    """Per award decision of the year: its category, number, and how many organizations and
    members it names."""
    decisions = restrict(AwardDecision.objects.select_related("category"), actor).filter(
        committee=committee, year=year
    )
    counts = {d: _recipients(d) for d in decisions}
    return [
        {
            "category": d.category.code,
            "name": d.category.name,
            "decision": d.number,
            "body": d.issuing_body,
            "decided_on": d.decided_on,
            **c,
        }
        for d, c in counts.items()
    ]


def _recipients(decision: AwardDecision) -> dict:
    rows = AwardRecipient.objects.filter(decision=decision).aggregate(
        orgs=Count("org"), members=Count("member")
    )
    return {"orgs": rows["orgs"], "members": rows["members"]}


@dataclass(frozen=True)
class BadgeDue:
    member_id: int
    card_number: str
    full_name: str
    milestones: list[int]
    award_day: dt.date


def badges_due_list(actor: Actor, committee: PartyOrg, on: dt.date) -> list[BadgeDue]:
    """Members of the committee's tree due a party badge at the next award day after `on`
    (§9 items 16–18; exempted members stay eligible)."""
    from tongket.party.selectors import GAP_STATUSES

    award_day = next_award_day(on)
    previous_day = _previous_award_day(award_day)
    members = members_on(actor, committee, on).prefetch_related("badges", "status_periods")
    due = []
    for m in members:
        gaps = [
            (p.valid_from, p.valid_to or award_day)
            for p in m.status_periods.all()
            if p.status in GAP_STATUSES
        ]
        age_on = party_age_years(m.decided_on, m.admitted_on, m.confirmed_on, gaps)
        milestones = badges_due(age_on, {b.milestone for b in m.badges.all()}, award_day)
        # Only milestones reached since the previous award day: an older one without a badge
        # record is a gap in the records, listed by the records check, not a new award.
        before = age_on(previous_day) or 0
        milestones = [n for n in milestones if n > before]
        if milestones:
            due.append(BadgeDue(m.pk, m.card_number, m.full_name, milestones, award_day))
    return sorted(due, key=lambda d: (-max(d.milestones), d.full_name))


def _previous_award_day(day: dt.date) -> dt.date:
    probe = day - dt.timedelta(days=1)
    while next_award_day(probe) == day:
        probe -= dt.timedelta(days=30)
    return next_award_day(probe)


def rounds_visible(actor: Actor):
    return restrict(EvaluationRound.objects.select_related("committee"), actor).order_by(
        "-year", "committee__name"
    )


def round_by_id(actor: Actor, pk: int) -> EvaluationRound:
    rnd = rounds_visible(actor).filter(pk=pk).first()
    if rnd is None:
        raise NotFoundError("đợt đánh giá")
    return rnd


@dataclass(frozen=True)
class OrgProgress:
    org_id: int
    name: str
    kind: str
    status: str
    results: int
    late: bool


def round_progress(actor: Actor, rnd: EvaluationRound, today: dt.date) -> list[OrgProgress]:
    """The grassroots organizations of the round: how far each has come, and who is late."""
    from tongket.evaluation.models import RoundState

    day = year_end(rnd.year)
    groups = org_groups(rnd.committee, day)
    snap = org_subtree(rnd.committee, day)
    states = dict(RoundState.objects.filter(round=rnd).values_list("org_id", "status"))
    counts = dict(
        Evaluation.objects.filter(round=rnd)
        .values("unit_org_id")
        .annotate(n=Count("id"))
        .values_list("unit_org_id", "n")
    )
    rows = []
    for org_id in groups.grassroots:
        below = snap.subtree(org_id)
        status = states.get(org_id, "locked" if rnd.locked else "draft")
        late = bool(rnd.submit_by and today > rnd.submit_by and status == "draft")
        rows.append(
            OrgProgress(
                org_id,
                snap.nodes[org_id].name,
                snap.nodes[org_id].level,
                status,
                sum(counts.get(n, 0) for n in below),
                late,
            )
        )
    return sorted(rows, key=lambda r: (not r.late, r.status, r.name))


def branch_results(actor: Actor, rnd: EvaluationRound, org: PartyOrg) -> list[tuple]:
    """The members of a branch at the end of the year with their result in the round (for
    the entry grid): (member, evaluation or None)."""
    members = list(members_on(actor, org, year_end(rnd.year)).order_by("name_sort"))
    found = {e.member_id: e for e in Evaluation.objects.filter(round=rnd, member__in=members)}
    return [(m, found.get(m.pk)) for m in members]


# --- award eligibility and awarded badges (appended) -------------------------------------------
@dataclass(frozen=True)
class Eligibility:
    """Who may be named in an award decision of a category and year: for a category drawn
    from a streak, the organizations and members with that streak ending in the year (§9 item
    14), less those already awarded in the category that year."""

    code: str
    name: str
    year: int
    streak_years: int | None
    orgs: list[tuple[int, str]]
    members: list[tuple[int, str, str]]


def award_eligible(actor: Actor, committee: PartyOrg, category_code: str, year: int) -> Eligibility:
    from tongket.domain.evaluation.awards import category

    spec = category(category_code)
    orgs: list[tuple[int, str]] = []
    people: list[tuple[int, str, str]] = []
    if spec.streak_years:
        found = streaks(actor, committee, year, spec.streak_years)
        done = AwardRecipient.objects.filter(
            decision__category__code=spec.code, decision__year=year
        )
        done_orgs = set(done.values_list("org_id", flat=True))
        done_members = set(done.values_list("member_id", flat=True))
        orgs = [o for o in found.orgs if o[0] not in done_orgs]
        people = [m for m in found.members if m[0] not in done_members]
    return Eligibility(spec.code, spec.name, year, spec.streak_years, orgs, people)


def badges_awarded(actor: Actor, committee: PartyOrg, year: int | None = None):
    """The badges awarded to members whose organization lies under the committee, newest
    first (one year's award days when ``year`` is given)."""
    from tongket.evaluation.models import BadgeAward

    members = restrict(Member.objects.all(), actor).filter(org__path__startswith=committee.path)
    rows = BadgeAward.objects.filter(member__in=members).select_related("member")
    if year:
        rows = rows.filter(awarded_on__year=year)
    return rows.order_by("-awarded_on", "member__name_sort")


# Results of annual rounds only: quarterly results (QĐ 366, leaders in Q1–Q3) feed the year-end
# evaluation but never count in the year's tallies or streaks. A lazy queryset: every use
# clones it with .filter(), so nothing is cached between calls.
ANNUAL = Evaluation.objects.filter(round__quarter__isnull=True)

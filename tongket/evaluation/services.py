"""Writes of the evaluation: rounds, results under the rule of their year, the workflow of
each organization's results, quota exceptions, award decisions and badges.

Results are checked by the pure rule version of their year (tongket.domain.evaluation); a
result that breaks a rule is refused with the rule named, except archived results, which are
recorded as decided (their findings are warnings in the validation report). A quota breach is
a finding about a group: the results are kept and approval is blocked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_change, record_changes_bulk, snapshot
from tongket.core.permissions import require
from tongket.domain.errors import DomainError
from tongket.domain.evaluation import (
    Context,
    Level,
    QuotaSettings,
    Result,
    Subject,
    check_quarter,
    check_rule_choice,
    default_settings,
    has_errors,
    parse_level,
    quarter_end,
    rule_by_code,
    rule_for_year,
)
from tongket.domain.evaluation.awards import awarding_body
from tongket.domain.evaluation.awards import category as award_category
from tongket.domain.evaluation.badges import check_badge_award, party_age_years
from tongket.domain.vnformat import format_date_short
from tongket.evaluation.models import (
    AwardCategory,
    AwardDecision,
    AwardRecipient,
    BadgeAward,
    Evaluation,
    EvaluationRound,
    QuotaException,
    RoundState,
)
from tongket.party.models import Member, Membership, PartyOrg

RESULT_FIELDS = [
    "year",
    "org_id",
    "member_id",
    "unit_org_id",
    "level",
    "unclassified",
    "score",
    "deciding_body",
    "decision_number",
    "decision_date",
    "rule_version",
]


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def round_day(rnd: EvaluationRound) -> dt.date:
    """The day the round is judged on: the last day of its quarter, or 31/12 of its year."""
    return quarter_end(rnd.year, rnd.quarter) if rnd.quarter else year_end(rnd.year)


def _period(year: int, quarter: int | None) -> str:
    if quarter:
        return _("quý %(q)s năm %(y)s") % {"q": quarter, "y": year}
    return _("năm %(y)s") % {"y": year}


def quota_settings(rnd: EvaluationRound) -> QuotaSettings:
    """The round's quota: the year's defaults with the office's settings on top."""
    base = default_settings(rnd.year)
    values = {
        k: v
        for k, v in (rnd.quota or {}).items()
        if k in ("percentage", "base", "scope", "exceptions")
    }
    return QuotaSettings(**{**vars(base), **values})


@transaction.atomic
def round_open(
    *,
    actor: Actor,
    committee: PartyOrg,
    year: int,
    quarter: int | None = None,
    rule_code: str | None = None,
    override_note: str = "",
    quota: dict | None = None,
    plan: str = "",
    submit_by: dt.date | None = None,
    approve_by: dt.date | None = None,
) -> EvaluationRound:
    """Opens the evaluation of a committee for a year under the rule version of the year
    (another version needs an override note, §9 item 2). A quarterly round (Q1–Q3) only
    where the year's own rule evaluates leaders by quarter; Q4 is the year-end round."""
    require(actor, "approve", committee.scope_target())
    rule = check_rule_choice(year, rule_code or rule_by_code_for(year), override_note)
    # The year's own rule decides whether quarters exist: an override changes how results
    # are judged, not the calendar of the evaluation.
    check_quarter(rule_for_year(year), year, quarter)
    if EvaluationRound.objects.filter(committee=committee, year=year, quarter=quarter).exists():
        raise DomainError(
            "evaluation.round_exists",
            _("Đợt đánh giá %(p)s của %(org)s đã có.")
            % {"p": _period(year, quarter), "org": committee.name},
        )
    rnd = EvaluationRound(
        committee=committee,
        year=year,
        quarter=quarter,
        rule_version=rule.code,
        override_note=override_note,
        quota=_quota_json(quota or {}),
        plan=plan,
        submit_by=submit_by,
        approve_by=approve_by,
    )
    quota_settings(rnd)  # refuses settings the rules cannot read, before anything is written
    rnd.save()
    record_change(actor, "create", rnd, after=snapshot(rnd))
    return rnd


def rule_by_code_for(year: int) -> str:
    return rule_for_year(year).code


def _quota_json(quota: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in quota.items()}


@dataclass
class ResultRow:
    """One result to record: for an organization or a member, with the rule's flags."""

    level: str | None
    org: PartyOrg | None = None
    member: Member | None = None
    unclassified: str = ""
    score: Decimal | None = None
    flags: dict = field(default_factory=dict)
    note: str = ""
    deciding_body: str = ""
    decision_number: str = ""
    decision_date: dt.date | None = None
    reviewed_on: dt.date | None = None
    archived: bool = False


def _editable(rnd: EvaluationRound, unit_org_ids: set[int]) -> None:
    if rnd.locked:
        raise DomainError(
            "evaluation.locked",
            _("Đợt đánh giá %(r)s đã khóa; cần mở lại (có lý do) trước khi sửa.") % {"r": rnd},
        )
    closed = RoundState.objects.filter(
        round=rnd, org_id__in=unit_org_ids, status__in=("approved", "locked")
    )
    if name := closed.values_list("org__name", flat=True).first():
        raise DomainError(
            "evaluation.approved",
            _("Kết quả của %(org)s đã được phê duyệt; cần mở lại trước khi sửa.") % {"org": name},
        )


def _member_branches(rnd: EvaluationRound, member_ids: list[int]) -> dict[int, int]:
    """Each member's official organization at the end of the year (of the quarter, in a
    quarterly round), within the committee."""
    from tongket.party.selectors import org_subtree

    day = round_day(rnd)
    inside = set(org_subtree(rnd.committee, day).nodes)
    rows = Membership.objects.filter(
        member_id__in=member_ids, kind="official", valid_from__lte=day
    ).exclude(valid_to__lt=day)
    return {m: o for m, o in rows.values_list("member_id", "org_id") if o in inside}


def _headed_level(rnd: EvaluationRound, row: ResultRow) -> dict:
    """The level of the organization a member heads (flags["head_of"]), if it has one in
    this round: a head is rated after the unit, and not above it (§9 item 8)."""
    head_of = row.flags.get("head_of")
    if not head_of:
        return {}
    found = Evaluation.objects.filter(round=rnd, org_id=head_of).values_list("level", flat=True)
    return {head_of: Level(found[0]) if found and found[0] else None} if found else {}


def _subject(row: ResultRow, statuses: frozenset = frozenset()) -> Subject:
    if row.member is not None:
        return Subject(
            is_head_of=row.flags.get("head_of"),
            id=row.member.pk,
            kind="member",
            name=row.member.full_name,
            admitted_on=row.member.admitted_on,
            exempted="exempted" in statuses,
            suspended="suspended" in statuses,
            review_recorded=row.reviewed_on is not None,
        )
    return Subject(
        id=row.org.pk,
        kind="org",
        name=row.org.name,
        org_kind=row.org.kind,
        review_recorded=row.reviewed_on is not None,
    )


def member_statuses(member_ids, day: dt.date) -> dict[int, frozenset]:
    """The statuses (exempted, suspended…) each member is in on the day."""
    from tongket.party.models import MemberStatusPeriod

    rows = MemberStatusPeriod.objects.filter(member_id__in=member_ids, valid_from__lte=day)
    found: dict[int, set] = {}
    for member_id, status in rows.exclude(valid_to__lt=day).values_list("member_id", "status"):
        found.setdefault(member_id, set()).add(status)
    return {k: frozenset(v) for k, v in found.items()}


def _result(rnd: EvaluationRound, row: ResultRow) -> Result:
    subject_id = row.member.pk if row.member else row.org.pk
    return Result(
        subject_id=subject_id,
        year=rnd.year,
        level=row.level,
        unclassified=row.unclassified or None,
        score=row.score,
        rule_version=rnd.rule_version,
        override_note=rnd.override_note,
        **{k: v for k, v in row.flags.items() if k in RESULT_FLAGS},
    )


RESULT_FLAGS = (
    "tasks_on_time",
    "share_exceeded",
    "disciplined_in_year",
    "discipline_id",
    "self_discovered",
    "units_disciplined_share",
    "leadership_disciplined",
)


def check_row(
    rnd: EvaluationRound,
    row: ResultRow,
    statuses: frozenset = frozenset(),
    org_levels: dict | None = None,
) -> None:
    """Refuses a result that breaks a rule of its version (archived ones are kept as decided).
    `org_levels`: the level of the organization a head heads, when the caller knows it before
    it is stored (an import rates both); else it is read from the round."""
    if not row.deciding_body.strip():
        raise DomainError(
            "evaluation.deciding_body", _("Thiếu cấp quyết định xếp loại (§9 mục 1).")
        )
    if row.archived:
        # The rules are not applied, but the shape is (a level, a reason, numbers in range):
        # the validation report reads every stored row back through Result.
        _result(rnd, row)
        return
    rule = rule_by_code(rnd.rule_version)
    if org_levels is None:
        org_levels = _headed_level(rnd, row)
    context = Context(evaluation_date=round_day(rnd), org_levels=org_levels)
    found = rule.validate_result(_result(rnd, row), _subject(row, statuses), context)
    if has_errors(found):
        first = next(v for v in found if v.severity == "error")
        raise DomainError(
            first.code,
            f"{first.message} ({first.rule})",
            {"rule": first.rule, "subject": _subject(row).display},
        )


@transaction.atomic
def results_record(
    *,
    actor: Actor,
    rnd: EvaluationRound,
    rows: list[ResultRow],
    seen: dict[int, int | None] | None = None,
) -> int:
    """Records many results at once, all or nothing: each checked by the rule of its year,
    each member placed in its branch at the end of the year, one audit row each.

    `seen`: for an entry grid, each member's result as the grid showed it (its id, None when
    there was none). Saving a result replaces the row, so a member whose result is another row
    now was saved by someone else in between: refused (optimistic locking, core.locking)."""
    if seen is not None:
        _check_seen(rnd, seen)
    members = [r.member.pk for r in rows if r.member is not None]
    orgs = [r.org.pk for r in rows if r.org is not None]
    _no_duplicates(members, orgs)
    if rnd.quarter:
        _quarterly_subjects(rnd, rows)
    branches = _member_branches(rnd, members)
    statuses = member_statuses(members, round_day(rnd))
    inside = _orgs_inside(rnd)
    objs = []
    for index, row in enumerate(rows, start=1):
        unit_org_id = branches.get(row.member.pk) if row.member else row.org.pk
        _place(row, unit_org_id, inside, rnd)
        try:
            check_row(
                rnd, row, statuses.get(row.member.pk, frozenset()) if row.member else frozenset()
            )
            objs.append(_evaluation(rnd, row, unit_org_id))
        except DomainError as exc:
            raise DomainError(
                exc.code, _("Dòng %(n)d: %(m)s") % {"n": index, "m": exc.message}, exc.details
            ) from None
    _editable(rnd, {o.unit_org_id for o in objs})
    places = PartyOrg.objects.select_related("unit").in_bulk({o.unit_org_id for o in objs})
    for org in places.values():
        require(actor, "edit", org.scope_target())
    Evaluation.objects.filter(round=rnd, member_id__in=members).delete()
    Evaluation.objects.filter(round=rnd, org_id__in=orgs).delete()
    created = Evaluation.objects.bulk_create(objs, batch_size=2000)
    if not all(e.pk for e in created):
        created = list(Evaluation.objects.filter(round=rnd, member_id__in=members)) + list(
            Evaluation.objects.filter(round=rnd, org_id__in=orgs)
        )
    # Hand each result its organization (with its unit) so the audit rows find their scope
    # without one query per result.
    by_id = PartyOrg.objects.select_related("unit").in_bulk({e.unit_org_id for e in created})
    for e in created:
        e.unit_org = by_id[e.unit_org_id]
    record_changes_bulk(actor, "update", created, [snapshot(e, RESULT_FIELDS) for e in created])
    return len(created)


def _check_seen(rnd: EvaluationRound, seen: dict[int, int | None]) -> None:
    """Refuses when a member's result is no longer the one the grid showed. The round's row,
    locked, serializes two saves of its results (PostgreSQL; SQLite writes one at a time)."""
    from tongket.core.locking import last_change, stale

    list(EvaluationRound.objects.select_for_update().filter(pk=rnd.pk).values_list("pk"))
    now = dict(
        Evaluation.objects.filter(round=rnd, member_id__in=list(seen)).values_list(
            "member_id", "pk"
        )
    )
    for member_id, shown in seen.items():
        current = now.get(member_id)
        if current != shown:
            name = Member.objects.values_list("full_name", flat=True).get(pk=member_id)
            what = _("Kết quả xếp loại của %(name)s") % {"name": name}
            who, when = last_change("evaluation.evaluation", current) if current else ("", None)
            raise stale(what, who, when)


def _no_duplicates(members: list[int], orgs: list[int]) -> None:
    for ids in (members, orgs):
        if len(ids) != len(set(ids)):
            raise DomainError(
                "evaluation.duplicate", _("Một đối tượng có hai kết quả trong cùng một lần nhập.")
            )


def _orgs_inside(rnd: EvaluationRound) -> set[int]:
    from tongket.party.selectors import org_subtree

    return set(org_subtree(rnd.committee, round_day(rnd)).nodes)


def _quarterly_subjects(rnd: EvaluationRound, rows: list[ResultRow]) -> None:
    """A quarterly round rates leaders only (HD 43): members who held a post (a Position
    record) on the last day of the quarter. Organizations and other members are refused."""
    from tongket.party.models import Position

    day = round_day(rnd)
    if org := next((r.org for r in rows if r.org is not None), None):
        raise DomainError(
            "evaluation.quarter_subject",
            _(
                "%(name)s: đợt đánh giá theo quý chỉ xếp loại cán bộ lãnh đạo, quản lý; tổ chức "
                "được xếp loại trong đợt đánh giá cả năm."
            )
            % {"name": org.name},
        )
    ids = {r.member.pk for r in rows}
    leaders = set(
        Position.objects.filter(member_id__in=ids, valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .values_list("member_id", flat=True)
    )
    for index, r in enumerate(rows, start=1):
        if r.member.pk not in leaders:
            raise DomainError(
                "evaluation.quarter_subject",
                _(
                    "Dòng %(n)d: %(name)s không giữ chức vụ lãnh đạo, quản lý nào vào ngày "
                    "%(d)s: đợt đánh giá quý %(q)s chỉ xếp loại cán bộ lãnh đạo, quản lý."
                )
                % {
                    "n": index,
                    "name": r.member.full_name,
                    "d": format_date_short(day),
                    "q": rnd.quarter,
                },
            )


def _place(row: ResultRow, unit_org_id: int | None, inside: set[int], rnd) -> None:
    day = format_date_short(round_day(rnd))
    if row.member is not None and unit_org_id is None:
        raise DomainError(
            "evaluation.not_member",
            _("%(name)s không sinh hoạt trong %(org)s vào ngày %(d)s.")
            % {"name": row.member.full_name, "org": rnd.committee.name, "d": day},
        )
    if row.org is not None and row.org.pk not in inside:
        raise DomainError(
            "evaluation.not_inside",
            _("%(name)s không thuộc %(org)s vào ngày %(d)s.")
            % {"name": row.org.name, "org": rnd.committee.name, "d": day},
        )


def _evaluation(rnd: EvaluationRound, row: ResultRow, unit_org_id: int) -> Evaluation:
    # The level as offices write it ("HTXSNV", "Hoàn thành tốt nhiệm vụ"…), as the rules read
    # it; an archived row, which the rules do not check, is refused here if it is no level.
    level = parse_level(row.level) if row.level else None
    level = level.value if level else ""
    return Evaluation(
        round=rnd,
        year=rnd.year,
        org=row.org,
        member=row.member,
        unit_org_id=unit_org_id,
        level=level,
        unclassified=row.unclassified if not level else "",
        score=row.score,
        flags={k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.flags.items()},
        note=row.note,
        deciding_body=row.deciding_body,
        decision_number=row.decision_number,
        decision_date=row.decision_date,
        rule_version=rnd.rule_version,
        reviewed_on=row.reviewed_on,
        archived=row.archived,
    )


# --- the workflow --------------------------------------------------------------------------
def _state(rnd: EvaluationRound, org: PartyOrg) -> RoundState:
    state, _created = RoundState.objects.get_or_create(round=rnd, org=org)
    return state


def _move(actor: Actor, state: RoundState, status: str, reason: str = "") -> RoundState:
    before = snapshot(state)
    state.status, state.reopen_reason = status, reason or state.reopen_reason
    state.save()
    record_change(actor, "update", state, before=before, after=snapshot(state))
    return state


@transaction.atomic
def results_submit(*, actor: Actor, rnd: EvaluationRound, org: PartyOrg) -> RoundState:
    """The organization sends its results up (draft → submitted)."""
    require(actor, "edit", org.scope_target())
    state = _state(rnd, org)
    if rnd.locked or state.status != RoundState.Status.DRAFT:
        raise DomainError("evaluation.state", _("Chỉ gửi được kết quả đang ở dạng dự thảo."))
    return _move(actor, state, RoundState.Status.SUBMITTED)


@transaction.atomic
def results_approve(*, actor: Actor, rnd: EvaluationRound, org: PartyOrg) -> RoundState:
    """The committee directly above approves (submitted → approved): only after every
    organization under it has submitted, and only while the validation report of the groups
    it belongs to has no error left."""
    from tongket.evaluation.selectors import validation_report

    require(actor, "approve", (org.parent or org).scope_target())
    state = _state(rnd, org)
    if state.status != RoundState.Status.SUBMITTED:
        raise DomainError("evaluation.state", _("%(org)s chưa gửi kết quả.") % {"org": org.name})
    _children_submitted(rnd, org)
    errors = [v for v in validation_report(actor, rnd) if v.severity == "error"]
    if errors:
        raise DomainError(
            "evaluation.blocked",
            _("Chưa phê duyệt được: còn %(n)d lỗi, ví dụ: %(m)s")
            % {"n": len(errors), "m": errors[0].message},
        )
    return _move(actor, state, RoundState.Status.APPROVED)


def _children_submitted(rnd: EvaluationRound, org: PartyOrg) -> None:
    from tongket.party.selectors import org_subtree

    below = set(org_subtree(org, round_day(rnd)).nodes) - {org.pk}
    with_results = set(
        Evaluation.objects.filter(round=rnd, org_id__in=below).values_list("org_id", flat=True)
    )
    ready = set(
        RoundState.objects.filter(
            round=rnd, org_id__in=with_results, status__in=("submitted", "approved", "locked")
        ).values_list("org_id", flat=True)
    )
    if missing := with_results - ready:
        name = PartyOrg.objects.filter(pk__in=missing).values_list("name", flat=True).first()
        raise DomainError(
            "evaluation.order",
            _("Cấp dưới chưa gửi kết quả (ví dụ: %(org)s): cấp dưới trước, cấp trên sau.")
            % {"org": name},
        )


@transaction.atomic
def round_lock(*, actor: Actor, rnd: EvaluationRound) -> EvaluationRound:
    require(actor, "approve", rnd.scope_target())
    pending = rnd.states.exclude(status__in=("approved", "locked"))
    if name := pending.values_list("org__name", flat=True).first():
        raise DomainError("evaluation.state", _("%(org)s chưa được phê duyệt.") % {"org": name})
    _states_set(actor, rnd, status=RoundState.Status.LOCKED)
    rnd.locked = True
    rnd.save(update_fields=["locked"])
    record_change(actor, "update", rnd, after={"locked": True})
    return rnd


def _states_set(actor: Actor, rnd: EvaluationRound, **values) -> None:
    """Every organization's state of the round at once, with one audit row per state (each
    lies in its organization's scope)."""
    states = list(rnd.states.select_related("org__unit"))
    rnd.states.update(**values)
    for state in states:
        for name, value in values.items():
            setattr(state, name, value)
    record_changes_bulk(actor, "update", states, [snapshot(s) for s in states])


@transaction.atomic
def round_reopen(*, actor: Actor, rnd: EvaluationRound, reason: str) -> EvaluationRound:
    """Unlocks a round; the reason is kept on every organization's state and in the log."""
    require(actor, "approve", rnd.scope_target())
    if not reason.strip():
        raise DomainError("evaluation.reason", _("Mở lại đợt đánh giá cần ghi rõ lý do."))
    _states_set(actor, rnd, status=RoundState.Status.DRAFT, reopen_reason=reason.strip()[:300])
    rnd.locked = False
    rnd.save(update_fields=["locked"])
    record_change(actor, "update", rnd, after={"locked": False}, purpose=reason[:200])
    return rnd


@transaction.atomic
def quota_exception_attach(
    *,
    actor: Actor,
    rnd: EvaluationRound,
    group: str,
    number: str,
    decided_on: dt.date,
    note: str = "",
) -> QuotaException:
    """A decision of the competent level that lets `group` exceed the quota (§9 item 7)."""
    require(actor, "approve", rnd.scope_target())
    if not number.strip():
        raise DomainError("evaluation.exception", _("Thiếu số quyết định cho phép vượt tỷ lệ."))
    row = QuotaException.objects.create(
        round=rnd, group=group, number=number.strip(), decided_on=decided_on, note=note
    )
    record_change(actor, "create", row, after=snapshot(row))
    return row


# --- awards --------------------------------------------------------------------------------
@transaction.atomic
def award_decide(
    *,
    actor: Actor,
    committee: PartyOrg,
    category_code: str,
    year: int,
    number: str,
    decided_on: dt.date,
    orgs: list[PartyOrg] = (),
    members: list[Member] = (),
    issuing_body: str = "",
) -> AwardDecision:
    """Records an award decision and its recipients; the issuing body follows from the kind
    of award and the date where the rules fix it (§9 item 15). For a category drawn from a
    streak (excellent in the year, 5 years running), every recipient must be on the
    eligibility list of the committee (§9 item 14); nobody is awarded twice in a category
    and year."""
    require(actor, "approve", committee.scope_target())
    spec = award_category(category_code)
    body = issuing_body.strip() or (
        awarding_body(spec.body_kind, decided_on) if spec.body_kind else ""
    )
    _check_decision(spec, year, number, decided_on, body, orgs, members)
    if spec.streak_years:
        _check_eligible(actor, committee, spec, year, orgs, members)
    cat, _created = AwardCategory.objects.get_or_create(
        code=spec.code, defaults={"name": spec.name}
    )
    _not_awarded_yet(cat, year, orgs, members)
    decision = AwardDecision.objects.create(
        category=cat,
        year=year,
        number=number.strip(),
        decided_on=decided_on,
        issuing_body=body,
        committee=committee,
    )
    AwardRecipient.objects.bulk_create(
        [AwardRecipient(decision=decision, org=o) for o in orgs]
        + [AwardRecipient(decision=decision, member=m) for m in members]
    )
    record_change(
        actor,
        "create",
        decision,
        after={
            **snapshot(decision),
            "orgs": [o.pk for o in orgs],
            "members": [m.pk for m in members],
        },
    )
    return decision


def _check_decision(spec, year, number, decided_on, body, orgs, members) -> None:
    if not (number or "").strip():
        raise DomainError("award.number", _("Thiếu số quyết định khen thưởng."))
    if not isinstance(decided_on, dt.date) or decided_on.year < year:
        raise DomainError(
            "award.date",
            _("Ngày quyết định khen thưởng năm %(y)s không thể trước năm %(y)s.") % {"y": year},
        )
    if not body:
        raise DomainError("award.body", _("Cần ghi cơ quan ban hành quyết định khen thưởng."))
    if not orgs and not members:
        raise DomainError("award.empty", _("Quyết định khen thưởng chưa có ai được khen."))


def _check_eligible(actor, committee, spec, year, orgs, members) -> None:
    """§9 item 14: the streak ends with the award year, every year HTXSNV."""
    from tongket.evaluation.selectors import streaks

    found = streaks(actor, committee, year, spec.streak_years)
    eligible = {pk for pk, _name in found.orgs} | {("m", pk) for pk, *_rest in found.members}
    outside = [o.name for o in orgs if o.pk not in eligible]
    outside += [m.full_name for m in members if ("m", m.pk) not in eligible]
    if outside:
        raise DomainError(
            "award.not_eligible",
            _(
                "%(name)s không đủ điều kiện “%(cat)s”: cần xếp loại HTXSNV %(n)s năm liền "
                "(%(a)s–%(b)s) trong %(org)s (§9 mục 14)."
            )
            % {
                "name": outside[0],
                "cat": spec.name,
                "n": spec.streak_years,
                "a": year - spec.streak_years + 1,
                "b": year,
                "org": committee.name,
            },
            {"not_eligible": outside},
        )


def _not_awarded_yet(cat: AwardCategory, year: int, orgs, members) -> None:
    before = AwardRecipient.objects.filter(decision__category=cat, decision__year=year)
    twice = list(before.filter(org__in=orgs).values_list("org__name", "decision__number")) + list(
        before.filter(member__in=members).values_list("member__full_name", "decision__number")
    )
    if twice:
        name, number = twice[0]
        raise DomainError(
            "award.duplicate",
            _("%(name)s đã được khen “%(cat)s” năm %(y)s (quyết định %(num)s).")
            % {"name": name, "cat": cat.name, "y": year, "num": number},
        )


# --- party badges ---------------------------------------------------------------------------
def member_age_on(member: Member, until: dt.date):
    """``age_on(day)`` for a member's party age (§9 item 16): from the admission decision,
    minus the recorded gaps (struck off, expelled, left), open gaps running to ``until``."""
    from tongket.party.selectors import GAP_STATUSES

    gaps = [
        (p.valid_from, p.valid_to or until)
        for p in member.status_periods.all()
        if p.status in GAP_STATUSES
    ]
    return party_age_years(member.decided_on, member.admitted_on, member.confirmed_on, gaps)


def _died_on(member: Member) -> dt.date | None:
    days = [p.valid_from for p in member.status_periods.all() if p.status == "deceased"]
    return min(days) if days else None


@transaction.atomic
def badge_award(
    *,
    actor: Actor,
    member: Member,
    milestone: int,
    awarded_on: dt.date,
    early: bool = False,
    seriously_ill: bool = False,
    posthumous: bool = False,
    note: str = "",
) -> BadgeAward:
    """Awards a party badge (§9 item 17): a milestone of the list, reached by the party age
    on the award day, or early within the rule's window when the member is seriously ill
    (12 months, 24 for 70–90 years) or the award is posthumous (12 months, judged at the
    date of death); one badge per milestone. ``early`` asks for an early award and needs
    one of those two reasons. Audited with the reason."""
    require(actor, "edit", member.scope_target())
    if early and not (seriously_ill or posthumous):
        raise DomainError(
            "badge.early",
            _("Chỉ trao huy hiệu sớm khi đảng viên bệnh nặng hoặc truy tặng (§9 mục 17)."),
        )
    awarded = set(BadgeAward.objects.filter(member=member).values_list("milestone", flat=True))
    is_early = check_badge_award(
        member_age_on(member, awarded_on),
        awarded,
        milestone,
        awarded_on,
        seriously_ill=seriously_ill,
        posthumous=posthumous,
        died_on=_died_on(member),
    )
    badge = BadgeAward.objects.create(
        member=member,
        milestone=milestone,
        awarded_on=awarded_on,
        early=is_early,
        posthumous=posthumous,
    )
    _audit_badge(actor, badge, seriously_ill, note)
    return badge


def _audit_badge(actor: Actor, badge: BadgeAward, seriously_ill: bool, note: str) -> None:
    # BadgeAward has no note field: the reason for an early award is kept in the audit row.
    after = {**snapshot(badge), "seriously_ill": seriously_ill, "note": note.strip()[:300]}
    record_change(actor, "create", badge, after=after, purpose=note.strip()[:200])


@transaction.atomic
def badges_award_bulk(
    *, actor: Actor, awards: list[tuple[Member, int]], awarded_on: dt.date
) -> list[BadgeAward]:
    """Awards the badges of a due list at once, all or nothing: each (member, milestone)
    checked as :func:`badge_award` checks one, the refusal naming the member."""
    if not awards:
        raise DomainError("badge.empty", _("Chưa chọn đảng viên nào để trao huy hiệu."))
    badges = []
    for member, milestone in awards:
        try:
            badges.append(
                badge_award(actor=actor, member=member, milestone=milestone, awarded_on=awarded_on)
            )
        except DomainError as exc:
            if type(exc) is not DomainError:
                raise  # permission and not-found errors keep their own kind
            raise DomainError(
                exc.code, f"{member.full_name} ({member.card_number}): {exc.message}", exc.details
            ) from None
    return badges

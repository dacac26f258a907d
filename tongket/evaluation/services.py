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
    check_rule_choice,
    default_settings,
    has_errors,
    rule_by_code,
)
from tongket.domain.evaluation.awards import awarding_body
from tongket.domain.evaluation.awards import category as award_category
from tongket.evaluation.models import (
    AwardCategory,
    AwardDecision,
    AwardRecipient,
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
    (another version needs an override note, §9 item 2)."""
    require(actor, "approve", committee.scope_target())
    rule = check_rule_choice(year, rule_code or rule_by_code_for(year), override_note)
    if EvaluationRound.objects.filter(committee=committee, year=year, quarter=quarter).exists():
        raise DomainError(
            "evaluation.round_exists",
            _("Đợt đánh giá năm %(y)s của %(org)s đã có.") % {"y": year, "org": committee.name},
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
    from tongket.domain.evaluation import rule_for_year

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
    """Each member's official organization at the end of the year, within the committee."""
    from tongket.party.selectors import org_subtree

    day = year_end(rnd.year)
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


def check_row(rnd: EvaluationRound, row: ResultRow, statuses: frozenset = frozenset()) -> None:
    """Refuses a result that breaks a rule of its version (archived ones are kept as decided)."""
    if not row.deciding_body.strip():
        raise DomainError(
            "evaluation.deciding_body", _("Thiếu cấp quyết định xếp loại (§9 mục 1).")
        )
    if row.archived:
        return
    rule = rule_by_code(rnd.rule_version)
    context = Context(evaluation_date=year_end(rnd.year), org_levels=_headed_level(rnd, row))
    found = rule.validate_result(_result(rnd, row), _subject(row, statuses), context)
    if has_errors(found):
        first = next(v for v in found if v.severity == "error")
        raise DomainError(
            first.code,
            f"{first.message} ({first.rule})",
            {"rule": first.rule, "subject": _subject(row).display},
        )


@transaction.atomic
def results_record(*, actor: Actor, rnd: EvaluationRound, rows: list[ResultRow]) -> int:
    """Records many results at once, all or nothing: each checked by the rule of its year,
    each member placed in its branch at the end of the year, one audit row each."""
    members = [r.member.pk for r in rows if r.member is not None]
    orgs = [r.org.pk for r in rows if r.org is not None]
    _no_duplicates(members, orgs)
    branches = _member_branches(rnd, members)
    statuses = member_statuses(members, year_end(rnd.year))
    inside = _orgs_inside(rnd)
    objs = []
    for index, row in enumerate(rows, start=1):
        unit_org_id = branches.get(row.member.pk) if row.member else row.org.pk
        _place(row, unit_org_id, inside, rnd)
        try:
            check_row(
                rnd, row, statuses.get(row.member.pk, frozenset()) if row.member else frozenset()
            )
        except DomainError as exc:
            raise DomainError(
                exc.code, _("Dòng %(n)d: %(m)s") % {"n": index, "m": exc.message}, exc.details
            ) from None
        objs.append(_evaluation(rnd, row, unit_org_id))
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


def _no_duplicates(members: list[int], orgs: list[int]) -> None:
    for ids in (members, orgs):
        if len(ids) != len(set(ids)):
            raise DomainError(
                "evaluation.duplicate", _("Một đối tượng có hai kết quả trong cùng một lần nhập.")
            )


def _orgs_inside(rnd: EvaluationRound) -> set[int]:
    from tongket.party.selectors import org_subtree

    return set(org_subtree(rnd.committee, year_end(rnd.year)).nodes)


def _place(row: ResultRow, unit_org_id: int | None, inside: set[int], rnd) -> None:
    if row.member is not None and unit_org_id is None:
        raise DomainError(
            "evaluation.not_member",
            _("%(name)s không sinh hoạt trong %(org)s vào ngày 31/12/%(y)s.")
            % {"name": row.member.full_name, "org": rnd.committee.name, "y": rnd.year},
        )
    if row.org is not None and row.org.pk not in inside:
        raise DomainError(
            "evaluation.not_inside",
            _("%(name)s không thuộc %(org)s vào ngày 31/12/%(y)s.")
            % {"name": row.org.name, "org": rnd.committee.name, "y": rnd.year},
        )


def _evaluation(rnd: EvaluationRound, row: ResultRow, unit_org_id: int) -> Evaluation:
    level = Level(row.level).value if row.level else ""
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

    below = set(org_subtree(org, year_end(rnd.year)).nodes) - {org.pk}
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
    rnd.states.update(status=RoundState.Status.LOCKED)
    rnd.locked = True
    rnd.save(update_fields=["locked"])
    record_change(actor, "update", rnd, after={"locked": True})
    return rnd


@transaction.atomic
def round_reopen(*, actor: Actor, rnd: EvaluationRound, reason: str) -> EvaluationRound:
    """Unlocks a round; the reason is kept on every organization's state and in the log."""
    require(actor, "approve", rnd.scope_target())
    if not reason.strip():
        raise DomainError("evaluation.reason", _("Mở lại đợt đánh giá cần ghi rõ lý do."))
    rnd.states.update(status=RoundState.Status.DRAFT, reopen_reason=reason.strip()[:300])
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
    of award and the date where the rules fix it (§9 item 15)."""
    require(actor, "approve", committee.scope_target())
    spec = award_category(category_code)
    body = issuing_body or (awarding_body(spec.body_kind, decided_on) if spec.body_kind else "")
    if not body:
        raise DomainError("award.body", _("Cần ghi cơ quan ban hành quyết định khen thưởng."))
    if not orgs and not members:
        raise DomainError("award.empty", _("Quyết định khen thưởng chưa có ai được khen."))
    cat, _created = AwardCategory.objects.get_or_create(
        code=spec.code, defaults={"name": spec.name}
    )
    decision = AwardDecision.objects.create(
        category=cat,
        year=year,
        number=number,
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
        after={**snapshot(decision), "orgs": len(orgs), "members": len(members)},
    )
    return decision

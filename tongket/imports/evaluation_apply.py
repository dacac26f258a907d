"""Planning and applying an `evaluations` import through the evaluation services.

Each result goes to the round of its year held by the nearest committee above it on 31/12 of
that year (for a member: the committee over their official organization that day; a branch's
own round counts). Rows are checked at planning by the rule version of the round, as
`results_record` checks them, with what the database knows about each subject (statuses on
31/12, discipline decisions of the year, the organization a member heads): a result that breaks
a rule is an error naming the rule, except a result "as decided" (an archive), whose findings
are warnings. Applying then writes each round's rows with `results_record`, all or nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.domain.errors import DomainError
from tongket.domain.evaluation import Context, Level, Unclassified, rule_by_code
from tongket.domain.party import is_head_title
from tongket.domain.text import fold
from tongket.evaluation.models import Discipline, Evaluation, EvaluationRound
from tongket.evaluation.services import (
    ResultRow,
    _result,
    _subject,
    check_row,
    member_statuses,
    results_record,
    year_end,
)
from tongket.imports import apply
from tongket.imports.evaluation_kind import UNCLASSIFIED, EvaluationRow
from tongket.party.models import Member, Membership, PartyOrg, Position

# The columns an error code of the rules points at, for the error's cell.
_COLUMNS = {
    "evaluation.score_band": "score",
    "evaluation.score_missing": "score",
    "evaluation.excellent_flags": "share_exceeded",
    "evaluation.deciding_body": "deciding_body",
    "evaluation.unclassified_reason": "note",
    "evaluation.excluded": "note",
    "evaluation.review_missing": "reviewed_on",
}
_WARNINGS_SHOWN = 50  # findings on archived rows listed one by one; the rest counted


@dataclass
class _Planned:
    """A row ready to write: its round and the ResultRow the services take."""

    record: EvaluationRow
    round: EvaluationRound
    row: ResultRow


@dataclass
class _Work:
    rows: list[_Planned] = field(default_factory=list)
    archive_findings: list[str] = field(default_factory=list)


class _Rounds:
    """The annual rounds of the file's years, and for an organization on 31/12 of a year the
    round of the nearest committee whose tree holds it."""

    def __init__(self, years: set[int]):
        from tongket.party.selectors import org_subtree

        self.by_year: dict[int, list[tuple[int, EvaluationRound]]] = defaultdict(list)
        rounds = EvaluationRound.objects.filter(year__in=years, quarter__isnull=True)
        for rnd in rounds.select_related("committee"):
            tree = set(org_subtree(rnd.committee, year_end(rnd.year)).nodes)
            self.by_year[rnd.year].append((len(tree), rnd, tree))
        for found in self.by_year.values():
            found.sort(key=lambda t: t[0])  # the smallest tree is the nearest committee

    def nearest(self, org_id: int, year: int, own: bool) -> EvaluationRound | None:
        """`own`: whether the organization's own round counts (a member's branch: yes; an
        organization's result is decided by the committee above it: no)."""
        for _size, rnd, tree in self.by_year.get(year, ()):
            if org_id in tree and (own or rnd.committee_id != org_id):
                return rnd
        return None


def _members(cards) -> dict[str, Member]:
    found = {}
    for chunk in apply._in_chunks(cards):
        found.update(Member.objects.filter(card_number__in=chunk).in_bulk(field_name="card_number"))
    return found


def _branches(member_ids, year: int) -> dict[int, int]:
    """Each member's official organization on 31/12 of the year (§9 item 12)."""
    day = year_end(year)
    found = {}
    for chunk in apply._in_chunks(member_ids):
        rows = Membership.objects.filter(
            member_id__in=chunk, kind="official", valid_from__lte=day
        ).exclude(valid_to__lt=day)
        found.update(rows.values_list("member_id", "org_id"))
    return found


def _disciplines(member_ids, year: int) -> dict[int, Discipline]:
    """A discipline decision dated in the year, per member (the rule reads the first)."""
    rows = Discipline.objects.filter(member_id__in=member_ids, decided_on__year=year)
    found: dict[int, Discipline] = {}
    for d in rows.order_by("decided_on", "pk"):
        found.setdefault(d.member_id, d)
    return found


def _heads(member_ids, year: int) -> dict[int, int]:
    """The organization each member heads on 31/12 (its secretary, "Bí thư", not a deputy)."""
    day = year_end(year)
    rows = Position.objects.filter(
        member_id__in=member_ids, org__isnull=False, valid_from__lte=day
    ).exclude(valid_to__lt=day)
    return {
        m: o
        for m, o, title in rows.values_list("member_id", "org_id", "title")
        if is_head_title(title)
    }


class _Planner:
    """Resolves each row against the database and the rules; writes nothing."""

    def __init__(self, plan: apply.ImportPlan, actor: Actor):
        self.plan, self.actor = plan, actor
        records: list[EvaluationRow] = plan.records
        self.members = _members(r.card_number for r in records if r.is_member)
        codes = {r.org_code for r in records if r.org_code}
        self.orgs = PartyOrg.objects.in_bulk(codes, field_name="code") if codes else {}
        self.rounds = _Rounds({r.year for r in records})
        self.work = _Work()
        self.defaulted: set[int] = set()  # rounds whose committee was named the deciding body
        self.branch_orgs: dict[int, PartyOrg] = {}
        self.sink = apply._Sink(plan, plan.errors, Counter())

    def error(self, r: EvaluationRow, column: str, message: str) -> None:
        self.sink.error(r, column, message)

    def run(self) -> None:
        by_year: dict[int, list[EvaluationRow]] = defaultdict(list)
        for r in self.plan.records:
            by_year[r.year].append(r)
        for year, rows in sorted(by_year.items()):
            self.plan_year(year, rows)
        self.plan.work = self.work
        self.plan.mapped.warnings.extend(self.notes())

    def plan_year(self, year: int, rows: list[EvaluationRow]) -> None:
        ids = [m.pk for r in rows if (m := self.members.get(r.card_number))]
        branches = _branches(ids, year)
        self.branch_orgs = PartyOrg.objects.select_related("unit").in_bulk(set(branches.values()))
        context = _YearFacts(
            statuses=member_statuses(ids, year_end(year)),
            disciplines=_disciplines(ids, year),
            heads=_heads(ids, year),
        )
        planned = []
        for r in rows:
            found = self.place(r, branches)
            if found is not None:
                planned.append(self.result(r, *found, context))
        org_levels = {(p.round.pk, p.row.org.pk): p.row.level for p in planned if p.row.org}
        for p in planned:
            if self.check(p, context, org_levels):
                self.work.rows.append(p)

    def may_write(self, member: Member, branch: int | None) -> bool:
        """Whether the user may record this member's result: on the organization the member
        belonged to on 31/12, else (no branch that day) on the member's record."""
        if branch is not None:
            return self.actor.can("edit", self.branch_orgs[branch].scope_target())
        return self.actor.can("edit", member.scope_target())

    def place(self, r: EvaluationRow, branches: dict[int, int]):
        """(round, member, organization) of the row, or None after reporting why."""
        if r.is_member:
            member = self.members.get(r.card_number)
            branch = branches.get(member.pk) if member else None
            # A member whose results the user may not write is not named: the file may hold
            # a card number of another committee's member (personal data, §7).
            if member is None or not self.may_write(member, branch):
                return self.error(
                    r,
                    "card_number",
                    _("Không có đảng viên có số thẻ này trong phạm vi bạn được ghi kết quả."),
                )
            if r.name and fold(r.name) != fold(member.full_name):
                return self.error(
                    r,
                    "name",
                    _("Số thẻ %(c)s là của %(n)s, không phải “%(x)s”.")
                    % {"c": r.card_number, "n": member.full_name, "x": r.name},
                )
            if branch is None:
                return self.error(
                    r,
                    "card_number",
                    _(
                        "%(n)s không sinh hoạt chính thức ở tổ chức nào vào ngày 31/12/%(y)d "
                        "(§9 mục 12)."
                    )
                    % {"n": member.full_name, "y": r.year},
                )
            if r.org_code and (org := self.orgs.get(r.org_code)) is not None and org.pk != branch:
                where = self.branch_orgs[branch]
                return self.error(
                    r,
                    "org_code",
                    _(
                        "Ngày 31/12/%(y)d, %(n)s sinh hoạt chính thức ở %(w)s (%(c)s), không phải "
                        "ở tổ chức này; chỉ chi bộ chính thức xếp loại đảng viên (§9 mục 12)."
                    )
                    % {"y": r.year, "n": member.full_name, "w": where.name, "c": where.code},
                )
            org_id, subject = branch, member
        else:
            subject = None
            org = self.orgs.get(r.org_code)
            if org is None:
                return self.error(r, "org_code", _("Không có tổ chức đảng có mã này."))
            org_id = org.pk
        if r.org_code and r.org_code not in self.orgs:
            return self.error(r, "org_code", _("Không có tổ chức đảng có mã này."))
        rnd = self.rounds.nearest(org_id, r.year, own=r.is_member)
        if rnd is None:
            return self.error(
                r,
                "year",
                _(
                    "Chưa có đợt đánh giá năm %(y)d của cấp ủy nào quản lý đối tượng này vào ngày "
                    "31/12/%(y)d; hãy mở đợt đánh giá trước khi nhập kết quả."
                )
                % {"y": r.year},
            )
        if rnd.locked:
            return self.error(
                r,
                "year",
                _("Đợt đánh giá %(r)s đã khóa; cần mở lại (có lý do) trước khi nhập.") % {"r": rnd},
            )
        return rnd, subject, None if r.is_member else self.orgs[r.org_code]

    def result(self, r: EvaluationRow, rnd, member, org, facts: _YearFacts) -> _Planned:
        flags: dict = {}
        if r.tasks_on_time is not None:
            flags["tasks_on_time"] = r.tasks_on_time
        if r.share_exceeded is not None:
            flags["share_exceeded"] = str(r.share_exceeded)
        if member is not None:
            flags.update(facts.member_flags(member.pk))
        body = r.deciding_body
        if not body:
            body = rnd.committee.name
            self.defaulted.add(rnd.pk)
        row = ResultRow(
            level=None if r.level == UNCLASSIFIED else r.level,
            org=org,
            member=member,
            unclassified=r.unclassified,
            score=r.score,
            flags=flags,
            note=r.note,
            deciding_body=body,
            decision_number=r.decision_number,
            decision_date=r.decision_date,
            reviewed_on=r.reviewed_on,
            archived=r.as_decided,
        )
        return _Planned(r, rnd, row)

    def check(self, p: _Planned, facts: _YearFacts, org_levels: dict) -> bool:
        """The rules of the round's version; an archive's findings become warnings."""
        row, rnd = p.row, p.round
        statuses = facts.statuses.get(row.member.pk, frozenset()) if row.member else frozenset()
        if row.archived:
            rule = rule_by_code(rnd.rule_version)
            context = Context(evaluation_date=year_end(rnd.year), archived=True)
            for v in rule.validate_result(_result(rnd, row), _subject(row, statuses), context):
                self.work.archive_findings.append(
                    _("Dòng %(n)d (lưu theo quyết định %(d)s): %(m)s (%(r)s)")
                    % {"n": p.record.row, "d": row.decision_number, "m": v.message, "r": v.rule}
                )
            return True
        # As check_row does, with the levels of headed organizations rated in this file too
        # (the service then writes a round's organizations before its members).
        try:
            check_row(rnd, row, statuses, org_levels=self.head_levels(p, org_levels))
        except DomainError as exc:
            self.error(p.record, _COLUMNS.get(exc.code, "level"), exc.message)
            return False
        return True

    def head_levels(self, p: _Planned, org_levels: dict) -> dict:
        head_of = p.row.flags.get("head_of")
        if head_of is None:
            return {}
        key = (p.round.pk, head_of)
        if key in org_levels:
            return {head_of: Level(org_levels[key]) if org_levels[key] else None}
        stored = Evaluation.objects.filter(round=p.round, org_id=head_of).first()
        return {head_of: Level(stored.level) if stored.level else None} if stored else {}

    def notes(self) -> list[str]:
        shown = self.work.archive_findings[:_WARNINGS_SHOWN]
        notes = list(shown)
        if len(self.work.archive_findings) > len(shown):
            notes.append(
                _("… và %(n)d nhận xét khác trên kết quả lưu trữ.")
                % {"n": len(self.work.archive_findings) - len(shown)}
            )
        for rnd in EvaluationRound.objects.filter(pk__in=self.defaulted).select_related(
            "committee"
        ):
            notes.append(
                _(
                    "Các dòng để trống “Cấp quyết định” được ghi cấp quyết định là %(c)s, cấp ủy "
                    "của đợt đánh giá %(r)s."
                )
                % {"c": rnd.committee.name, "r": rnd}
            )
        return notes


@dataclass
class _YearFacts:
    """What the database says about the year's members, for the rules."""

    statuses: dict[int, frozenset]
    disciplines: dict[int, Discipline]
    heads: dict[int, int]

    def member_flags(self, member_id: int) -> dict:
        flags: dict = {}
        if d := self.disciplines.get(member_id):
            flags.update(
                disciplined_in_year=True, discipline_id=d.pk, self_discovered=d.self_discovered
            )
        if head_of := self.heads.get(member_id):
            flags["head_of"] = head_of
        return flags


# --- unchanged rows, and applying ----------------------------------------------------------
def _same(stored: Evaluation, row: ResultRow) -> bool:
    level = Level(row.level).value if row.level else ""
    flags = stored.flags or {}
    return (
        stored.level == level
        and stored.unclassified == (row.unclassified if not level else "")
        and _decimal(stored.score) == _decimal(row.score)
        and _same_note(stored, row.note)
        and stored.deciding_body == row.deciding_body
        and stored.decision_number == row.decision_number
        and stored.decision_date == row.decision_date
        and stored.reviewed_on == row.reviewed_on
        and stored.archived == row.archived
        and bool(flags.get("tasks_on_time")) == bool(row.flags.get("tasks_on_time"))
        and _decimal(flags.get("share_exceeded")) == _decimal(row.flags.get("share_exceeded"))
    )


def _same_note(stored: Evaluation, note: str) -> bool:
    """The export writes an unclassified result's reason into an empty note; reading it back
    is no change."""
    if stored.note == note:
        return True
    return (
        not stored.note
        and bool(stored.unclassified)
        and note == Unclassified(stored.unclassified).label
    )


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _stored(planned: list[_Planned]) -> dict[tuple, Evaluation]:
    by_round: dict[int, list[_Planned]] = defaultdict(list)
    for p in planned:
        by_round[p.round.pk].append(p)
    found = {}
    for rnd, rows in by_round.items():
        members = [p.row.member.pk for p in rows if p.row.member]
        orgs = [p.row.org.pk for p in rows if p.row.org]
        for chunk in apply._in_chunks(members):
            for e in Evaluation.objects.filter(round_id=rnd, member_id__in=chunk):
                found[(rnd, "m", e.member_id)] = e
        for e in Evaluation.objects.filter(round_id=rnd, org_id__in=orgs):
            found[(rnd, "o", e.org_id)] = e
    return found


def _key(p: _Planned) -> tuple:
    if p.row.member is not None:
        return (p.round.pk, "m", p.row.member.pk)
    return (p.round.pk, "o", p.row.org.pk)


def plan_evaluations(plan: apply.ImportPlan, actor: Actor) -> None:
    _Planner(plan, actor).run()
    stored = _stored(plan.work.rows)
    for p in plan.work.rows:
        found = stored.get(_key(p))
        if found is None:
            plan.actions[p.record.row] = apply.CREATE
        else:
            plan.actions[p.record.row] = apply.UNCHANGED if _same(found, p.row) else apply.UPDATE


def apply_evaluations(plan: apply.ImportPlan, actor: Actor, sink, progress) -> None:
    """Each round's changed rows through results_record (audited, scoped, all or nothing)."""
    if sink.errors:
        return  # the planner found errors: nothing would be kept
    by_round: dict[int, list[_Planned]] = defaultdict(list)
    for p in plan.work.rows:
        action = plan.actions[p.record.row]
        sink.counts[action] += 1
        if action != apply.UNCHANGED:
            by_round[p.round.pk].append(p)
    for rows in apply._each(list(by_round.values()), progress):
        # Organizations first: a head is checked against the level of the unit they head.
        orgs = [p.row for p in rows if p.row.org is not None]
        members = [p.row for p in rows if p.row.member is not None]
        try:
            with transaction.atomic():
                for batch in (orgs, members):
                    if batch:
                        results_record(actor=actor, rnd=rows[0].round, rows=batch)
        except DomainError as exc:
            # Row problems were found in planning; what is left concerns the round or the
            # actor's scope, so it is reported once, on the round's first row.
            sink.error(rows[0].record, "year", exc.message)


apply.PLANNERS["evaluations"] = plan_evaluations
apply.APPLIERS["evaluations"] = apply_evaluations

"""Reads of the evaluation: tallies on the tree as it stood at the end of the period, streaks,
the validation report, award eligibility and counts, badges due. Scoped to the actor."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.db.models import BigIntegerField, Count, F, Func, Q
from django.db.models.expressions import RawSQL

from tongket.core.actor import Actor
from tongket.core.errors import NotFoundError
from tongket.core.permissions import restrict
from tongket.core.routers import RoutedConnection, reading_replica
from tongket.core.tree_sql import subtree_ids_sql
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
from tongket.domain.evaluation.badges import badges_due, next_award_day
from tongket.domain.timeline import Snapshot
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
    member_age_on,
    member_statuses,
    quota_settings,
    round_day,
    year_end,
)
from tongket.party.models import Member, Membership, PartyOrg, PartyOrgVersion
from tongket.party.selectors import members_on, org_snapshot, org_subtree

# Raw SQL below follows the router: on the replica inside reading_replica() (tallies, streaks).
connection = RoutedConnection(Evaluation)
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


def org_groups(committee: PartyOrg, day: dt.date, large: bool | None = None) -> OrgGroups:
    """Grassroots organizations ("chi, đảng bộ") and the sub-branches under grassroots
    committees, in the tree as it stood on `day`."""
    snap = _tree_under(committee, day, _is_large(committee) if large is None else large)
    grassroots = [n for n, v in snap.nodes.items() if v.level in GRASSROOTS and n != committee.pk]
    under = _under_committee(snap)
    subs = [n for n, v in snap.nodes.items() if v.level == "sub_branch" and under(n)]
    return OrgGroups(grassroots, subs)


def _under_committee(snap: Snapshot):
    """Whether a node has a grassroots committee among its ancestors in `snap`, remembered
    node by node: the tree is read once, not one chain of ancestors per node (30,000 chains
    for a city)."""
    memo: dict[int, bool] = {}

    def under(node: int) -> bool:
        if node not in memo:
            parent = snap.nodes[node].parent
            memo[node] = False  # a cycle in bad data stops here
            memo[node] = parent in snap.nodes and (
                snap.nodes[parent].level == "grassroots_committee" or under(parent)
            )
        return memo[node]

    return under


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


@reading_replica()
def evaluation_tally(actor: Actor, committee: PartyOrg, year: int, compare=True) -> Tallies:
    """Counts by level for the grassroots organizations, the sub-branches under grassroots
    committees and the members of the committee's tree at the end of the year; organizations
    or members without a result count as missing, not as a level."""
    return _tally(_Review(actor, committee), year, compare)


@reading_replica()
def review_evaluation(
    actor: Actor, committee: PartyOrg, year: int, years: int = 5
) -> tuple[Tallies, Streaks]:
    """evaluation_tally(…, year) and streaks(…, year, years) together, as a review reads them:
    the organization groups at the end of the year and the size check are made once for
    both."""
    review = _Review(actor, committee)
    return _tally(review, year, True), _streaks(review, year, years)


class _Review:
    """What the tallies and the streaks of one committee share within one call: whether the
    subtree is large and its organization groups per day."""

    def __init__(self, actor: Actor, committee: PartyOrg):
        self.actor, self.committee = actor, committee
        self._large: bool | None = None
        self._groups: dict[dt.date, OrgGroups] = {}

    @property
    def large(self) -> bool:
        if self._large is None:
            self._large = _is_large(self.committee)
        return self._large

    def groups(self, day: dt.date) -> OrgGroups:
        if day not in self._groups:
            self._groups[day] = org_groups(self.committee, day, self.large)
        return self._groups[day]

    def members(self, day: dt.date):
        """The member ids on `day`, as a one-column queryset (see _member_ids)."""
        return _member_ids(self.actor, self.committee, day, self.large)


def _tally(review: _Review, year: int, compare: bool) -> Tallies:
    day = year_end(year)
    groups = review.groups(day)
    results = ANNUAL.filter(year=year)
    org_rows = _org_levels(review.committee, day, results)
    head_count, people = _member_tally(review.members(day), results, review.large)
    grassroots = tally(_levels(org_rows[o] for o in groups.grassroots if o in org_rows))
    subs = tally(_levels(org_rows[o] for o in groups.sub_branches if o in org_rows))
    missing = {
        "grassroots": len(groups.grassroots) - grassroots.total,
        "sub_branches": len(groups.sub_branches) - subs.total,
        "members": head_count - people.total,
    }
    previous = None
    if compare and Evaluation.objects.filter(year=year - 1).exists():
        previous = _tally(review, year - 1, compare=False)
    return Tallies(
        year,
        _with_total(grassroots, len(groups.grassroots)),
        _with_total(subs, len(groups.sub_branches)),
        _with_total(people, head_count),
        missing,
        previous,
    )


# Over a large share of the tree, the memberships are read in table order: one index probe
# per membership (each one a random read) costs several times a plain scan (bench_evaluation:
# 1.4 s against 0.25 s for 500,000 members on SQLite). A ward committee uses the index.
LARGE_SUBTREE = 0.125
CHUNK = 10_000  # ids per query: well under SQLite's limit on parameters


class _NoIndex(Func):
    """`+column`: the column's value, which SQLite (and PostgreSQL) will not look up through
    an index, so that the planner scans instead."""

    template = "+%(expressions)s"


def _is_large(committee: PartyOrg) -> bool:
    """Whether the committee holds a large share of all organizations (as they stand now:
    only the way of reading depends on it, never the result). Both counts in one statement."""
    counts = PartyOrg.objects.aggregate(
        under=Count("pk", filter=Q(path__startswith=committee.path)), every=Count("pk")
    )
    return counts["under"] >= LARGE_SUBTREE * counts["every"]


# PostgreSQL's default work_mem (4 MB) makes the member statements over most of a city (half a
# million member ids hashed, sorted and grouped) spill to temporary files. They get more, for
# their own transaction only (SET LOCAL): every other statement keeps the server's setting.
LARGE_WORK_MEM = "128MB"


@contextmanager
def _large_statement(large: bool):
    """Around one statement over a large subtree: on PostgreSQL, a transaction (on the
    connection the router picks, the replica inside a report) with work_mem raised for it
    alone. Inside a caller's transaction, the setting is put back after the statement (a
    failed statement rolls back to the savepoint, which undoes it too)."""
    if not large or connection.vendor != "postgresql":
        yield
        return
    db = connection.alias
    nested = transaction.get_connection(db).in_atomic_block
    with transaction.atomic(using=db), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('work_mem'), set_config('work_mem', %s, true)",
            [LARGE_WORK_MEM],
        )
        before = cursor.fetchone()[0]
        yield
        if nested:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [before])


def _tree_under(committee: PartyOrg, day: dt.date, large: bool) -> Snapshot:
    """org_subtree(committee, day). For a large share of the tree, cut out of the snapshot of
    the whole tree on that day, which stays cached until a service changes the tree
    (tongket.core.revisions), instead of walking the tree again in SQL."""
    if not large:
        return org_subtree(committee, day)
    whole = org_snapshot(day)
    found, todo = set(), [committee.pk]
    while todo:  # as the recursive walk does: from the root, whether it exists on the day
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo += whole.children.get(node, ())
    return Snapshot((whole.nodes[n] for n in found if n in whole.nodes), day)


def _member_ids(actor: Actor, committee: PartyOrg, day: dt.date, large: bool):
    """The ids of members_on(actor, committee, day), as a one-column queryset: the same
    memberships, the same restriction. For a large subtree, the memberships are scanned (see
    LARGE_SUBTREE). For a system actor, restrict() changes nothing and every membership's
    member exists (a foreign key), so the ids come from the memberships alone."""
    if not large and not actor.system:
        return members_on(actor, committee, day).order_by().values("pk")
    walk = RawSQL(*subtree_ids_sql(PartyOrgVersion, "org", committee.pk, day))
    place = _NoIndex("org_id", output_field=BigIntegerField()) if large else F("org_id")
    memberships = (
        Membership.objects.annotate(place=place)
        .filter(place__in=walk, kind="official", valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .order_by()
    )
    if actor.system:
        ids = memberships.values("member_id")
        # On PostgreSQL an exclusion constraint (party 0003) allows one official membership
        # per member and day, so the ids are distinct already: no hash of 500,000 ids to
        # remove duplicates that cannot exist. SQLite relies on the services: keep DISTINCT.
        return ids if connection.vendor == "postgresql" else ids.distinct()
    members = restrict(Member.objects.all(), actor)
    return members.filter(pk__in=memberships.values("member_id")).order_by().values("pk")


def _org_levels(committee: PartyOrg, day: dt.date, results) -> dict[int, str]:
    """The level of each organization of the subtree on `day` that has one of `results`,
    looked up organization by organization (the walk inside the statement, no list of ids)."""
    walk, walk_params = subtree_ids_sql(PartyOrgVersion, "org", committee.pk, day)
    result_sql, result_params = results.values("org_id", "level").query.sql_with_params()
    query = (
        f"SELECT x.org_id, x.level FROM ({walk}) t CROSS JOIN ({result_sql}) x "  # noqa: S608
        "WHERE x.org_id = t.node"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*walk_params, *result_params])
        return dict(cursor.fetchall())


def _by_member(results, fields: tuple[str, ...], large: bool) -> tuple[str, list]:
    """SQL joining the members `m` to their `results`: `m` first, each member's results looked
    up by member (CROSS JOIN: SQLite keeps that order, instead of reading every result of the
    year). PostgreSQL reorders joins and, misjudging the size of a small `m` (a recursive
    walk), hashes every result of the year: a LATERAL subquery (OFFSET 0 keeps it from being
    pulled up into a join) makes it look each member up there too. For most of the tree,
    PostgreSQL's own plan (one pass, hashed) stays."""
    if connection.vendor == "postgresql" and not large:
        per_member = results.filter(member_id=RawSQL("m.id", ())).values(*fields)
        sql, params = per_member.query.sql_with_params()
        return f"m CROSS JOIN LATERAL ({sql} OFFSET 0) x", params
    sql, params = results.values("member_id", *fields).query.sql_with_params()
    return f"m CROSS JOIN ({sql}) x WHERE x.member_id = m.id", params


def _member_tally(members, results, large: bool) -> tuple[int, Tally]:
    """How many `members` there are, and their `results` counted by level, in one statement:
    the member ids once (a CTE used twice), then each member's results (_by_member)."""
    member_sql, member_params = members.query.sql_with_params()
    pairs, result_params = _by_member(results, ("level",), large)
    query = (
        f"WITH m(id) AS ({member_sql}) SELECT NULL, COUNT(*) FROM m UNION ALL "  # noqa: S608
        f"SELECT x.level, COUNT(*) FROM {pairs} GROUP BY x.level"
    )
    with _large_statement(large), connection.cursor() as cursor:
        cursor.execute(query, [*member_params, *result_params])
        rows = cursor.fetchall()
    head_count = next(n for level, n in rows if level is None)
    counts = Counter()
    for level, n in rows:
        if level is not None:  # "" is a result without a level: not classified
            counts[Level(level).value if level else "unclassified"] += n
    return head_count, Tally(total=sum(counts.values()), **counts)


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


@reading_replica()
def streaks(actor: Actor, committee: PartyOrg, year: int, years: int = 5) -> Streaks:
    """Organizations and members rated excellent in each of `years` consecutive years ending
    in `year` (a missing or not-classified year breaks the streak, §9 item 14), among those
    in the committee's tree at the end of `year`."""
    return _streaks(_Review(actor, committee), year, years)


def _streaks(review: _Review, year: int, years: int) -> Streaks:
    day = year_end(year)
    groups = review.groups(day)
    org_ids = groups.grassroots + groups.sub_branches
    span = range(year - years + 1, year + 1)
    results = ANNUAL.filter(year__in=span)
    # Only a subject rated excellent in every year of the span can hold the streak: the rows
    # of those few are read (all of them, whatever their level), not every row of the span.
    excellent = results.filter(level="excellent")
    walk = RawSQL(*subtree_ids_sql(PartyOrgVersion, "org", review.committee.pk, day))
    top_orgs = set(
        excellent.filter(org_id__in=walk)  # the subtree's, not every organization's
        .values("org_id")
        .annotate(n=Count("year", distinct=True))
        .filter(n=len(span))
        .values_list("org_id", flat=True)
    )
    org_rows = _rows_of(results, "org_id", [o for o in org_ids if o in top_orgs])
    top_members = _excellent_members(review.members(day), excellent, len(span), review.large)
    member_rows = _rows_of(results, "member_id", top_members)
    org_hits = _hits(org_rows, year, years)
    member_hits = _hits(member_rows, year, years)
    orgs = sorted(PartyOrg.objects.filter(pk__in=org_hits).values_list("pk", "name"))
    people = sorted(
        Member.objects.filter(pk__in=member_hits).values_list("pk", "card_number", "full_name"),
        key=lambda r: r[2],
    )
    return Streaks(years, year, orgs, people)


def _excellent_members(members, excellent, years: int, large: bool) -> list[int]:
    """The `members` with an `excellent` result in each of `years` years. A few members are
    walked one by one (_by_member); for most of the tree, the excellent results are read
    once and checked against the members."""
    member_sql, member_params = members.query.sql_with_params()
    if large:
        result_sql, result_params = excellent.values("member_id", "year").query.sql_with_params()
        key, pairs = "x.member_id", f"({result_sql}) x WHERE x.member_id IN (SELECT id FROM m)"
    else:
        key, (pairs, result_params) = "m.id", _by_member(excellent, ("year",), large)
    query = (
        f"WITH m(id) AS ({member_sql}) SELECT {key} FROM {pairs} "  # noqa: S608
        f"GROUP BY {key} HAVING COUNT(DISTINCT x.year) = %s"
    )
    with _large_statement(large), connection.cursor() as cursor:
        cursor.execute(query, [*member_params, *result_params, years])
        return [row[0] for row in cursor.fetchall()]


def _rows_of(results, field: str, ids: list[int]) -> list[tuple]:
    """(subject, year, level) of `results` for the subjects `ids`, in chunks of parameters."""
    rows = []
    for first in range(0, len(ids), CHUNK):
        chunk = results.filter(**{f"{field}__in": ids[first : first + CHUNK]})
        rows += chunk.values_list(field, "year", "level")
    return rows


def _hits(rows, year: int, years: int) -> list[int]:
    lengths = streak_lengths(((s, y, Level(lv) if lv else None) for s, y, lv in rows), year)
    return [s for s, n in lengths.items() if n >= years]


# --- the validation report -----------------------------------------------------------------
def validation_report(actor: Actor, rnd: EvaluationRound) -> list[Violation]:
    """Every rule a result breaks, and every quota group over its cap, with the rule named.
    Archived results show their findings as warnings."""
    rule = rule_by_code(rnd.rule_version)
    day = round_day(rnd)  # a quarterly round is judged on the last day of its quarter
    context = Context(evaluation_date=day)
    found: list[Violation] = []
    in_round = Evaluation.objects.filter(round=rnd)
    # Only the fields the rules read: a round holds ten thousand results and their members.
    rows = list(in_round.select_related("member", "org").only(*REPORT_FIELDS))
    # The round's members as a subquery: a list of ten thousand ids costs more to send.
    statuses = member_statuses(in_round.values("member_id"), day)
    checked = {}
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
        checked[e.pk] = _result(rnd, row)
        violations = rule.validate_result(checked[e.pk], subject, context)
        found += as_warnings(violations) if e.archived else violations
    settings = quota_settings(rnd)
    exceptions = defaultdict(list)
    for x in QuotaException.objects.filter(round=rnd):
        exceptions[x.group].append(x.number)
    for label, group in _quota_groups(rnd, rows, settings.scope).items():
        # The quota counts levels only: the results checked above serve again.
        results = [checked[e.pk] for e in group]
        found += rule.validate_group(results, settings, label, exceptions.get(label, []))
    return found


REPORT_FIELDS = (
    "round_id",
    "unit_org_id",
    "level",
    "unclassified",
    "score",
    "flags",
    "reviewed_on",
    "deciding_body",
    "archived",
    "member__full_name",
    "member__admitted_on",
    "org__name",
    "org__kind",
)


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
@reading_replica()
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
    award_day = next_award_day(on)
    previous_day = _previous_award_day(award_day)
    members = members_on(actor, committee, on).prefetch_related("badges", "status_periods")
    due = []
    for m in members:
        age_on = member_age_on(m, award_day)  # as badge_award judges it
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

    day = round_day(rnd)  # the tree the round is judged on (a quarter's last day, or 31/12)
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
    """The members of a branch on the round's day (as results_record places them: the end of
    the year, or of the quarter) with their result in the round (for the entry grid):
    (member, evaluation or None)."""
    members = list(members_on(actor, org, round_day(rnd)).order_by("name_sort"))
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

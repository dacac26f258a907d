"""Five years of evaluation results (2020–2024) for a synthetic city, under the rule of each
year, written in bulk.

One round per ward committee and year, as `round_open` would open it (the rule version of the
year, the year's default quota settings) and locked, as the demo leaves past years. Each
grassroots organization, each sub-branch under a grassroots committee and each member with an
official membership on 31/12 gets a result in the round of the ward committee it stood under
that day, with the fields `results_record` writes (the member's branch at the end of the year
as `unit_org_id`, the rule version, the deciding body, the review day…). No audit rows: these
records stand for an archive that was never entered through the services.

The distributions follow published reviews: most members "good", about one in eight
"excellent" (a steady few year after year, so that five-year streaks exist), a few
"completed" and "not completed" (some of those disciplined in the year), members exempted
for age or suspended for a while left unclassified with that reason, members admitted under
six months unclassified, and a few subjects without a result in some years (which breaks
their streaks). Every quota group keeps its "excellent" within the cap the round's settings
give (at most floor(20% × good) per grassroots organization for members, per committee for
organizations), so the results pass the validation report of their year.
"""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from tongket.domain.evaluation import Subject, exclusion_reason, quota_cap, rule_for_year
from tongket.synth.city import City

YEARS = range(2020, 2025)
# Per-year draws: a "steady" subject is excellent most years, the others seldom.
STEADY_MEMBERS, STEADY_ORGS = 0.10, 0.15
MEMBER_LEVELS = {  # (steady, other): level → probability
    True: [("excellent", 0.75), ("good", 0.25)],
    False: [("excellent", 0.05), ("good", 0.885), ("completed", 0.05), ("not_completed", 0.015)],
}
ORG_LEVELS = {
    True: [("excellent", 0.8), ("good", 0.2)],
    False: [("excellent", 0.08), ("good", 0.85), ("completed", 0.06), ("not_completed", 0.01)],
}
NO_RESULT = 0.015  # subjects without a result in a year: the streak breaks
DISCIPLINED = 0.4  # of the "not completed": disciplined in the year
EXEMPTED = 0.006  # members admitted before 2000, exempted (miễn sinh hoạt) from a day on
SUSPENDED = 0.001  # members suspended for a few months
# The flags the rules look at, as results_record stores them (JSON text, written as is).
FLAGS_EXCELLENT = json.dumps({"tasks_on_time": True, "share_exceeded": "0.6"})
FLAGS = json.dumps({"tasks_on_time": True})
FLAGS_DISCIPLINED = json.dumps({"disciplined_in_year": True})
NO_FLAGS = json.dumps({})
COLUMNS = (
    "round_id",
    "year",
    "org_id",
    "member_id",
    "unit_org_id",
    "level",
    "unclassified",
    "score",
    "flags",
    "note",
    "deciding_body",
    "decision_number",
    "decision_date",
    "rule_version",
    "reviewed_on",
    "archived",
)
LEVEL, FLAGS_AT = COLUMNS.index("level"), COLUMNS.index("flags")
BATCH = 5_000


@dataclass
class Written:
    rounds: int = 0
    org_results: int = 0
    member_results: int = 0
    statuses: int = 0
    seconds: float = 0.0

    @property
    def results(self) -> int:
        return self.org_results + self.member_results


@dataclass(frozen=True)
class Status:
    member: int
    status: str
    start: date
    end: date | None

    def on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def generate_evaluations(city: City, years=YEARS) -> Written:
    """Statuses, rounds and results for `years`, in one transaction."""
    from django.db import transaction

    rng = random.Random(f"{city.seed}:evaluations")
    written = Written()
    started = time.perf_counter()
    with transaction.atomic():
        statuses = _statuses(city, rng)
        written.statuses = len(statuses)
        by_member = {s.member: s for s in statuses}
        steady_members = {s.member for s in city.spans if rng.random() < STEADY_MEMBERS}
        orgs = city.grassroots + city.subs
        steady_orgs = {o for o in orgs if rng.random() < STEADY_ORGS}
        for year in years:
            rounds = _rounds(city, year)
            written.rounds += len(rounds)
            year_rng = random.Random(f"{city.seed}:evaluations:{year}")
            tree = _Tree(city, date(year, 12, 31))
            org_rows = _org_results(city, tree, rounds, year_rng, steady_orgs)
            member_rows = _member_results(city, tree, rounds, year_rng, steady_members, by_member)
            _insert(org_rows + member_rows)
            written.org_results += len(org_rows)
            written.member_results += len(member_rows)
    written.seconds = time.perf_counter() - started
    return written


def _statuses(city: City, rng: random.Random) -> list[Status]:
    """Exempted (open-ended, from a day in 2021–2024) and suspended (a few months across a
    year's end) members; written as status periods, and the member's status where it lasts."""
    from tongket.party.models import Member, MemberStatusPeriod

    found = []
    for span in city.spans:
        draw = rng.random()
        if draw < EXEMPTED and span.admitted < date(2000, 1, 1):
            start = date(rng.randint(2021, 2024), rng.randint(1, 12), 1)
            found.append(Status(span.member, "exempted", start, None))
        elif draw > 1 - SUSPENDED and span.admitted < date(2019, 1, 1):
            start = date(rng.choice(YEARS), rng.randint(9, 11), 1)  # across the year's end
            found.append(Status(span.member, "suspended", start, start + timedelta(days=150)))
    MemberStatusPeriod.objects.bulk_create(
        (
            MemberStatusPeriod(
                member_id=s.member, status=s.status, valid_from=s.start, valid_to=s.end
            )
            for s in found
        ),
        batch_size=2_000,
    )
    lasting = [s.member for s in found if s.end is None]
    for first in range(0, len(lasting), 2_000):
        Member.objects.filter(pk__in=lasting[first : first + 2_000]).update(status="exempted")
    return found


def _rounds(city: City, year: int) -> dict[int, object]:
    """One round per ward committee, as round_open opens it, locked as past years are."""
    from tongket.evaluation.models import EvaluationRound

    rule = rule_for_year(year).code
    made = EvaluationRound.objects.bulk_create(
        EvaluationRound(committee_id=w, year=year, rule_version=rule, quota={}, locked=True)
        for w in city.wards
    )
    if not all(r.pk for r in made):  # backends that do not return keys
        made = list(EvaluationRound.objects.filter(year=year, committee_id__in=city.wards))
    return {r.committee_id: r for r in made}


class _Tree:
    """The tree on one day: each organization's ward committee and grassroots organization."""

    def __init__(self, city: City, day: date):
        self.day = day
        up = {org: city.parent_on(org, day) for org in city.parent}
        wards = set(city.wards)
        grassroots = set(city.grassroots)
        self.ward, self.grassroots = {}, {}
        for org in city.grassroots + city.subs:
            chain, node = [], org
            while node is not None and node not in wards:
                chain.append(node)
                node = up[node]
            self.ward[org] = node
            self.grassroots[org] = next((n for n in chain if n in grassroots), org)


def _draw(rng: random.Random, table) -> str:
    x, total = rng.random(), 0.0
    for level, p in table:
        total += p
        if x < total:
            return level
    return table[-1][0]


def _cap(groups: dict, rounds: dict, rng: random.Random) -> None:
    """Within each quota group, "excellent" above the cap of the round's settings becomes
    "good" (drawn at random), until the group is within its cap."""
    from tongket.evaluation.services import quota_settings

    for (ward, _group), rows in groups.items():
        settings = quota_settings(rounds[ward])
        top = [r for r in rows if r[LEVEL] == "excellent"]
        good = sum(1 for r in rows if r[LEVEL] == "good")
        classified = sum(1 for r in rows if r[LEVEL])
        rng.shuffle(top)
        while top and len(top) > quota_cap(good, classified, settings):
            demoted = top.pop()
            demoted[LEVEL], demoted[FLAGS_AT] = "good", FLAGS
            good += 1


def _org_results(city, tree: _Tree, rounds, rng, steady: set[int]) -> list[list]:
    year, rows, groups = tree.day.year, [], defaultdict(list)
    committees, grassroots = set(city.committees), set(city.grassroots)
    for org in city.grassroots + city.subs:
        if org not in grassroots and city.parent_on(org, tree.day) not in committees:
            continue  # only sub-branches under grassroots committees are counted
        if rng.random() < NO_RESULT:
            continue
        level = _draw(rng, ORG_LEVELS[org in steady])
        ward = tree.ward[org]
        body = f"Ban Thường vụ Đảng ủy {city.names[ward].removeprefix('Đảng bộ ')}"
        row = _row(rounds[ward], year, level, org=org, unit_org=org, body=body)
        rows.append(row)
        groups[(ward, "grassroots" if org in grassroots else "subs")].append(row)
    _cap(groups, rounds, rng)
    return rows


def _member_results(city, tree: _Tree, rounds, rng, steady: set[int], statuses) -> list[list]:
    year, day, rows, groups = tree.day.year, tree.day, [], defaultdict(list)
    committees = set(city.committees)
    for span in city.spans:
        org = span.org_on(day)
        if org is None or rng.random() < NO_RESULT:
            continue
        ward = tree.ward[org]
        status = statuses.get(span.member)
        reason = status.status if status and status.on(day) else _under_six_months(span, day)
        level = "" if reason else _draw(rng, MEMBER_LEVELS[span.member in steady])
        top = tree.grassroots[org]
        body = "Đảng ủy cơ sở" if top in committees else "Chi bộ cơ sở"
        row = _row(
            rounds[ward], year, level, member=span.member, unit_org=org, reason=reason, body=body
        )
        if level == "not_completed" and rng.random() < DISCIPLINED:
            row[FLAGS_AT] = FLAGS_DISCIPLINED
        rows.append(row)
        groups[(ward, top)].append(row)
    _cap(groups, rounds, rng)
    return rows


def _under_six_months(span, day: date) -> str:
    if span.admitted <= date(day.year, 6, 1):  # six months before the year's end at least
        return ""
    reason = exclusion_reason(Subject(id=span.member, admitted_on=span.admitted), day)
    return reason.value if reason else ""


def _row(rnd, year, level, *, org=None, member=None, unit_org, body, reason="") -> list:
    """One result as a list in COLUMNS order (dates as ISO text, flags as JSON text)."""
    classified = bool(level)
    flags = (FLAGS_EXCELLENT if level == "excellent" else FLAGS) if classified else NO_FLAGS
    return [
        rnd.pk,
        year,
        org,
        member,
        unit_org,
        level,
        "" if classified else reason,
        None,
        flags,
        "",
        body,
        "",
        f"{year + 1}-01-10" if classified else None,
        rnd.rule_version,
        f"{year}-12-15" if classified else None,
        False,
    ]


def _insert(rows: list[list]) -> None:
    """executemany in batches: the fields Evaluation has, as results_record fills them."""
    from django.db import connection

    from tongket.evaluation.models import Evaluation

    table = Evaluation._meta.db_table
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    marks = ", ".join(cast if c == "flags" else "%s" for c in COLUMNS)
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[first : first + BATCH])

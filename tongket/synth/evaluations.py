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

Members' results are drawn in two passes over compact arrays (an outcome byte and the
organization per member), capped per quota group, then streamed to the database (COPY on
PostgreSQL): a year of the country's 5.9 million members never sits in memory as rows.
"""

from __future__ import annotations

import json
import random
import time
from array import array
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from tongket.domain.evaluation import Subject, exclusion_reason, quota_cap, rule_for_year
from tongket.synth.city import City
from tongket.synth.progress import Steps

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
# A member's outcome in one year, one byte each (the country has 5.9 million members).
NONE, UNCLASSIFIED, EXCELLENT, GOOD, COMPLETED, NOT_COMPLETED, DISCIPLINED_NC = range(7)
CODE = {"excellent": EXCELLENT, "good": GOOD, "completed": COMPLETED}
CODE["not_completed"] = NOT_COMPLETED
LEVEL_OF = {EXCELLENT: "excellent", GOOD: "good", COMPLETED: "completed"}
LEVEL_OF |= {NOT_COMPLETED: "not_completed", DISCIPLINED_NC: "not_completed", UNCLASSIFIED: ""}


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


def generate_evaluations(city: City, years=YEARS, steps: Steps | None = None) -> Written:
    """Statuses, rounds and results for `years`, in one transaction."""
    from django.db import transaction

    steps = steps or Steps()
    rng = random.Random(f"{city.seed}:evaluations")
    written = Written()
    started = time.perf_counter()
    with transaction.atomic():
        statuses = _statuses(city, rng)
        written.statuses = len(statuses)
        by_member = {s.member: s for s in statuses}
        steady_members = bytearray(rng.random() < STEADY_MEMBERS for _ in range(len(city.spans)))
        orgs = city.grassroots + city.subs
        steady_orgs = {o for o in orgs if rng.random() < STEADY_ORGS}
        for year in years:
            begun = time.perf_counter()
            rounds = _rounds(city, year)
            written.rounds += len(rounds)
            year_rng = random.Random(f"{city.seed}:evaluations:{year}")
            tree = _Tree(city, date(year, 12, 31))
            org_rows = _org_results(city, tree, rounds, year_rng, steady_orgs)
            _insert(org_rows)
            drawn = _member_draws(city, tree, rounds, year_rng, steady_members, by_member)
            with steps.bar(f"results {year}", len(city.spans)) as bar:
                members = _insert(_member_rows(city, tree, rounds, drawn, by_member, bar))
            written.org_results += len(org_rows)
            written.member_results += members
            steps.done(
                f"results {year}",
                len(org_rows) + members,
                time.perf_counter() - begun,
                rounds=len(rounds),
                org_results=len(org_rows),
                member_results=members,
            )
    written.seconds = time.perf_counter() - started
    return written


def _statuses(city: City, rng: random.Random) -> list[Status]:
    """Exempted (open-ended, from a day in 2021–2024) and suspended (a few months across a
    year's end) members; written as status periods, and the member's status where it lasts."""
    from tongket.party.models import Member, MemberStatusPeriod
    from tongket.synth.bulk import write_rows

    found = []
    before_2000, before_2019 = date(2000, 1, 1).toordinal(), date(2019, 1, 1).toordinal()
    spans = city.spans
    for member, admitted in zip(spans.member, spans.admitted, strict=True):
        draw = rng.random()
        if draw < EXEMPTED and admitted < before_2000:
            start = date(rng.randint(2021, 2024), rng.randint(1, 12), 1)
            found.append(Status(member, "exempted", start, None))
        elif draw > 1 - SUSPENDED and admitted < before_2019:
            start = date(rng.choice(YEARS), rng.randint(9, 11), 1)  # across the year's end
            found.append(Status(member, "suspended", start, start + timedelta(days=150)))
    write_rows(
        MemberStatusPeriod,
        ("member_id", "status", "valid_from", "valid_to", "note"),
        ((s.member, s.status, s.start, s.end, "") for s in found),
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
        (
            EvaluationRound(committee_id=w, year=year, rule_version=rule, quota={}, locked=True)
            for w in city.wards
        ),
        batch_size=2_000,
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


def _settings(rounds: dict):
    """The quota settings of each ward committee's round, read once."""
    from tongket.evaluation.services import quota_settings

    return {ward: quota_settings(rnd) for ward, rnd in rounds.items()}


def _cap(groups: dict, rounds: dict, rng: random.Random) -> None:
    """Within each quota group of organizations, "excellent" above the cap of the round's
    settings becomes "good" (drawn at random), until the group is within its cap."""
    settings = _settings(rounds)
    for (ward, _group), rows in groups.items():
        top = [r for r in rows if r[LEVEL] == "excellent"]
        good = sum(1 for r in rows if r[LEVEL] == "good")
        classified = sum(1 for r in rows if r[LEVEL])
        rng.shuffle(top)
        while top and len(top) > quota_cap(good, classified, settings[ward]):
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


@dataclass
class _Drawn:
    """One year's member outcomes: a code and the organization per member (0 = none)."""

    codes: bytearray
    orgs: array


def _member_draws(city, tree: _Tree, rounds, rng, steady: bytearray, statuses) -> _Drawn:
    """Draws each member's outcome, in member order, then caps each quota group."""
    day = tree.day
    n = len(city.spans)
    codes, orgs = bytearray(n), array("i", bytes(4 * n))
    groups: dict[tuple, list] = {}  # (ward, grassroots) → [good, classified, [excellent]]
    for i, org in enumerate(city.spans.orgs_on(day)):
        if not org or rng.random() < NO_RESULT:
            continue
        orgs[i] = org
        group = groups.setdefault((tree.ward[org], tree.grassroots[org]), [0, 0, []])
        if _reason(city, i, city.spans.member[i], day, statuses):
            codes[i] = UNCLASSIFIED
            continue
        code = CODE[_draw(rng, MEMBER_LEVELS[bool(steady[i])])]
        if code == NOT_COMPLETED and rng.random() < DISCIPLINED:
            code = DISCIPLINED_NC
        codes[i] = code
        group[0] += code == GOOD
        group[1] += 1
        if code == EXCELLENT:
            group[2].append(i)
    settings = _settings(rounds)
    for (ward, _top), (good, classified, top) in groups.items():
        rng.shuffle(top)
        while top and len(top) > quota_cap(good, classified, settings[ward]):
            codes[top.pop()] = GOOD
            good += 1
    return _Drawn(codes, orgs)


def _reason(city, i: int, member: int, day: date, statuses) -> str:
    """Why a member is left unclassified in the year ("" when classified)."""
    status = statuses.get(member)
    if status and status.on(day):
        return status.status
    admitted = city.spans.admitted[i]
    if admitted <= date(day.year, 6, 1).toordinal():  # six months before the year's end
        return ""
    reason = exclusion_reason(Subject(id=member, admitted_on=date.fromordinal(admitted)), day)
    return reason.value if reason else ""


def _member_rows(city, tree: _Tree, rounds, drawn: _Drawn, statuses, bar):
    """The members' results as tuples in COLUMNS order, streamed in member order."""
    year, day = tree.day.year, tree.day
    committees = set(city.committees)
    flags = {EXCELLENT: FLAGS_EXCELLENT, DISCIPLINED_NC: FLAGS_DISCIPLINED, UNCLASSIFIED: NO_FLAGS}
    reviewed, decided = date(year, 12, 15), date(year + 1, 1, 10)
    for i, (code, org) in enumerate(zip(drawn.codes, drawn.orgs, strict=True)):
        if i % 50_000 == 49_999:
            bar.update(50_000)
        if code == NONE:
            continue
        member = city.spans.member[i]
        rnd = rounds[tree.ward[org]]
        classified = code != UNCLASSIFIED
        body = "Đảng ủy cơ sở" if tree.grassroots[org] in committees else "Chi bộ cơ sở"
        yield (
            rnd.pk,
            year,
            None,
            member,
            org,
            LEVEL_OF[code],
            "" if classified else _reason(city, i, member, day, statuses),
            None,
            flags.get(code, FLAGS),
            "",
            body,
            "",
            decided if classified else None,
            rnd.rule_version,
            reviewed if classified else None,
            False,
        )


def _row(rnd, year, level, *, org=None, member=None, unit_org, body, reason="") -> list:
    """One organization's result as a list in COLUMNS order."""
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
        date(year + 1, 1, 10) if classified else None,
        rnd.rule_version,
        date(year, 12, 15) if classified else None,
        False,
    ]


def _insert(rows) -> int:
    """The fields Evaluation has, as results_record fills them (COPY or executemany)."""
    from tongket.evaluation.models import Evaluation
    from tongket.synth.bulk import write_rows

    return write_rows(Evaluation, COLUMNS, rows)

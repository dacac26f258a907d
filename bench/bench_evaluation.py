"""Evaluation tallies, streaks and the validation report (issue 4), on a synthetic city.

    .venv/bin/python -m bench.bench_evaluation
    TONGKET_BENCH_PG=postgres://postgres@127.0.0.1:5432/tongket_bench_eval \\
        .venv/bin/python -m bench.bench_evaluation     # SQLite, then the same on PostgreSQL

Each database runs in a child process with its own Django set-up, as bench_members_on does: a
fresh SQLite file in a temporary directory, and, when TONGKET_BENCH_PG names a database that
does not exist yet, a PostgreSQL database created for the run and dropped after.

The data is tongket.synth's "city" (one city committee, 168 ward committees, about 5,000
grassroots organizations, 25,000 sub-branches, 500,000 members, 12 organizations that change
ward on 1/1/2024) with five years of results (2020–2024), one round per ward committee and
year; its generation is timed too (issue 7 documents it).

Timed, medians of repeated runs (targets of issue 4):
- `evaluation_tally(Actor.cli(), city, 2024)` (with the change against 2023, as the reports
  ask for it): ≤ 2 s; the same for a few ward committees: ≤ 100 ms;
- `streaks(Actor.cli(), city, 2024, 5)`: ≤ 3 s;
- `validation_report` of the 2024 round whose member count is nearest 10,000: ≤ 1 s;
against a naive baseline measured in the same run: one ORM query per organization to walk the
tree on the day, one per organization for its result, one per organization for its members'
results. The baseline must give the same Tallies as the selector (asserted), and the
validation report must find no error in the generated results (asserted).

TONGKET_BENCH_SCALE (default 1) shrinks the city for a quick trial run.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.bench_members_on import (
    Timing,
    _django,
    _postgres,
    _server_version,
    _time,
    naive_walk,
    table,
)
from bench.runner import spawn
from bench.summary import Ratio

SEED = 20261121
YEAR = 2024
SCALE = float(os.environ.get("TONGKET_BENCH_SCALE", "1"))
REPEAT = 11
WARD_REPEAT = 21
NAIVE_REPEAT = 3
TARGETS_MS = {"root": 2000.0, "ward": 100.0, "streaks": 3000.0, "validation": 1000.0}
RATIOS: list[tuple] = []  # (case, ms, baseline name, baseline ms, target key), to the parent
VALIDATION_SIZE = 10_000
STARTED = time.perf_counter()


# --- The baseline --------------------------------------------------------------------------


def naive_tally(root_id: int, year: int, compare: bool = True):
    """evaluation_tally computed the naive way: the tree walked one query per organization,
    each organization's kind and parent read one by one, then one query per organization for
    its own result and one for its members' results."""
    from tongket.domain.evaluation import tally
    from tongket.evaluation.models import Evaluation
    from tongket.evaluation.selectors import GRASSROOTS, Tallies, _levels, _with_total
    from tongket.evaluation.services import year_end
    from tongket.party.models import Membership, PartyOrgVersion

    day = year_end(year)
    annual = Evaluation.objects.filter(round__quarter__isnull=True)  # as the selector counts
    versions = {}
    for org in naive_walk(root_id, day):
        rows = PartyOrgVersion.objects.filter(org_id=org, valid_from__lte=day)
        versions[org] = rows.exclude(valid_to__lt=day).values_list("kind", "parent_id").get()

    def under_committee(org: int) -> bool:
        node = versions[org][1]
        while node in versions:
            if versions[node][0] == "grassroots_committee":
                return True
            node = versions[node][1]
        return False

    grassroots, subs, members, levels = [], [], set(), []
    for org, (kind, _parent) in versions.items():
        if kind in GRASSROOTS and org != root_id:
            grassroots.append(org)
        elif kind == "sub_branch" and under_committee(org):
            subs.append(org)
        valid = Membership.objects.filter(org_id=org, kind="official", valid_from__lte=day)
        ids = list(valid.exclude(valid_to__lt=day).values_list("member_id", flat=True))
        members.update(ids)
        if ids:
            evaluations = annual.filter(year=year, member_id__in=ids)
            levels += evaluations.values_list("level", flat=True)

    def org_levels(orgs: list[int]):
        found = []
        for org in orgs:
            rows = list(annual.filter(year=year, org_id=org).values_list("level"))
            if rows:  # as a dict of (org, level) would keep it: the last row
                found.append(rows[-1][0])
        return tally(_levels(found))

    counts = {
        "grassroots": (org_levels(grassroots), len(grassroots)),
        "sub_branches": (org_levels(subs), len(subs)),
        "members": (tally(_levels(levels)), len(members)),
    }
    missing = {key: size - found.total for key, (found, size) in counts.items()}
    totals = {key: _with_total(found, size) for key, (found, size) in counts.items()}
    previous = None
    if compare and Evaluation.objects.filter(year=year - 1).exists():
        previous = naive_tally(root_id, year - 1, compare=False)
    return Tallies(
        year, totals["grassroots"], totals["sub_branches"], totals["members"], missing, previous
    )


def previous_streaks(root, year: int, years: int = 5) -> tuple[list, list]:
    """The streaks as the selector computed them before bench_evaluation (2026-11-22): every
    result of the span of every organization and member of the tree, through Python."""
    from tongket.core.actor import Actor
    from tongket.evaluation.models import Evaluation
    from tongket.evaluation.selectors import _hits, org_groups
    from tongket.evaluation.services import year_end
    from tongket.party.models import Member, PartyOrg
    from tongket.party.selectors import members_on

    day = year_end(year)
    groups = org_groups(root, day)
    span = range(year - years + 1, year + 1)
    annual = Evaluation.objects.filter(round__quarter__isnull=True, year__in=span)
    org_rows = annual.filter(org_id__in=groups.grassroots + groups.sub_branches)
    member_rows = annual.filter(member__in=members_on(Actor.cli("bench"), root, day))
    org_hits = _hits(org_rows.values_list("org_id", "year", "level"), year, years)
    member_hits = _hits(member_rows.values_list("member_id", "year", "level"), year, years)
    orgs = sorted(PartyOrg.objects.filter(pk__in=org_hits).values_list("pk", "name"))
    people = Member.objects.filter(pk__in=member_hits)
    people = sorted(people.values_list("pk", "card_number", "full_name"), key=lambda r: r[2])
    return orgs, people


# --- The run -------------------------------------------------------------------------------


def _cases(city) -> list[tuple[str, int, int]]:
    """The ward committees to time: smallest, median and largest by members at the end of
    2024, and one that handed an organization over on 1/1/2024."""
    from datetime import date

    counts = city.members_by_org(date(YEAR, 12, 31))
    day = date(YEAR, 12, 31)
    size = {w: sum(counts[o] for o in city.under(w, day)) for w in city.wards}
    by_size = sorted(city.wards, key=lambda w: (size[w], w))
    gave = city.parent[city.moved[0]][0][2] if city.moved else by_size[0]
    picked = [
        ("smallest ward committee", by_size[0]),
        ("median ward committee", by_size[len(by_size) // 2]),
        ("largest ward committee", by_size[-1]),
        ("ward committee that gave up an organization", gave),
    ]
    return [(label, ward, size[ward]) for label, ward in picked]


def _validation_round(city):
    """The 2024 round whose member results come nearest VALIDATION_SIZE."""
    from django.db.models import Count

    from tongket.evaluation.models import Evaluation, EvaluationRound

    sizes = (
        Evaluation.objects.filter(year=YEAR, member__isnull=False)
        .values("round_id")
        .annotate(n=Count("id"))
        .values_list("round_id", "n")
    )
    pk, n = min(sizes, key=lambda r: (abs(r[1] - VALIDATION_SIZE), r[0]))
    return EvaluationRound.objects.select_related("committee").get(pk=pk), n


def _timed(func, repeat: int) -> tuple[Timing, object, str]:
    """One first run (the tree snapshot the selectors cache is built then), then `repeat`
    runs for the median; the first run's time goes in the note."""
    started = time.perf_counter()
    func()
    first = (time.perf_counter() - started) * 1000
    timing, result = _time(func, repeat)
    return timing, result, f"first run {first:.0f} ms"


def _verdict(timing: Timing, target: float) -> str:
    shown = f"{target / 1000:g} s" if target >= 1000 else f"{target:g} ms"
    return f"≤ {shown}: {'met' if timing.median <= target else 'MISSED'}"


def _ratio(baseline: Timing, timing: Timing) -> str:
    return f"baseline ÷ selector: {baseline.median / timing.median:.1f}"


def _tally_size(t) -> str:
    return (
        f"{t.grassroots.total} grassroots, {t.sub_branches.total} sub-branches, "
        f"{t.members.total} members"
    )


def run(backend: str) -> tuple[dict, list[tuple[str, ...]]]:
    from django.db import connection

    from tongket.core.actor import Actor
    from tongket.evaluation.selectors import evaluation_tally, streaks, validation_report
    from tongket.party.models import PartyOrg
    from tongket.synth import SCALES, generate

    data = generate(SCALES["city"].times(SCALE), SEED, prefix="BENCH")
    if connection.vendor == "postgresql":  # as autovacuum would before long
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    gc.collect()
    city, written = data.city, data.evaluations
    stats = {"city": city, "written": written, "load": [os.getloadavg()[0]]}
    actor = Actor.cli("bench")
    root = PartyOrg.objects.get(pk=city.top)
    rows = []

    tally_ms, result, first = _timed(lambda: evaluation_tally(actor, root, YEAR), REPEAT)
    naive_ms, naive = _time(lambda: naive_tally(root.pk, YEAR), 1)
    assert result == naive, (
        f"city: the selector's tallies differ from the baseline's\n{result}\n{naive}"
    )
    stats["root_tally"] = result
    RATIOS.append(
        (f"{backend}: tally, city", tally_ms.median, "one query per org", naive_ms.median, "root")
    )
    rows += [
        (
            f"city committee ({root.code})",
            f"evaluation_tally(…, {YEAR}), with {YEAR - 1}",
            _tally_size(result),
            str(tally_ms),
            _verdict(tally_ms, TARGETS_MS["root"]),
            first,
        ),
        (
            "",
            "baseline: one query per organization, 1 run",
            f"{len(city.parent)} organizations",
            str(naive_ms),
            "",
            _ratio(naive_ms, tally_ms),
        ),
    ]
    for label, ward, _members in _cases(city):
        org = PartyOrg.objects.get(pk=ward)
        tally_ms, result, first = _timed(
            lambda o=org: evaluation_tally(actor, o, YEAR), WARD_REPEAT
        )
        naive_ms, naive = _time(lambda w=ward: naive_tally(w, YEAR), NAIVE_REPEAT)
        assert result == naive, f"{label}: the selector's tallies differ from the baseline's"
        RATIOS.append(
            (
                f"{backend}: tally, {label}",
                tally_ms.median,
                "one query per org",
                naive_ms.median,
                "ward",
            )
        )
        rows += [
            (
                f"{label} ({org.code})",
                f"evaluation_tally(…, {YEAR}), with {YEAR - 1}",
                _tally_size(result),
                str(tally_ms),
                _verdict(tally_ms, TARGETS_MS["ward"]),
                first,
            ),
            (
                "",
                f"baseline: one query per organization, {NAIVE_REPEAT} runs",
                "",
                str(naive_ms),
                "",
                _ratio(naive_ms, tally_ms),
            ),
        ]
    streak_ms, found, first = _timed(lambda: streaks(actor, root, YEAR, 5), REPEAT)
    stats["streaks"] = found
    before_ms, before = _time(lambda: previous_streaks(root, YEAR), 1)
    assert (found.orgs, found.members) == before, "the streaks differ from the previous code's"
    RATIOS.append(
        (
            f"{backend}: streaks, city",
            streak_ms.median,
            "previous code",
            before_ms.median,
            "streaks",
        )
    )
    rows.append(
        (
            f"city committee ({root.code})",
            f"streaks(…, {YEAR}, 5)",
            f"{len(found.orgs)} organizations, {len(found.members)} members",
            str(streak_ms),
            _verdict(streak_ms, TARGETS_MS["streaks"]),
            first,
        )
    )
    rows.append(
        (
            "",
            "before: every result of the span through Python, 1 run",
            "",
            str(before_ms),
            "",
            f"before ÷ now: {before_ms.median / streak_ms.median:.1f}",
        )
    )
    rnd, size = _validation_round(city)
    report_ms, violations, first = _timed(lambda: validation_report(actor, rnd), REPEAT)
    errors = [v for v in violations if v.severity == "error"]
    assert not errors, f"the generated results break a rule: {errors[:3]}"
    rows.append(
        (
            f"round {YEAR} of {rnd.committee.code}",
            "validation_report(…)",
            f"{size} member results, {len(violations)} findings",
            str(report_ms),
            _verdict(report_ms, TARGETS_MS["validation"]),
            first,
        )
    )
    stats["load"].append(os.getloadavg()[0])
    stats["backend"] = f"{backend} {_server_version(connection)}"
    return stats, rows


def report(stats: dict, rows) -> str:
    from tongket.evaluation.models import Evaluation

    city, written = stats["city"], stats["written"]
    load = " → ".join(f"{x:.1f}" for x in stats["load"])
    levels = Counter(
        Evaluation.objects.filter(year=YEAR, member__isnull=False).values_list("level", flat=True)
    )
    shares = ", ".join(
        f"{level or 'unclassified'} {n / sum(levels.values()):.1%}"
        for level, n in levels.most_common()
    )
    root = stats["root_tally"]
    return "\n".join(
        [
            f"### {stats['backend']}\n",
            f"- Data (tongket.synth, scale {city.scale.name}, seed {SEED}): "
            f"{len(city.parent)} organizations ({len(city.wards)} ward committees, "
            f"{len(city.committees)} grassroots committees, {len(city.branches)} grassroots "
            f"branches, {len(city.subs)} sub-branches), {len(city.spans)} members, "
            f"{city.memberships} memberships ({city.transfers} ended by a transfer), "
            f"{len(city.moved)} organizations moved on 2024-01-01; "
            f"{written.rounds} rounds, {written.org_results} organization results and "
            f"{written.member_results} member results for 2020–2024, {written.statuses} status "
            "periods (exempted, suspended)",
            f"- Member results of {YEAR}: {shares}",
            f"- City tally {YEAR}: members {root.members.excellent} excellent / "
            f"{root.members.good} good of {root.members.total}; grassroots "
            f"{root.grassroots.excellent}/{root.grassroots.total} excellent; sub-branches "
            f"{root.sub_branches.excellent}/{root.sub_branches.total}",
            f"- Generation (bulk inserts): tree and members {city.seconds:.1f} s, statuses, "
            f"rounds and results {written.seconds:.1f} s, "
            f"together {city.seconds + written.seconds:.1f} s",
            f"- Load average (1 min) at the start and the end of the timings: {load}",
            "",
            table(("Subject", "Operation", "Size", "Time (median)", "Target", "Note"), rows),
            "",
            f"Whole run on {stats['backend']}: {time.perf_counter() - STARTED:.0f} s",
        ]
    )


# --- Processes -----------------------------------------------------------------------------


def child(backend: str) -> list:
    with tempfile.TemporaryDirectory(prefix="tongket-bench-") as tmp:
        _django(Path(tmp), os.environ["TONGKET_BENCH_PG"] if backend == "PostgreSQL" else None)
        try:
            print(report(*run(backend)), flush=True)
        finally:
            from django.db import connections

            connections.close_all()
    return RATIOS


def _spawn(backend: str) -> list[Ratio]:
    found = spawn("bench.bench_evaluation", "child", backend)
    return [
        Ratio("evaluation", case, ms, name, base, target=TARGETS_MS[target])
        for case, ms, name, base, target in found
    ]


def main() -> list[Ratio]:
    print("## Evaluation tallies, streaks and validation (issue 4)\n", flush=True)
    ratios = _spawn("SQLite")
    if url := os.environ.get("TONGKET_BENCH_PG"):
        drop = _postgres(url)
        try:
            print(flush=True)
            ratios += _spawn("PostgreSQL")
        finally:
            drop()
    return ratios


if __name__ == "__main__":
    main()

"""Review figures at city and national scale (issue 7): the product against a naive ORM loop
and against DuckDB, on the same rows, in the same run.

    .venv/bin/python -m bench.bench_figures                       # the city on SQLite
    TONGKET_BENCH_PG=postgres://postgres@127.0.0.1:5432/tongket_bench_figures \\
    TONGKET_BENCH_NATIONAL_DB=postgres://postgres@127.0.0.1:5432/tongket_synth_national \\
        .venv/bin/python -m bench.bench_figures                   # + PostgreSQL, + national

"Review figures" are what a year-end review reads from the evaluation records and the
targets: the tallies of 2024 with the change against 2023 and the 5-year streaks (one call,
`review_evaluation(actor, org, 2024, 5)`, as review_figures makes it) and
`targets_status(actor, org, "2024")`, timed together (and each part) for the root committee
and for the smallest, median and largest ward committee by
members (at national scale also the largest and the median province committee).

Data: the city is tongket.synth's "city" (seed 20261121: 168 ward committees, 30,169
organizations, 500,000 members, five years of results). Each database runs in a child process
(bench.runner). SQLite: a scratch file, or with TONGKET_BENCH_CACHE=<folder> a file kept there
and reused by the next run (`figures-city-<seed>.sqlite3`). PostgreSQL: the database
TONGKET_BENCH_PG names is created, filled and dropped; when it already exists, it is used as it
is and kept (so a generated city can serve several runs). The national database is never
generated here (`tongket synth --scale national` writes it); when TONGKET_BENCH_NATIONAL_DB is
unset or missing, the national part says so and is skipped.

Baselines, same run, and the same numbers asserted for all three:
- naive: bench_evaluation.naive_tally, the tree walked one ORM query per organization and one
  query per organization for its result and its members' results (run once for the root: it
  takes minutes; skipped at national scale above a ward committee);
- DuckDB: the rows the figures read (organization versions, memberships, rounds, results) are
  copied into an in-memory DuckDB (PostgreSQL: COPY … TO STDOUT; SQLite: rows through a CSV
  file), then one DuckDB statement per figure computes the tallies of both years and the
  streak counts. Only the DuckDB statements are timed, not the copy (its time is printed).
"""

from __future__ import annotations

import csv
import gc
import os
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from bench.runner import django_setup, pg_database, pg_exists, spawn
from bench.summary import Ratio

SEED = 20261121
YEAR = 2024
STREAK = 5
SCALE = float(os.environ.get("TONGKET_BENCH_SCALE", "1"))
REPEAT = {"root": 5, "province": 7, "ward": 21}
DUCK_REPEAT = {"root": 5, "province": 7, "ward": 11}
TARGETS_MS = {
    ("city", "SQLite", "root"): 2000.0,
    ("city", "PostgreSQL", "root"): 1000.0,
    ("city", "SQLite", "ward"): 50.0,
    ("city", "PostgreSQL", "ward"): 50.0,
    ("national", "PostgreSQL", "root"): 10_000.0,
    ("national", "PostgreSQL", "province"): 1000.0,
    ("national", "PostgreSQL", "ward"): 50.0,
}
DUCK_FACTOR = 3.0  # national root: within 3× of the DuckDB reference
NAIVE_ROOT = os.environ.get("TONGKET_BENCH_NAIVE_ROOT", "1") != "0"
BENCH = "figures"


# --- The cases -----------------------------------------------------------------------------


def _tree(day: date) -> tuple[dict[int, list[int]], dict[int, str], int]:
    """Children and kinds of every organization on `day`, and the root."""
    from tongket.party.models import PartyOrgVersion

    rows = PartyOrgVersion.objects.filter(valid_from__lte=day).exclude(valid_to__lt=day)
    children: dict[int, list[int]] = {}
    kinds, root = {}, None
    for org, parent, kind in rows.values_list("org_id", "parent_id", "kind").iterator(50_000):
        kinds[org] = kind
        if parent is None:
            root = org
        else:
            children.setdefault(parent, []).append(org)
    return children, kinds, root


def cases(day: date) -> list[tuple[str, str, int, int]]:
    """(level, label, org id, members) to time: the root; the committees with committees
    under them (provinces), the largest and the median; the committees right above grassroots
    organizations (wards), the smallest, the median and the largest by members on `day`."""
    from django.db.models import Count

    from tongket.party.models import Membership

    children, kinds, root = _tree(day)
    valid = Membership.objects.filter(kind="official", valid_from__lte=day).exclude(
        valid_to__lt=day
    )
    direct = Counter(
        dict(valid.values("org_id").annotate(n=Count("id")).values_list("org_id", "n"))
    )
    size: dict[int, int] = {}

    def total(node: int) -> int:  # iterative post-order: trees here are shallow but wide
        order, todo = [], [node]
        while todo:
            order.append(n := todo.pop())
            todo += children.get(n, ())
        for n in reversed(order):
            size[n] = direct[n] + sum(size[c] for c in children.get(n, ()))
        return size[node]

    total(root)
    committees = [n for n, k in kinds.items() if k == "party_committee" and n != root]
    provinces = [
        n for n in committees if any(kinds[c] == "party_committee" for c in children.get(n, ()))
    ]
    wards = sorted((n for n in committees if n not in provinces), key=lambda n: (size[n], n))
    picked = [("root", "root committee", root)]
    if provinces:
        provinces.sort(key=lambda n: (size[n], n))
        picked += [
            ("province", "largest province committee", provinces[-1]),
            ("province", "median province committee", provinces[len(provinces) // 2]),
        ]
    picked += [
        ("ward", "smallest ward committee", wards[0]),
        ("ward", "median ward committee", wards[len(wards) // 2]),
        ("ward", "largest ward committee", wards[-1]),
    ]
    return [(level, label, org, size[org]) for level, label, org in picked]


# --- The product ---------------------------------------------------------------------------


def product(actor, org, year: int = YEAR) -> tuple[dict, dict[str, float]]:
    """The review figures of `org` for `year` as review_figures reads them, and the time of
    each part in ms: the evaluation (tallies with the previous year, and the streaks, in one
    call) and the targets."""
    from tongket.evaluation.selectors import review_evaluation
    from tongket.targets.selectors import targets_status

    times = {}
    started = time.perf_counter()
    tallies, found = review_evaluation(actor, org, year, STREAK)
    times["evaluation"] = _since(started)
    started = time.perf_counter()
    targets = targets_status(actor, org, str(year))
    times["targets"] = _since(started)
    figures = {
        "tallies": tallies,
        "streaks": (len(found.orgs), len(found.members)),
        "targets": len(targets),
    }
    return figures, times


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


# --- DuckDB --------------------------------------------------------------------------------

COLUMNS = {
    "versions": ("org_id BIGINT", "parent_id BIGINT", "kind VARCHAR", "valid_from DATE",
                 "valid_to DATE"),
    "memberships": ("member_id BIGINT", "org_id BIGINT", "kind VARCHAR", "valid_from DATE",
                    "valid_to DATE"),
    "rounds": ("id BIGINT", "quarter INTEGER"),
    "results": ("round_id BIGINT", "org_id BIGINT", "member_id BIGINT", "year INTEGER",
                "level VARCHAR"),
}  # fmt: skip


def _sources() -> dict[str, tuple[str, tuple[str, ...]]]:
    from tongket.evaluation.models import Evaluation, EvaluationRound
    from tongket.party.models import Membership, PartyOrgVersion

    return {
        "versions": (PartyOrgVersion._meta.db_table, ("org_id", "parent_id", "kind",
                                                      "valid_from", "valid_to")),
        "memberships": (Membership._meta.db_table, ("member_id", "org_id", "kind", "valid_from",
                                                    "valid_to")),
        "rounds": (EvaluationRound._meta.db_table, ("id", "quarter")),
        "results": (Evaluation._meta.db_table, ("round_id", "org_id", "member_id", "year",
                                                "'L' || level")),  # '' is not NULL in CSV
    }  # fmt: skip


def duck_load(folder: Path):
    """An in-memory DuckDB holding copies of the four tables the figures read; the copy goes
    through a CSV file per table (COPY … TO STDOUT on PostgreSQL, the rows on SQLite)."""
    import duckdb
    from django.db import connection

    duck = duckdb.connect()
    for name, (table, fields) in _sources().items():
        path = folder / f"{name}.csv"
        select = f"SELECT {', '.join(fields)} FROM {table}"  # noqa: S608 - model names
        with connection.cursor() as cursor, path.open("w", newline="") as out:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:
                    for chunk in copy:
                        out.write(bytes(chunk).decode())
            else:
                cursor.execute(select)
                writer = csv.writer(out)
                while rows := cursor.fetchmany(50_000):
                    writer.writerows(rows)
        types = ", ".join(f"'{c.split()[0]}': '{c.split()[1]}'" for c in COLUMNS[name])
        duck.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header=false, "
            f"columns={{{types}}}, nullstr='')"
        )
        path.unlink()
    duck.execute("UPDATE results SET level = substr(level, 2)")  # the 'L' added for the copy
    # The annual results, as the selectors read them (quarterly rounds never count).
    duck.execute(
        "CREATE VIEW annual AS SELECT x.* FROM results x JOIN rounds r ON r.id = x.round_id "
        "WHERE r.quarter IS NULL"
    )
    return duck


WALK = """
WITH RECURSIVE sub(node, kind, under) AS (
    SELECT v.org_id, v.kind, false FROM versions v
    WHERE v.org_id = $root AND v.valid_from <= $day AND (v.valid_to IS NULL OR v.valid_to >= $day)
    UNION
    SELECT v.org_id, v.kind, sub.under OR sub.kind = 'grassroots_committee'
    FROM versions v JOIN sub ON v.parent_id = sub.node
    WHERE v.valid_from <= $day AND (v.valid_to IS NULL OR v.valid_to >= $day)
),
orgs AS (
    SELECT node, CASE WHEN kind IN ('grassroots_committee', 'grassroots_branch')
                       AND node <> $root THEN 'grassroots'
                      WHEN kind = 'sub_branch' AND under THEN 'sub_branches' END AS grp
    FROM sub
),
m AS (
    SELECT DISTINCT ms.member_id FROM memberships ms JOIN sub ON ms.org_id = sub.node
    WHERE ms.kind = 'official' AND ms.valid_from <= $day
      AND (ms.valid_to IS NULL OR ms.valid_to >= $day)
)
"""

TALLY = (
    WALK
    + """
SELECT grp, NULL AS level, COUNT(*) FROM orgs WHERE grp IS NOT NULL GROUP BY grp
UNION ALL
SELECT o.grp, a.level, COUNT(*) FROM orgs o JOIN annual a ON a.org_id = o.node
WHERE o.grp IS NOT NULL AND a.year = $year GROUP BY o.grp, a.level
UNION ALL
SELECT 'members', NULL, COUNT(*) FROM m
UNION ALL
SELECT 'members', a.level, COUNT(*) FROM m JOIN annual a ON a.member_id = m.member_id
WHERE a.year = $year GROUP BY a.level
"""
)

STREAKS = (
    WALK
    + """
SELECT 'orgs', COUNT(*) FROM (
    SELECT a.org_id FROM orgs o JOIN annual a ON a.org_id = o.node
    WHERE o.grp IS NOT NULL AND a.level = 'excellent' AND a.year BETWEEN $first AND $year
    GROUP BY a.org_id HAVING COUNT(DISTINCT a.year) = $years)
UNION ALL
SELECT 'members', COUNT(*) FROM (
    SELECT a.member_id FROM m JOIN annual a ON a.member_id = m.member_id
    WHERE a.level = 'excellent' AND a.year BETWEEN $first AND $year
    GROUP BY a.member_id HAVING COUNT(DISTINCT a.year) = $years)
"""
)


def _duck_tally(duck, root: int, year: int, previous: bool):
    """The Tallies the selector returns, from DuckDB's counts (a streak needs every year
    excellent: with one annual result per subject and year, as the rounds enforce, that is
    what streak_lengths counts)."""
    from tongket.domain.evaluation import Level, Tally
    from tongket.evaluation.selectors import Tallies

    day = date(year, 12, 31)
    rows = duck.execute(TALLY, {"root": root, "day": day, "year": year}).fetchall()
    sizes = {grp: n for grp, level, n in rows if level is None}
    counts: dict[str, Counter] = {g: Counter() for g in ("grassroots", "sub_branches", "members")}
    for grp, level, n in rows:
        if level is not None:
            counts[grp][Level(level).value if level else "unclassified"] += n
    groups = {g: Tally(sizes.get(g, 0), **{k: counts[g][k] for k in counts[g]}) for g in counts}
    missing = {g: sizes.get(g, 0) - sum(counts[g].values()) for g in counts}
    before = _duck_tally(duck, root, year - 1, False) if previous else None
    return Tallies(
        year, groups["grassroots"], groups["sub_branches"], groups["members"], missing, before
    )


def duck_figures(duck, root: int, year: int = YEAR) -> dict:
    params = {"root": root, "day": date(year, 12, 31), "year": year}
    found = dict(duck.execute(STREAKS, {**params, "first": year - STREAK + 1, "years": STREAK})
                 .fetchall())  # fmt: skip
    return {
        "tallies": _duck_tally(duck, root, year, True),
        "streaks": (found["orgs"], found["members"]),
    }


# --- Timing --------------------------------------------------------------------------------


def _median_min(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), min(times)


def _fmt(ms: float) -> str:
    return f"{ms:,.0f} ms" if ms >= 100 else f"{ms:.1f} ms"


def _timed_product(actor, org, repeat: int) -> tuple[dict, dict[str, tuple[float, float]], float]:
    """One first run (caches of the tree fill then), then `repeat` runs: the figures, the
    median and fastest of the whole and of each part, and the first run's time."""
    started = time.perf_counter()
    figures, _ = product(actor, org)
    first = _since(started)
    runs: dict[str, list[float]] = {"figures": [], "evaluation": [], "targets": []}
    for _ in range(repeat):
        figures, times = product(actor, org)
        runs["figures"].append(sum(times.values()))
        for part, ms in times.items():
            runs[part].append(ms)
    return figures, {part: _median_min(ms) for part, ms in runs.items()}, first


def _timed(func, repeat: int) -> tuple[object, tuple[float, float]]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(_since(started))
    return result, _median_min(times)


def run(scale: str, backend: str) -> dict:
    """Times every case on the database Django is set up on; returns the report's rows and
    the ratios."""
    from django.db import connection

    from bench.bench_evaluation import naive_tally
    from tongket.core.actor import Actor
    from tongket.party.models import PartyOrg

    actor = Actor.cli("bench")
    with tempfile.TemporaryDirectory(prefix="tongket-duck-") as tmp:
        started = time.perf_counter()
        duck = duck_load(Path(tmp))
        load_s = time.perf_counter() - started
    gc.collect()
    picked = cases(date(YEAR, 12, 31))
    rows, ratios, load = [], [], [os.getloadavg()[0]]
    for level, label, org_id, members in picked:
        org = PartyOrg.objects.get(pk=org_id)
        figures, times, first = _timed_product(actor, org, REPEAT[level])
        duck_result, duck_ms = _timed(lambda o=org_id: duck_figures(duck, o), DUCK_REPEAT[level])
        expected = {k: figures[k] for k in ("tallies", "streaks")}
        assert duck_result == expected, f"{label}: DuckDB differs\n{duck_result}\n{expected}"
        naive_ms = None
        if level == "ward" or (level == "root" and scale == "city" and NAIVE_ROOT):
            naive, naive_ms = _timed(lambda o=org_id: naive_tally(o, YEAR), 1 if level == "root"
                                     else 3)  # fmt: skip
            assert naive == figures["tallies"], f"{label}: the naive tallies differ"
        target = TARGETS_MS[(scale, backend, level)]
        t = figures["tallies"]
        size = (
            f"{members:,} members, {t.grassroots.total:,} grassroots, "
            f"{t.sub_branches.total:,} sub-branches; streaks {figures['streaks'][0]} orgs, "
            f"{figures['streaks'][1]} members; {figures['targets']} indicators"
        )
        median, best = times["figures"]
        verdict = f"≤ {_fmt(target)}: {'met' if median <= target else 'MISSED'}"
        parts = ", ".join(f"{p} {_fmt(times[p][0])}" for p in ("evaluation", "targets"))
        rows.append(
            (
                f"{label} ({org.code})",
                size,
                f"{_fmt(median)} (min {_fmt(best)})",
                parts,
                verdict,
                f"{_fmt(duck_ms[0])} ({median / duck_ms[0]:.1f}×)",
                f"{_fmt(naive_ms[0])} ({naive_ms[0] / times['evaluation'][0]:.0f}×)"
                if naive_ms
                else "—",
                f"first run {_fmt(first)}",
            )
        )
        case = f"{scale} {backend} {label}"
        ratios.append(
            Ratio(BENCH, f"{case}: figures", median, "DuckDB", duck_ms[0], target=target).__dict__
        )
        if naive_ms:
            ratios.append(
                Ratio(
                    BENCH,
                    f"{case}: tallies+streaks",
                    times["evaluation"][0],
                    "naive tallies",
                    naive_ms[0],
                ).__dict__  # fmt: skip
            )
    load.append(os.getloadavg()[0])
    return {
        "rows": rows,
        "ratios": ratios,
        "load": load,
        "duck_load_s": load_s,
        "server": _server_version(connection),
        "data": _data_line(),
    }


def _server_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def _data_line() -> str:
    from tongket.evaluation.models import Evaluation
    from tongket.party.models import Member, Membership, PartyOrg

    return (
        f"{PartyOrg.objects.count():,} organizations, {Member.objects.count():,} members, "
        f"{Membership.objects.count():,} memberships, {Evaluation.objects.count():,} results"
    )


# --- Processes -----------------------------------------------------------------------------


def child(scale: str, backend: str, database_url: str | None) -> dict:
    """One database in this process: generate the city when it is empty, then time it."""
    with tempfile.TemporaryDirectory(prefix="tongket-bench-") as tmp:
        # The national database is read as it is: never migrated here (its writer may be
        # running; an ALTER TABLE would queue behind its COPY and block every reader).
        django_setup(Path(tmp), database_url, migrate=scale == "city")
        from django.db import connection, connections

        from tongket.party.models import PartyOrg

        try:
            generated = None
            if not PartyOrg.objects.exists():
                if scale != "city":
                    raise SystemExit("the national database is empty: run tongket synth first")
                from tongket.synth import SCALES, generate

                data = generate(SCALES["city"].times(SCALE), SEED, prefix="BENCH")
                generated = data.seconds
                if connection.vendor == "postgresql":  # as autovacuum would before long
                    # VACUUM too, not only ANALYZE: until the visibility map is set, every
                    # index-only scan of the results reads the table as well (a server with
                    # autovacuum off, like this machine's, never sets it).
                    with connection.cursor() as cursor:
                        cursor.execute("VACUUM (ANALYZE)")
            result = run(scale, backend)
            result["generated_s"] = generated
            return result
        finally:
            connections.close_all()


def report(title: str, result: dict) -> str:
    head = (
        "Subject", "Size (2024)", "Figures (median)", "Parts (medians)", "Target",
        "DuckDB (figures ÷ DuckDB)", "Naive tallies (÷ product tallies + streaks)", "Note",
    )  # fmt: skip
    lines = [
        f"### {title}: {result['server']}\n",
        f"- Data: {result['data']}",
        "- Generation: "
        + (
            f"{result['generated_s']:.0f} s (this run)"
            if result["generated_s"]
            else "reused from an earlier run"
        ),
        f"- DuckDB copy of the rows (not timed in the ratios): {result['duck_load_s']:.1f} s",
        "- Load average (1 min) at the start and the end of the timings: "
        + " → ".join(f"{x:.1f}" for x in result["load"]),
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(row) + " |" for row in result["rows"]),
    ]
    return "\n".join(lines)


def _sqlite_url() -> str | None:
    folder = os.environ.get("TONGKET_BENCH_CACHE")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    name = f"figures-city-{SEED}" + (f"-x{SCALE:g}" if SCALE != 1 else "")
    return f"sqlite:///{Path(folder).resolve() / name}.sqlite3"


def main() -> list[Ratio]:
    print("## Review figures at city and national scale (issue 7)\n", flush=True)
    ratios = []
    parts = [("city", "SQLite", _sqlite_url(), None)]
    if url := os.environ.get("TONGKET_BENCH_PG"):
        parts.append(("city", "PostgreSQL", url, "create"))
    national = os.environ.get("TONGKET_BENCH_NATIONAL_DB")
    if national and pg_exists(national):
        parts.append(("national", "PostgreSQL", national, None))
    for scale, backend, url, create in parts:
        if create:
            with pg_database(url, keep=os.environ.get("TONGKET_BENCH_KEEP") == "1"):
                result = spawn("bench.bench_figures", "child", scale, backend, url)
        else:
            try:
                result = spawn("bench.bench_figures", "child", scale, backend, url)
            except subprocess.CalledProcessError:
                if scale == "city":
                    raise
                print("National scale: the run failed (above); skipped.\n", flush=True)
                continue
        print(report(f"{scale} scale", result) + "\n", flush=True)
        ratios += [Ratio(**r) for r in result["ratios"]]
    if not national or not pg_exists(national):
        print(
            "National scale: skipped, "
            + (
                f"the database of TONGKET_BENCH_NATIONAL_DB ({national}) does not exist."
                if national
                else "TONGKET_BENCH_NATIONAL_DB is not set."
            ),
            flush=True,
        )
    return ratios


if __name__ == "__main__":
    from bench.summary import ratio_table

    print(ratio_table(main()))

"""Members of a ward committee's subtree on a date (issue 3), on a synthetic city.

    .venv/bin/python -m bench.bench_members_on
    TONGKET_BENCH_PG=postgres://postgres@127.0.0.1:5432/tongket_bench_members \
        .venv/bin/python -m bench.bench_members_on     # SQLite, then the same on PostgreSQL

Each database runs in a child process with its own Django set-up (settings are read once per
process): a fresh SQLite file in a temporary directory, and, when TONGKET_BENCH_PG names a
database that does not exist yet, a PostgreSQL database created for the run and dropped after.

The city is written by tongket.synth (scale "city", without evaluations), with bulk inserts,
deterministically (random.Random(SEED)), the same rows as before it moved there: one city
committee, 168 ward committees, about 5,000 grassroots organizations (committees and branches),
about 25,000 sub-branches under the grassroots committees, 500,000 members each with one
official membership from their admission day, 2% of them with an earlier membership elsewhere
ended by a transfer, and a few grassroots organizations that moved from one ward committee to
another on 1/1/2024 (two versions each). Then tongket.core.revisions.bump("orgs").

Timed (medians of 21 runs): `members_on(Actor.cli(), ward, 31/12/2024).count()` and its first
50 rows, as the API's member list asks for them, for a few ward committees (target ≤ 50 ms),
against a naive baseline measured in the same run (one ORM query per organization to walk the
subtree on the day, then one count per organization); both must give the generator's count.
The whole city is timed for information. The "experiment" rows are alternatives written here,
not in the project, to size a proposed change (see docs/PERFORMANCE.md). Where members_on
itself fails on a database (PostgreSQL, at the time of writing), a copy of it in this file with
the one change that makes it run (members_on_cast) is timed instead, and the report says so.

TONGKET_BENCH_SCALE (default 1) shrinks the city for a quick trial run.
"""

from __future__ import annotations

import gc
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.runner import spawn
from bench.summary import Ratio

SEED = 20261121
DAY = date(2024, 12, 31)
BEFORE_MOVE = date(2023, 12, 31)
MOVE_DAY = date(2024, 1, 1)
SCALE = float(os.environ.get("TONGKET_BENCH_SCALE", "1"))
WARDS = 168
PAGE = 50  # the API's page size
REPEAT = 21
NAIVE_REPEAT = 5
CITY_REPEAT = 5
TARGET_MS = 50.0
RATIOS: list[tuple] = []  # (case, ms, baseline name, baseline ms), sent to the parent
STARTED = time.perf_counter()  # this process's start: the child times its whole run


# --- Set-up ---------------------------------------------------------------------------------


def _django(var: Path, database_url: str | None) -> None:
    """Points tongket at a scratch database before Django starts, then migrates it."""
    import django

    os.environ["TONGKET_VAR_DIR"] = str(var)
    os.environ["TONGKET_DATABASE_URL"] = database_url or f"sqlite:///{var / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate() -> dict:
    """Writes the city (tongket.synth, without evaluations); returns its sizes, the wards to
    time and the true counts per day."""
    from django.db import connection

    from tongket.synth import SCALES
    from tongket.synth.city import generate_city

    city = generate_city(SCALES["city"].times(SCALE), SEED, prefix="BENCH")
    if connection.vendor == "postgresql":  # as autovacuum would before long
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    truth = {day: city.members_by_org(day) for day in (DAY, BEFORE_MOVE)}

    def true_count(root: int, day: date) -> int:
        return sum(truth[day][org] for org in city.under(root, day))

    by_size = sorted(city.wards, key=lambda w: true_count(w, DAY))
    gave = city.parent[city.moved[0]][0][2]  # a ward that handed an organization over on 1/1/2024
    cases = [
        ("smallest ward committee", by_size[0], DAY),
        ("median ward committee", by_size[len(by_size) // 2], DAY),
        ("largest ward committee", by_size[-1], DAY),
        ("ward committee that gave up an organization", gave, DAY),
        ("  the same, before the move", gave, BEFORE_MOVE),
    ]
    return {
        "seconds": city.seconds,
        "orgs": len(city.parent),
        "versions": city.versions,
        "committees": len(city.committees),
        "branches": len(city.branches),
        "subs": len(city.subs),
        "members": len(city.spans),
        "memberships": city.memberships,
        "transfers": city.transfers,
        "moved": len(city.moved),
        "city": city.top,
        "cases": [
            (label, ward, day, true_count(ward, day), len(city.under(ward, day)))
            for label, ward, day in cases
        ],
        "city_count": true_count(city.top, DAY),
    }


# --- What is timed --------------------------------------------------------------------------


class Timing:
    """Median and best of repeated runs, in milliseconds; the median is the figure judged.
    The best run shows the floor when other jobs share the machine."""

    def __init__(self, times: list[float]):
        self.median, self.best = statistics.median(times), min(times)

    def __str__(self) -> str:
        digits = 0 if self.median >= 1000 else 1
        return f"{self.median:.{digits}f} ms (min {self.best:.{digits}f})"


def _time(func, repeat: int = REPEAT) -> tuple[Timing, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - started) * 1000)
    return Timing(times), result


def naive_walk(root: int, day: date) -> list[int]:
    """The baseline's walk: ask the database for the children of each organization on the day."""
    from tongket.party.models import PartyOrgVersion

    found, todo = [], [root]
    while todo:
        found.append(node := todo.pop())
        rows = PartyOrgVersion.objects.filter(parent_id=node, valid_from__lte=day).exclude(
            valid_to__lt=day
        )
        todo += rows.values_list("org_id", flat=True)
    return found


def _valid_memberships(org_id: int, day: date):
    from tongket.party.models import Membership

    rows = Membership.objects.filter(org_id=org_id, kind="official", valid_from__lte=day)
    return rows.exclude(valid_to__lt=day)


def naive_count(root: int, day: date) -> int:
    """The baseline: the walk, then one count of valid official memberships per organization."""
    return sum(_valid_memberships(org, day).count() for org in naive_walk(root, day))


def naive_page(root: int, day: date) -> list[int]:
    """The baseline's page: the walk, the member ids of each organization, then one query."""
    from tongket.party.models import Member

    ids = []
    for org in naive_walk(root, day):
        ids += _valid_memberships(org, day).values_list("member_id", flat=True)
    return list(Member.objects.filter(pk__in=ids).values_list("pk", flat=True)[:PAGE])


def _selector(actor, org) -> tuple[str, object, str]:
    """members_on, or, where it fails on this database, a copy of it in this file with the one
    change that makes it run; the table says which was timed."""
    from django.db import DatabaseError

    from tongket.party.selectors import members_on

    try:
        members_on(actor, org, DAY).count()
    except DatabaseError as error:
        return "members_on_cast", members_on_cast, str(error).splitlines()[0]
    return "members_on", members_on, ""


def run(backend: str) -> tuple[dict, list[tuple[str, ...]], tuple[list, list]]:
    from django.db import connection

    from tongket.core.actor import Actor
    from tongket.party.models import PartyOrg

    stats = generate()
    gc.collect()
    stats["load"] = [os.getloadavg()[0]]
    actor = Actor.cli("bench")
    city = PartyOrg.objects.get(pk=stats["city"])
    smallest = PartyOrg.objects.get(pk=stats["cases"][0][1])
    name, selector, stats["failure"] = _selector(actor, smallest)
    rows = []
    for label, ward, day, expected, orgs in stats["cases"]:
        org = PartyOrg.objects.get(pk=ward)
        count_ms, count = _time(lambda o=org, d=day: selector(actor, o, d).count())
        page_ms, page = _time(lambda o=org, d=day: [m.pk for m in selector(actor, o, d)[:PAGE]])
        naive_ms, naive = _time(lambda w=ward, d=day: naive_count(w, d), NAIVE_REPEAT)
        naive_page_ms, naive_rows = _time(lambda w=ward, d=day: naive_page(w, d), NAIVE_REPEAT)
        assert count == naive == expected, f"{label}: {count} ≠ {naive} ≠ {expected}"
        assert page == naive_rows, f"{label}: the first {PAGE} rows differ"
        RATIOS.append(
            (
                f"{backend}: count, {label.strip()}",
                count_ms.median,
                "one query per org",
                naive_ms.median,
            )
        )
        rows += [
            (
                f"{label} ({org.code})",
                day.isoformat(),
                f"{name}(…).count()",
                f"{expected} members, {orgs} orgs",
                str(count_ms),
                _verdict(count_ms),
                "",
            ),
            (
                "",
                day.isoformat(),
                f"{name}(…)[:{PAGE}]",
                f"{len(page)} rows",
                str(page_ms),
                _verdict(page_ms),
                "",
            ),
            (
                "",
                day.isoformat(),
                "baseline: count, one query per org",
                f"{2 * orgs} queries",
                str(naive_ms),
                "",
                _ratio(naive_ms, count_ms),
            ),
            (
                "",
                day.isoformat(),
                f"baseline: first {PAGE} rows",
                f"{2 * orgs + 1} queries",
                str(naive_page_ms),
                "",
                _ratio(naive_page_ms, page_ms),
            ),
        ]
    count_ms, count = _time(lambda: selector(actor, city, DAY).count(), CITY_REPEAT)
    page_ms, page = _time(lambda: [m.pk for m in selector(actor, city, DAY)[:PAGE]], CITY_REPEAT)
    naive_ms, naive = _time(lambda: naive_count(city.pk, DAY), 1)
    assert count == naive == stats["city_count"], "the city's counts differ"
    RATIOS.append(
        (f"{backend}: count, whole city", count_ms.median, "one query per org", naive_ms.median)
    )
    rows += [
        (
            f"whole city, for information ({city.code})",
            DAY.isoformat(),
            f"{name}(…).count(), {CITY_REPEAT} runs",
            f"{count} members, {stats['orgs']} orgs",
            str(count_ms),
            "",
            "",
        ),
        (
            "",
            DAY.isoformat(),
            f"{name}(…)[:{PAGE}], {CITY_REPEAT} runs",
            f"{len(page)} rows",
            str(page_ms),
            "",
            "",
        ),
        (
            "",
            DAY.isoformat(),
            "baseline: count, one query per org, 1 run",
            f"{2 * stats['orgs']} queries",
            str(naive_ms),
            "",
            _ratio(naive_ms, count_ms),
        ),
    ]
    trials = experiments(stats, actor, name, selector)
    stats["load"].append(os.getloadavg()[0])
    stats["backend"] = f"{backend} {_server_version(connection)}"
    return stats, rows, trials


# --- Experiments: alternatives sized here, not made in the project --------------------------

# The walk of tongket.core.tree_sql.subtree_snapshot, with the root cast to the key's type:
# PostgreSQL types a bare "SELECT 94" integer, and the recursive part's org_id is bigint.
WALK = """
    WITH RECURSIVE sub(node) AS (
        SELECT CAST(%s AS bigint)
        UNION
        SELECT v.org_id FROM party_partyorgversion v JOIN sub ON v.parent_id = sub.node
        WHERE v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to >= %s)
    )
"""
SNAPSHOT_SQL = (
    WALK
    + """
    SELECT v.org_id, v.valid_from, v.valid_to, v.name, v.kind, v.parent_id, i.code
    FROM party_partyorgversion v JOIN sub ON v.org_id = sub.node
    JOIN party_partyorg i ON i.id = v.org_id
    WHERE v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to >= %s)
"""
)
SUBTREE_SQL = WALK + "SELECT node FROM sub"
# In place of the index (org_id, valid_from, valid_to): kind and member_id in it too.
COVERING = (
    "CREATE INDEX bench_membership_cover "
    "ON party_membership (org_id, kind, valid_from, valid_to, member_id)"
)
BY_NAME = "CREATE INDEX bench_member_by_name ON party_member (name_sort, card_number)"


def members_on_cast(actor, org, day: date):
    """members_on with tongket.core.tree_sql's query copied here, the root cast to bigint."""
    from django.db import connection

    from tongket.core.permissions import restrict
    from tongket.core.tree_sql import _dates
    from tongket.domain.timeline import Snapshot, Version
    from tongket.party.models import Member, Membership

    with connection.cursor() as cursor:
        cursor.execute(SNAPSHOT_SQL, [org.pk, day, day, day, day])
        ids = list(Snapshot((Version(*_dates(row)) for row in cursor.fetchall()), day).nodes)
    memberships = Membership.objects.filter(org_id__in=ids, kind="official", valid_from__lte=day)
    memberships = memberships.exclude(valid_to__lt=day)
    return restrict(Member.objects.all(), actor).filter(pk__in=memberships.values("member_id"))


def one_query_memberships(org, day: date):
    """Valid official memberships in the subtree, the walk inside the same SQL statement."""
    from django.db.models.expressions import RawSQL

    from tongket.party.models import Membership

    subtree = RawSQL(SUBTREE_SQL, [org.pk, day, day])  # noqa: S611 - constant SQL, parameters
    rows = Membership.objects.filter(org_id__in=subtree, kind="official", valid_from__lte=day)
    return rows.exclude(valid_to__lt=day)


def one_query(actor, org, day: date):
    """A: members_on with the subtree as a subquery instead of a list of ids from Python."""
    from tongket.core.permissions import restrict
    from tongket.party.models import Member

    members = one_query_memberships(org, day).values("member_id")
    return restrict(Member.objects.all(), actor).filter(pk__in=members)


def page_by_name(org, day: date) -> list[int]:
    """C: A's first page walked in name order over the index (name_sort, card_number), which
    stops at the 50th member found instead of sorting them all. SQLite is told to use the
    index (INDEXED BY); PostgreSQL's planner chooses."""
    from django.db import connection

    sql, params = one_query_memberships(org, day).values("member_id").query.sql_with_params()
    hint = "INDEXED BY bench_member_by_name" if connection.vendor == "sqlite" else ""
    page = f"""
        SELECT p.id FROM party_member p {hint} WHERE p.id IN ({sql})
        ORDER BY p.name_sort, p.card_number LIMIT {PAGE}
    """  # noqa: S608 - the inner query is Django's, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(page, params)
        return [row[0] for row in cursor.fetchall()]


def experiments(stats: dict, actor, selector_name: str, selector) -> tuple[list, list]:
    """Three wards: the selector and the alternatives as the schema is, then with memory-mapped
    reads (SQLite), with a covering index on memberships and an index in name order, with
    both. Run last: the indexes and the pragma stay on this scratch database and connection.
    Returns the table's head and rows: one row per query, a count and a page per ward."""
    from django.db import connection

    from tongket.party.models import PartyOrg

    wanted = ("largest", "median", "smallest")
    cases = [c for c in stats["cases"] if c[0].startswith(wanted)]
    cases.sort(key=lambda c: wanted.index(c[0].split()[0]))
    orgs = {ward: PartyOrg.objects.get(pk=ward) for _label, ward, *_rest in cases}
    pages = {
        ward: [m.pk for m in selector(actor, orgs[ward], day)[:PAGE]]
        for _label, ward, day, *_rest in cases
    }
    head = ["Schema / settings", "Query"]
    for label, ward, _day, expected, _orgs in cases:
        where = f"{label.split()[0]} ({orgs[ward].code}, {expected} members)"
        head += [f"{where}: count()", f"first {PAGE}"]
    queries = [
        (selector_name, lambda o, d: selector(actor, o, d), True),
        ("A: subtree as a subquery, one statement", lambda o, d: one_query(actor, o, d), True),
        ("B: A, counting memberships, not members", one_query_memberships, False),
    ]

    def measure(variant: str, by_name: bool = False) -> list[tuple[str, ...]]:
        out = []
        for name, make, paged in queries:
            cells = [variant, name]
            for _label, ward, day, expected, _orgs in cases:
                org = orgs[ward]
                count_ms, count = _time(lambda m=make, o=org, d=day: m(o, d).count())
                assert count == expected, f"{variant} {name}: {count} ≠ {expected}"
                cells.append(f"{count_ms.median:.1f}")
                if paged:
                    page_ms, page = _time(lambda m=make, o=org, d=day: _pks(m(o, d)[:PAGE]))
                    assert page == pages[ward], f"{variant} {name}: the pages differ"
                    cells.append(f"{page_ms.median:.1f}")
                else:
                    cells.append("—")
            out.append(tuple(cells))
        if by_name:
            cells = [variant, "C: A's page in name order over the name index"]
            for _label, ward, day, *_rest in cases:
                page_ms, page = _time(lambda o=orgs[ward], d=day: page_by_name(o, d))
                assert page == pages[ward], f"{variant} C: the pages differ"
                cells += ["—", f"{page_ms.median:.1f}"]
            out.append(tuple(cells))
        return out

    sqlite = connection.vendor == "sqlite"
    mmap = "PRAGMA mmap_size = 1073741824"  # this connection reads through mapped pages
    trials = measure("as it is")
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute(mmap)
            trials += measure("+ mmap_size 1 GiB")
            cursor.execute("PRAGMA mmap_size = 0")
        cursor.execute(COVERING)
        cursor.execute(BY_NAME)
        if not sqlite:
            cursor.execute("ANALYZE party_membership, party_member")
        trials += measure("+ covering index, + name index", by_name=True)
        if sqlite:
            cursor.execute(mmap)
            trials += measure("+ both indexes, + mmap", by_name=True)
    return head, trials


def _pks(rows) -> list[int]:
    return [row.pk for row in rows]


def _server_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def _ratio(baseline: Timing, timing: Timing) -> str:
    return f"baseline ÷ selector: {baseline.median / timing.median:.1f}"


def _verdict(timing: Timing) -> str:
    return f"≤ {TARGET_MS:.0f} ms: {'met' if timing.median <= TARGET_MS else 'MISSED'}"


def table(head: tuple[str, ...], rows) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def report(stats: dict, rows, trials) -> str:
    head, trials = trials
    load = " → ".join(f"{x:.1f}" for x in stats["load"])
    return "\n".join(
        [
            f"### {stats['backend']}\n",
            f"- Data: {stats['orgs']} organizations (1 city, {WARDS} ward committees, "
            f"{stats['committees']} grassroots committees, "
            f"{stats['branches']} grassroots branches, "
            f"{stats['subs']} sub-branches), {stats['versions']} versions ({stats['moved']} "
            f"organizations moved on {MOVE_DAY.isoformat()}), {stats['members']} members, "
            f"{stats['memberships']} memberships ({stats['transfers']} ended by a transfer)",
            f"- Generation (bulk inserts, one transaction): {stats['seconds']:.1f} s",
            f"- Load average (1 min) at the start and the end of the timings: {load}",
            *(
                [
                    f"- members_on fails on this database: `{stats['failure']}`; the rows time "
                    "a copy of it in this file (members_on_cast) whose only change is the root "
                    "cast to bigint"
                ]
                if stats["failure"]
                else []
            ),
            "",
            table(
                ("Organization", "Day", "Operation", "Size", "Time (median)", "Target", "Note"),
                rows,
            ),
            "",
            f"Experiments on the same database, {DAY.isoformat()}, "
            f"in ms (medians of {REPEAT} runs):\n",
            table(tuple(head), trials),
            "",
            f"Whole run on {stats['backend']}: {time.perf_counter() - STARTED:.0f} s",
        ]
    )


# --- Processes ------------------------------------------------------------------------------


def child(backend: str) -> list:
    """One database, one process: set up Django on it, generate, time, print the report."""
    with tempfile.TemporaryDirectory(prefix="tongket-bench-") as tmp:
        _django(Path(tmp), os.environ["TONGKET_BENCH_PG"] if backend == "PostgreSQL" else None)
        try:
            print(report(*run(backend)), flush=True)
        finally:
            from django.db import connections

            connections.close_all()
    return RATIOS


def _spawn(backend: str) -> list[Ratio]:
    found = spawn("bench.bench_members_on", "child", backend)
    return [
        Ratio("members on a day", case, ms, name, base, target=TARGET_MS)
        for case, ms, name, base in found
    ]


def _postgres(url: str):
    """Creates the database TONGKET_BENCH_PG names (it must not exist) and returns a dropper."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found:
            raise SystemExit(f"TONGKET_BENCH_PG: the database {name} exists; name a new one.")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop() -> None:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))

    return drop


def main() -> list[Ratio]:
    print("## Members of a subtree on a date (issue 3)\n", flush=True)
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

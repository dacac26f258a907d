"""Importing 100,000 members from one .xlsx file (issues 3 and 7), against django-import-export.

    .venv/bin/python -m bench.bench_members_import
    .venv/bin/python -m bench.bench_members_import --profile   # cProfile of the pipeline, top 30
    .venv/bin/python -m bench.bench_members_import --profile iex_bulk   # … of another run
    .venv/bin/python -m bench.bench_members_import --orm       # also one ORM save per row
    .venv/bin/python -m bench.bench_members_import --rows 2000 --stages pipeline,iex_bulk
    .venv/bin/python -m bench.bench_members_import --databases PostgreSQL   # needs …_PG
    TONGKET_BENCH_PG=postgres://postgres@127.0.0.1:5432/tongket_bench_import \\
        .venv/bin/python -m bench.bench_members_import        # then again on PostgreSQL

The file is written once with openpyxl, deterministically (random.Random(SEED)): 100,000 new
members with Vietnamese names (tongket.demo.names), each in one of the sub-branches of a small
city, one row each, dates as real date cells except the birth date, typed as dd/mm/yyyy text
the way offices often do; those admitted within the last year probationary.

Each run is a child process on a fresh database: SQLite, a new file in a temporary directory
(config.settings: WAL, synchronous=NORMAL); PostgreSQL, a new database named after
TONGKET_BENCH_PG and the run, created and dropped around it. The child migrates and builds the
organization tree through the services (org_create): one city committee, 40 ward committees,
10 sub-branches under each. Then, timed end to end from the file:

- pipeline: `plan_import("members", file)` + `apply_import(plan)`, i.e. reading the file,
  mapping and checking every row by the rules of member_create, planning against the
  database, and the all-or-nothing write through `members_register_bulk` (one audit row per
  member);
- django-import-export (bench/import_export_baseline.py): a tablib Dataset read from the same
  .xlsx, imported by `Resource.import_data(dataset, dry_run=False, use_transactions=True)`:
  plain mode with the library's default settings (one save per member and its membership,
  a diff per row), and bulk mode (use_bulk=True, batch_size=1000, skip_diff=True,
  force_init_instance=True; a second resource for the memberships);
- with --orm, the baseline of issue 3: openpyxl reads the rows, and each row is saved with
  `Member.objects.create` + `Membership.objects.create`, no validation, in one transaction
  (left out by default: it adds about 100 s per database and import-export's plain mode
  measures the same kind of loop).

Every run must leave 100,000 members and 100,000 memberships, and the same ones: a fingerprint
of (card, name, dates, gender, organization; membership organization and day) is compared.
Target: pipeline ≤ 10 s and ≥ 10× faster than django-import-export. Times are wall-clock; in
brackets the CPU time of the process, which other jobs on a shared machine disturb less.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.summary import Ratio

SEED = 20261121
ROWS = 100_000
WARDS = 40
SUB_BRANCHES = 10  # per ward committee
ORGS_FROM = date(2000, 1, 1)
LATEST = date(2026, 11, 1)  # no date after this in the file
TARGET_S = 10.0
TARGET_RATIO = 10.0
HEAD = [
    "Số thẻ đảng viên",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Mã tổ chức",
    "Từ ngày",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Trạng thái",
]
STAGES = {
    "pipeline": "tongket: plan_import + apply_import",
    "iex_bulk": "django-import-export, use_bulk=True",
    "iex": "django-import-export, default settings",
    "orm": "openpyxl + one ORM save per row",
}


# --- the file (no Django needed) ------------------------------------------------------------
def branch_codes() -> list[str]:
    return [f"P{w:02d}-CB{b:02d}" for w in range(1, WARDS + 1) for b in range(1, SUB_BRANCHES + 1)]


def write_file(path: Path, rows: int = ROWS) -> None:
    from openpyxl import Workbook

    from tongket.demo.names import person_name

    rng = random.Random(SEED)
    branches = branch_codes()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Đảng viên")
    sheet.append(HEAD)
    for i in range(1, rows + 1):
        gender = rng.choice(["male", "female"])
        birth = date(rng.randint(1945, 2004), rng.randint(1, 12), rng.randint(1, 28))
        admitted = birth + timedelta(days=rng.randint(19 * 365, 45 * 365))
        admitted = min(admitted, LATEST)
        confirmed = admitted + timedelta(days=365)
        confirmed = None if confirmed > LATEST else confirmed  # probationary
        # Active in the sub-branch from the admission, or from a later move into the city.
        since = max(admitted, ORGS_FROM) + timedelta(days=rng.randint(0, 3650))
        since = min(since, LATEST)
        sheet.append(
            [
                f"79{i:07d}",
                person_name(rng, gender),
                birth.strftime("%d/%m/%Y"),
                "Nam" if gender == "male" else "Nữ",
                rng.choice(branches),
                since,
                admitted,
                confirmed,
                "đang sinh hoạt" if rng.random() < 0.5 else None,
            ]
        )
    book.save(path)


# --- one database per child process -----------------------------------------------------------
def build_orgs(actor) -> dict:
    """The city committee, its ward committees and their sub-branches, through the services."""
    from tongket.party.services import org_create

    city = org_create(
        actor=actor,
        code="TP",
        name="Đảng bộ Thành phố",
        kind="party_committee",
        valid_from=ORGS_FROM,
    )
    orgs = {"TP": city}
    for w in range(1, WARDS + 1):
        ward = org_create(
            actor=actor,
            code=f"P{w:02d}",
            name=f"Đảng bộ phường {w}",
            kind="grassroots_committee",
            parent=city,
            valid_from=ORGS_FROM,
        )
        for b in range(1, SUB_BRANCHES + 1):
            code = f"P{w:02d}-CB{b:02d}"
            orgs[code] = org_create(
                actor=actor,
                code=code,
                name=f"Chi bộ khu phố {b}, phường {w}",
                kind="sub_branch",
                parent=ward,
                valid_from=ORGS_FROM,
            )
    return orgs


class _Clock:
    """Wall-clock and CPU time from its start, and cProfile around it when asked (of CPU
    time: the machine is shared; TONGKET_BENCH_WALL_PROFILE=1 for wall-clock time)."""

    TIMER = () if os.environ.get("TONGKET_BENCH_WALL_PROFILE") else (time.process_time,)

    def __init__(self, profile: bool = False):
        self.profiler = None
        if profile:
            import cProfile

            self.profiler = cProfile.Profile(*self.TIMER)
            self.profiler.enable()
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> dict:
        figures = {
            "total_s": time.perf_counter() - self.wall,
            "cpu_s": time.process_time() - self.cpu,
        }
        if self.profiler is not None:
            import pstats

            self.profiler.disable()
            for order in ("cumulative", "tottime"):
                pstats.Stats(self.profiler, stream=sys.stderr).sort_stats(order).print_stats(30)
        return figures


def run_pipeline(path: Path, rows: int, profile: bool) -> dict:
    from tongket.core.actor import Actor
    from tongket.imports.apply import apply_import, plan_import

    actor = Actor.cli("bench")
    build_orgs(actor)
    clock = _Clock(profile)
    plan = plan_import("members", path, actor)
    planned = time.perf_counter()
    result = apply_import(plan, actor)
    done = time.perf_counter()
    figures = clock.stop()
    assert result.written and not result.errors, result.errors[:5]
    assert result.counts == {"create": rows, "update": 0, "unchanged": 0}, result.counts
    return {"plan_s": planned - clock.wall, "apply_s": done - planned, **figures}


def run_import_export(path: Path, bulk: bool, profile: bool) -> dict:
    from django.db import transaction

    from bench.import_export_baseline import import_members
    from tongket.core.actor import Actor

    build_orgs(Actor.cli("bench"))
    clock = _Clock(profile)
    with transaction.atomic():  # members and memberships together, as the pipeline does
        totals = import_members(path, bulk)
    return {**clock.stop(), "totals": totals}


def run_orm(path: Path) -> dict:
    from django.db import transaction
    from openpyxl import load_workbook

    from tongket.core.actor import Actor
    from tongket.domain.text import fold, vi_sort_string
    from tongket.domain.vnformat import parse_date
    from tongket.party.models import Member, Membership

    orgs = build_orgs(Actor.cli("bench"))
    genders = {"Nam": "male", "Nữ": "female"}

    def day(value):
        if value is None:
            return None
        return value.date() if hasattr(value, "date") else parse_date(value)

    clock = _Clock()
    book = load_workbook(path, read_only=True)
    with transaction.atomic():
        for row in book.active.iter_rows(min_row=2, values_only=True):
            row = (*row, *[None] * (len(HEAD) - len(row)))  # read-only mode trims empty cells
            card, name, birth, gender, org_code, since, admitted, confirmed, _status = row
            org = orgs[org_code]
            member = Member.objects.create(
                org=org,
                card_number=card,
                full_name=name,
                name_folded=fold(name),
                name_sort=vi_sort_string(name),
                birth_date=day(birth),
                gender=genders[gender],
                admitted_on=day(admitted),
                confirmed_on=day(confirmed),
            )
            Membership.objects.create(member=member, org=org, valid_from=day(since))
    book.close()
    return clock.stop()


def _check() -> dict:
    """Counts, and a fingerprint of what was written, so that runs can be compared."""
    from tongket.core.models import ChangeLog
    from tongket.party.models import Member, Membership

    digest = hashlib.sha256()
    members = Member.objects.order_by("card_number").values_list(
        "card_number",
        "full_name",
        "name_folded",
        "name_sort",
        "birth_date",
        "gender",
        "org__code",
        "admitted_on",
        "confirmed_on",
        "status",
    )
    for row in members.iterator(chunk_size=10_000):
        digest.update(repr(row).encode())
    spans = Membership.objects.order_by("member__card_number").values_list(
        "member__card_number", "org__code", "kind", "valid_from", "valid_to"
    )
    for row in spans.iterator(chunk_size=10_000):
        digest.update(repr(row).encode())
    return {
        "members": Member.objects.count(),
        "memberships": Membership.objects.count(),
        "audit_rows": ChangeLog.objects.filter(object_type="party.member").count(),
        "fingerprint": digest.hexdigest()[:16],
    }


def child(stage: str, folder: Path, rows: int, database_url: str | None, profile: bool) -> None:
    from bench.bench_members_on import _django

    var = folder / stage
    var.mkdir()
    _django(var, database_url)
    from django.db import connection

    path = folder / "members.xlsx"
    if stage == "pipeline":
        figures = run_pipeline(path, rows, profile)
    elif stage == "orm":
        figures = run_orm(path)
    else:
        figures = run_import_export(path, stage == "iex_bulk", profile)
    figures.update(_check())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        figures["version"] = cursor.fetchone()[0]
    connection.close()
    print(json.dumps(figures))


# --- the parent process -------------------------------------------------------------------------
def _run_child(stage: str, folder: Path, rows: int, database_url: str | None, profile: bool):
    """Runs one stage in a child process on its own fresh database; returns its figures."""
    from bench.bench_members_on import _postgres

    argv = [sys.executable, "-m", "bench.bench_members_import", "--child", stage, str(folder)]
    argv += ["--rows", str(rows)] + (["--profile"] if profile else [])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TONGKET_", "DJANGO_"))}
    drop = None
    if database_url:
        parts = urlsplit(database_url)
        database_url = urlunsplit(parts._replace(path=f"{parts.path}_{stage}"))
        drop = _postgres(database_url)
        env["TONGKET_BENCH_URL"] = database_url
    try:
        root = Path(__file__).resolve().parent.parent
        done = subprocess.run(  # noqa: S603
            argv, env=env, cwd=root, capture_output=True, text=True, check=False
        )
    finally:
        if drop is not None:
            drop()
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {stage} run failed")
    if profile:
        sys.stderr.write(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _time(figures: dict) -> str:
    return f"{figures['total_s']:.1f} s ({figures['cpu_s']:.1f} s)"


def _written(figures: dict) -> str:
    return (
        f"{figures['members']:,} members, {figures['memberships']:,} memberships, "
        f"{figures['audit_rows']:,} audit rows"
    )


def table(runs: dict[str, dict], rows: int) -> str:
    pipeline = runs["pipeline"]
    met = "met" if pipeline["total_s"] <= TARGET_S else "MISSED"
    body = [
        (
            STAGES["pipeline"],
            _time(pipeline),
            _written(pipeline),
            f"target ≤ {TARGET_S:g} s: {met}",
        ),
        ("  of which plan_import (read, map, check, plan)", f"{pipeline['plan_s']:.1f} s", "", ""),
        ("  of which apply_import (one transaction)", f"{pipeline['apply_s']:.1f} s", "", ""),
    ]
    for stage, figures in runs.items():
        if stage == "pipeline":
            continue
        ratio = figures["total_s"] / pipeline["total_s"]
        cpu = figures["cpu_s"] / pipeline["cpu_s"]
        note = f"pipeline is {ratio:.1f}× faster ({cpu:.1f}× in CPU time)"
        if stage.startswith("iex"):
            note += f"; target ≥ {TARGET_RATIO:g}×: {'met' if ratio >= TARGET_RATIO else 'MISSED'}"
        body.append((STAGES[stage], _time(figures), _written(figures), note))
    head = "| Operation | Time (CPU) | " + f"Result ({rows:,}-row .xlsx) | Note |"
    lines = [head, "|---|---|---|---|"] + ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def run_database(backend: str, folder: Path, rows: int, stages: list[str], profiled: str):
    """Every stage on one kind of database; prints its table and returns its figures."""
    url = os.environ.get("TONGKET_BENCH_PG") if backend == "PostgreSQL" else None
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    runs = {}
    for stage in stages:
        runs[stage] = _run_child(stage, folder, rows, url, stage == profiled)
        print(f"  {backend} {stage}: {_time(runs[stage])}", file=sys.stderr, flush=True)
    expected = {"members": rows, "memberships": rows}
    for stage, figures in runs.items():
        found = {k: figures[k] for k in expected}
        assert found == expected, (stage, found)
        assert figures["fingerprint"] == runs["pipeline"]["fingerprint"], (stage, "other rows")
    assert runs["pipeline"]["audit_rows"] == rows
    print(f"### {backend} {runs['pipeline']['version']}\n")
    print(f"Load average (1, 5, 15 min) before the runs: {load}.\n")
    print(table(runs, rows), "\n", flush=True)
    return runs


def ratios(backend: str, runs: dict[str, dict], rows: int) -> list[Ratio]:
    pipeline = runs["pipeline"]["total_s"]
    found = []
    for stage in ("iex", "iex_bulk"):
        if stage in runs:
            found.append(
                Ratio(
                    bench="members import",
                    case=f"{rows:,} rows, {backend}",
                    value=pipeline,
                    baseline_name=STAGES[stage],
                    baseline=runs[stage]["total_s"],
                    unit="s",
                    target=TARGET_S,
                )
            )
    return found


def _option(name: str, default: str) -> str:
    """The value after `name` on the command line, else `default`."""
    at = sys.argv.index(name) + 1 if name in sys.argv else len(sys.argv)
    return sys.argv[at] if at < len(sys.argv) and not sys.argv[at].startswith("--") else default


def main() -> list[Ratio]:
    profiled = _option("--profile", "pipeline") if "--profile" in sys.argv else ""
    rows = int(_option("--rows", str(ROWS)))
    stages = ["pipeline", "iex_bulk", "iex"] + (["orm"] if "--orm" in sys.argv else [])
    stages = _option("--stages", ",".join(stages)).split(",")  # the pipeline is always first
    backends = ["SQLite"] + (["PostgreSQL"] if os.environ.get("TONGKET_BENCH_PG") else [])
    backends = _option("--databases", ",".join(backends)).split(",")  # SQLite,PostgreSQL
    found: list[Ratio] = []
    print("## Members import against django-import-export (issues 3 and 7)\n")
    with tempfile.TemporaryDirectory(prefix="tongket-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        write_file(folder / "members.xlsx", rows)
        written = time.perf_counter() - started
        size = (folder / "members.xlsx").stat().st_size / 1e6
        print(f"File: {rows:,} rows, {size:.1f} MB, written in {written:.1f} s (not timed).\n")
        for backend in backends:
            with tempfile.TemporaryDirectory(dir=folder) as runs_folder:
                runs_folder = Path(runs_folder)
                (runs_folder / "members.xlsx").symlink_to(folder / "members.xlsx")
                runs = run_database(backend, runs_folder, rows, stages, profiled)
                found += ratios(backend, runs, rows)
    return found


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--child":
        url = os.environ.get("TONGKET_BENCH_URL")
        rows = int(_option("--rows", str(ROWS)))
        child(sys.argv[2], Path(sys.argv[3]), rows, url, "--profile" in sys.argv)
    else:
        from bench.summary import ratio_table

        print(ratio_table(main()))

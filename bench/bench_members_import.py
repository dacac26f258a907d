"""Importing 100,000 members from one .xlsx file (issue 3), against one ORM save per row.

    .venv/bin/python -m bench.bench_members_import
    .venv/bin/python -m bench.bench_members_import --profile   # cProfile of the import, top 30

The file is written once with openpyxl, deterministically (random.Random(SEED)): 100,000 new
members with Vietnamese names (tongket.demo.names), each in one of the sub-branches of a small
city, one row each, dates as real date cells except the birth date, typed as dd/mm/yyyy text
the way offices often do; those admitted within the last year probationary.

Each database runs in a child process that sets TONGKET_VAR_DIR and TONGKET_DATABASE_URL to a
fresh SQLite file in a temporary directory before django.setup() (config.settings: WAL,
synchronous=NORMAL), migrates, and builds the organization tree through the services
(org_create): one city committee, 40 ward committees (grassroots committees), 10 sub-branches
under each. Then, timed end to end:

- pipeline: `plan_import("members", file)` + `apply_import(plan)`, i.e. reading the file,
  mapping and checking every row, planning against the database, and the all-or-nothing write
  through `members_register_bulk` (one audit row per member);
- baseline, on the same file into a second fresh database: openpyxl reads the rows, and each
  row is saved with `Member.objects.create` + `Membership.objects.create`, no validation, in
  one transaction (so that commits do not dominate; autocommit per row would be slower still).

Both must leave 100,000 members and 100,000 memberships. Target: pipeline ≤ 15 s on SQLite.
Times are wall-clock; in brackets the CPU time of the process, which other jobs on a shared
machine disturb less.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

SEED = 20261121
ROWS = 100_000
WARDS = 40
SUB_BRANCHES = 10  # per ward committee
ORGS_FROM = date(2000, 1, 1)
LATEST = date(2026, 11, 1)  # no date after this in the file
TARGET_S = 15.0
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
def _django(var: Path) -> None:
    """Points tongket at a fresh SQLite file before Django starts, then migrates it."""
    os.environ["TONGKET_VAR_DIR"] = str(var)
    os.environ["TONGKET_DATABASE_URL"] = f"sqlite:///{var / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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


def run_pipeline(path: Path, profile: bool) -> dict:
    from tongket.core.actor import Actor
    from tongket.imports.apply import apply_import, plan_import

    actor = Actor.cli("bench")
    build_orgs(actor)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    plan = plan_import("members", path, actor)
    planned = time.perf_counter()
    result = apply_import(plan, actor)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    assert result.written and not result.errors, result.errors[:5]
    assert result.counts == {"create": ROWS, "update": 0, "unchanged": 0}, result.counts
    return {
        "plan_s": planned - started,
        "apply_s": done - planned,
        "total_s": done - started,
        "cpu_s": cpu,
        **_check(),
    }


def run_baseline(path: Path) -> dict:
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

    started, cpu = time.perf_counter(), time.process_time()
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
    return {
        "total_s": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
        **_check(),
    }


def _check() -> dict:
    from tongket.core.models import ChangeLog
    from tongket.party.models import Member, Membership

    return {
        "members": Member.objects.count(),
        "memberships": Membership.objects.count(),
        "audit_rows": ChangeLog.objects.filter(object_type="party.member").count(),
    }


def child(stage: str, folder: Path, profile: bool) -> None:
    var = folder / stage
    var.mkdir()
    _django(var)
    path = folder / "members.xlsx"
    figures = run_pipeline(path, profile) if stage == "pipeline" else run_baseline(path)
    import sqlite3

    figures["sqlite"] = sqlite3.sqlite_version
    print(json.dumps(figures))


def _run_child(stage: str, folder: Path, profile: bool = False) -> dict:
    argv = [sys.executable, "-m", "bench.bench_members_import", "--child", stage, str(folder)]
    if profile:
        argv.append("--profile")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TONGKET_", "DJANGO_"))}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {stage} run failed")
    if profile:
        sys.stderr.write(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _time(figures: dict) -> str:
    return f"{figures['total_s']:.1f} s ({figures['cpu_s']:.1f} s)"


def table(pipeline: dict, baseline: dict, size: int) -> str:
    ratio = baseline["total_s"] / pipeline["total_s"]
    met = "met" if pipeline["total_s"] <= TARGET_S else "MISSED"
    rows = [
        (
            "members import: plan_import + apply_import",
            _time(pipeline),
            f"{pipeline['members']:,} members, {pipeline['memberships']:,} memberships, "
            f"{pipeline['audit_rows']:,} audit rows",
            f"target ≤ {TARGET_S:.0f} s: {met}",
        ),
        ("  of which plan_import (read, map, check, plan)", f"{pipeline['plan_s']:.1f} s", "", ""),
        ("  of which apply_import (one transaction)", f"{pipeline['apply_s']:.1f} s", "", ""),
        (
            "baseline: openpyxl + one ORM save per row",
            _time(baseline),
            f"{baseline['members']:,} members, {baseline['memberships']:,} memberships, "
            f"{baseline['audit_rows']:,} audit rows",
            f"pipeline is {ratio:.1f}× faster",
        ),
    ]
    head = ("Operation", "Time (CPU)", f"Result ({size:,}-row .xlsx)", "Note")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    profile = "--profile" in sys.argv
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="tongket-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        write_file(folder / "members.xlsx")
        written = time.perf_counter() - started
        size = (folder / "members.xlsx").stat().st_size / 1e6
        pipeline = _run_child("pipeline", folder, profile)
        baseline = _run_child("baseline", folder)
    print("## Members import (issue 3)\n")
    print(f"File: {ROWS:,} rows, {size:.1f} MB, written in {written:.1f} s (not timed below).")
    print(f"SQLite {pipeline['sqlite']}; load average before the runs: {load}.\n")
    print(table(pipeline, baseline, ROWS))


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), "--profile" in sys.argv)
    else:
        main()

"""The malformed-import corpus (tests/data/bad, issue 7): every file is refused with its
Vietnamese message, and the database is left exactly as it was.

Two paths: plan_import/apply_import in the test's own process, on the suite's database
(every table's rows compared), and the `tongket import` command in a subprocess against a
database of its own (on SQLite the file's sha256 after a checkpoint; on PostgreSQL every
table's rows), before and after each file. The big files (over the row limit, the zip bomb)
are written at test time and run by the real console script (marked long).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.db import connection

from tests import clidb
from tests.data.bad.corpus import BIG, UNIT_HEAD, csv_bytes, small_files
from tests.dbstate import table_rows
from tongket.domain.errors import DomainError
from tongket.imports.apply import apply_import, plan_import
from tongket.imports.readers import read_table

CORPUS = Path(__file__).parent / "data" / "bad"
CASES = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))["case"]
SMALL = [c for c in CASES if not c.get("big")]
LARGE = [c for c in CASES if c.get("big")]
cli_db = clidb.cli_db  # the fixture


def _id(case: dict) -> str:
    return case["file"]


# --- the corpus itself ----------------------------------------------------------------------
def test_every_file_of_the_corpus_has_its_expected_message():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx", ".pdf")}
    assert files == {c["file"] for c in SMALL}
    assert {c["file"] for c in LARGE} == set(BIG)
    assert len(CASES) >= 30 and all(c["expect"] for c in CASES)


def test_the_committed_files_are_what_the_corpus_script_writes():
    for name, data in small_files().items():
        assert (CORPUS / name).read_bytes() == data, f"{name}: run python -m tests.data.bad.corpus"
    size = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert size < 2 * 1024**2


# --- in process, on the suite's database ----------------------------------------------------
@pytest.fixture
def base(db, system):
    for kind in ("units", "orgs", "members"):
        result = apply_import(plan_import(kind, CORPUS / "base" / f"{kind}.csv", system), system)
        assert result.written, result.errors


def refusal(kind: str, path: Path, actor) -> list[str]:
    """Every message the import gives for `path`; fails the test if anything was written."""
    try:
        result = apply_import(plan_import(kind, path, actor), actor)
    except DomainError as exc:
        return [exc.message]
    assert not result.written
    return [f"{e.sheet}: {e.message}" for e in result.errors] + result.warnings + result.notes


@pytest.mark.parametrize("case", SMALL, ids=_id)
def test_a_bad_file_is_refused_and_nothing_changes(base, system, tmp_path, case):
    path = Path(shutil.copy(CORPUS / case["file"], tmp_path))
    before = table_rows(connection)
    messages = refusal(case["kind"], path, system)
    for words in case["expect"]:
        assert any(words in m for m in messages), messages
    assert table_rows(connection) == before


def test_a_formula_with_its_computed_value_is_read_as_that_value(tmp_path):
    """The formula check refuses only formulas nobody computed: Excel's files keep working."""
    from tests.data.bad.corpus import UNIT_HEAD, xlsx_bytes

    row = ["X1", ('CONCAT("Phường ","Xuân")', "Phường Xuân"), "phường", "HCM", "01/01/2021"]
    path = tmp_path / "computed.xlsx"
    path.write_bytes(xlsx_bytes({"units": [UNIT_HEAD, row]}))
    assert [cells for _n, cells in read_table(path).rows][0][1] == "Phường Xuân"


# --- the command line, in a subprocess ------------------------------------------------------
def run_corpus(cli_db, cases: list[dict], folder: Path) -> list[dict]:
    """Runs the cases through `tongket import` (tests.bad_imports_cli) after loading the base."""
    for case in cases:
        if "path" not in case:
            case["path"] = str(shutil.copy(CORPUS / case["file"], folder))
    listed, results = folder / "cases.json", folder / "results.json"
    listed.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    argv = [sys.executable, "-m", "tests.bad_imports_cli", str(listed), str(results)]
    done = subprocess.run(
        [*argv, "--base", str(CORPUS / "base")],
        cwd=clidb.ROOT,
        env=cli_db.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(results.read_text(encoding="utf-8"))


def problems_of(result: dict) -> list[str]:
    """What is wrong with one file's run: exit code, message, traceback, a changed database."""
    shown = result["out"] + result["err"]
    found = []
    if result["code"] != result.get("exit", 1):
        found.append(f"exit code {result['code']}")
    found += [f"no “{w}”" for w in result.get("cli", result["expect"]) if w not in shown]
    if "Traceback" in shown or "lỗi hệ thống" in shown:
        found.append("a system error")
    if result["before"] != result["after"]:
        found.append("the database changed")
    return [f"{result['file']}: {p}\n{shown[-600:]}" for p in found]


def test_the_command_refuses_every_bad_file_and_the_database_is_unchanged(cli_db, tmp_path):
    good = tmp_path / "good.csv"  # last, the control: a good file does change the digest
    good.write_bytes(csv_bytes([UNIT_HEAD, ["X1", "Phường Xuân", "phường", "HCM", "01/01/2021"]]))
    control = {"file": "good.csv", "kind": "units", "path": str(good)}
    results = run_corpus(cli_db, [*(dict(c) for c in SMALL), control], tmp_path)
    *bad, good_run = results
    assert [r["file"] for r in bad] == [c["file"] for c in SMALL]
    assert [p for r in bad for p in problems_of(r)] == []
    assert len({r["before"] for r in results}) == 1  # one state: the base, before every file
    assert good_run["code"] == 0 and "Tạo mới: 1" in good_run["out"]
    assert good_run["after"] != good_run["before"]


@pytest.mark.long
def test_big_bad_files_are_refused_by_the_command_unread(cli_db, tmp_path):
    """Over the row limit (.csv and .xlsx) and a zip bomb of 1.5 GiB: refused from the file's
    size and zip directory, before any row is converted, by the real console script."""
    for kind in ("units", "orgs", "members"):
        cli_db.load(kind, CORPUS / "base" / f"{kind}.csv")
    for case in LARGE:
        path = BIG[case["file"]](tmp_path / case["file"])
        before = cli_db.state()
        done = cli_db.tongket("import", case["kind"], str(path), timeout=120)
        shown = done.stdout + done.stderr
        assert done.returncode == 1, shown
        assert all(words in shown for words in case["expect"]), shown
        assert cli_db.state() == before
        path.unlink()

"""kill -9 in the middle of a large import (issue 7): the database is exactly as before, no
lock is left, and the same import run again succeeds with the full counts.

The import is the real `tongket import members FILE` in a subprocess, on a database of its own
(tests.clidb: a SQLite file, or the PostgreSQL test database). The kill waits until the apply
phase is writing, seen from outside, not guessed with a sleep:

- PostgreSQL: the importer's backend holds a RowExclusiveLock on the members table, which only
  an INSERT takes, inside its one transaction;
- SQLite: the importer holds the write lock (another connection's BEGIN IMMEDIATE is refused)
  and the write-ahead log has grown past what the plan left: rows are being written.

The file is written like bench/bench_members_import.py's (same seed, same organization
codes), as .csv so that writing it takes a second.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection

from bench.bench_members_import import HEAD, LATEST, ORGS_FROM, SEED, SUB_BRANCHES, WARDS
from tests import clidb
from tests.servers import TONGKET
from tongket.demo.names import person_name

pytestmark = pytest.mark.long
cli_db = clidb.cli_db  # the fixture
ROWS = 50_000


def write_orgs(path: Path) -> Path:
    """The city committee, WARDS ward committees, SUB_BRANCHES sub-branches under each."""
    start = ORGS_FROM.strftime("%d/%m/%Y")
    rows = [["Mã tổ chức", "Tên tổ chức", "Loại", "Mã tổ chức cấp trên", "Hiệu lực từ"]]
    rows.append(["TP", "Đảng bộ Thành phố", "đảng bộ", "", start])
    for w in range(1, WARDS + 1):
        rows.append([f"P{w:02d}", f"Đảng bộ phường {w}", "đảng bộ cơ sở", "TP", start])
        rows += [
            [f"P{w:02d}-CB{b:02d}", f"Chi bộ khu phố {b}, phường {w}", "chi bộ", f"P{w:02d}", start]
            for b in range(1, SUB_BRANCHES + 1)
        ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_members(path: Path, rows: int = ROWS) -> Path:
    """`rows` new members, as bench_members_import.write_file draws them."""
    rng = random.Random(SEED)
    branches = [f"P{w:02d}-CB{b:02d}" for w in range(1, WARDS + 1) for b in range(1, 11)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEAD)
        for i in range(1, rows + 1):
            gender = rng.choice(["male", "female"])
            birth = date(rng.randint(1945, 2004), rng.randint(1, 12), rng.randint(1, 28))
            admitted = min(birth + timedelta(days=rng.randint(19 * 365, 45 * 365)), LATEST)
            confirmed = admitted + timedelta(days=365)
            since = min(max(admitted, ORGS_FROM) + timedelta(days=rng.randint(0, 3650)), LATEST)
            out.writerow(
                [
                    f"79{i:07d}",
                    person_name(rng, gender),
                    birth.strftime("%d/%m/%Y"),
                    "Nam" if gender == "male" else "Nữ",
                    rng.choice(branches),
                    since.strftime("%d/%m/%Y"),
                    admitted.strftime("%d/%m/%Y"),
                    "" if confirmed > LATEST else confirmed.strftime("%d/%m/%Y"),
                    "",
                ]
            )
    return path


# --- what the importer is doing, seen from outside ------------------------------------------
def _sqlite_writer_holds_lock(db: Path) -> bool:
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:  # "database is locked"
        return True
    finally:
        probe.close()


def _wal_size(db: Path) -> int:
    wal = Path(f"{db}-wal")
    return wal.stat().st_size if wal.exists() else 0


def _pg_inserting(pid_of_test: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'party_member' AND l.mode = 'RowExclusiveLock' AND l.pid <> %s",
            [pid_of_test],
        )
        return cursor.fetchone()[0] > 0


def _pg_others(pid_of_test: int) -> int:
    """Backends on our database other than the test's own, and locks they hold."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> %s AND backend_type = 'client backend'",
            [pid_of_test],
        )
        backends = cursor.fetchone()[0]
        cursor.execute(  # pg_locks is the whole server's: other databases' tests too
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE a.datname = current_database() AND a.pid <> %s",
            [pid_of_test],
        )
        return backends + cursor.fetchone()[0]


def wait_until(check, what: str, process: subprocess.Popen | None = None, seconds=240) -> None:
    """Polls `check` every 20 ms; fails if `process` ends first or time runs out."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return
        assert process is None or process.poll() is None, f"the import ended before {what}"
        time.sleep(0.02)
    raise AssertionError(f"no sign of {what} in {seconds} s")


def start_import(cli_db, path: Path, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            [TONGKET, "import", "members", str(path)],
            env=cli_db.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def writing_begun(cli_db, process) -> callable:
    """A check that is true once the importer writes rows inside its transaction."""
    if cli_db.sqlite is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            me = cursor.fetchone()[0]
        return lambda: _pg_inserting(me)
    db = cli_db.sqlite
    wal_at_lock: list[int] = []

    def check() -> bool:
        if not _sqlite_writer_holds_lock(db):
            return False
        wal_at_lock.append(wal_at_lock[0] if wal_at_lock else _wal_size(db))
        return _wal_size(db) > wal_at_lock[0]

    return check


def test_kill_9_during_an_import_leaves_the_database_as_it_was(cli_db, tmp_path):
    cli_db.load("orgs", write_orgs(tmp_path / "orgs.csv"))
    path = write_members(tmp_path / "members.csv")
    before = cli_db.state()
    importer = start_import(cli_db, path, tmp_path / "import.log")
    try:
        wait_until(writing_begun(cli_db, importer), "rows being written", importer)
    finally:
        os.kill(importer.pid, signal.SIGKILL)
        importer.wait(30)
    assert importer.returncode == -signal.SIGKILL
    if cli_db.sqlite is not None:
        assert not _sqlite_writer_holds_lock(cli_db.sqlite)
        assert cli_db.state() == before  # opening it rolled the unfinished log back
        assert not Path(f"{cli_db.sqlite}-journal").exists()
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            me = cursor.fetchone()[0]
        # The server ends the orphaned backend when it next talks to the dead client.
        wait_until(lambda: _pg_others(me) == 0, "the killed backend gone", seconds=120)
        assert cli_db.state() == before
    again = cli_db.tongket("import", "members", str(path), timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"Tạo mới: {ROWS // 1000}.000 · Cập nhật: 0 · Giữ nguyên: 0" in again.stdout

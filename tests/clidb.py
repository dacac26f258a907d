"""A database that `tongket` subprocesses write to, whatever database the suite runs on.

On SQLite: a file of its own in the test's folder, a copy of the suite's migrated database.
On PostgreSQL: the suite's test database itself. The test is transactional (on both, for one
code path) so that the subprocess sees what the test commits and the test sees what the
subprocess commits (flushed afterwards). `state()` is tests.dbstate's digest of the database.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.dbstate import rows_digest, sqlite_digest, table_rows
from tests.servers import TONGKET

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CliDatabase:
    env: dict
    sqlite: Path | None  # the file, on SQLite

    def state(self) -> str:
        if self.sqlite is not None:
            return sqlite_digest(self.sqlite)
        digest = rows_digest(connection)
        connection.close()  # no transaction of ours stays open beside the subprocess
        return digest

    def rows(self) -> dict[str, list[tuple]]:
        """Every row of every table, sorted (tests.dbstate.table_rows), on either database."""
        if self.sqlite is None:
            found = table_rows(connection)
            connection.close()
            return found
        db = sqlite3.connect(self.sqlite, timeout=30)
        try:
            tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {
                t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in sorted(tables)
            }
        finally:
            db.close()

    def tongket(self, *argv: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [TONGKET, *argv], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def load(self, kind: str, path: Path) -> None:
        done = self.tongket("import", kind, str(path))
        assert done.returncode == 0, done.stdout + done.stderr


def _pg_url(settings: dict) -> str:
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def cli_db(transactional_db, tmp_path) -> CliDatabase:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGKET_")}
    env["TONGKET_VAR_DIR"] = str(tmp_path / "var")
    env["TONGKET_LANGUAGE"] = "vi"
    if connection.vendor == "sqlite":
        db = tmp_path / "var" / "db.sqlite3"
        db.parent.mkdir(parents=True)
        env["TONGKET_DATABASE_URL"] = f"sqlite:///{db}"
        # A copy of the suite's own test database (migrated, emptied for this transactional
        # test): seconds faster than migrating a new file in a subprocess.
        suite = sqlite3.connect(connection.settings_dict["NAME"])
        copy = sqlite3.connect(db)
        try:
            suite.backup(copy)
        finally:
            copy.close()
            suite.close()
        return CliDatabase(env, db)
    env["TONGKET_DATABASE_URL"] = _pg_url(connection.settings_dict)
    return CliDatabase(env, None)

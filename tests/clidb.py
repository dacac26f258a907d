"""A database that `tongket` subprocesses write to, whatever database the suite runs on.

On SQLite: a fresh file in the test's folder, migrated by `manage.py migrate`. On PostgreSQL:
the suite's test database itself, the test transactional (on both, for one code path) so that
the subprocess sees what the test commits and the test sees what the subprocess commits
(flushed afterwards).
`state()` is tests.dbstate's digest of the whole database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.dbstate import rows_digest, sqlite_digest
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
        env["TONGKET_DATABASE_URL"] = f"sqlite:///{db}"
        done = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return CliDatabase(env, db)
    env["TONGKET_DATABASE_URL"] = _pg_url(connection.settings_dict)
    return CliDatabase(env, None)

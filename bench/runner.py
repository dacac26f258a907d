"""Running one part of a benchmark in a child process, on a database of its own.

Django reads its settings once per process, so each database (a scratch SQLite file, a
PostgreSQL database) gets its own process. `spawn("bench.bench_x", "child", *args)` runs
`bench.bench_x.child(*args)` in a new interpreter and returns what it returned, sent back as
JSON through a temporary file (its stdout and stderr go to the terminal as they come).
`django_setup` points tongket at a database and migrates it; `pg_database` creates a
PostgreSQL database for a run and drops it after, unless it existed before (then it is
reused and kept: a cache between runs).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def django_setup(var: Path, database_url: str | None, migrate: bool = True) -> None:
    """Points tongket at a database (a scratch SQLite file under `var` when `database_url` is
    None) before Django starts, then migrates it (unless `migrate` is false: a database that
    another job writes, such as a national data set being generated, is only read)."""
    import django

    os.environ["TONGKET_VAR_DIR"] = str(var)
    os.environ["TONGKET_DATABASE_URL"] = database_url or f"sqlite:///{var / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    django.setup()
    from django.core.management import call_command

    if migrate:
        call_command("migrate", verbosity=0)


def spawn(module: str, func: str, *args):
    """`module.func(*args)` in a child process; its return value (JSON), or an error when it
    failed."""
    with tempfile.TemporaryDirectory(prefix="tongket-bench-") as tmp:
        out = Path(tmp) / "result.json"
        code = (
            "import json, sys\n"
            f"from {module} import {func} as run\n"
            "result = run(*json.loads(sys.argv[1]))\n"
            "open(sys.argv[2], 'w').write(json.dumps(result))\n"
        )
        argv = [sys.executable, "-c", code, json.dumps(args), str(out)]
        subprocess.run(argv, cwd=ROOT, check=True)  # noqa: S603 - our own interpreter
        return json.loads(out.read_text())


def _server(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path.lstrip("/"), urlunsplit(parts._replace(path="/postgres"))


def pg_exists(url: str) -> bool:
    import psycopg

    name, server = _server(url)
    with psycopg.connect(server, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


@contextmanager
def pg_database(url: str, keep: bool = False):
    """The database `url` names: created when missing and dropped on leaving (unless `keep`);
    an existing one is used as it is and kept. Yields whether it existed before."""
    import psycopg
    from psycopg import sql

    name, server = _server(url)
    existed = pg_exists(url)
    if not existed:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield existed
    finally:
        if not existed and not keep:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))

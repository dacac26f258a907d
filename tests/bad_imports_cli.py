"""Runs `tongket import` on each case of the bad-file corpus in one process and says, per file,
the exit code, the output and the state of the database before and after (tests.dbstate).

    TONGKET_DATABASE_URL=… python -m tests.bad_imports_cli CASES.json RESULT.json [--base DIR]

The command is the console script's own entry point, `tongket.cli.main.main`, called once per
file with the arguments a user types: starting Python and Django once instead of fifty times
keeps the corpus in the fast test run. `--base` imports the base records of the corpus
(units, orgs, members .csv in DIR) through the same command first.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path


def _run(argv: list[str]) -> tuple[int, str, str]:
    from tongket.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _state() -> str:
    from django.db import connection, connections

    from tests.dbstate import rows_digest, sqlite_digest

    if connection.vendor == "sqlite":
        connections.close_all()  # the file alone then holds the database
        return sqlite_digest(connection.settings_dict["NAME"])
    digest = rows_digest(connection)
    connections.close_all()
    return digest


def _load_base(base: Path) -> None:
    for kind in ("units", "orgs", "members"):
        code, out, err = _run(["import", kind, str(base / f"{kind}.csv")])
        if code:
            raise SystemExit(f"base {kind}: {out}{err}")


def main(argv: list[str]) -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    cases = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    if "--base" in argv:
        _load_base(Path(argv[argv.index("--base") + 1]))
    results = []
    for case in cases:
        before = _state()
        code, out, err = _run(["import", case["kind"], case["path"]])
        results.append(
            {**case, "code": code, "out": out, "err": err, "before": before, "after": _state()}
        )
    Path(argv[1]).write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])

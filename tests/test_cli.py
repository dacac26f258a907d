"""The `tongket` command line: every command, its one-line errors, the real server."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import urllib.request

import pytest

from tests.conftest import PASSWORD
from tests.servers import TONGKET, running, scratch_env, wait_for
from tongket.accounts.models import Grant, User
from tongket.cli.main import build_parser, main
from tongket.cli.reference import README, readme_section, reference
from tongket.core.models import ChangeLog

# Each leaf command and the test that runs it; the meta-test keeps this list complete.
TESTED = {
    "report",
    "factcheck",  # tests/test_factcheck.py and tests/test_factcheck_demo.py
    "report-batch",  # tests/test_reports_batch.py
    "init",
    "createuser",
    "grant",
    "serve",
    "demo",
    "audit list",
    "audit export",
    "units count",
    "units tree",
    "units lineage",
    "units affected",
    "units load-national",
    "import",
    "export",
    # tests/test_meetings.py, tests/test_outreach.py and tests/test_work_demo.py
    "tasks overdue",
    "tasks digest",
    "outreach coverage",
    "outreach projects",
    "meetings list",
    "meetings show",
    "meetings prep",
    # tests/test_evaluation_demo.py runs these on the demo database
    "evaluation validate",
    "evaluation tally",
    "awards eligible",
    "awards counts",
    "badges due",
    # tests/test_evaluation.py (quarterly rounds, award decisions, badges)
    "evaluation open",
    "awards decide",
    "badges award",
    "badges list",
    # tests/test_targets_demo.py (status, indicators) and tests/test_targets.py (set-*)
    "targets status",
    "targets indicators",
    "targets set-actual",
    "targets set-target",
    "synth",  # tests/test_synth_cli.py
    "backup",  # tests/test_backup.py
    "restore",
}


def run(capsys, *argv, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse exits for --help and usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def leaf_commands(parser, prefix=()):
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from leaf_commands(child, (*prefix, name)) or ()
            return
    if prefix:
        yield " ".join(prefix)


def test_every_command_is_tested():
    assert set(leaf_commands(build_parser())) == TESTED


def test_readme_cli_reference_is_current():
    assert readme_section(README.read_text(encoding="utf-8")) == reference(), (
        "README's CLI reference drifted: run python -m tongket.cli.reference --write"
    )


# --- usage errors: one line, exit 2, no traceback -----------------------------------------
@pytest.mark.parametrize(
    "argv, words",
    [
        (["--bogus", "init"], "không được hỗ trợ"),
        (["createuser"], "Thiếu tham số bắt buộc"),
        (["audit", "list", "--limit", "x"], "Giá trị không hợp lệ cho --limit"),
        (["audit", "list", "--action", "fly"], "Giá trị không hợp lệ cho --action"),
        (["grant", "u", "--role", "king", "--org", "A"], "Giá trị không hợp lệ cho --role"),
        (["nothing"], "Giá trị không hợp lệ"),
    ],
)
def test_usage_errors_are_one_translated_line(capsys, argv, words):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert words in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_usage_errors_in_english(capsys):
    code, _out, err = run(capsys, "--lang", "en", "audit", "list", "--limit", "x")
    assert code == 2 and "Invalid value for --limit" in err
    run(capsys, "--lang", "vi", "--help")  # leave the suite in Vietnamese


def test_help_is_vietnamese(capsys):
    code, out, _err = run(capsys, "--help")
    assert code == 0 and "cách dùng: tongket" in out and "createuser" in out


# --- init, createuser, grant ---------------------------------------------------------------
@pytest.mark.django_db
def test_init_is_idempotent(capsys):
    code, out, _err = run(capsys, "init")
    assert code == 0 and "phiên bản mới nhất" in out


@pytest.mark.django_db
def test_createuser_with_grant_reads_the_password_from_stdin(capsys, cast, monkeypatch):
    code, out, err = run(
        capsys,
        "createuser",
        "dan",
        "--full-name",
        "Trần Dân",
        "--role",
        "editor",
        "--org",
        "A",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    user = User.objects.get(username="dan")
    assert user.check_password(PASSWORD) and user.full_name == "Trần Dân"
    assert Grant.objects.get(user=user).org == cast.a
    assert ChangeLog.objects.filter(
        object_type="accounts.grant", user_name__startswith="cli:"
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "argv, stdin, words",
    [
        (["createuser", "dan", "--password-stdin"], "123\n", "8"),  # too short: 8 at least
        (["createuser", "alice", "--password-stdin"], PASSWORD + "\n", "đã có"),
        (["createuser", "dan", "--role", "viewer", "--password-stdin"], PASSWORD + "\n", "--org"),
        (
            ["createuser", "dan", "--role", "viewer", "--org", "NOPE", "--password-stdin"],
            PASSWORD + "\n",
            "NOPE",
        ),
        (["createuser", "dan"], "", "--password-stdin"),  # no keyboard to ask on
        (["grant", "ghost", "--role", "viewer", "--org", "A"], None, "ghost"),
    ],
)
def test_account_mistakes_change_nothing(capsys, cast, monkeypatch, argv, stdin, words):
    users, grants, logs = User.objects.count(), Grant.objects.count(), ChangeLog.objects.count()
    code, _out, err = run(
        capsys, *argv, stdin=stdin if stdin is not None else "", monkeypatch=monkeypatch
    )
    assert code == 1 and words in err and len(err.strip().splitlines()) == 1
    assert (User.objects.count(), Grant.objects.count(), ChangeLog.objects.count()) == (
        users,
        grants,
        logs,
    )


@pytest.mark.django_db
def test_grant_gives_a_unit_scope(capsys, cast):
    code, out, _err = run(
        capsys,
        "grant",
        "bob",
        "--role",
        "viewer",
        "--unit",
        "W1",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
    )
    assert code == 0 and "Đã cấp quyền" in out
    grant = Grant.objects.get(user=cast.bob, unit=cast.w1)
    assert str(grant.valid_to) == "2025-12-31"


# --- audit ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_audit_list_and_export(capsys, cast, tmp_path):
    code, out, _err = run(capsys, "audit", "list", "--limit", "3", "--type", "party.member")
    assert code == 0 and len(out.strip().splitlines()) == 2 and "B-0001" in out
    target = tmp_path / "log.csv"
    code, out, _err = run(capsys, "audit", "export", str(target), "--action", "create")
    assert code == 0 and "Đã xuất" in out
    text = target.read_text(encoding="utf-8-sig")
    assert text.startswith("at,user,operation") and "Đặng Thị Ánh" in text
    assert ChangeLog.objects.filter(action="export", object_repr=str(target)).exists()


@pytest.mark.django_db
def test_audit_export_into_a_missing_folder(capsys, tmp_path):
    code, _out, err = run(capsys, "audit", "export", str(tmp_path / "no" / "x.csv"))
    assert code == 1 and "không có" in err


# --- a missing or unreachable database -----------------------------------------------------
@pytest.mark.parametrize(
    "argv", [["audit", "list"], ["serve"], ["grant", "x", "--role", "viewer", "--org", "A"]]
)
def test_missing_database_says_run_init_and_creates_nothing(tmp_path, argv):
    env = scratch_env(tmp_path)
    result = subprocess.run([TONGKET, *argv], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "tongket init" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()


def test_unreachable_postgres_is_one_line(tmp_path):
    env = scratch_env(tmp_path, TONGKET_DATABASE_URL="postgres://nobody@127.0.0.1:9/none")
    result = subprocess.run(
        [TONGKET, "audit", "list"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "Không kết nối được" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- the real server and the demo ----------------------------------------------------------
def test_serve_runs_gunicorn_with_static_files(tmp_path):
    env = scratch_env(tmp_path)
    subprocess.run([TONGKET, "init"], env=env, check=True, capture_output=True, timeout=120)
    with running(["serve", "--workers", "1"], env, tmp_path / "server.log") as base:
        response = wait_for(base + "/healthz")
        assert response.headers["Server"].startswith("gunicorn")
        with urllib.request.urlopen(base + "/login/") as page:
            html = page.read().decode()
        assert "Đăng nhập" in html
        css = html.split('href="')[1].split('"')[0]  # the hashed, whitenoise-served stylesheet
        with urllib.request.urlopen(base + css) as sheet:
            assert sheet.status == 200 and b"--red" in sheet.read()


def test_serve_on_a_busy_port_is_one_line(tmp_path):
    env = scratch_env(tmp_path)
    subprocess.run([TONGKET, "init"], env=env, check=True, capture_output=True, timeout=120)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [TONGKET, "serve", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1 and f"127.0.0.1:{port}" in result.stderr


def test_demo_builds_from_the_scenarios_and_exits(demo_env):
    assert "bt2024" in demo_env.stdout and "q3h12024" in demo_env.stdout
    assert "demo / tongket-demo" in demo_env.stdout
    assert (demo_env.var / "demo.sqlite3").exists()
    assert not (demo_env.var / "tongket.sqlite3").exists()  # the office's database is untouched


def test_demo_rebuilds_the_same_records(demo_env, tmp_path):
    env = scratch_env(tmp_path)
    env.pop("TONGKET_DATABASE_URL")
    again = subprocess.run(
        [TONGKET, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=600
    )
    assert again.returncode == 0
    # Same seed, same records (and the same reports, each in its own out/ folder).
    first = demo_env.stdout.replace(demo_env.env["TONGKET_OUT_DIR"], "<out>")
    assert again.stdout.replace(env["TONGKET_OUT_DIR"], "<out>") == first

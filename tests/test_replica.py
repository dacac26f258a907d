"""The read replica for real: scripts/pg-replica builds a PostgreSQL primary and a streaming hot
standby on loopback, tests/replica_probe.py (its own process, with TONGKET_DATABASE_URL on the
primary and TONGKET_REPLICA_URL on the replica, whatever database the suite runs on) writes
through the services and reads the review figures through the router; the assertions are here.

Runs under `make test-long` (about 20 s: two clusters, one migration). Skipped only where the
PostgreSQL 15 binaries are not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.servers import free_port

pytestmark = [pytest.mark.long, pytest.mark.replica]

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "pg-replica"
PG_BIN = Path(os.environ.get("TONGKET_PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "tongket_replica_probe"


def _script(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def replica_pair():
    """The primary and replica, in a fresh folder on free ports; torn down even on failure."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 binaries not found in {PG_BIN} (set TONGKET_PG_BIN)")
    # Under /tmp, not pytest's tmp_path: as root the clusters run as `postgres`, which must be
    # able to enter the folder's parents (pytest's base folder is private to root).
    folder = tempfile.mkdtemp(prefix="tongket-pg-replica-")
    primary, replica = free_port(), free_port()
    env = {
        **os.environ,
        "TONGKET_PG_REPLICA_DIR": folder,
        "TONGKET_PG_PRIMARY_PORT": str(primary),
        "TONGKET_PG_REPLICA_PORT": str(replica),
        "TONGKET_PG_BIN": str(PG_BIN),
    }
    try:
        up = _script(env, "up")
        assert up.returncode == 0, up.stderr
        yield SimpleNamespace(env=env, up=up, primary=primary, replica=replica)
    finally:
        _script(env, "down")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def probe(replica_pair, tmp_path_factory):
    """What tests/replica_probe.py saw, as a dict."""
    url = "postgres://postgres@127.0.0.1:{}/" + DATABASE
    created = subprocess.run(
        [str(PG_BIN / "psql"), "-X", "-q", "-h", "127.0.0.1", "-p", str(replica_pair.primary)]
        + ["-U", "postgres", "-d", "postgres", "-c", f"CREATE DATABASE {DATABASE}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGKET_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TONGKET_VAR_DIR": str(tmp_path_factory.mktemp("replica-var")),
        "TONGKET_DATABASE_URL": url.format(replica_pair.primary),
        "TONGKET_REPLICA_URL": url.format(replica_pair.replica),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.replica_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_the_script_builds_a_streaming_pair_and_is_idempotent(replica_pair):
    assert f"127.0.0.1:{replica_pair.replica}" in replica_pair.up.stdout
    again = _script(replica_pair.env, "up")
    assert again.returncode == 0, again.stderr
    status = _script(replica_pair.env, "status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "primary: running" in status.stdout
    assert "replica: running" in status.stdout
    assert "streaming to 127.0.0.1" in status.stdout


def test_the_replica_is_a_read_only_hot_standby(probe):
    assert probe["in_recovery"] == {"default": False, "replica": True}
    assert probe["replica_write"]["refused"], probe["replica_write"]
    assert "read-only transaction" in probe["replica_write"]["error"]


def test_report_figures_are_read_from_the_replica(probe):
    first = probe["first"]
    assert first["queries"]["default"] == 0, "a report read went to the primary"
    assert first["queries"]["replica"] > 0
    assert first["replica_read_memberships"]
    assert first["figures"] == first["primary"] > 0


def test_a_write_shows_in_the_report_once_the_replica_has_replayed_it(probe):
    first, paused, resumed = probe["first"], probe["paused"], probe["resumed"]
    # Replay paused: the primary has the new members (written inside report context, so
    # writes there still reach the primary), the report read from the replica does not yet.
    assert paused["primary"] > first["primary"]
    assert paused["figures"] == first["primary"]
    # Replayed up to the primary's WAL position: the report has them.
    assert resumed["figures"] == resumed["primary"] == paused["primary"]


def test_audit_rows_written_during_a_report_go_to_the_primary(probe):
    audit = probe["audit"]
    assert audit["export_rows_added"] == 1
    assert audit["read_rows_added"] == 1  # the member-record read log
    assert audit["inserts"]["replica"] == 0
    assert audit["inserts"]["default"] >= 2
    assert audit["export_members"] == probe["resumed"]["primary"]


def test_without_the_replica_reports_come_from_the_primary(probe):
    gone = probe["replica_gone"]
    assert gone["figures"] == probe["resumed"]["primary"]
    assert gone["queries"]["replica"] == 0
    assert gone["queries"]["default"] > 0

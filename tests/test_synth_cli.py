"""`tongket synth`: writes a data set into an empty, migrated database, or refuses in one line
and writes nothing."""

from __future__ import annotations

import sqlite3
import subprocess

import pytest

from tests.servers import TONGKET, scratch_env
from tests.test_cli import run
from tongket.core.models import ChangeLog
from tongket.evaluation.models import Evaluation
from tongket.outreach.models import Activity
from tongket.party.models import Member, PartyOrg
from tongket.registry.models import AdminUnit
from tongket.synth import Scale
from tongket.synth.scales import SCALES
from tongket.targets.models import Actual

# "ward" shrunk for the tests (the command reads the scale table).
TINY = Scale("ward", wards=2, grassroots=6, sub_branches=12, members=150, moved=1)


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setitem(SCALES, "ward", TINY)


def _rows() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (AdminUnit, PartyOrg, Member, Evaluation, Actual, Activity)
    )


@pytest.mark.django_db
def test_synth_writes_the_scale_and_says_what_it_wrote(capsys, tiny):
    code, out, err = run(capsys, "synth", "--scale", "ward", "--seed", "5")
    assert code == 0, err
    assert PartyOrg.objects.count() == TINY.orgs and Member.objects.count() == TINY.members
    units, orgs, members, results, actuals, activities = _rows()
    assert min(units, results, actuals, activities) > 0
    assert "hạt giống 5" in out
    # Every count of the summary is the database's own.
    for label, n in (("tổ chức đảng", orgs), ("đảng viên", members), ("số thực hiện", actuals)):
        line = next(x for x in out.splitlines() if x.split("  ")[1:2] == [label])
        assert line.split()[-1].replace(".", "") == str(n), line
    assert "đảng viên:" in err  # one line per finished step on stderr
    logged = ChangeLog.objects.get(object_type="synth")
    assert logged.after["orgs"] == orgs and logged.after["members"] == members
    assert "--seed 5" in logged.object_repr


@pytest.mark.django_db
@pytest.mark.parametrize(
    "argv, words",
    [
        (["--scale", "village"], "Giá trị không hợp lệ cho --scale"),
        (["--scale", "ward", "--seed", "-1"], "số nguyên không âm"),
        (["--scale", "ward", "--seed", "abc"], "số nguyên không âm"),
        (["--scale", "ward", "--seed", "1.5"], "số nguyên không âm"),
        (["--seed", "3"], "Thiếu tham số bắt buộc: --scale"),
    ],
)
def test_bad_arguments_are_one_line_and_write_nothing(capsys, tiny, argv, words):
    code, _out, err = run(capsys, "synth", *argv)
    assert code == 2
    assert words in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert _rows() == (0,) * 6


@pytest.mark.django_db
def test_a_database_with_organizations_is_refused_unchanged(capsys, tiny):
    assert run(capsys, "synth", "--scale", "ward", "--seed", "1")[0] == 0
    before, logged = _rows(), ChangeLog.objects.count()
    code, _out, err = run(capsys, "synth", "--scale", "ward", "--seed", "2")
    assert code == 1
    assert "đã có tổ chức đảng hoặc đảng viên" in err and len(err.strip().splitlines()) == 1
    assert _rows() == before and ChangeLog.objects.count() == logged


@pytest.mark.django_db
def test_a_step_that_fails_leaves_nothing_behind(capsys, tiny, monkeypatch):
    from tongket.synth import outreach

    def broken(city, steps):
        raise RuntimeError("disk full")

    monkeypatch.setattr(outreach, "write_outreach", broken)
    code, _out, err = run(capsys, "synth", "--scale", "ward")
    assert code == 70 and "disk full" in err and "Traceback" not in err
    assert _rows() == (0,) * 6
    assert not ChangeLog.objects.filter(object_type="synth").exists()


@pytest.mark.parametrize(
    "prepare, words",
    [
        (lambda path: None, "Chưa có cơ sở dữ liệu"),
        (lambda path: sqlite3.connect(path).close(), "chưa được khởi tạo"),
    ],
    ids=["missing", "not migrated"],
)
def test_a_database_that_is_not_ready_is_refused(tmp_path, prepare, words):
    """A fresh process on its own SQLite file, whatever database the suite runs on."""
    env = scratch_env(tmp_path)
    prepare(tmp_path / "db.sqlite3")
    done = subprocess.run(
        [TONGKET, "synth", "--scale", "ward", "--seed", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert words in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:  # still no table at all
        assert db.execute("select count(*) from sqlite_master").fetchone() == (0,)

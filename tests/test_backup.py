"""`tongket backup` and `tongket restore` (issue 7): a verified round trip on the database the
suite runs on (SQLite's online backup API, or pg_dump / pg_restore), and every reason to refuse
a file, each leaving the database exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

from tests import clidb
from tests.data.bad.corpus import GOOD_MEMBER, MEMBER_HEAD, csv_bytes
from tongket.core.backup import MAGIC

cli_db = clidb.cli_db  # the fixture
BASE = Path(__file__).parent / "data" / "bad" / "base"
EVENTS = "core.database"  # the audit rows of backups and restores


def fill(cli_db) -> None:
    """Units, organizations and members, through the import services."""
    for kind in ("units", "orgs", "members"):
        cli_db.load(kind, BASE / f"{kind}.csv")


def records(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Every row except the audit rows of the backups and restores themselves."""
    return {
        table: [r for r in found if EVENTS not in r] if table == "core_changelog" else found
        for table, found in rows.items()
    }


def test_a_restore_brings_back_every_row_after_the_data_changed(cli_db, tmp_path):
    fill(cli_db)
    backup = tmp_path / "tongket.backup"
    done = cli_db.tongket("backup", str(backup))
    assert done.returncode == 0 and "Đã sao lưu cơ sở dữ liệu" in done.stdout, done.stderr
    original = cli_db.rows()
    assert original["party_member"] and original["core_changelog"]
    changes = tmp_path / "more.csv"
    changes.write_bytes(csv_bytes([MEMBER_HEAD, GOOD_MEMBER]))
    cli_db.load("members", changes)
    changed = cli_db.rows()
    assert len(changed["party_member"]) == len(original["party_member"]) + 1

    refused = cli_db.tongket("restore", str(backup))  # data there, no --yes, no terminal
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert cli_db.rows() == changed

    done = cli_db.tongket("restore", str(backup), "--yes")
    assert done.returncode == 0 and "Đã khôi phục cơ sở dữ liệu" in done.stdout, done.stderr
    restored = cli_db.rows()
    assert records(restored) == records(original)
    # The live database logged the backup after taking it; the restored one logs the restore.
    (taken,) = [r for r in original["core_changelog"] if EVENTS in r]
    (back,) = [r for r in restored["core_changelog"] if EVENTS in r]
    assert "export" in taken and any("sao lưu ra" in str(cell) for cell in taken)
    assert any("khôi phục từ" in str(cell) for cell in back)


def _tamper(data: bytes, **changes) -> bytes:
    """The backup with manifest fields changed (the database bytes left as they are)."""
    head, rest = data[len(MAGIC) :].split(b"\n", 1)
    manifest = json.loads(head) | changes
    return MAGIC + json.dumps(manifest).encode() + b"\n" + rest


def _flip(data: bytes) -> bytes:
    """One byte of the database changed: the sizes agree, the checksum does not."""
    at = len(data) - 100
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


def _newer(data: bytes) -> bytes:
    manifest = json.loads(data[len(MAGIC) :].split(b"\n", 1)[0])
    return _tamper(data, migrations=[*manifest["migrations"], ["core", "9999_tuong_lai"]])


def _other_engine(data: bytes) -> bytes:
    manifest = json.loads(data[len(MAGIC) :].split(b"\n", 1)[0])
    return _tamper(data, engine="sqlite" if manifest["engine"] == "postgresql" else "postgresql")


BAD_BACKUPS = {
    "a random file": (lambda d: bytes(range(256)) * 50, "không phải là tệp sao lưu của tongket"),
    "an import file": (lambda d: (BASE / "units.csv").read_bytes(), "không phải là tệp sao lưu"),
    "a truncated backup": (lambda d: d[: len(d) // 2], "bị hỏng hoặc không đầy đủ (có "),
    "a damaged backup": (_flip, "mã kiểm tra sha256 không khớp"),
    "a broken manifest": (lambda d: MAGIC + b"{not json\n" + d, "phần mô tả không đọc được"),
    "the other database's backup": (_other_engine, "không khôi phục được vào cơ sở dữ liệu"),
    "a backup of a newer version": (_newer, "từ phiên bản tongket mới hơn (có bước cập nhật"),
}


def test_restore_refuses_a_file_it_cannot_trust_and_changes_nothing(cli_db, tmp_path):
    fill(cli_db)
    good = tmp_path / "good.backup"
    assert cli_db.tongket("backup", str(good)).returncode == 0
    data = good.read_bytes()
    before = cli_db.state()
    for case, (make, words) in BAD_BACKUPS.items():
        path = tmp_path / f"{case}.backup"
        path.write_bytes(make(data))
        done = cli_db.tongket("restore", str(path), "--yes")
        assert done.returncode == 1, (case, done.stdout, done.stderr)
        assert words in done.stderr and "Traceback" not in done.stderr, (case, done.stderr)
        assert cli_db.state() == before, case


def test_backup_mistakes_are_one_line(cli_db, tmp_path):
    for argv, words in [
        (["backup", str(tmp_path / "no" / "x.backup")], "không có"),
        (["restore", str(tmp_path / "none.backup")], "Không tìm thấy tệp"),
    ]:
        done = cli_db.tongket(*argv)
        assert done.returncode == 1 and words in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1

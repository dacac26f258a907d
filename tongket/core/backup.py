"""Backing up and restoring the whole database: SQLite through its online backup API,
PostgreSQL through pg_dump -Fc and pg_restore.

A backup file is one header line, one manifest line (JSON) and the database's own bytes:

    TONGKET-BACKUP 1
    {"engine": "sqlite", "migrations": [["core", "0001_initial"], …], "size": …, "sha256": …}
    <an SQLite database file, or a pg_dump custom-format archive>

so that `restore` knows, before touching anything, what it holds: a file that is not a backup,
a backup of the other engine, a truncated or damaged one (size, sha256), or one taken from a
newer schema than this code knows (a migration this code does not have) is refused with the
reason, and the database is left as it was. SQLite's backup API copies a consistent snapshot of
a live database while others write (WAL readers do not block writers); restoring copies the
pages back under one write lock, so other connections see the old database or the new one.
PostgreSQL's restore runs in one transaction (--single-transaction), all or nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_event
from tongket.domain.errors import DomainError

MAGIC = b"TONGKET-BACKUP 1\n"
AUDIT_TYPE = "core.database"
_CHUNK = 1 << 20
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Manifest:
    """What a backup file says about itself."""

    engine: str
    created: str
    migrations: list[list[str]]
    size: int
    sha256: str

    def line(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False).encode() + b"\n"


def engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def _applied() -> list[list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _known() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _digest(path: Path) -> str:
    found = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            found.update(chunk)
    return found.hexdigest()


# --- backup ---------------------------------------------------------------------------------
def backup_create(*, actor: Actor, target: Path) -> Manifest:
    """Writes a backup of the current database to `target` (through a temporary file beside
    it, renamed at the end, so that a failed backup never leaves half a file under its name)
    and records it in the audit log."""
    target = Path(target)
    if not target.parent.is_dir():
        raise DomainError("backup.folder", _("Thư mục %(dir)s không có.") % {"dir": target.parent})
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".tongket-backup-") as work:
        payload = Path(work) / "db"
        (_sqlite_dump if engine() == "sqlite" else _pg_dump)(payload)
        manifest = Manifest(
            engine=engine(),
            created=timezone.now().isoformat(timespec="seconds"),
            migrations=_applied(),
            size=payload.stat().st_size,
            sha256=_digest(payload),
        )
        packed = Path(work) / "backup"
        with packed.open("wb") as out, payload.open("rb") as data:
            out.write(MAGIC + manifest.line())
            shutil.copyfileobj(data, out, _CHUNK)
        os.replace(packed, target)
    record_event(
        actor, "export", AUDIT_TYPE, _("sao lưu ra %(f)s") % {"f": target}, _extra(manifest)
    )
    return manifest


def _extra(manifest: Manifest) -> dict:
    return {"engine": manifest.engine, "size": manifest.size, "sha256": manifest.sha256}


def _sqlite_dump(payload: Path) -> None:
    live = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
    copy = sqlite3.connect(payload)
    try:
        live.backup(copy)  # a consistent snapshot, while other connections keep writing
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
        live.close()


def _pg_env() -> tuple[list[str], dict]:
    s = connection.settings_dict
    args = ["--host", s.get("HOST") or "127.0.0.1", "--port", str(s.get("PORT") or 5432)]
    args += ["--username", s.get("USER") or "postgres", "--dbname", s["NAME"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _pg_tool(tool: str, args: list[str]) -> None:
    where, env = _pg_env()
    program = shutil.which(tool) or f"/usr/bin/{tool}"
    if not Path(program).exists():
        raise DomainError(
            "backup.tool",
            _("Không tìm thấy chương trình %(tool)s (gói postgresql-client).") % {"tool": tool},
        )
    done = subprocess.run([program, *where, *args], env=env, capture_output=True, text=True)
    if done.returncode:
        first = (done.stderr.strip().splitlines() or [""])[0][:300]
        raise DomainError(
            "backup.tool", _("%(tool)s báo lỗi: %(err)s") % {"tool": tool, "err": first}
        )


def _pg_dump(payload: Path) -> None:
    _pg_tool(
        "pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", str(payload)]
    )


# --- reading a backup -----------------------------------------------------------------------
def _not_a_backup(path: Path) -> DomainError:
    return DomainError(
        "backup.not_backup",
        _("Tệp %(file)s không phải là tệp sao lưu của tongket.") % {"file": path.name},
    )


def _damaged(path: Path, why: str) -> DomainError:
    return DomainError(
        "backup.damaged",
        _("Tệp sao lưu %(file)s bị hỏng hoặc không đầy đủ (%(why)s); không khôi phục.")
        % {"file": path.name, "why": why},
    )


def read_manifest(path: Path) -> Manifest:
    """The manifest of a backup file, checked against the file's bytes."""
    path = Path(path)
    if not path.is_file():
        raise DomainError("backup.missing", _("Không tìm thấy tệp %(file)s.") % {"file": path})
    with path.open("rb") as fh:
        if fh.read(len(MAGIC)) != MAGIC:
            raise _not_a_backup(path)
        line = fh.readline(1 << 20)
        start = fh.tell()
    try:
        manifest = Manifest(**json.loads(line))
    except (ValueError, TypeError):
        raise _damaged(path, _("phần mô tả không đọc được")) from None
    if path.stat().st_size - start != manifest.size:
        raise _damaged(
            path,
            _("có %(have)s byte dữ liệu thay vì %(want)s")
            % {"have": path.stat().st_size - start, "want": manifest.size},
        )
    return manifest


def _payload_sha256(path: Path) -> str:
    found = hashlib.sha256()
    with path.open("rb") as fh:
        fh.read(len(MAGIC))
        fh.readline(1 << 20)
        while chunk := fh.read(_CHUNK):
            found.update(chunk)
    return found.hexdigest()


def check_restorable(path: Path) -> Manifest:
    """Every reason to refuse `path` before anything is touched."""
    manifest = read_manifest(path)
    if manifest.engine != engine():
        raise DomainError(
            "backup.engine",
            _(
                "Tệp %(file)s là bản sao lưu %(theirs)s, không khôi phục được vào cơ sở dữ liệu "
                "%(ours)s đang dùng."
            )
            % {
                "file": Path(path).name,
                "theirs": ENGINES.get(manifest.engine, manifest.engine),
                "ours": ENGINES[engine()],
            },
        )
    if _payload_sha256(Path(path)) != manifest.sha256:
        raise _damaged(Path(path), _("mã kiểm tra sha256 không khớp"))
    newer = sorted({tuple(m) for m in manifest.migrations} - _known())
    if newer:
        raise DomainError(
            "backup.newer",
            _(
                "Tệp %(file)s được sao lưu từ phiên bản tongket mới hơn (có bước cập nhật "
                "%(steps)s mà phiên bản này không có); hãy cài phiên bản mới rồi khôi phục."
            )
            % {"file": Path(path).name, "steps": ", ".join(f"{a}.{n}" for a, n in newer[:3])},
        )
    return manifest


def database_has_data() -> bool:
    """Whether the current database holds anything an office entered (users, records, log)."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("accounts_user", "core_changelog", "party_member", "registry_adminunit"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return True
    return False


# --- restore --------------------------------------------------------------------------------
@contextmanager
def _payload_file(path: Path, manifest: Manifest):
    """The database bytes of the backup as a file of their own, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="tongket-restore-") as work:
        payload = Path(work) / "db"
        with path.open("rb") as fh, payload.open("wb") as out:
            fh.read(len(MAGIC))
            fh.readline(1 << 20)
            shutil.copyfileobj(fh, out, _CHUNK)
        yield payload


def backup_restore(*, actor: Actor, source: Path) -> Manifest:
    """Replaces the current database with the backup `source` (checked first), brings it to
    this code's migrations, and records the restore in the restored database's audit log."""
    source = Path(source)
    manifest = check_restorable(source)
    with _payload_file(source, manifest) as payload:
        if manifest.engine == "sqlite":
            _sqlite_restore(source, payload)
        else:
            _pg_tool(
                "pg_restore",
                [
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    str(payload),
                ],
            )
    connections.close_all()  # forget what the old database's connection had cached
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)  # an older backup catches up
    text = _("khôi phục từ %(f)s (sao lưu lúc %(at)s)") % {"f": source, "at": manifest.created}
    record_event(actor, "update", AUDIT_TYPE, text, _extra(manifest))
    return manifest


def _sqlite_restore(source: Path, payload: Path) -> None:
    backup = sqlite3.connect(f"file:{payload}?mode=ro", uri=True)
    try:
        if backup.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise _damaged(source, _("cơ sở dữ liệu SQLite bên trong không toàn vẹn"))
    except sqlite3.DatabaseError:
        backup.close()
        raise _damaged(source, _("cơ sở dữ liệu SQLite bên trong không đọc được")) from None
    connections.close_all()
    live = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
    try:
        backup.backup(live)  # page by page under one write lock: all or nothing
    finally:
        live.close()
        backup.close()

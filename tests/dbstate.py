"""The whole state of a database, to prove that something left it exactly as it was.

On SQLite: the sha256 of the database file, after a checkpoint has moved the write-ahead log
into it (the file is then the whole database). On PostgreSQL: every row of every table, sorted,
read through a connection of its own (sequences are not rows: a rolled-back insert advances
them, which PostgreSQL never undoes and which no query can see).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path


def sqlite_digest(path: Path | str) -> str:
    """sha256 of the SQLite file after a full checkpoint (opening it recovers a crashed WAL)."""
    db = sqlite3.connect(path, timeout=30)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        db.close()
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def table_rows(connection) -> dict[str, list[tuple]]:
    """Every row of every table of the database behind a Django connection, in a fixed order."""
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            found[table] = sorted((tuple(_plain(v) for v in row) for row in cursor), key=repr)
    return found


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def rows_digest(connection) -> str:
    return hashlib.sha256(repr(sorted(table_rows(connection).items())).encode()).hexdigest()

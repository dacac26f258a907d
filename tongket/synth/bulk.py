"""Rows straight into a table: COPY on PostgreSQL, executemany in batches elsewhere.

The generator writes millions of rows; building a model instance per row (bulk_create) costs
more than the database does. Rows are plain tuples in the order of the columns given, with
Python values (int, str, date, datetime, Decimal, bool, None); JSON columns take JSON text.
The columns not named take the table's default (an id from its sequence), so every column
without a database default must be named.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

BATCH = 5_000  # rows per executemany on SQLite


def _utc(value: datetime) -> datetime:
    """An aware datetime as Django stores it in SQLite: UTC, without an offset."""
    return value.astimezone(UTC).replace(tzinfo=None)


def write_rows(model_or_table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Writes the rows; returns how many. Call inside the generator's transaction."""
    from django.db import connection

    table = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        return _copy(connection, table, names, rows)
    return _executemany(connection, table, names, len(columns), rows)


def _copy(connection, table: str, names: str, rows: Iterable[tuple]) -> int:
    count = 0
    connection.ensure_connection()
    sql = f"COPY {table} ({names}) FROM STDIN"  # noqa: S608
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _executemany(connection, table: str, names: str, width: int, rows: Iterable[tuple]) -> int:
    """Batches of rows; Django's sqlite3 adapters write dates and decimals, aware datetimes
    (found in the first row) are turned to UTC first."""
    marks = ", ".join(["?"] * width)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    count, batch, aware = 0, [], None
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        for row in rows:
            if aware is None:
                aware = [i for i, v in enumerate(row) if isinstance(v, datetime) and v.tzinfo]
            if aware:
                row = tuple(_utc(v) if i in aware else v for i, v in enumerate(row))
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    finally:
        cursor.close()
    return count


def reset_sequences(models: Sequence) -> None:
    """Moves PostgreSQL's id sequences past the explicit keys written (nothing on SQLite)."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def next_id(model) -> int:
    """The first free key of a table that may already hold rows (units loaded before)."""
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


@contextmanager
def deferred_checks(models: Sequence):
    """On PostgreSQL, the plain indexes and the foreign keys of the (empty) tables are dropped
    while they fill, then built and checked again before the transaction ends.

    Building an index once over millions of rows is one sort; keeping it up to date is
    millions of inserts into it. Django's foreign keys are checked at commit, and PostgreSQL
    queues one check per row and key until then (tens of millions for the country's
    evaluation results); adding the key back checks every row in one join. Unique and
    exclusion constraints stay: they are the rules. Nothing to do on SQLite.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(DEFERRABLE_SQL, [tables, tables])
        found = cursor.fetchall()
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for table, name, kind, _definition in found:
            if kind == "index":
                cursor.execute(f"DROP INDEX {name}")
            else:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    yield
    with connection.cursor() as cursor:
        for table, name, kind, definition in found:
            if kind == "index":
                cursor.execute(definition)
            else:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


# The plain indexes (not backing a constraint) and the foreign keys of the tables.
DEFERRABLE_SQL = """
SELECT quote_ident(t.relname), quote_ident(i.relname), 'index', pg_get_indexdef(i.oid)
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
 WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
UNION ALL
SELECT quote_ident(t.relname), quote_ident(c.conname), 'foreign key', pg_get_constraintdef(c.oid)
  FROM pg_constraint c
  JOIN pg_class t ON t.oid = c.conrelid
 WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace AND c.contype = 'f'
"""

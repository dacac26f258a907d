"""The subtree of a node as it stood on a day, in one recursive SQL query.

Both SQLite and PostgreSQL run WITH RECURSIVE; the walk follows only the versions valid on the
day, so a unit that moved later is found where it was then. UNION (not UNION ALL) drops rows
already seen, so even bad data with a cycle ends.
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from tongket.domain.timeline import Snapshot, Version


def subtree_snapshot(model, node_field: str, kind_field: str, root_id: int, day: date):
    """A Snapshot holding the root and everything under it on `day` (versions of `model`)."""
    table = model._meta.db_table
    node = model._meta.get_field(node_field).column
    kind = model._meta.get_field(kind_field).column
    identity = model._meta.get_field(node_field).related_model._meta.db_table
    valid = "v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to >= %s)"
    sql = f"""
        WITH RECURSIVE sub(node) AS (
            SELECT %s
            UNION
            SELECT v.{node} FROM {table} v JOIN sub ON v.parent_id = sub.node WHERE {valid}
        )
        SELECT v.{node}, v.valid_from, v.valid_to, v.name, v.{kind}, v.parent_id, i.code
        FROM {table} v JOIN sub ON v.{node} = sub.node JOIN {identity} i ON i.id = v.{node}
        WHERE {valid}
    """  # noqa: S608 - table and column names come from the model, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [root_id, day, day, day, day])
        rows = cursor.fetchall()
    return Snapshot((Version(*_dates(row)) for row in rows), day)


def _dates(row):
    # SQLite hands dates back as text through a raw cursor.
    node, start, end, name, kind, parent, code = row
    if isinstance(start, str):
        start = date.fromisoformat(start)
    if isinstance(end, str):
        end = date.fromisoformat(end)
    return node, start, end, name, kind, parent, code

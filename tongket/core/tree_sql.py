"""The subtree of a node as it stood on a day, in one recursive SQL query.

Both SQLite and PostgreSQL run WITH RECURSIVE; the walk follows only the versions valid on the
day, so a unit that moved later is found where it was then. UNION (not UNION ALL) drops rows
already seen, so even bad data with a cycle ends.
"""

from __future__ import annotations

from datetime import date

from tongket.core.routers import read_connection
from tongket.domain.timeline import Snapshot, Version

VALID = "v.valid_from <= %s AND (v.valid_to IS NULL OR v.valid_to >= %s)"


def _walk(model, node_field: str) -> str:
    table = model._meta.db_table
    node = model._meta.get_field(node_field).column
    # The root is cast to the key's type: PostgreSQL types a bare parameter as integer, and
    # the recursive part's bigint would not match it.
    return f"""
        WITH RECURSIVE sub(node) AS (
            SELECT CAST(%s AS BIGINT)
            UNION
            SELECT v.{node} FROM {table} v JOIN sub ON v.parent_id = sub.node WHERE {VALID}
        )
    """  # noqa: S608 - table and column names come from the model, values are parameters


def subtree_ids_sql(model, node_field: str, root_id: int, day: date) -> tuple[str, list]:
    """SQL and parameters selecting the ids of the root and its subtree on `day`, for use
    inside another query (so the ids never travel through Python)."""
    sql = _walk(model, node_field) + " SELECT node FROM sub"
    return sql, [root_id, day, day]


def subtree_snapshot(model, node_field: str, kind_field: str, root_id: int, day: date):
    """A Snapshot holding the root and everything under it on `day` (versions of `model`)."""
    table = model._meta.db_table
    node = model._meta.get_field(node_field).column
    kind = model._meta.get_field(kind_field).column
    identity = model._meta.get_field(node_field).related_model._meta.db_table
    sql = (
        _walk(model, node_field)
        + f"""
        SELECT v.{node}, v.valid_from, v.valid_to, v.name, v.{kind}, v.parent_id, i.code
        FROM {table} v JOIN sub ON v.{node} = sub.node JOIN {identity} i ON i.id = v.{node}
        WHERE {VALID}
    """
    )  # noqa: S608
    with read_connection(model).cursor() as cursor:  # the replica inside a report
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

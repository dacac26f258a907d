"""Exports shared by the web and the CLI."""

import csv

from tongket.domain.cells import inert_cell

AUDIT_COLUMNS = [
    "at",
    "user",
    "operation",
    "action",
    "object_type",
    "object_id",
    "object",
    "before",
    "after",
    "purpose",
]


def write_audit_csv(stream, rows) -> None:
    """The change log as CSV, with formula-looking cells made inert."""
    writer = csv.writer(stream)
    writer.writerow(AUDIT_COLUMNS)
    for r in rows.iterator():
        values = [
            r.at.isoformat(),
            r.user_name,
            r.operation_id,
            r.action,
            r.object_type,
            r.object_id,
            r.object_repr,
            r.before,
            r.after,
            r.purpose,
        ]
        writer.writerow([inert_cell("" if v is None else str(v)) for v in values])

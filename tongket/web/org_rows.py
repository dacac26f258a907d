"""The structure table of an organization's page, built once per data revision.

A ward committee's page lists its ~130 organizations with their member counts. Counting them
reads every membership of the subtree, and rendering them per row (a `{% url %}`, two number
filters and a label per row) was half of the page's time (issue 7, docs/PERFORMANCE.md). The
rows are built here with their link and labels ready, and kept in the report cache under the
same data revision as the report figures (tongket/reports/cache.py: it changes on every
committed write, so a row is never older than the data). The rows depend only on the
organization and the day: whoever may open the page (the view checks it) sees the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from tongket.core.actor import Actor
from tongket.domain import vnformat
from tongket.party import selectors as party
from tongket.party.models import PartyOrg
from tongket.reports.cache import remember

MAX_ROWS = 300


@dataclass(frozen=True)
class StructureRow:
    """One row as the template prints it."""

    href: str
    name: str
    kind: str
    official: str
    total: str
    flags: tuple[str, ...]


def _kind_label(kind: str) -> str:
    return PartyOrg.Kind(kind).label if kind in PartyOrg.Kind.values else kind


def _build(actor: Actor, org: PartyOrg, day: date) -> list[StructureRow]:
    suffix = f"?as_of={day.isoformat()}"
    return [
        StructureRow(
            href=reverse("org_detail", args=[r.org_id]) + suffix,
            name=r.name,
            kind=str(_kind_label(r.kind)),
            official=vnformat.format_int(r.official),
            total=vnformat.format_int(r.total),
            flags=tuple(f.message for f in r.flags),
        )
        for r in party.org_structure(actor, org, day)[:MAX_ROWS]
    ]


def structure_rows(actor: Actor, org: PartyOrg, day: date) -> list[StructureRow]:
    """The rows of `org`'s structure table on `day` (the caller has checked the actor may
    view `org`), from the cache when nothing was written since they were built."""
    return remember(("org-rows", str(org.pk), day.isoformat()), lambda: _build(actor, org, day))

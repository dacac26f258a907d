"""The report of an organization for a period as a file, for the web, the API and the CLI alike:
the JSON from the figures alone (no narrative to write), every other format from the document;
each export recorded in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tongket.core.actor import Actor
from tongket.core.audit import record_event
from tongket.core.routers import reading_replica
from tongket.party.models import PartyOrg
from tongket.reports.render import CONTENT_TYPES, check_format, filename_for


@dataclass(frozen=True)
class ReportFile:
    """A rendered report, with the name and content type it is served under."""

    data: bytes
    name: str
    content_type: str


@reading_replica()  # the figures from the replica; the export event goes to the primary
def report_file(
    actor: Actor, org: PartyOrg, period: str, fmt: str, template: Path | None = None
) -> ReportFile:
    """The report in `fmt`; refuses an unknown format, a period not begun, an org outside the
    actor's grants (through review_figures) with a DomainError or a permission error."""
    from tongket.reports.assemble import report_document
    from tongket.reports.figures import review_figures
    from tongket.reports.render import figures_json, render

    check_format(fmt)
    if fmt == "json":
        figures = review_figures(actor, org, period)
        data, code = figures_json(figures), figures.period
    else:
        document = report_document(actor, org, period)
        data, code = render(document, fmt, template=template), document.figures.period
    record_event(actor, "export", "reports.report", f"{org.code} {code} {fmt}")
    return ReportFile(data, filename_for(org.code, code, fmt), CONTENT_TYPES[fmt])

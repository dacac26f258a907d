"""The report as HTML: the context the web page and the standalone file share, and the file.

Both show the same blocks from the same template (`reports/_document.html`); the standalone
file adds its own CSS inline so that it opens anywhere, without the web app.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from tongket.reports.document import Chart, Paragraph, ReportDocument, Section, Table
from tongket.reports.facts import facts_of
from tongket.reports.svg import chart_svg, legend


def missing_notes(document: ReportDocument) -> list[str]:
    """What the report could not say, each once: the document's notes, then the figures'."""
    seen: list[str] = []
    for note in (*document.notes, *document.figures.missing):
        if note not in seen:
            seen.append(note)
    return seen


def _block(block, labels: dict[str, str]) -> dict:
    if isinstance(block, Paragraph):
        spans = [(s.text, s.figure, labels.get(s.figure, "")) for s in block.spans]
        return {"kind": "paragraph", "spans": spans}
    if isinstance(block, Table):
        return {
            "kind": "table",
            "title": block.title,
            "header": block.header,
            "rows": block.rows,
            "note": block.note,
        }
    if isinstance(block, Chart):
        return {
            "kind": "chart",
            "title": block.title,
            "svg": mark_safe(chart_svg(block)),  # noqa: S308 (chart_svg escapes every text)
            "legend": legend(block),
        }
    raise TypeError(f"unknown block {type(block).__name__}")


def _section(section: Section, depth: int, labels: dict[str, str]) -> dict:
    return {
        "key": section.key,
        "number": section.number,
        "title": section.title,
        "depth": depth,
        "blocks": [_block(b, labels) for b in section.blocks],
    }


def document_context(document: ReportDocument) -> dict:
    """Everything `reports/_document.html` prints, with the charts drawn as SVG."""
    labels = {key: fact.label for key, fact in facts_of(document.figures).items()}
    sections = []
    for section in document.sections:
        sections.append(_section(section, 1, labels))
        sections.extend(_section(sub, 2, labels) for sub in section.subsections)
    return {
        "doc": document,
        "heading": document.heading,
        "sections": sections,
        "signature": document.signature,
        "recipients": document.recipients,
        "missing": missing_notes(document),
    }


def render_html(document: ReportDocument) -> bytes:
    """A standalone HTML file of the report: inline CSS, charts as inline SVG."""
    text = render_to_string("reports/standalone.html", document_context(document))
    return text.encode("utf-8")

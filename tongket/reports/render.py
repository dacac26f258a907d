"""One entry point for every format of the report: the web, the API, the CLI and the batch all
call `render(document, fmt)` and name the file with `filename(document, fmt)`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from tongket.domain.errors import DomainError
from tongket.reports.document import ReportDocument
from tongket.reports.figures import ReviewFigures

FORMATS = ("json", "html", "docx", "pdf", "xlsx")
BINARY = ("docx", "pdf", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def check_format(fmt: str) -> str:
    """The format, or a clear refusal naming the ones there are."""
    if fmt not in FORMATS:
        raise DomainError(
            "report.format",
            _("Không có định dạng báo cáo “%(f)s”; chọn một trong: %(all)s.")
            % {"f": fmt, "all": ", ".join(FORMATS)},
            {"format": fmt, "formats": list(FORMATS)},
        )
    return fmt


def figures_json(figures: ReviewFigures) -> bytes:
    """The JSON of INTERCHANGE.md, readable (Vietnamese letters as they are)."""
    return (json.dumps(figures.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render(document: ReportDocument, fmt: str, template=None) -> bytes:
    """The report in one format; `template` is an office's own Word template (DOCX, PDF),
    by default the one named by TONGKET_REPORT_TEMPLATE (settings.REPORT_TEMPLATE)."""
    check_format(fmt)
    if template is None and settings.REPORT_TEMPLATE:
        template = Path(settings.REPORT_TEMPLATE)
    if fmt == "json":
        return figures_json(document.figures)
    if fmt == "html":
        from tongket.reports.html import render_html

        return render_html(document)
    if fmt == "xlsx":
        from tongket.reports.xlsx import render_xlsx

        return render_xlsx(document)
    from tongket.reports.docx import render_docx

    docx = render_docx(document, template=template)
    if fmt == "docx":
        return docx
    from tongket.reports.pdf import docx_to_pdf

    return docx_to_pdf(docx)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def filename_for(org_code: str, period: str, fmt: str) -> str:
    """ "bao-cao-DB-BT-2024.docx": ASCII only, so that every mail client and OS keeps it."""
    return f"bao-cao-{_safe(org_code)}-{_safe(period)}.{fmt}"


def filename(document: ReportDocument, fmt: str) -> str:
    return filename_for(document.figures.org, document.figures.period, fmt)

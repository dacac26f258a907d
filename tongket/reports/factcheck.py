"""Fact check of a review written by hand: read the draft (.docx, .txt, .md), place every figure
it writes against the figures of the records, say what matches, what differs, what is unknown.

Offices still write reports by hand; a figure copied wrong reaches the published document. The
check reads only: nothing is written, and the figures are built with the actor's scope
(`review_figures` requires the right to view the organization).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongket.core.actor import Actor
from tongket.domain.errors import DomainError
from tongket.domain.factcheck import CheckResult, Finding, check
from tongket.party.models import PartyOrg
from tongket.reports.facts import facts_of
from tongket.reports.figures import review_figures

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".docx", ".txt", ".md")
# A Word file with a password is not a zip but an OLE compound file holding the encrypted
# package; so is an old .doc renamed to .docx.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

STATUS_LABELS = {
    "matched": gettext_lazy("Khớp"),
    "differs": gettext_lazy("Sai khác"),
    "unplaced": gettext_lazy("Không xác định"),
}
SKIPPED_LABELS = {
    "date": gettext_lazy("ngày tháng"),
    "year": gettext_lazy("năm"),
    "document": gettext_lazy("số hiệu văn bản"),
    "name": gettext_lazy("tên đơn vị"),
    "period": gettext_lazy("kỳ (6 tháng, 9 tháng…)"),
    "ordinal": gettext_lazy("số thứ tự La Mã"),
    "unreadable": gettext_lazy("không đọc được"),
}


@dataclass(frozen=True)
class FactCheckReport:
    """The result of checking one draft against one organization's figures for a period."""

    org: str
    org_name: str
    period: str
    period_label: str
    filename: str
    result: CheckResult
    missing: tuple[str, ...] = ()  # sections of the figures without records

    @property
    def ok(self) -> bool:
        return not self.result.differs

    def summary(self) -> str:
        r = self.result
        text = _("Khớp %(m)d · Sai khác %(d)d · Không xác định %(u)d · Không phải số liệu %(s)d")
        return text % {
            "m": len(r.matched),
            "d": len(r.differs),
            "u": len(r.unplaced),
            "s": len(r.skipped),
        }

    def to_json(self) -> dict:
        r = self.result
        return {
            "org": self.org,
            "org_name": self.org_name,
            "period": self.period,
            "period_label": self.period_label,
            "file": self.filename,
            "summary": {
                "matched": len(r.matched),
                "differs": len(r.differs),
                "unplaced": len(r.unplaced),
                "not_figures": len(r.skipped),
            },
            "findings": [finding_json(f) for f in r.findings],
            "not_figures": [
                {"text": s.text, "kind": s.kind, "position": s.start} for s in r.skipped
            ],
            "missing": list(self.missing),
        }


def finding_json(f: Finding) -> dict:
    fig = f.figure
    return {
        "status": f.status,
        "text": fig.text,
        "kind": fig.kind,
        "values": [str(v) for v in fig.values],
        "noun": fig.noun,
        "position": fig.start,
        "context": fig.context,
        "before": fig.before,
        "after": fig.after,
        "keys": list(f.keys),
        "labels": list(f.labels),
        "expected": f.expected,
        "alternatives": list(f.alternatives),
    }


def factcheck(
    actor: Actor, org: PartyOrg, period_text: str, source: bytes | str | Path, filename: str
) -> FactCheckReport:
    """Check the draft (a path, or the bytes of an upload named `filename`) against the
    organization's figures for the period, as the actor may see them."""
    text = read_draft(source, filename)
    figures = review_figures(actor, org, period_text)
    result = check(text, facts_of(figures))
    return FactCheckReport(
        org=figures.org,
        org_name=figures.org_name,
        period=figures.period,
        period_label=figures.period_label,
        filename=Path(filename).name,
        result=result,
        missing=figures.missing,
    )


# --- reading the draft ------------------------------------------------------------------------
def read_draft(source: bytes | str | Path, filename: str) -> str:
    """The text of a draft: paragraphs and table cells of a .docx, or a UTF-8 .txt/.md."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise DomainError(
            "factcheck.format",
            _("Không đọc được tệp %(f)s: chỉ nhận tệp .docx, .txt hoặc .md.")
            % {"f": Path(filename).name},
            {"suffix": suffix},
        )
    data = _bytes_of(source, filename)
    if not data.strip():
        raise DomainError("factcheck.empty", _("Tệp %(f)s trống.") % {"f": Path(filename).name})
    text = _docx_text(data, filename) if suffix == ".docx" else _plain_text(data, filename)
    if not text.strip():
        raise DomainError(
            "factcheck.empty", _("Tệp %(f)s không có chữ nào.") % {"f": Path(filename).name}
        )
    return text


def _bytes_of(source: bytes | str | Path, filename: str) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        path = Path(source)
        if not path.is_file():
            message = _("Không tìm thấy tệp %(f)s.") % {"f": path}
            raise DomainError("factcheck.no_file", message, {"path": str(path)})
        check_size(path.stat().st_size, filename)
        data = path.read_bytes()
    check_size(len(data), filename)
    return data


def check_size(size: int, filename: str) -> None:
    if size > MAX_BYTES:
        raise DomainError(
            "factcheck.too_large",
            _("Tệp %(f)s quá lớn (%(n)d MB); chỉ nhận tệp đến %(max)d MB.")
            % {"f": Path(filename).name, "n": size // (1024 * 1024), "max": MAX_BYTES // 1048576},
        )


def _docx_text(data: bytes, filename: str) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    name = Path(filename).name
    if data.startswith(OLE_MAGIC):
        raise DomainError(
            "factcheck.encrypted",
            _(
                "Tệp %(f)s được đặt mật khẩu (hoặc là tệp .doc cũ): hãy gỡ mật khẩu, lưu lại "
                "dưới dạng .docx rồi thử lại."
            )
            % {"f": name},
        )
    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, XMLSyntaxError, ValueError):
        raise DomainError(
            "factcheck.corrupt",
            _("Tệp %(f)s bị hỏng hoặc không phải tệp Word (.docx): hãy mở và lưu lại rồi thử lại.")
            % {"f": name},
        ) from None
    return "\n".join(_blocks(document))


def _blocks(document):
    """Paragraphs and table rows in reading order; a row's cells joined by " | " (a merged
    cell repeats in python-docx: said once)."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    if not cells or cell.text != cells[-1]:
                        cells.append(cell.text)
                yield " | ".join(c.replace("\n", " ") for c in cells)
        else:
            yield block.text


def _plain_text(data: bytes, filename: str) -> str:
    try:
        if data.startswith(UTF16_BOMS):  # Notepad's "Unicode" is UTF-16 with a mark
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            "factcheck.encoding",
            _("Tệp %(f)s không phải văn bản UTF-8: hãy lưu lại với bảng mã UTF-8 rồi thử lại.")
            % {"f": Path(filename).name},
        ) from None

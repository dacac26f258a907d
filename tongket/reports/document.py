"""The review report as a document: header blocks, numbered sections of paragraphs, tables and
charts, signature and recipients, in the order Hướng dẫn 36-HD/VPTW prescribes.

Every renderer (HTML page, DOCX, PDF, XLSX annex) reads a `ReportDocument` and nothing else, so
a figure can only reach a page through the narrative built from `ReviewFigures`. A figure in a
paragraph is a `Span` that names its key in `facts.facts_of(figures)`; an edited draft keeps
those keys as `{key}` placeholders, so the edited text still prints the figures of the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tongket.reports.figures import ReviewFigures


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph; `figure` is the key of the figure it prints ("" for words)."""

    text: str
    figure: str = ""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the narrative; `source` is its editable form with `{key}` placeholders."""

    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def source(self) -> str:
        return "".join(f"{{{s.figure}}}" if s.figure else s.text for s in self.spans)


@dataclass(frozen=True)
class Table:
    """A statistical table; cells are already in their printed Vietnamese form."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A bar chart drawn by the renderer (matplotlib for DOCX/PDF, SVG on the web page).

    `series` pairs a legend label with one value per label; values are plain numbers."""

    key: str
    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    unit: str = ""
    percent: bool = False  # values are ratios, printed as percentages


Block = Paragraph | Table | Chart


@dataclass(frozen=True)
class Section:
    """A numbered section ("I.", "1.") of the body; `key` names it for edits and the annex."""

    key: str
    number: str
    title: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))


@dataclass(frozen=True)
class Heading:
    """The header blocks of page 1 (HD 36-HD/VPTW components 1–5)."""

    superior: str  # "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH" ("" for the top of the tree)
    issuer: str  # "QUẬN ỦY BÌNH THẠNH"
    number: str  # "Số 12-BC/QU"; "Số     -BC/QU" with blanks until the office numbers it
    place_date: str  # "Bình Thạnh, ngày 15 tháng 01 năm 2025"
    title: str  # "BÁO CÁO"
    summary: str  # "tổng kết công tác … năm 2024 …"
    party: str = "ĐẢNG CỘNG SẢN VIỆT NAM"


@dataclass(frozen=True)
class Signature:
    """The signature block: "T/M BAN THƯỜNG VỤ" over "BÍ THƯ" over the name."""

    on_behalf: str
    title: str
    name: str


@dataclass(frozen=True)
class ReportDocument:
    """A whole review report, ready to render; `figures` are those it was written from."""

    figures: ReviewFigures
    heading: Heading
    sections: tuple[Section, ...]
    signature: Signature
    recipients: tuple[str, ...]
    draft_version: int = 0  # 0 = generated, n = the office's n-th edited version
    notes: tuple[str, ...] = field(default_factory=tuple)  # what is missing, said once

    def all_sections(self):
        """Sections and subsections in reading order."""
        for section in self.sections:
            yield section
            yield from section.subsections

    @property
    def text(self) -> str:
        """The body as plain text, one paragraph per line (for search and fact checks)."""
        lines = []
        for section in self.all_sections():
            lines.append(f"{section.number} {section.title}")
            lines.extend(p.text for p in section.paragraphs)
        return "\n".join(lines)

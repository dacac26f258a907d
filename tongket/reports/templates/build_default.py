"""Builds the default Word template of the review report, `bao_cao.docx`, with python-docx.

Run `.venv/bin/python -m tongket.reports.templates.build_default` after changing this file; the
.docx is committed so that an office can open it in Word, see the placeholders and save its own
version. The layout follows Hướng dẫn 36-HD/VPTW (DOMAIN_RULES.md §6.1): A4, margins 20/20/30/15
mm, the issuing body top left with "*" under it, "ĐẢNG CỘNG SẢN VIỆT NAM" top right and
underlined, "Số …" level with the italic place and date, "BÁO CÁO" and the summary centred, the
body in Times New Roman 14, the signature block right and "Nơi nhận:" left. The body's paragraph,
table and chart styles are the "TK …" styles defined here (see docs/REPORTS.md).
"""

from __future__ import annotations

import sys
from copy import deepcopy
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
TEXT_WIDTH_CM = 16.5  # 210 mm - 30 mm - 15 mm
# The header columns, without cell margins, run 0,6 cm into the left margin and 0,3 cm into the
# right one, as in printed Party documents, so that "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH" (14) and the
# date line "Bình Thạnh, ngày 15 tháng 01 năm 2025" (14, italic) each fit on one line.
HEADER_CM, HEADER_INDENT_CM = (8.8, 8.6), -0.6
SIGNATURE_CM = (7.5, 9.0)
OUTPUT = Path(__file__).with_name("bao_cao.docx")


def _font(target, size: float | None = None, bold=None, italic=None, underline=None) -> None:
    """Sets the font on a style or a run, for every script (Word picks the East Asian and
    complex-script slots for some Vietnamese characters, so all four must name the font)."""
    font = target.font
    font.name = FONT
    r_pr = target.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    if size is not None:
        font.size = Pt(size)
    font.bold, font.italic, font.underline = bold, italic, underline


def _paragraph_style(doc, name: str, size: float, **options):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    _font(style, size, options.get("bold"), options.get("italic"))
    pf = style.paragraph_format
    pf.alignment = options.get("align", WD_ALIGN_PARAGRAPH.JUSTIFY)
    pf.first_line_indent = options.get("indent")
    pf.space_before = Pt(options.get("before", 0))
    pf.space_after = Pt(options.get("after", 0))
    pf.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    pf.line_spacing = options.get("line", 1.0)
    pf.keep_with_next = options.get("keep", False)
    return style


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    _font(normal, 14)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    # Vietnamese for the spelling checker.
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    indent = Cm(1.27)
    _paragraph_style(doc, "TK Noi dung", 14, indent=indent, before=6, line=1.15)
    _paragraph_style(doc, "TK Muc", 14, bold=True, indent=indent, before=12, line=1.15, keep=True)
    _paragraph_style(
        doc, "TK Muc con", 14, bold=True, indent=indent, before=6, line=1.15, keep=True
    )
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph_style(doc, "TK Ten bang", 13, bold=True, align=center, before=12, after=6, keep=True)
    _paragraph_style(doc, "TK Bang", 12, align=WD_ALIGN_PARAGRAPH.LEFT, before=1, after=1)
    _paragraph_style(doc, "TK Chu thich", 12, italic=True, before=3)
    _paragraph_style(doc, "TK Hinh", 14, align=center, before=6, after=6)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    # The page number is centred in the header from page 2 on; page 1 carries the header blocks.
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = paragraph.add_run("2")
    _font(run, 14)
    run._r.getparent().remove(run._r)
    field.append(run._r)
    paragraph._p.append(field)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    table._tbl.tblPr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "0")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    table._tbl.tblPr.append(margins)


def _two_columns(doc, rows: int, widths: tuple[float, float], indent: float = 0.0):
    table = doc.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Cm(width)
    if indent:
        ind = OxmlElement("w:tblInd")
        ind.set(qn("w:w"), str(int(indent * 567)))  # twentieths of a point per cm
        ind.set(qn("w:type"), "dxa")
        table._tbl.tblPr.append(ind)
    return table


def _line(cell_or_doc, text: str, size: float = 14, align="center", first=False, **style):
    """A paragraph with one run; `first` reuses the empty paragraph a new cell starts with."""
    paragraph = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    if text:
        _font(paragraph.add_run(text), size, **style)
    return paragraph


def _heading(doc) -> None:
    table = _two_columns(doc, rows=2, widths=HEADER_CM, indent=HEADER_INDENT_CM)
    left, right = table.cell(0, 0), table.cell(0, 1)
    _line(left, "{{ cap_tren }}", first=True)
    _line(left, "{{ co_quan }}", bold=True)
    _line(left, "*")
    _line(right, "{{ tieu_de }}", 15, first=True, bold=True, underline=True)
    _line(table.cell(1, 0), "{{ so_ky_hieu }}", first=True)
    _line(table.cell(1, 1), "{{ dia_danh_ngay }}", first=True, italic=True)
    _line(doc, "")
    _line(doc, "{{ ten_loai }}", 16, bold=True).paragraph_format.space_before = Pt(6)
    _line(doc, "{{ trich_yeu }}", 14, bold=True)
    _line(doc, "-----", 14)
    # The body: paragraphs, tables and charts built in code with the "TK …" styles.
    _line(doc, "{{p noi_dung }}", align="justify")


def _signature(doc) -> None:
    _line(doc, "")
    table = _two_columns(doc, rows=1, widths=SIGNATURE_CM)
    left, right = table.cell(0, 0), table.cell(0, 1)
    _line(left, "Nơi nhận:", 12, align="left", first=True, bold=True, italic=True)
    _line(left, "{%p for nguoi_nhan in noi_nhan %}", 12, align="left")
    _line(left, "- {{ nguoi_nhan }}", 12, align="left")
    _line(left, "{%p endfor %}", 12, align="left")
    _line(right, "{{ thay_mat }}", first=True, bold=True)
    _line(right, "{{ chuc_vu }}", bold=True)
    for _ in range(4):  # room for the signature and the seal
        _line(right, "")
    _line(right, "{{ nguoi_ky }}", bold=True)


def _table_grid(doc) -> None:
    """Ships "Table Grid" in the template even though the template has no bordered table, so
    the body's tables find it (python-docx's own template has the style, Word's blank one too)."""
    if "Table Grid" not in [s.name for s in doc.styles]:
        source = Document().styles["Table Grid"].element
        doc.styles.element.append(deepcopy(source))


def build(path: Path = OUTPUT) -> Path:
    doc = Document()
    doc.core_properties.title = "Báo cáo"
    doc.core_properties.author = "tongket"
    doc.core_properties.comments = "Mẫu báo cáo theo Hướng dẫn 36-HD/VPTW; xem docs/REPORTS.md"
    _styles(doc)
    _table_grid(doc)
    _page(doc)
    _heading(doc)
    _signature(doc)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT))

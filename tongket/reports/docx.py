"""The review report as a Word document in the Party format (Hướng dẫn 36-HD/VPTW), via docxtpl.

The header blocks, the signature and the recipients are Jinja placeholders of a Word template
(`templates/bao_cao.docx` by default, or an office's own .docx with the same placeholder names,
see docs/REPORTS.md). The body (numbered sections, paragraphs, tables, charts) is built with
python-docx on the template's own document part, in the template's "TK …" styles, and put in the
place of the `{{p noi_dung }}` paragraph: the same mechanism as docxtpl's `Subdoc` without its
docxcompose dependency. An office restyles the body by defining those styles in its template;
the styles it does not define are copied in from the default template.
"""

from __future__ import annotations

import io
import re
import zipfile
from copy import deepcopy
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.shared import Cm
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from lxml import etree
from markupsafe import Markup

from tongket.domain.errors import DomainError
from tongket.reports.charts import chart_png
from tongket.reports.document import Chart, Paragraph, ReportDocument, Section, Table

DEFAULT_TEMPLATE = Path(__file__).with_name("templates") / "bao_cao.docx"
BODY = "noi_dung"
# Every name a template may use, with what it prints (docs/REPORTS.md lists the same).
PLACEHOLDERS = {
    "tieu_de": "ĐẢNG CỘNG SẢN VIỆT NAM",
    "cap_tren": "tên cấp ủy cấp trên (chữ in hoa)",
    "co_quan": "tên cơ quan ban hành (chữ in hoa)",
    "so_ky_hieu": "số và ký hiệu, ví dụ Số 12-BC/QU",
    "dia_danh_ngay": "địa danh và ngày tháng năm",
    "ten_loai": "tên loại văn bản: BÁO CÁO",
    "trich_yeu": "trích yếu nội dung",
    BODY: "toàn bộ nội dung (các mục, đoạn văn, bảng, biểu đồ), dùng {{p noi_dung }}",
    "thay_mat": "thẩm quyền ký, ví dụ T/M BAN THƯỜNG VỤ",
    "chuc_vu": "chức vụ người ký, ví dụ BÍ THƯ",
    "nguoi_ky": "họ tên người ký",
    "noi_nhan": "danh sách nơi nhận (dùng trong vòng lặp {%p for … in noi_nhan %})",
    "ten_to_chuc": "tên tổ chức đảng được báo cáo",
    "ky_bao_cao": "kỳ báo cáo, ví dụ năm 2024",
}
BODY_STYLES = ("TK Noi dung", "TK Muc", "TK Muc con", "TK Ten bang", "TK Bang", "TK Chu thich")
BODY_STYLES += ("TK Hinh", "Table Grid")
CHART_WIDTH = Cm(15.5)
TEXT_WIDTH_CM = 16.5  # A4 less the 30 mm and 15 mm margins
# Times New Roman 12: a wide character (bold headers, capitals), and the cell margins with slack.
CM_PER_CHAR, CM_PADDING = 0.24, 0.5
_NUMBER = re.compile(r"[-+]?[0-9][0-9.]*(,[0-9]+)?\s*%?")
_BODY_TAG = re.compile(r"\{\{p\s+" + BODY + r"\s*\}\}")


# --- the template ---------------------------------------------------------------------------
def _invalid(path: Path, reason: str) -> DomainError:
    return DomainError(
        "report.template_invalid",
        _("Mẫu Word “%(name)s” không dùng được: %(reason)s")
        % {"name": path.name, "reason": reason},
        {"template": str(path)},
    )


def _open(path: Path) -> DocxTemplate:
    """The template, read now so that a file that is not a Word document fails here."""
    if not path.is_file():
        raise _invalid(path, _("không tìm thấy tệp %(path)s.") % {"path": path})
    template = DocxTemplate(path)
    try:
        template.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.Error) as exc:
        raise _invalid(
            path, _("tệp không phải tài liệu Word (.docx) hoặc bị hỏng, bị đặt mật khẩu.")
        ) from exc
    except OSError as exc:
        raise _invalid(path, _("không đọc được tệp (%(error)s).") % {"error": exc}) from exc
    return template


def check_template(path: Path) -> None:
    """Refuses a template that is not a .docx, has a Jinja syntax error, uses a placeholder
    outside PLACEHOLDERS or has no `{{p noi_dung }}` paragraph for the body."""
    _checked(Path(path))


def _checked(path: Path) -> DocxTemplate:
    template = _open(path)
    try:
        used = template.get_undeclared_template_variables()
    except TemplateError as exc:
        raise _invalid(
            path, _("lỗi cú pháp trong thẻ Jinja: %(error)s.") % {"error": exc.message or exc}
        ) from exc
    unknown = sorted(used - set(PLACEHOLDERS))
    if unknown:
        raise DomainError(
            "report.template_unknown_placeholder",
            _(
                "Mẫu Word “%(name)s” dùng chỗ điền không có: %(unknown)s. "
                "Các chỗ điền được phép: %(allowed)s."
            )
            % {
                "name": path.name,
                "unknown": ", ".join(f"{{{{ {name} }}}}" for name in unknown),
                "allowed": ", ".join(PLACEHOLDERS),
            },
            {"template": str(path), "unknown": unknown},
        )
    # Any paragraph of the body, also one in a table cell; Word may split the tag into runs.
    paragraphs = template.docx.element.body.iter(qn("w:p"))
    if not any(_BODY_TAG.search("".join(p.itertext())) for p in paragraphs):
        raise _invalid(
            path,
            _("thiếu đoạn riêng “{{p noi_dung }}” là chỗ đặt nội dung báo cáo."),
        )
    return template


def context_of(document: ReportDocument) -> dict:
    """The values of the header, signature and recipient placeholders (everything but the body)."""
    h, s = document.heading, document.signature
    return {
        "tieu_de": h.party,
        "cap_tren": h.superior,
        "co_quan": h.issuer,
        "so_ky_hieu": h.number,
        "dia_danh_ngay": h.place_date,
        "ten_loai": h.title,
        "trich_yeu": h.summary,
        "thay_mat": s.on_behalf,
        "chuc_vu": s.title,
        "nguoi_ky": s.name,
        # The template writes the dash: "- Thành ủy," whatever form the list came in.
        "noi_nhan": [r.lstrip("-–• ").strip() for r in document.recipients],
        "ten_to_chuc": document.figures.org_name,
        "ky_bao_cao": document.figures.period_label,
    }


def render_docx(document: ReportDocument, template: Path | None = None) -> bytes:
    """The report as .docx bytes, in the default template or in an office's own template."""
    if template is not None:
        tpl = _checked(Path(template))
    else:
        tpl = DocxTemplate(io.BytesIO(_default_bytes()))
        tpl.init_docx()
    _ensure_styles(tpl.docx)
    context = context_of(document)
    context[BODY] = _body(tpl, document)
    tpl.render(context, autoescape=True)
    properties = tpl.docx.core_properties
    properties.title = f"{document.heading.title} {document.heading.summary}".strip()[:255]
    properties.subject = document.figures.org_name
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


@cache
def _default_bytes() -> bytes:
    return DEFAULT_TEMPLATE.read_bytes()


@cache
def _default_styles() -> dict[str, etree._Element]:
    styles = Document(io.BytesIO(_default_bytes())).styles
    return {s.name: s.element for s in styles if s.name in BODY_STYLES}


def _ensure_styles(docx) -> None:
    """Copies into an office's template the body styles it does not define (its own win)."""
    present = {s.name for s in docx.styles}
    for name, element in _default_styles().items():
        if name not in present:
            docx.styles.element.append(deepcopy(element))


# --- the body -------------------------------------------------------------------------------
class _Body:
    """The body's XML, put in place of `{{p noi_dung }}` unescaped (like docxtpl's Subdoc)."""

    def __init__(self, xml: str) -> None:
        self.xml = xml

    def __html__(self) -> str:
        return Markup(self.xml)

    def __str__(self) -> str:
        return self.xml


def _body(tpl: DocxTemplate, document: ReportDocument) -> _Body:
    # Style ids looked up once: python-docx searches the styles part on every lookup by name.
    builder = _Builder(tpl.docx.part, {s.name: s.style_id for s in tpl.docx.styles})
    for section in document.sections:
        builder.section(section, top=True)
    return _Body("".join(builder.xml))


class _Builder:
    """Writes the blocks of the report as WordprocessingML, each in its "TK …" style.

    Paragraphs and tables are written as text (the `w:` prefix is declared by every Word
    document, and building them element by element through python-docx took a third of the
    rendering time); chart images are added to the template's package by python-docx."""

    def __init__(self, part, ids: dict[str, str]) -> None:
        self.part, self.ids, self.xml = part, ids, []

    def paragraph(self, text: str, style: str) -> None:
        self.xml.append(_p(text, self.ids[style]))

    def section(self, section: Section, top: bool) -> None:
        title = f"{section.number} {section.title}".strip()
        self.paragraph(title, "TK Muc" if top else "TK Muc con")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                self.paragraph(block.text, "TK Noi dung")
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Chart):
                self.chart(block)
        for sub in section.subsections:
            self.section(sub, top=False)

    def table(self, table: Table) -> None:
        if table.title:
            self.paragraph(table.title, "TK Ten bang")
        columns = max([len(table.header), *(len(r) for r in table.rows)], default=0)
        if not columns:
            return
        widths = [int(w.twips) for w in _widths(table, columns)]
        cell_style = self.ids["TK Bang"]
        xml = [
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.ids["Table Grid"]}"/>'
            '<w:tblW w:w="0" w:type="auto"/><w:tblLook w:val="04A0" w:firstRow="1" '
            'w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            "</w:tblPr><w:tblGrid>",
            *(f'<w:gridCol w:w="{w}"/>' for w in widths),
            "</w:tblGrid>",
        ]
        for r, cells in enumerate((table.header, *table.rows)):
            # The header row is repeated on every page a long table runs over.
            xml.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if r == 0 else "<w:tr>")
            for c, width in enumerate(widths):
                text = cells[c] if c < len(cells) else ""
                align = ""
                if r == 0:
                    align = "center"
                elif c > 0 and _NUMBER.fullmatch(text.strip()):
                    align = "right"
                xml.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                    f"{_p(text, cell_style, align=align, bold=r == 0)}</w:tc>"
                )
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        self.xml.append("".join(xml))
        if table.note:
            self.paragraph(table.note, "TK Chu thich")

    def chart(self, chart: Chart) -> None:
        if chart.title:
            self.paragraph(chart.title, "TK Ten bang")
        inline = self.part.new_pic_inline(io.BytesIO(chart_png(chart)), CHART_WIDTH, None)
        inline.docPr.set("descr", chart.title)  # alternative text for screen readers
        drawing = etree.tostring(inline, encoding="unicode")
        self.xml.append(
            f'<w:p><w:pPr><w:pStyle w:val="{self.ids["TK Hinh"]}"/></w:pPr>'
            f"<w:r><w:drawing>{drawing}</w:drawing></w:r></w:p>"
        )


# Characters XML 1.0 refuses (a pasted form feed would make the whole document unreadable).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _p(text: str, style_id: str, align: str = "", bold: bool = False) -> str:
    """One paragraph in a style; line breaks in the text become Word line breaks."""
    props = f'<w:pStyle w:val="{escape(style_id, _QUOTE)}"/>'
    if align:
        props += f'<w:jc w:val="{align}"/>'
    runs = ""
    if text:
        run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
        lines = (
            escape(_CONTROL.sub("", text))
            .replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
            .split("\n")
        )
        body = '</w:t><w:br/><w:t xml:space="preserve">'.join(lines)
        runs = f'<w:r>{run_props}<w:t xml:space="preserve">{body}</w:t></w:r>'
    return f"<w:p><w:pPr>{props}</w:pPr>{runs}</w:p>"


_QUOTE = {'"': "&quot;"}


def _widths(table: Table, columns: int) -> list[Cm]:
    """Column widths from their contents: a column of figures gets what its longest figure
    needs, the columns of words share the rest of the 16,5 cm text width in proportion to their
    text; no column is narrower than its longest word."""
    rows = [tuple(r) + ("",) * (columns - len(r)) for r in table.rows]
    header = tuple(table.header) + ("",) * (columns - len(table.header))
    need, words = [], []
    for c in range(columns):
        cells = [r[c].strip() for r in rows]
        longest_word = max((len(w) for t in (header[c], *cells) for w in t.split()), default=0)
        numeric = all(_NUMBER.fullmatch(t) or not t for t in cells) and c > 0
        chars = max([longest_word, *(len(t) for t in cells)]) if numeric else longest_word
        need.append(CM_PER_CHAR * max(chars, 2) + CM_PADDING)
        words.append(0 if numeric else max([1, *(min(len(t), 60) for t in cells)]))
    spare = TEXT_WIDTH_CM - sum(need)
    if not any(words):
        words = [1] * columns
    total_words = sum(words)
    return [Cm(n + max(spare, 0) * w / total_words) for n, w in zip(need, words, strict=True)]

"""The report as DOCX in the Party format (HD 36-HD/VPTW), read back with python-docx, the Word
template check, and the charts. No database: the renderers take a hand-built ReportDocument."""

from __future__ import annotations

import io
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from matplotlib.ft2font import FT2Font
from PIL import Image

from tests.report_sample import (
    ISSUER,
    NUMBER,
    PLACE_DATE,
    SUMMARY,
    SUPERIOR,
    sample_document,
)
from tongket.domain.errors import DomainError
from tongket.reports import charts
from tongket.reports.document import Chart, Paragraph, Section, Span, Table
from tongket.reports.docx import DEFAULT_TEMPLATE, check_template, render_docx
from tongket.reports.templates.build_default import build

FONT = "Times New Roman"


@pytest.fixture(scope="module")
def document():
    return sample_document()


@pytest.fixture(scope="module")
def docx(document):
    return Document(io.BytesIO(render_docx(document)))


def _size(paragraph, run):
    """The effective size of a run: its own, else its paragraph style's, else Normal's."""
    return run.font.size or paragraph.style.font.size


def _lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs]


# --- page and fonts -------------------------------------------------------------------------
def test_a4_with_the_prescribed_margins(docx):
    s = docx.sections[0]
    mm = [round(length.mm, 1) for length in (s.page_width, s.page_height)]
    assert mm == [210, 297]  # stored in twips, so 209,99… would also read as 210
    margins = (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    assert [round(m.mm, 1) for m in margins] == [20, 20, 30, 15]


def test_body_in_times_new_roman_14_justified_with_a_first_line_indent(docx, document):
    texts = {p.text for s in document.all_sections() for p in s.paragraphs}
    body = [p for p in docx.paragraphs if p.text in texts]
    assert len(body) == len(texts) > 0
    for p in body:
        assert p.style.name == "TK Noi dung"
        assert p.style.font.name == FONT and p.style.font.size == Pt(14)
        assert all(r.font.name in (None, FONT) and _size(p, r) == Pt(14) for r in p.runs)
        assert p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert p.style.paragraph_format.first_line_indent > 0
    normal = docx.styles["Normal"].font
    assert (normal.name, normal.size) == (FONT, Pt(14))


# --- header blocks --------------------------------------------------------------------------
def test_header_blocks_in_their_cells(docx):
    header = docx.tables[0]
    left, right = header.cell(0, 0), header.cell(0, 1)
    assert _lines(left) == [SUPERIOR, ISSUER, "*"]
    superior, issuer = left.paragraphs[0].runs[0], left.paragraphs[1].runs[0]
    assert (superior.bold, superior.font.size) == (None, Pt(14))
    assert (issuer.bold, issuer.font.size) == (True, Pt(14))
    assert _lines(right) == ["ĐẢNG CỘNG SẢN VIỆT NAM"]
    party = right.paragraphs[0].runs[0]
    assert (party.bold, party.underline, party.font.size) == (True, True, Pt(15))
    assert _lines(header.cell(1, 0)) == [NUMBER]
    place = header.cell(1, 1).paragraphs[0]
    assert place.text == PLACE_DATE and place.runs[0].italic is True
    assert place.runs[0].font.size == Pt(14)
    # No borders: the header is a layout grid, not a table a reader sees.
    assert 'w:val="nil"' in header._tbl.tblPr.xml


def test_title_and_summary_centred_and_bold(docx):
    texts = [p.text for p in docx.paragraphs]
    title = docx.paragraphs[texts.index("BÁO CÁO")]
    summary = docx.paragraphs[texts.index(SUMMARY)]
    assert title.alignment == summary.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold and title.runs[0].font.size == Pt(16)
    assert summary.runs[0].bold and summary.runs[0].font.size == Pt(14)
    assert texts.index("BÁO CÁO") < texts.index(SUMMARY)


def test_signature_right_and_recipients_left(docx, document):
    last = docx.tables[-1]
    left, right = last.cell(0, 0), last.cell(0, 1)
    signed = [t for t in _lines(right) if t]
    assert signed == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn Mẫu"]
    assert all(p.runs[0].bold for p in right.paragraphs if p.text)
    assert len(_lines(right)) - len(signed) >= 3  # room for the signature and the seal
    heading = left.paragraphs[0]
    assert heading.text == "Nơi nhận:"
    assert heading.runs[0].bold and heading.runs[0].italic and heading.runs[0].font.size == Pt(12)
    assert _lines(left)[1:] == [f"- {r}" for r in document.recipients]
    assert all(p.runs[0].font.size == Pt(12) for p in left.paragraphs[1:])


def test_page_numbers_centred_in_the_header_from_page_2(docx):
    section = docx.sections[0]
    assert section.different_first_page_header_footer
    assert 'w:instr="PAGE"' in section.header._element.xml
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "PAGE" not in section.first_page_header._element.xml


# --- body -----------------------------------------------------------------------------------
def test_every_text_of_the_document_is_in_the_docx(docx, document):
    texts = [p.text for p in docx.paragraphs]
    for section in document.all_sections():
        assert f"{section.number} {section.title}" in texts
        for block in section.blocks:
            if isinstance(block, Paragraph):
                assert block.text in texts
            elif isinstance(block, Table | Chart):
                assert block.title in texts
    # "&" is escaped into the XML, not taken for markup.
    assert any("Đảng & chính quyền" in t for t in texts)
    everything = "\n".join(texts + [c.text for t in docx.tables for r in t.rows for c in r.cells])
    assert "{{" not in everything and "{%" not in everything


def test_the_table_with_borders_a_bold_header_and_the_printed_figures(docx, document):
    source = next(b for s in document.all_sections() for b in s.blocks if isinstance(b, Table))
    table = next(t for t in docx.tables if t.rows[0].cells[0].text == source.header[0])
    assert table.style.name == "Table Grid"
    assert [c.text for c in table.rows[0].cells] == list(source.header)
    assert all(c.paragraphs[0].runs[0].bold for c in table.rows[0].cells)
    assert [[c.text for c in r.cells] for r in table.rows[1:]] == [list(r) for r in source.rows]
    assert "4.321" in [c.text for c in table.rows[3].cells]  # Vietnamese thousands
    assert "w:tblHeader" in table.rows[0]._tr.xml  # repeated on the next page
    assert source.note in [p.text for p in docx.paragraphs]


def test_the_chart_is_an_inline_png(docx):
    assert len(docx.inline_shapes) == 1
    blip = docx.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip
    image = docx.part.related_parts[blip.embed]
    assert image.content_type == "image/png" and image.blob.startswith(b"\x89PNG")


def test_the_committed_template_is_what_the_script_builds(tmp_path):
    built = build(tmp_path / "bao_cao.docx")
    with zipfile.ZipFile(built) as new, zipfile.ZipFile(DEFAULT_TEMPLATE) as committed:
        for part in ("word/document.xml", "word/styles.xml", "word/header1.xml"):
            assert new.read(part) == committed.read(part), part


# --- an office's own template ---------------------------------------------------------------
def _template(tmp_path, *lines: str, styles: dict | None = None):
    """A Word template of an office: its own paragraphs, and perhaps its own styles."""
    doc = Document()
    for name, size in (styles or {}).items():
        doc.styles.add_style(name, 1).font.size = Pt(size)
    for line in lines:
        doc.add_paragraph(line)
    path = tmp_path / "mau.docx"
    doc.save(path)
    return path


def test_the_default_template_passes_the_check():
    check_template(DEFAULT_TEMPLATE)


def test_an_unknown_placeholder_is_refused_by_name(tmp_path):
    path = _template(tmp_path, "{{ co_quan }}", "{{ so_lieu_la }}", "{{p noi_dung }}")
    with pytest.raises(DomainError) as caught:
        check_template(path)
    assert caught.value.code == "report.template_unknown_placeholder"
    assert "{{ so_lieu_la }}" in caught.value.message
    assert "co_quan" not in caught.value.details["unknown"]
    with pytest.raises(DomainError, match="so_lieu_la"):
        render_docx(sample_document(), template=path)


@pytest.mark.parametrize(
    "content",
    [b"not a word document", b"PK\x03\x04 broken zip", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" * 64],
    ids=["text", "broken-zip", "ole-password-protected"],
)
def test_a_file_that_is_not_a_docx_is_refused(tmp_path, content):
    path = tmp_path / "mau.docx"
    path.write_bytes(content)
    with pytest.raises(DomainError) as caught:
        check_template(path)
    assert caught.value.code == "report.template_invalid"
    assert "mau.docx" in caught.value.message and "không phải tài liệu Word" in caught.value.message


def test_a_missing_template_file_is_named(tmp_path):
    with pytest.raises(DomainError, match="không tìm thấy tệp") as caught:
        render_docx(sample_document(), template=tmp_path / "khong-co.docx")
    assert "khong-co.docx" in caught.value.message


def test_a_zip_without_a_document_is_refused(tmp_path):
    path = tmp_path / "mau.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "xin chào")
    with pytest.raises(DomainError, match="không phải tài liệu Word"):
        check_template(path)


@pytest.mark.parametrize("line", ["{{ co_quan | }}", "{%p if co_quan %}"])
def test_a_jinja_syntax_error_is_refused(tmp_path, line):
    path = _template(tmp_path, "{{p noi_dung }}", line, "{{ chuc_vu }}")
    with pytest.raises(DomainError, match="cú pháp") as caught:
        check_template(path)
    assert caught.value.code == "report.template_invalid"


def test_a_template_without_the_body_is_refused(tmp_path):
    path = _template(tmp_path, "{{ co_quan }}", "{{ noi_dung }}")
    with pytest.raises(DomainError, match="noi_dung"):
        check_template(path)


def test_an_office_template_is_used_with_its_own_styles(tmp_path, document):
    path = _template(
        tmp_path,
        "{{ co_quan }} — {{ ten_to_chuc }}, {{ ky_bao_cao }}",
        "{{p noi_dung }}",
        "{%p for nguoi_nhan in noi_nhan %}",
        "+ {{ nguoi_nhan }}",
        "{%p endfor %}",
        styles={"TK Noi dung": 13},
    )
    docx = Document(io.BytesIO(render_docx(document, template=path)))
    texts = [p.text for p in docx.paragraphs]
    assert texts[0] == f"{ISSUER} — Đảng bộ quận Mẫu, năm 2024"
    assert "+ Lưu Văn phòng." in texts
    body = next(p for p in docx.paragraphs if p.text.startswith("Qua đánh giá"))
    assert body.style.name == "TK Noi dung" and body.style.font.size == Pt(13)  # the office's
    # The styles it does not define come from the default template.
    assert docx.styles["TK Muc"].font.bold and docx.tables[0].style.name == "Table Grid"
    assert len(docx.inline_shapes) == 1


# --- charts ---------------------------------------------------------------------------------
VIETNAMESE = "ĐẢNG Bình Thạnh hoàn thành xuất sắc nhiệm vụ ửỹậ"


def _chart(**changes) -> Chart:
    values = dict(
        key="c",
        title="Kết quả xếp loại",
        labels=("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Bình Thạnh"),
        series=(("Tổ chức cơ sở đảng", (16.0, 60.0, 1579.0)), ("Đảng viên", (2.0, 10793.7, 0.0))),
    )
    return Chart(**{**values, **changes})


def test_chart_bars_labelled_in_the_vietnamese_number_form():
    axes = charts.chart_figure(_chart()).axes[0]
    labels = [t.get_text() for t in axes.texts]
    assert labels == ["16", "60", "1.579", "2", "10.793,7", "0"]
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "Tổ chức cơ sở đảng",
        "Đảng viên",
    ]


def test_chart_percentages():
    chart = _chart(series=(("Năm 2024", (0.1512, 0.44, -0.0312)),), percent=True)
    axes = charts.chart_figure(chart).axes[0]
    assert [t.get_text() for t in axes.texts] == ["15,12%", "44%", "-3,12%"]
    assert axes.get_legend() is None  # one series: its name is the caption's


def test_chart_font_has_every_vietnamese_glyph():
    font = charts._font(10)
    from matplotlib import font_manager

    glyphs = FT2Font(font_manager.findfont(font)).get_charmap()
    assert "Liberation Serif" in charts.FONT_FAMILIES
    missing = [c for c in VIETNAMESE if c != " " and ord(c) not in glyphs]
    assert missing == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        charts.chart_png(_chart(title=VIETNAMESE, labels=tuple(VIETNAMESE.split()[:3])), title=True)


def test_chart_png_is_deterministic_and_of_fixed_size():
    first, second = charts.chart_png(_chart()), charts.chart_png(_chart())
    assert first == second
    image = Image.open(io.BytesIO(first))
    assert image.size == (int(16 / 2.54 * 150), int(8 / 2.54 * 150))
    assert "Software" not in image.info
    assert charts.chart_png(_chart(), dpi=75) != first


def test_chart_edge_cases_draw():
    for chart in (
        _chart(labels=(), series=()),
        _chart(series=(("A", (0.0, 0.0, 0.0)),)),
        _chart(labels=("Chi phí $5",), series=(("$", (3.0,)),)),
    ):
        assert charts.chart_png(chart).startswith(b"\x89PNG")


def test_markup_line_breaks_and_control_characters_in_the_text(document):
    tricky = Paragraph((Span('Dòng một <b>"&"</b>\nDòng hai\tcột\x0c và\x00 hết.'),))
    extra = Section(key="x", number="III.", title="KẾT LUẬN <i>", blocks=(tricky,))
    docx = Document(io.BytesIO(render_docx(replace(document, sections=(extra,)))))
    texts = [p.text for p in docx.paragraphs]
    assert "III. KẾT LUẬN <i>" in texts
    assert 'Dòng một <b>"&"</b>\nDòng hai\tcột và hết.' in texts


def test_charts_and_documents_render_in_parallel_threads(document):
    alone = charts.chart_png(_chart())
    with ThreadPoolExecutor(2) as pool:
        pngs = list(pool.map(lambda _: charts.chart_png(_chart()), range(4)))
        docs = list(pool.map(lambda _: render_docx(document), range(2)))
    assert all(png == alone for png in pngs)
    assert all(len(Document(io.BytesIO(d)).inline_shapes) == 1 for d in docs)


def test_the_body_may_sit_in_a_table_cell_of_an_office_template(tmp_path, document):
    doc = Document()
    doc.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0].add_run("{{p noi_dung }}")
    path = tmp_path / "khung.docx"
    doc.save(path)
    check_template(path)
    rendered = Document(io.BytesIO(render_docx(document, template=path)))
    cell = rendered.tables[0].cell(0, 0)
    assert any(p.text.startswith("Qua đánh giá") for p in cell.paragraphs)

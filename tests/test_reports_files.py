"""The report's XLSX annex, standalone HTML, SVG charts and the format dispatch, on documents
built by hand (so each expected value is visible here), read back and checked value by value."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest

from tongket.domain.errors import DomainError
from tongket.reports.document import (
    Chart,
    Heading,
    Paragraph,
    ReportDocument,
    Section,
    Signature,
    Span,
    Table,
)
from tongket.reports.figures import (
    AwardFigures,
    CoverageFigures,
    EvaluationFigures,
    IndicatorFigures,
    LevelCounts,
    ReviewFigures,
    StreakCounts,
    TaskFigures,
    UnitChange,
    UnitFigures,
)
from tongket.reports.render import CONTENT_TYPES, FORMATS, filename, render
from tongket.reports.svg import chart_svg
from tongket.reports.xlsx import render_xlsx

D = dt.date
JAN10 = D(2025, 1, 10)
SHEETS = [
    "Đánh giá xếp loại",
    "Khen thưởng",
    "Chỉ tiêu",
    "Dân vận",
    "Đơn vị hành chính",
    "Nhiệm vụ",
]


def _figures(**changes) -> ReviewFigures:
    base = dict(
        org="DB-X",
        org_name="Đảng bộ quận Thử & Nghiệm",
        period="2024",
        period_label="năm 2024",
        as_of=D(2024, 12, 31),
        in_progress=False,
        evaluation=EvaluationFigures(
            year=2024,
            grassroots=LevelCounts(76, 16, 60, 0, 0, 0),
            sub_branches=LevelCounts(462, 72, 390, 0, 0, 0),
            members=LevelCounts(10058, 1579, 8464, 0, 0, 15, 2),
            streaks=StreakCounts(5, 3, 143),
            previous=EvaluationFigures(
                year=2023,
                grassroots=LevelCounts(76, 13, 63, 0, 0, 0),
                sub_branches=LevelCounts(0, 0, 0, 0, 0, 0),
                members=LevelCounts(9750, 1170, 8580, 0, 0, 0),
                streaks=StreakCounts(0, 0, 0),
            ),
        ),
        units=UnitFigures(
            unit="QX",
            name="Quận Thử",
            as_of=D(2024, 12, 31),
            counts={"ward": 20, "neighbourhood": 271, "resident_group": 0},
            at_start={"ward": 20, "neighbourhood": 89, "resident_group": 1508},
            changes=(
                UnitChange(
                    D(2024, 4, 13),
                    ("Nghị quyết 11/NQ-HĐND ngày 14/3/2024",),
                    {"ward": 20, "neighbourhood": 89, "resident_group": 1508},
                    {"ward": 20, "neighbourhood": 271, "resident_group": 0},
                    89,
                ),
            ),
        ),
        awards=(
            AwardFigures("excellent_year", "HTXSNV năm", "127-QĐ/QU", "BTV", D(2025, 1, 10), 15, 0),
            AwardFigures(
                "excellent_5_years", "5 năm liền", "125-QĐ/QU", "BTV", D(2025, 1, 10), 3, 143
            ),
        ),
        indicators=(
            IndicatorFigures(
                code="KT-DTBL",
                name="Doanh thu bán lẻ",
                unit="tỷ đồng",
                actual=Decimal("222551"),
                status="final",
                target=Decimal("10793.7"),
                target_kind="plan",
                share_of_target=Decimal("0.44"),
                growth_yoy=Decimal("0.1512"),
                growth_note="",
                sentence="",
            ),
            IndicatorFigures(
                code="XH-NGHEO",
                name="Hộ nghèo",
                unit="hộ",
                actual=Decimal("0"),
                status="estimate",
                target=None,
                target_kind="",
                share_of_target=None,
                growth_yoy=None,
                growth_note="Chưa có số liệu cùng kỳ năm trước để so sánh.",
                sentence="",
            ),
        ),
        outreach=(
            CoverageFigures("Mỗi tuần một khu phố", "MTMKP", 20, 112, "", 31),
            CoverageFigures("Mỗi tuần một khu phố", "MTMKP", 18, 112, "standing_members", 25),
        ),
        tasks=(
            TaskFigures(
                "Đại hội Đảng bộ quận lần thứ XIII", "Ban Thường vụ", D(2025, 6, 30), "open"
            ),
            TaskFigures("Kỷ niệm 30/4", "UBND quận", None, "done"),
        ),
    )
    return ReviewFigures(**{**base, **changes})


EMPTY = dict(
    evaluation=None,
    units=None,
    awards=(),
    indicators=(),
    outreach=(),
    tasks=(),
    missing=(
        "Chưa có kết quả đánh giá, xếp loại năm 2024.",
        "Đảng bộ X chưa gắn với đơn vị hành chính nào.",
        "Chưa có quyết định khen thưởng nào trong kỳ.",
        "Chưa có số liệu chỉ tiêu nào cho kỳ này.",
        "Chưa có hoạt động dân vận (thăm khu phố) nào được ghi nhận.",
        "Chưa có nhiệm vụ nào được giao cho kỳ tới.",
    ),
)


def _document(figures: ReviewFigures | None = None) -> ReportDocument:
    figures = figures or _figures()
    chart = Chart(
        key="excellent",
        title="Tỷ lệ hoàn thành xuất sắc nhiệm vụ",
        labels=("Chi, đảng bộ cơ sở", "Đảng viên <mới>"),
        series=(("Năm 2023", (0.171, 0.12)), ("Năm 2024", (0.2105, 0.157))),
        percent=True,
    )
    party = Section(
        key="party",
        number="I.",
        title="CÔNG TÁC XÂY DỰNG ĐẢNG",
        blocks=(
            Paragraph(
                (
                    Span("Năm 2024 có "),
                    Span("16", "evaluation.grassroots.excellent"),
                    Span("/"),
                    Span("76", "evaluation.grassroots.total"),
                    Span(" chi, đảng bộ hoàn thành xuất sắc nhiệm vụ."),
                )
            ),
            Table("Kết quả", ("Đối tượng", "Tổng số"), (("Đảng viên", "10.058"),), "Ghi chú bảng"),
            chart,
        ),
        subsections=(Section("party.members", "1.", "Đảng viên", (Paragraph((Span("Tốt."),)),)),),
    )
    return ReportDocument(
        figures=figures,
        heading=Heading(
            superior="ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH",
            issuer="QUẬN ỦY THỬ",
            number="Số 12-BC/QU",
            place_date="Quận Thử, ngày 15 tháng 01 năm 2025",
            title="BÁO CÁO",
            summary="tổng kết công tác năm 2024",
        ),
        sections=(party,),
        signature=Signature("T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn Ký"),
        recipients=("Ban Thường vụ Thành ủy", "Lưu Văn phòng Quận ủy"),
        notes=figures.missing,
    )


def _book(document: ReportDocument):
    return openpyxl.load_workbook(io.BytesIO(render_xlsx(document)))


def _rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]


def _row(ws, first: str, second=None) -> list:
    for row in ws.iter_rows(min_row=5):
        if row[0].value == first and (second is None or row[1].value == second):
            return row
    raise AssertionError(f"no row {first} {second} in {ws.title}")


# --- XLSX ----------------------------------------------------------------------------------
def test_the_annex_has_its_sheets_with_a_title_naming_org_and_period():
    wb = _book(_document())
    assert wb.sheetnames == SHEETS
    for ws in wb:
        assert "Đảng bộ quận Thử & Nghiệm" in ws["A2"].value and "năm 2024" in ws["A2"].value
        assert "31/12/2024" in ws["A2"].value
        assert ws["A1"].font.bold and ws["A4"].font.bold


def test_evaluation_counts_are_numbers_with_shares_and_the_previous_year_beside():
    ws = _book(_document())["Đánh giá xếp loại"]
    header = [c.value for c in ws[4]]
    assert header[:5] == ["Nhóm", "Năm", "Tổng số", "HTXSNV", "Tỷ lệ"]
    row = _row(ws, "Chi, đảng bộ cơ sở", 2024)
    assert [c.value for c in row[2:6]] == [76, 16, pytest.approx(16 / 76), 60]
    assert row[2].number_format == "#,##0" and row[4].number_format == "0.00%"
    members = _row(ws, "Đảng viên", 2024)
    assert members[2].value == 10058 and members[-1].value == 2  # 2 without a result
    previous = _row(ws, "Chi, đảng bộ cơ sở", 2023)
    assert previous[3].value == 13 and previous[4].value == pytest.approx(13 / 76)
    # A group with no one in it: the share is left empty, not 0 %.
    assert _row(ws, "Chi bộ trực thuộc đảng bộ cơ sở", 2023)[4].value is None
    rows = _rows(ws)
    caption = rows.index(("Hoàn thành xuất sắc nhiệm vụ 5 năm liền",) + (None,) * 13)
    assert [r[:3] for r in rows[caption + 1 :]] == [("Tập thể", 2024, 3), ("Đảng viên", 2024, 143)]
    assert ws.freeze_panes == "C5"


def test_awards_rows_have_dates_and_a_total():
    ws = _book(_document())["Khen thưởng"]
    row = _row(ws, "excellent_5_years")
    assert [c.value for c in row[1:4]] == ["5 năm liền", "125-QĐ/QU", "BTV"]
    assert row[4].value == dt.datetime(2025, 1, 10) and row[4].number_format == "dd/mm/yyyy"
    assert (row[5].value, row[6].value) == (3, 143)
    total = _row(ws, "Cộng (lượt khen thưởng)")
    assert (total[5].value, total[6].value) == (18, 143) and total[5].font.bold


def test_indicators_keep_their_decimals_and_ratios():
    ws = _book(_document())["Chỉ tiêu"]
    row = _row(ws, "KT-DTBL")
    assert row[3].value == 222551 and row[3].number_format == "#,##0"
    assert row[5].value == pytest.approx(10793.7) and row[5].number_format == "#,##0.0"
    assert row[4].value == "Chính thức" and row[6].value == "kế hoạch năm"
    assert row[7].value == pytest.approx(0.44) and row[7].number_format == "0.00%"
    assert row[8].value == pytest.approx(0.1512)
    poor = _row(ws, "XH-NGHEO")
    assert poor[3].value == 0 and poor[4].value == "Ước tính"
    assert poor[7].value is None and "cùng kỳ" in poor[9].value


def test_outreach_units_and_tasks():
    wb = _book(_document())
    ws = wb["Dân vận"]
    everyone, standing = _row(ws, "Mỗi tuần một khu phố", "MTMKP"), list(ws.iter_rows(min_row=6))[0]
    assert [c.value for c in everyone[2:7]] == ["Tất cả", 20, 112, pytest.approx(20 / 112), 31]
    assert standing[2].value == "Thường trực" and standing[3].value == 18
    ws = wb["Đơn vị hành chính"]
    assert [c.value for c in _row(ws, "Đầu kỳ")[1:5]] == [dt.datetime(2023, 12, 31), 20, 89, 1508]
    after = _row(ws, "Sau sắp xếp")
    assert [c.value for c in after[2:7]] == [20, 271, 0, 89, "Nghị quyết 11/NQ-HĐND ngày 14/3/2024"]
    assert [c.value for c in _row(ws, "Trước sắp xếp")[2:5]] == [20, 89, 1508]
    assert _row(ws, "Cuối kỳ (Quận Thử)")[3].value == 271
    ws = wb["Nhiệm vụ"]
    first = _row(ws, 1)
    assert first[1].value.startswith("Đại hội") and first[3].value == dt.datetime(2025, 6, 30)
    assert first[4].value == "Đang thực hiện" and _row(ws, 2)[3].value is None


def test_the_annex_is_set_up_for_printing_and_holds_values_only():
    wb = _book(_document())
    for ws in wb:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$4:$4"
        assert ws.oddHeader.center.text == "Đảng bộ quận Thử && Nghiệm"  # & escaped for Excel
        assert "&P" in ws.oddFooter.center.text
        assert ws.column_dimensions["A"].width >= 6
        for row in ws.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and cell.value.startswith("="))
    assert wb["Đánh giá xếp loại"].page_setup.orientation == "landscape"
    assert wb["Nhiệm vụ"].page_setup.orientation == "portrait"
    assert wb["Khen thưởng"]["A5"].border.left.style == "thin"


def test_sections_without_records_say_what_is_missing_instead_of_zeros():
    wb = _book(_document(_figures(**EMPTY)))
    expected = {
        "Đánh giá xếp loại": "đánh giá, xếp loại năm 2024",
        "Khen thưởng": "khen thưởng",
        "Chỉ tiêu": "chỉ tiêu",
        "Dân vận": "dân vận",
        "Đơn vị hành chính": "đơn vị hành chính",
        "Nhiệm vụ": "nhiệm vụ",
    }
    for name, words in expected.items():
        ws = wb[name]
        assert ws["A4"].value.startswith("Chưa có số liệu"), name
        notes = [r[0] for r in _rows(ws)[3:]]
        assert notes and all(words in n.lower() for n in notes), (name, notes)
        numbers = [v for r in _rows(ws) for v in r if isinstance(v, int | float)]
        assert numbers == [], (name, numbers)
        assert ws.freeze_panes is None


def test_a_running_period_says_so_in_the_title():
    ws = _book(_document(_figures(in_progress=True, as_of=D(2024, 11, 22))))["Khen thưởng"]
    assert "22/11/2024 (kỳ chưa kết thúc)" in ws["A2"].value


# --- dispatch, names, JSON -----------------------------------------------------------------
def test_every_format_has_a_content_type_and_a_file_name():
    document = _document()
    assert FORMATS == ("json", "html", "docx", "pdf", "xlsx") and set(CONTENT_TYPES) == set(FORMATS)
    assert filename(document, "docx") == "bao-cao-DB-X-2024.docx"
    odd = _document(_figures(org="ĐB/X 1", period="2024-H1"))
    assert filename(odd, "pdf") == "bao-cao-B-X-1-2024-H1.pdf"


def test_json_is_the_figures_contract_with_vietnamese_letters_as_they_are():
    document = _document()
    data = render(document, "json")
    assert json.loads(data) == document.figures.to_json()
    assert "Đảng bộ quận Thử" in data.decode("utf-8") and b"\\u" not in data


@pytest.mark.parametrize("fmt", ["doc", "", "PDF", "../x"])
def test_an_unknown_format_is_refused_with_the_list(fmt):
    with pytest.raises(DomainError) as caught:
        render(_document(), fmt)
    assert caught.value.code == "report.format" and "docx" in caught.value.message


# --- HTML and SVG --------------------------------------------------------------------------
def test_the_standalone_html_has_everything_inline():
    html = render(_document(), "html").decode("utf-8")
    assert html.startswith("<!doctype html>") and "<style>" in html
    assert "<link" not in html and "src=" not in html  # nothing fetched from elsewhere
    for words in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "QUẬN ỦY THỬ",
        "Số 12-BC/QU",
        "Quận Thử, ngày 15 tháng 01 năm 2025",
        "I. CÔNG TÁC XÂY DỰNG ĐẢNG",
        "1. Đảng viên",
        "T/M BAN THƯỜNG VỤ",
        "Nguyễn Văn Ký",
        "Lưu Văn phòng Quận ủy",
        "Ghi chú bảng",
    ):
        assert words in html, words
    assert re.search(r'data-figure="evaluation.grassroots.excellent"[^>]*>16<', html)
    assert html.count("<svg") == 1 and "Năm 2024" in html


def test_the_html_names_what_is_missing():
    html = render(_document(_figures(**EMPTY)), "html").decode("utf-8")
    assert "Chưa đủ số liệu" in html
    assert "Chưa có quyết định khen thưởng nào trong kỳ." in html
    assert "Chưa đủ số liệu" not in render(_document(), "html").decode("utf-8")


def test_the_svg_prints_vietnamese_values_and_escapes_labels():
    chart = Chart(
        key="k",
        title="A & B",
        labels=("Đảng viên <mới>", "Khác"),
        series=(("2024", (1579.0, -12.5)),),
    )
    svg = chart_svg(chart)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert ">1.579<" in svg and ">-12,5<" in svg
    assert "&lt;mới&gt;" in svg and "<mới>" not in svg and "A &amp; B" in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]
    assert widths[0] > 10 * widths[1] > 0  # 1.579 against 12,5: bars to scale
    percent = chart_svg(Chart("p", "t", ("x",), (("", (0.1512,)),), percent=True))
    assert ">15,12%<" in percent

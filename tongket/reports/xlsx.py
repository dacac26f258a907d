"""The statistical annex of the report as an XLSX workbook (openpyxl), formatted for printing.

One sheet per statistical section, read from `document.figures` (the same figures the narrative
prints). Numbers are stored as numbers and dates as dates, with formats Excel shows in the
reader's locale ("#,##0" becomes "1.579" on a Vietnamese system); values only, no formulas, so
that the annex cannot drift from the records once opened. A section without records gets a
sheet that says what is missing, never a table of zeros.

The annex is part of the Vietnamese document, like the DOCX: its headings are not translated.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from tongket.domain.documents import BODY_NOUNS, LEVEL_ABBREVIATIONS, UNIT_NOUNS
from tongket.domain.indicators import TARGET_KIND_VI, TargetKind
from tongket.domain.meetings import STATE_LABELS
from tongket.domain.periods import parse_period
from tongket.domain.vnformat import format_date_short
from tongket.reports.document import ReportDocument
from tongket.reports.figures import LEVELS, LevelCounts, ReviewFigures

INT, PCT, DATE = "#,##0", "0.00%", "dd/mm/yyyy"
FONT = "Times New Roman"
HEADER_ROW = 4
THIN = Side(style="thin", color="444444")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="EFEEE9")
WRAP = Alignment(wrap_text=True, vertical="top")

LEVEL_HEADERS = LEVEL_ABBREVIATIONS
GROUPS = (
    ("grassroots", "Chi, đảng bộ cơ sở"),
    ("sub_branches", "Chi bộ trực thuộc đảng bộ cơ sở"),
    ("members", "Đảng viên"),
)
UNIT_WORDS = tuple((level, noun.capitalize()) for level, noun in UNIT_NOUNS.items())
STATUS_WORDS = {"estimate": "Ước tính", "final": "Chính thức"}
# Words by which a note of `figures.missing` belongs to a sheet, in both interface languages
# (the notes are written in the language active when the figures were assembled).
MISSING_WORDS = {
    "evaluation": ("đánh giá", "evaluation"),
    "awards": ("khen thưởng", "commendation", "award"),
    "indicators": ("chỉ tiêu", "target"),
    "outreach": ("dân vận", "mass mobilization"),
    "units": ("đơn vị hành chính", "administrative unit"),
    "tasks": ("nhiệm vụ", "task"),
}


def decimal_format(value) -> str:
    """ "#,##0" for whole numbers, one or two decimals as the figure has them."""
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return INT
    places = min(2, -value.normalize().as_tuple().exponent)
    return "#,##0." + "0" * places


def share(part: int, whole: int) -> float | None:
    """part/whole as a ratio for a "0.00%" cell; None (an empty cell) when there is no whole."""
    return part / whole if whole else None


class Sheet:
    """One annex sheet: two title rows, a header row, bordered data rows, print setup."""

    def __init__(self, wb: Workbook, figures: ReviewFigures, name: str, title: str, columns):
        self.ws = wb.create_sheet(name)
        self.figures = figures
        self.columns = columns  # (header, width) pairs
        self.row_no = HEADER_ROW
        self._titles(title)

    def _titles(self, title: str) -> None:
        f, ws = self.figures, self.ws
        day = format_date_short(f.as_of)
        running = " (kỳ chưa kết thúc)" if f.in_progress else ""
        ws["A1"] = title.upper()
        ws["A1"].font = Font(name=FONT, bold=True, size=14)
        ws["A2"] = f"{f.org_name} — {f.period_label}; số liệu tính đến ngày {day}{running}"
        ws["A2"].font = Font(name=FONT, italic=True, size=12)
        last = get_column_letter(len(self.columns))
        for row in (1, 2):
            ws.merge_cells(f"A{row}:{last}{row}")
        for i, (_header, width) in enumerate(self.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width

    def header(self, freeze: str = "B5") -> None:
        for i, (text, _width) in enumerate(self.columns, start=1):
            cell = self.ws.cell(HEADER_ROW, i, text)
            cell.font = Font(name=FONT, bold=True, size=12)
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        self.ws.freeze_panes = freeze
        self.ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    def row(self, values, formats=(), bold: bool = False) -> None:
        """A bordered data row; `formats` gives a number format per column (None = text)."""
        self.row_no += 1
        for i, value in enumerate(values, start=1):
            cell = self.ws.cell(self.row_no, i, value)
            cell.font = Font(name=FONT, size=12, bold=bold)
            cell.border = BORDER
            cell.alignment = WRAP
            fmt = formats[i - 1] if i - 1 < len(formats) else None
            if fmt and value is not None:
                cell.number_format = fmt(value) if callable(fmt) else fmt

    def missing(self, notes: list[str], what: str, landscape: bool = True) -> None:
        """In place of the table: what is missing, so that no one reads an empty table as 0;
        the sheet is then finished."""
        cell = self.ws.cell(HEADER_ROW, 1, f"Chưa có số liệu {what}.")
        cell.font = Font(name=FONT, bold=True, size=12, color="B3141B")
        for n, note in enumerate(notes, start=HEADER_ROW + 1):
            self.ws.cell(n, 1, note).font = Font(name=FONT, size=12)
        self.row_no = HEADER_ROW + len(notes)
        self.finish(landscape)

    def blank(self) -> None:
        self.row_no += 1

    def caption(self, text: str) -> None:
        self.row_no += 1
        self.ws.cell(self.row_no, 1, text).font = Font(name=FONT, bold=True, size=12)

    def finish(self, landscape: bool) -> None:
        ws = self.ws
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.oddHeader.center.text = self.figures.org_name.replace("&", "&&")
        ws.oddHeader.center.font = FONT
        ws.oddFooter.center.text = "Trang &P/&N"
        ws.oddFooter.center.font = FONT


def notes_for(figures: ReviewFigures, section: str) -> list[str]:
    """The notes of `figures.missing` about one section."""
    words = MISSING_WORDS[section]
    return [m for m in figures.missing if any(w in m.lower() for w in words)]


# --- sheets ----------------------------------------------------------------------------------
def _evaluation(wb, f: ReviewFigures) -> None:
    columns = [("Nhóm", 30), ("Năm", 8), ("Tổng số", 11)]
    for level in LEVELS:
        columns += [(LEVEL_HEADERS[level], 11), ("Tỷ lệ", 9)]
    columns.append(("Chưa có kết quả", 11))
    sheet = Sheet(wb, f, "Đánh giá xếp loại", "Kết quả đánh giá, xếp loại", columns)
    if f.evaluation is None:
        sheet.missing(notes_for(f, "evaluation"), "đánh giá, xếp loại")
        return
    sheet.header(freeze="C5")
    years = [f.evaluation] + ([f.evaluation.previous] if f.evaluation.previous else [])
    for group, label in GROUPS:
        for e in years:  # the previous year right under the current one, group by group
            counts: LevelCounts = getattr(e, group)
            values, formats = [label, e.year, counts.total], [None, "0", INT]
            for level in LEVELS:
                n = getattr(counts, level)
                values += [n, share(n, counts.total)]
                formats += [INT, PCT]
            sheet.row([*values, counts.missing], [*formats, INT], bold=e is f.evaluation)
    s = f.evaluation.streaks
    if s.years:
        sheet.blank()
        sheet.caption(f"Hoàn thành xuất sắc nhiệm vụ {s.years} năm liền")
        sheet.row(["Tập thể", f.evaluation.year, s.orgs], [None, "0", INT])
        sheet.row(["Đảng viên", f.evaluation.year, s.members], [None, "0", INT])
    sheet.finish(landscape=True)


def _awards(wb, f: ReviewFigures) -> None:
    columns = [
        ("Loại", 20),
        ("Hình thức khen thưởng", 40),
        ("Quyết định", 16),
        ("Cơ quan quyết định", 30),
        ("Ngày", 12),
        ("Tập thể", 10),
        ("Cá nhân", 10),
    ]
    sheet = Sheet(wb, f, "Khen thưởng", "Khen thưởng", columns)
    if not f.awards:
        sheet.missing(notes_for(f, "awards"), "khen thưởng")
        return
    sheet.header()
    formats = [None, None, None, None, DATE, INT, INT]
    for a in f.awards:
        sheet.row(
            [a.category, a.name, a.decision, a.body, a.decided_on, a.orgs, a.members], formats
        )
    orgs, members = sum(a.orgs for a in f.awards), sum(a.members for a in f.awards)
    sheet.row(["Cộng (lượt khen thưởng)", "", "", "", None, orgs, members], formats, bold=True)
    sheet.finish(landscape=True)


def _target_kind(kind: str) -> str:
    try:
        return TARGET_KIND_VI[TargetKind(kind)]
    except ValueError:  # a kind added after this annex was written: shown by its code
        return kind


def _indicators(wb, f: ReviewFigures) -> None:
    columns = [
        ("Mã", 12),
        ("Chỉ tiêu", 40),
        ("Đơn vị tính", 12),
        ("Thực hiện", 14),
        ("Số liệu", 11),
        ("Chỉ tiêu đặt ra", 14),
        ("Loại chỉ tiêu", 22),
        ("% so chỉ tiêu", 11),
        ("So cùng kỳ", 11),
        ("Ghi chú", 36),
    ]
    sheet = Sheet(wb, f, "Chỉ tiêu", "Kết quả thực hiện các chỉ tiêu", columns)
    if not f.indicators:
        sheet.missing(notes_for(f, "indicators"), "chỉ tiêu")
        return
    sheet.header(freeze="C5")
    formats = [None, None, None, decimal_format, None, decimal_format, None, PCT, PCT, None]
    for i in f.indicators:
        sheet.row(
            [
                i.code,
                i.name,
                i.unit,
                i.actual,
                STATUS_WORDS.get(i.status, i.status),
                i.target,
                _target_kind(i.target_kind) if i.target_kind else None,
                i.share_of_target,
                i.growth_yoy,
                i.growth_note or None,
            ],
            formats,
        )
    sheet.finish(landscape=True)


def _outreach(wb, f: ReviewFigures) -> None:
    columns = [
        ("Chương trình", 34),
        ("Mã", 12),
        ("Đơn vị đi thăm", 30),
        ("Khu phố đã đến", 12),
        ("Tổng số khu phố", 12),
        ("Tỷ lệ", 10),
        ("Lượt thăm", 10),
    ]
    sheet = Sheet(wb, f, "Dân vận", "Công tác dân vận: thăm khu phố", columns)
    if not f.outreach:
        sheet.missing(notes_for(f, "outreach"), "dân vận")
        return
    sheet.header()
    formats = [None, None, None, INT, INT, PCT, INT]
    for o in f.outreach:
        body = BODY_NOUNS.get(o.body, o.body) if o.body else "Tất cả"
        sheet.row(
            [o.programme, o.code, body, o.covered, o.of, share(o.covered, o.of), o.visits], formats
        )
    sheet.finish(landscape=True)


def _units(wb, f: ReviewFigures) -> None:
    columns = [("Thời điểm", 26), ("Ngày", 12)]
    columns += [(word, 11) for _level, word in UNIT_WORDS]
    columns += [("Đơn vị thuộc diện sắp xếp", 14), ("Căn cứ", 60)]
    sheet = Sheet(wb, f, "Đơn vị hành chính", "Đơn vị hành chính", columns)
    u = f.units
    if u is None:
        sheet.missing(notes_for(f, "units"), "đơn vị hành chính")
        return
    sheet.header()
    formats = [None, DATE, INT, INT, INT, INT, None]
    start = parse_period(f.period).start - dt.timedelta(days=1)

    def counts(c: dict) -> list[int]:
        return [c.get(level, 0) for level, _word in UNIT_WORDS]

    sheet.row(["Đầu kỳ", start, *counts(u.at_start), None, None], formats)
    for change in u.changes:
        day_before = change.effective_on - dt.timedelta(days=1)
        basis = "; ".join(change.basis)
        sheet.row(["Trước sắp xếp", day_before, *counts(change.before), None, None], formats)
        sheet.row(
            ["Sau sắp xếp", change.effective_on, *counts(change.after), change.affected, basis],
            formats,
        )
    sheet.row([f"Cuối kỳ ({u.name})", u.as_of, *counts(u.counts), None, None], formats, bold=True)
    sheet.finish(landscape=True)


def _tasks(wb, f: ReviewFigures) -> None:
    columns = [("STT", 6), ("Nhiệm vụ", 60), ("Chủ trì", 30), ("Thời hạn", 12), ("Tình trạng", 18)]
    sheet = Sheet(wb, f, "Nhiệm vụ", "Nhiệm vụ kỳ tới", columns)
    if not f.tasks:
        sheet.missing(notes_for(f, "tasks"), "nhiệm vụ", landscape=False)
        return
    sheet.header(freeze="A5")
    for n, t in enumerate(f.tasks, start=1):
        state = STATE_LABELS.get(t.state, t.state)
        sheet.row([n, t.title, t.owner, t.deadline, state], ["0", None, None, DATE, None])
    sheet.finish(landscape=False)


SHEETS = (_evaluation, _awards, _indicators, _outreach, _units, _tasks)


def build_workbook(document: ReportDocument) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    f = document.figures
    wb.properties.title = f"Phụ lục số liệu — {f.org_name} — {f.period_label}"
    wb.properties.creator = "tongket"
    for sheet in SHEETS:
        sheet(wb, f)
    _text_stays_text(wb)
    return wb


def _text_stays_text(wb: Workbook) -> None:
    """openpyxl stores any text starting with "=" as a formula; names and titles come from the
    records (an organization called "=HYPERLINK(…)" would run in the reader's spreadsheet and
    start the A2 title), and the annex computes nothing, so every such cell is written as text."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def render_xlsx(document: ReportDocument) -> bytes:
    """The statistical annex of the report, as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    build_workbook(document).save(buffer)
    return buffer.getvalue()

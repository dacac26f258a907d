"""Reading an import file into its sheet name, header row and data rows.

Spreadsheets (.xlsx, .xlsm, .xlsb, .xls, .ods) are read with python-calamine, which gives date
cells as `date`; .csv files must be UTF-8, with or without BOM. Rows are produced lazily, so a
caller that stops early (too many errors) never converts the rest of a large file.

Before a workbook is parsed, its zip directory is read: a file that would expand to more than a
spreadsheet ever holds (a "zip bomb") is refused unread, and a formula cell without the value
Excel computed for it is refused rather than read as an empty cell.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from django.utils.translation import gettext as _

from tongket.domain.errors import DomainError
from tongket.domain.text import fold
from tongket.domain.vnformat import format_int

MAX_ROWS = 200_000
# A workbook of MAX_ROWS rows of a wide kind is ~200 MB of XML once unzipped; past these sizes it
# is not an office's spreadsheet but a file built to exhaust the server's memory.
MAX_UNPACKED = 1024**3
MAX_RATIO, RATIO_FROM = 200, 100 * 1024**2  # real sheets compress 5-30 times, bombs ~1000
ZIP_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".ods")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
CSV_SUFFIXES = (".csv",)
# A CSV cell longer than this is not a record field; the csv module's own limit is 131,072.
_CSV_FIELD_LIMIT = 100_000
_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}

Row = tuple[int, list]  # (row number as the user sees it in Excel, the cells)


@dataclass
class Table:
    """One sheet of an import file: its header row and its data rows (blank rows skipped)."""

    path: Path
    sheet: str
    header: list[str]
    header_row: int
    rows: Iterable[Row]
    total: int  # rows after the header, blank ones included: for progress and limits


def read_table(path: Path | str, *, sheets: Iterable[str] = (), max_rows: int = MAX_ROWS) -> Table:
    """The header and rows of `path`: the first sheet named like one of `sheets` (compared after
    fold()), else the first sheet. Raises DomainError for a missing, empty, unreadable or too
    large file and for a sheet without a header row.
    """
    path = Path(path)
    if not path.is_file():
        raise DomainError("import.file_missing", _("Không tìm thấy tệp %(file)s.") % {"file": path})
    if path.stat().st_size == 0:
        raise DomainError("import.file_empty", _("Tệp %(file)s rỗng.") % {"file": path.name})
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path, list(sheets), max_rows)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, max_rows)
    raise DomainError(
        "import.format",
        _("Không đọc được tệp %(file)s: chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv.")
        % {"file": path.name},
    )


def is_blank(cells: list) -> bool:
    # A plain loop, not all(…): called for every row, and most rows stop at their first cell.
    for c in cells:  # noqa: SIM110
        if c is not None and (not isinstance(c, str) or c.strip()):
            return False
    return True


def _too_many(path: Path, max_rows: int) -> DomainError:
    return DomainError(
        "import.too_many_rows",
        _("Tệp %(file)s có hơn %(limit)s dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn.")
        % {"file": path.name, "limit": format_int(max_rows)},
        {"limit": max_rows},
    )


def _no_header(path: Path, sheet: str) -> DomainError:
    return DomainError(
        "import.no_header",
        _("Trang tính “%(sheet)s” của tệp %(file)s không có dòng tiêu đề (dòng đầu tiên).")
        % {"sheet": sheet, "file": path.name},
    )


def _header(cells: list) -> list[str]:
    return ["" if c is None else str(c).strip() for c in cells]


# --- spreadsheets ---------------------------------------------------------------------------
def _not_a_spreadsheet(path: Path, exc: Exception) -> DomainError:
    # The reader's own reason is English and technical; the user gets what the bytes show.
    return DomainError(
        "import.not_spreadsheet",
        _("Tệp %(file)s không phải là bảng tính đọc được (%(reason)s).")
        % {"file": path.name, "reason": _damage(path)},
        {"detail": str(exc).splitlines()[0][:160] if str(exc) else ""},
    )


def _damage(path: Path) -> str:
    """What is wrong with a workbook the reader refused, in the user's words."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0") and path.suffix.lower() != ".xls":
        return _("tệp được đặt mật khẩu, hoặc là tệp .xls đã đổi tên")
    if path.suffix.lower() in ZIP_SUFFIXES:
        if not head.startswith(b"PK"):
            return _("nội dung không phải định dạng %(suffix)s") % {"suffix": path.suffix}
        return _("tệp bị hỏng hoặc không đầy đủ, có thể do tải về chưa xong")
    return _("nội dung tệp bị hỏng hoặc không đúng định dạng")


def _too_big_unpacked(path: Path, size: int, packed: int) -> DomainError:
    return DomainError(
        "import.zip_bomb",
        _(
            "Tệp %(file)s khi giải nén lên tới %(size)s MB (gấp %(ratio)s lần kích thước tệp): "
            "quá lớn cho một bảng tính, có thể là tệp “bom nén”; tệp không được đọc."
        )
        % {
            "file": path.name,
            "size": format_int(size // 1024**2),
            "ratio": format_int(size // max(packed, 1)),
        },
    )


def _check_package(path: Path) -> None:
    """Refuses a workbook whose zip directory announces more than a spreadsheet can hold, before
    any of it is decompressed. Files that are not zips are left to the reader's own refusal."""
    if path.suffix.lower() not in ZIP_SUFFIXES or not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the reader says it is damaged
    size = sum(p.file_size for p in parts)
    packed = sum(p.compress_size for p in parts)
    bomb = any(
        p.file_size > RATIO_FROM and p.file_size > MAX_RATIO * max(p.compress_size, 1)
        for p in parts
    )
    if size > MAX_UNPACKED or bomb:
        raise _too_big_unpacked(path, size, packed)


# A formula cell: <c r="B3" …><f>…</f> then <v>…</v>, the value Excel computed, which is empty
# only for a text result (t="str"); a program that cannot compute writes no value, or an empty one.
_CELL = re.compile(rb"<c\b([^>]*?)(?<!/)>(.*?)</c>", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_FORMULA = re.compile(rb"<f\b")
_VALUE = re.compile(rb"<v>[^<]+</v>|<is>")


def _sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding `sheet`'s cells, found through workbook.xml and its links."""
    try:
        workbook = book.read("xl/workbook.xml").decode("utf-8")
        links = book.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None
    sheets = re.findall(r'<sheet\b[^>]*name="([^"]*)"[^>]*r:id="([^"]*)"', workbook)
    ids = {unescape(name): rid for name, rid in sheets}
    targets = dict(re.findall(r'<Relationship\b[^>]*Id="([^"]*)"[^>]*Target="([^"]*)"', links))
    target = targets.get(ids.get(sheet, ""), "")
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _formulas_without_value(path: Path, sheet: str, limit: int = 5) -> list[str]:
    """The first cells of `sheet` holding a formula but no computed value: a file written by a
    program that cannot compute (Excel saves the value beside the formula). Most sheets have no
    formula at all; for them the sheet is only scanned for "<f"."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    found: list[str] = []
    with zipfile.ZipFile(path) as book:
        part = _sheet_part(book, sheet)
        if part is None or part not in book.namelist():
            return []
        with book.open(part) as xml:
            tail = b""
            while chunk := xml.read(1 << 20):
                text, cut = tail + chunk, (tail + chunk).rfind(b"</c>") + 4
                text, tail = text[:cut], text[cut:]
                if not _FORMULA.search(text):
                    continue
                for attrs, body in _CELL.findall(text):
                    if not _FORMULA.search(body) or _VALUE.search(body) or b't="str"' in attrs:
                        continue
                    if ref := _REF.search(attrs):
                        found.append(ref.group(1).decode())
                        if len(found) >= limit:
                            return found
    return found


def _formula_error(path: Path, sheet: str, cells: list[str]) -> DomainError:
    return DomainError(
        "import.formula",
        _(
            "Trang tính “%(sheet)s” của tệp %(file)s có ô chứa công thức mà chưa có giá trị "
            "(ô %(cells)s): tệp không được lưu bằng Excel. Hãy mở tệp bằng Excel rồi lưu lại, "
            "hoặc chép và dán giá trị thay cho công thức."
        )
        % {"sheet": sheet, "file": path.name, "cells": ", ".join(cells)},
    )


def _open_sheet(path: Path, wanted: list[str]):
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        if not names:
            raise DomainError("import.file_empty", _("Tệp %(file)s rỗng.") % {"file": path.name})
        keys = {fold(w) for w in wanted}
        name = next((n for n in names if fold(n) in keys), names[0])
        return name, book.get_sheet_by_name(name)
    except (CalamineError, OSError, ValueError) as exc:
        # Text or other binaries renamed .xlsx, damaged or password-protected files.
        raise _not_a_spreadsheet(path, exc) from None


def _read_spreadsheet(path: Path, wanted: list[str], max_rows: int) -> Table:
    _check_package(path)
    name, sheet = _open_sheet(path, wanted)
    return _sheet_table(path, name, sheet, max_rows)


def _sheet_table(path: Path, name: str, sheet, max_rows: int) -> Table:
    if sheet.height == 0 or sheet.end is None:
        raise _no_header(path, name)
    # iter_rows() starts at the sheet's row 1 (empty rows above the used range come back
    # blank), so the n-th row it yields is the row Excel shows as n.
    last_row = sheet.end[0] + 1
    rows = enumerate(sheet.iter_rows(), start=1)
    found = next(((n, cells) for n, cells in rows if not is_blank(cells)), None)
    if found is None:
        raise _no_header(path, name)
    header_row, cells = found
    if last_row - header_row > max_rows:
        raise _too_many(path, max_rows)
    if unvalued := _formulas_without_value(path, name):  # not `cells`: the header's row
        raise _formula_error(path, name, unvalued)
    # `rows` goes on after the header.
    return Table(path, name, _header(cells), header_row, _non_blank(rows), last_row - header_row)


def read_tables(
    path: Path | str, accept: Callable[[list[str]], bool], *, max_rows: int = MAX_ROWS
) -> tuple[list[Table], list[str]]:
    """Every sheet of `path` whose header `accept`s, and the names of the sheets passed over
    (a CSV is one sheet). With no accepted sheet, the first sheet is returned, so that its
    header problems are reported. The row limit holds for the sheets together."""
    path = Path(path)
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return [read_table(path, max_rows=max_rows)], []
    try:
        first: Table | DomainError = read_table(path, max_rows=max_rows)  # the file checks
    except DomainError as exc:
        if exc.code != "import.no_header":
            raise
        first = exc  # an empty first sheet ("Sheet1") is refused only if no sheet is read
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        tables, skipped, total = [], [], 0
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            if sheet.height == 0 or sheet.end is None:
                continue  # an empty sheet ("Sheet2") is not worth a word
            try:
                table = _sheet_table(path, name, sheet, max_rows)
            except DomainError as exc:
                if exc.code != "import.no_header":
                    raise
                continue
            if not accept(table.header):
                skipped.append(name)
                continue
            total += table.total
            if total > max_rows:
                raise _too_many(path, max_rows)
            tables.append(table)
    except (CalamineError, OSError, ValueError) as exc:
        raise _not_a_spreadsheet(path, exc) from None
    if tables:
        return tables, skipped
    if isinstance(first, DomainError):
        raise first
    return [first], []


def _non_blank(rows: Iterable[Row]) -> Iterator[Row]:
    return ((n, cells) for n, cells in rows if not is_blank(cells))


# --- csv ------------------------------------------------------------------------------------
def _wrong_encoding(path: Path, found: str) -> DomainError:
    return DomainError(
        "import.encoding",
        _(
            "Tệp %(file)s không phải CSV mã UTF-8 (%(found)s). Trong Excel hãy chọn "
            "Lưu thành → “CSV UTF-8 (Comma delimited)”, hoặc dùng tệp .xlsx."
        )
        % {"file": path.name, "found": found},
    )


def _check_encoding(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(65536)
    for bom, name in _BOMS.items():
        if head.startswith(bom):
            raise _wrong_encoding(path, name)
    if b"\x00" in head:  # UTF-16 without BOM, or a binary file
        raise _wrong_encoding(path, _("có ký tự NUL, có thể là UTF-16 hoặc tệp nhị phân"))


def _dialect(path: Path) -> str:
    """The delimiter: Excel writes ";" instead of "," where "," is the decimal mark."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        first = fh.readline()
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _csv_rows(path: Path, delimiter: str) -> Iterator[list[str]]:
    # strict: a quote opened and never closed is an error, not the rest of the file in one cell.
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.reader(fh, delimiter=delimiter, strict=True)


def _bad_line(path: Path) -> int:
    """The first line of `path` that is not UTF-8 (the decoder's position is in its buffer)."""
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


def _csv_problem(exc: csv.Error) -> str:
    """The csv module's English complaint, told in Vietnamese."""
    text = str(exc)
    if "unexpected end of data" in text:
        return _('có một ô mở dấu ngoặc kép (") mà không đóng')
    if "expected after" in text:
        return _('có ký tự ngay sau dấu ngoặc kép (") đóng một ô')
    if "field larger" in text:
        return _("có một ô quá dài")
    return _("cấu trúc dòng không đúng")


def _read_csv(path: Path, max_rows: int) -> Table:
    _check_encoding(path)
    delimiter = _dialect(path)
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    header: list[str] | None = None
    header_row = total = line = 0
    try:
        # One cheap pass first: the whole file decodes, and the row limit holds, before any
        # row is converted (a later failure would come after minutes of work).
        for line, cells in enumerate(_csv_rows(path, delimiter), start=1):
            if header is None:
                if not is_blank(cells):
                    header, header_row = _header(cells), line
                continue
            total += 1
            if total > max_rows:
                raise _too_many(path, max_rows)
            if any(len(c) > _CSV_FIELD_LIMIT for c in cells):
                raise DomainError(
                    "import.csv",
                    _("Dòng %(row)d của tệp %(file)s có một ô quá dài; tệp không phải CSV hợp lệ.")
                    % {"row": line, "file": path.name},
                )
    except UnicodeDecodeError:
        found = _("dòng %(line)d có byte không phải UTF-8") % {"line": _bad_line(path)}
        raise _wrong_encoding(path, found) from None
    except csv.Error as exc:
        raise DomainError(
            "import.csv",
            _("Tệp %(file)s không phải CSV hợp lệ: từ dòng %(line)d %(err)s.")
            % {"file": path.name, "line": line + 1, "err": _csv_problem(exc)},
        ) from None
    if header is None:
        raise _no_header(path, path.stem)
    rows = _csv_rows(path, delimiter)
    numbered = ((n, cells) for n, cells in enumerate(rows, start=1) if n > header_row)
    return Table(path, path.stem, header, header_row, _non_blank(numbered), total)

"""Reading an import file into its sheet name, header row and data rows.

Spreadsheets (.xlsx, .xlsm, .xlsb, .xls, .ods) are read with python-calamine, which gives date
cells as `date`; .csv files must be UTF-8, with or without BOM. Rows are produced lazily, so a
caller that stops early (too many errors) never converts the rest of a large file.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from tongket.domain.errors import DomainError
from tongket.domain.text import fold
from tongket.domain.vnformat import format_int

MAX_ROWS = 200_000
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
    return DomainError(
        "import.not_spreadsheet",
        _("Tệp %(file)s không phải là bảng tính đọc được (%(reason)s).")
        % {"file": path.name, "reason": str(exc).splitlines()[0][:160] if str(exc) else ""},
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
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.reader(fh, delimiter=delimiter)


def _read_csv(path: Path, max_rows: int) -> Table:
    _check_encoding(path)
    delimiter = _dialect(path)
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    header: list[str] | None = None
    header_row = total = 0
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
    except UnicodeDecodeError as exc:
        raise _wrong_encoding(
            path, _("byte không hợp lệ ở vị trí %(pos)d") % {"pos": exc.start}
        ) from None
    except csv.Error as exc:
        raise DomainError(
            "import.csv",
            _("Tệp %(file)s không phải CSV hợp lệ: %(err)s") % {"file": path.name, "err": exc},
        ) from None
    if header is None:
        raise _no_header(path, path.stem)
    rows = _csv_rows(path, delimiter)
    numbered = ((n, cells) for n, cells in enumerate(rows, start=1) if n > header_row)
    return Table(path, path.stem, header, header_row, _non_blank(numbered), total)

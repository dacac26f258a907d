"""The record kinds of INTERCHANGE.md and the pure mapping of a file's rows to records.

No ORM here: a kind is its columns (Vietnamese header, code name, required, key), a function
that builds a plain record from one row's converted cells, and the checks that need the whole
file (duplicate keys, overlapping versions). Anything that needs the database is done in
`tongket.imports.apply`. Later kinds (evaluations) register themselves in KINDS.

Units extend the contract in one way: several rows with the same `Mã đơn vị` are the dated
versions of one unit (told apart by `Hiệu lực từ`), so the natural key of a row is
(code, valid_from). This is how the export writes a unit's history, and how it reads back.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from tongket.domain.cells import FORMULA_LEADS
from tongket.domain.errors import DomainError
from tongket.domain.legal import parse_legal_basis
from tongket.domain.party import check_one_place
from tongket.domain.text import match_headers, normalize_header
from tongket.domain.timeline import UNIT_LEVELS, Version, check_dates, check_no_overlap
from tongket.domain.vnformat import format_date_short, format_int, parse_date, parse_number

# Stop converting after this many errors: a file of garbage fails fast with a bounded list.
MAX_ERRORS = 1000


@dataclass(frozen=True)
class RowError:
    """One problem, where the user sees it: sheet, row number as in Excel (header = row 1),
    column header as written in the file, the cell's value, and a Vietnamese message."""

    sheet: str
    row: int
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class Column:
    code: str
    header: str  # the Vietnamese header of INTERCHANGE.md, also written by the export
    required: bool = False
    key: bool = False
    convert: Callable[[object], object] = lambda v: text(v)
    spellings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    columns: tuple[Column, ...]
    build: Callable[[int, dict], object]  # (row number, converted cells) -> record
    check_file: Callable[[list], list[tuple[int, str, str]]]  # -> (row, column code, message)
    sheets: tuple[str, ...] = ()  # sheet names to prefer in a workbook
    # The field whose value ties rows together (a unit's code, a member's card number): when
    # one row fails, the rows that depend on it are skipped rather than reported twice.
    failed_key: str = "code"
    # Read every sheet whose header has this kind's required columns (evaluations: one sheet
    # for organizations, one for members), not only the first.
    all_sheets: bool = False

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> Kind:
    if name not in KINDS:
        raise DomainError(
            "import.kind",
            _("Loại dữ liệu không hợp lệ: %(kind)s (chọn một trong: %(kinds)s).")
            % {"kind": name, "kinds": ", ".join(KINDS)},
        )
    return KINDS[name]


# --- cell conversions -----------------------------------------------------------------------
def _cell_error(message: str, code: str = "cell.invalid") -> DomainError:
    return DomainError(code, message)


def display(value) -> str:
    """A value as the user would type it back: dates dd/mm/yyyy, lists with ";"."""
    if type(value) is str:  # most cells: first, and cheap (called for every cell)
        return value
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return format_date_short(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ";".join(display(v) for v in value)
    return str(value)


def word(words: dict[str, tuple[str, ...]], value: str) -> str:
    """What the export writes for a code name: its first Vietnamese spelling."""
    return words[value][0] if value in words else value


def uninert(value: str) -> str:
    """Undoes inert_cell: an exported "'=HYPERLINK(…)" reads back as "=HYPERLINK(…)"."""
    if value.startswith("'") and value[1:].startswith(FORMULA_LEADS):
        return value[1:]
    return value


def text(value, max_length: int = 200) -> str:
    # NFC: the same name typed on two machines may arrive composed or decomposed (plain
    # ASCII, such as most codes, is NFC already).
    result = display(value)
    if not result.isascii():
        result = unicodedata.normalize("NFC", result)
    result = uninert(result.strip())
    if len(result) > max_length:
        raise _cell_error(
            _("Dài quá %(n)d ký tự (có %(len)d).") % {"n": max_length, "len": len(result)}
        )
    return result


def code(value) -> str:
    result = text(value, 40)
    if ";" in result or "|" in result:
        raise _cell_error(_("Mã không được chứa dấu “;” hoặc “|”."))
    # A code is looked up and printed in links and spreadsheets: one that a spreadsheet would
    # run as a formula (=HYPERLINK(…), =cmd|…) is an injection attempt, never an office's code.
    if result.startswith(("=", "+", "@")):
        raise _cell_error(_("Mã không được bắt đầu bằng “=”, “+” hoặc “@” (dạng công thức)."))
    return result


def codes(value) -> tuple[str, ...]:
    """Codes separated by ";" (also accepts line breaks), in order, each once."""
    parts = display(value).replace("\n", ";").split(";")
    found: list[str] = []
    for part in parts:
        item = code(part)
        if item and item not in found:
            found.append(item)
    return tuple(found)


def day(value) -> date | None:
    if type(value) is date:  # a date cell, as the spreadsheet reader gives it
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        return parse_date(value)
    return parse_date(display(value))  # a number in a date column: refused with the forms


def _number(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _cell_error(_("Cần một số, không phải %(v)s.") % {"v": value})
    if isinstance(value, float) and not math.isfinite(value):
        # A spreadsheet's NaN or infinity: Decimal would take it, and comparing it fails.
        raise _cell_error(_("Số không hợp lệ: %(v)s.") % {"v": value})
    if isinstance(value, int | float):
        return Decimal(str(value))
    return parse_number(display(value))


def count(value) -> int | None:
    """A whole number of households or people: "12.345", "12345" or a number cell."""
    number = _number(value)
    if number is None:
        return None
    if number != number.to_integral_value() or number < 0 or number > 2_000_000_000:
        raise _cell_error(_("Cần một số nguyên không âm: %(v)s.") % {"v": display(value)})
    return int(number)


def area(value) -> Decimal | None:
    """An area in km², decimal comma or point; kept to the 4 decimals the database stores."""
    number = _number(value)
    if number is None:
        return None
    if number < 0 or number >= 1_000_000:
        raise _cell_error(_("Diện tích không hợp lệ: %(v)s km².") % {"v": display(value)})
    return number.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def enumeration(words: dict[str, Iterable[str]], what: str) -> Callable[[object], str]:
    """A converter accepting each value's Vietnamese words, abbreviations and code name,
    compared after fold() with punctuation ignored ("Phường/xã" = "phuong, xa")."""
    lookup: dict[str, str] = {}
    for value, spellings in words.items():
        for spelling in [value, *spellings]:
            key = normalize_header(spelling)
            if lookup.setdefault(key, value) != value:
                raise ValueError(f"{spelling!r} spelled for two values")  # a slip in the table
    examples = ", ".join(next(iter(s)) for s in words.values())
    seen: dict[str, str] = {}  # a column repeats a few spellings over thousands of rows

    def convert(cell) -> str:
        raw = display(cell).strip()
        if not raw:
            return ""
        if found := seen.get(raw):
            return found
        if found := lookup.get(normalize_header(raw)):
            if len(seen) < 1000:
                seen[raw] = found
            return found
        raise _cell_error(
            _("%(what)s không hợp lệ: “%(v)s” (dùng: %(ex)s).")
            % {"what": what, "v": raw, "ex": examples}
        )

    return convert


def repeating(convert: Callable[[object], object], size: int = 20_000) -> Callable:
    """`convert`, remembering its result for text cells it has seen: in a large file the
    organization codes, the dates typed as text and many names repeat thousands of times.
    Only for converters whose result depends on the cell alone; a refused cell is not
    remembered, so it is refused again, with its message, on every row that has it.

    map_table takes a `fresh()` copy for each sheet, so that nothing read from one file (names
    and birth dates are personal data) stays in the server's memory after its import."""
    seen: dict[str, object] = {}

    def cached(cell):
        if type(cell) is not str:
            return convert(cell)
        found = seen.get(cell, seen)
        if found is seen:
            found = convert(cell)
            if len(seen) < size:
                seen[cell] = found
        return found

    cached.fresh = lambda: repeating(convert, size)
    return cached


def legal_basis(value) -> str:
    result = text(value, 300)
    if result:
        parse_legal_basis(result)  # refuses an impossible signing date
    return result


# --- mapping a table ------------------------------------------------------------------------
@dataclass
class Mapped:
    """The records of one sheet, the problems found, and what the header told."""

    sheet: str
    records: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # code name → header in the file
    present: frozenset[str] = frozenset()
    failed_codes: set[str] = field(default_factory=set)  # keys of rows that have errors
    truncated: bool = False
    last_row: int = 0

    def add(self, row: int, column: str, value, message: str) -> None:
        self.errors.append(RowError(self.sheet, row, column, display(value), message))


def header_of(kind: Kind, mapped: Mapped, column: str) -> str:
    return mapped.headers.get(column) or (kind.column(column).header if column else "")


def _check_header(kind: Kind, header: list[str], header_row: int, mapped: Mapped) -> dict:
    spellings = {c.code: [c.header, *c.spellings] for c in kind.columns}
    match = match_headers(header, spellings)
    mapped.headers = {c: header[i] for c, i in match.index.items()}
    mapped.present = frozenset(match.index)
    for extra in match.unknown:
        mapped.warnings.append(
            _("Cột “%(col)s” không thuộc mẫu %(kind)s nên không được dùng.")
            % {"col": extra, "kind": kind.name}
        )
    for dup in match.duplicates:
        header = kind.column(dup).header
        mapped.add(header_row, header, "", _("Cột này có hai lần trong dòng tiêu đề."))
    expected = ", ".join(c.header for c in kind.columns if c.required)
    for column in kind.columns:
        if column.required and column.code not in match.index:
            message = _(
                "Thiếu cột bắt buộc “%(col)s” (hoặc “%(code)s”). Các cột bắt buộc: %(all)s."
            ) % {"col": column.header, "code": column.code, "all": expected}
            mapped.add(header_row, column.header, "", message)
    return match.index


def map_table(
    kind: Kind, table, *, max_errors: int = MAX_ERRORS, require_rows: bool = True
) -> Mapped:
    """Converts every row of `table` (a readers.Table) to a record of `kind`, or RowErrors.

    Stops after `max_errors` errors (then `truncated` is set and the rest is not read). A
    table without a data row is an error (`require_rows`): a header alone is a mistake (the
    wrong file, or rows deleted by accident), not an import that did nothing.
    """
    mapped = Mapped(sheet=table.sheet)
    index = _check_header(kind, table.header, table.header_row, mapped)
    if mapped.errors:
        return mapped
    # (code, position, converter, required) of each column present, looked up once.
    columns = [
        (c.code, index[c.code], _fresh(c.convert), c.required)
        for c in kind.columns
        if c.code in index
    ]
    by_row: dict[int, object] = {}
    for number, cells in table.rows:
        mapped.last_row = number
        if record := _map_row(kind, columns, index, number, cells, mapped):
            by_row[number] = record
        if len(mapped.errors) >= max_errors:
            mapped.truncated = True
            return mapped
    if require_rows and not mapped.last_row:
        mapped.add(table.header_row, "", "", no_rows_message())
        return mapped
    bad_rows = set()
    for number, column, message in kind.check_file(list(by_row.values())):
        value = getattr(by_row[number], column, "")
        mapped.add(number, header_of(kind, mapped, column), value, message)
        bad_rows.add(number)
    for number in bad_rows:
        if key := getattr(by_row.pop(number), kind.failed_key, ""):
            mapped.failed_codes.add(key)
    mapped.records = list(by_row.values())
    return mapped


def _fresh(convert: Callable) -> Callable:
    """A converter with its own memory for this sheet (see repeating), or the converter."""
    fresh = getattr(convert, "fresh", None)
    return fresh() if fresh else convert


def no_rows_message() -> str:
    return _("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào bên dưới.")


def accepts_header(kind: Kind, header: list[str]) -> bool:
    """Whether a sheet's header row has every required column of `kind`."""
    spellings = {c.code: [c.header, *c.spellings] for c in kind.columns}
    found = match_headers(header, spellings).index
    return all(c.code in found for c in kind.columns if c.required)


def map_tables(kind: Kind, tables: list, skipped: list[str]) -> Mapped:
    """map_table over several sheets of one file, as one Mapped: each record keeps its sheet
    (for its errors), and each sheet passed over is named in a warning."""
    parts: list[Mapped] = []
    for table in tables:
        left = MAX_ERRORS - sum(len(p.errors) for p in parts)
        parts.append(map_table(kind, table, max_errors=left, require_rows=False))
        for record in parts[-1].records:
            record.sheet = table.sheet
        if parts[-1].truncated:
            break
    merged = Mapped(sheet=parts[0].sheet)
    for part in parts:
        merged.records += part.records
        merged.errors += part.errors
        merged.warnings += part.warnings
        merged.headers = {**part.headers, **merged.headers}
        merged.present |= part.present
        merged.failed_codes |= part.failed_codes
        merged.truncated |= part.truncated
        merged.last_row = part.last_row or merged.last_row
    if not merged.errors and not any(p.last_row for p in parts):
        merged.add(tables[0].header_row, "", "", no_rows_message())
    for name in skipped:
        merged.warnings.append(
            _(
                "Trang tính “%(sheet)s” không có các cột bắt buộc của mẫu %(kind)s "
                "nên không được đọc."
            )
            % {"sheet": name, "kind": kind.name}
        )
    return merged


def _map_row(kind: Kind, columns, index, number: int, cells: list, mapped: Mapped):
    values: dict[str, object] = {}
    failed = False
    width = len(cells)
    for code, position, convert, required in columns:  # the loop of every cell: kept lean
        raw = cells[position] if position < width else None
        try:
            value = values[code] = convert(raw)
        except DomainError as exc:
            mapped.add(number, mapped.headers[code], raw, exc.message)
            failed = True
            continue
        if required and (value is None or value == "" or value == ()):
            mapped.add(number, mapped.headers[code], "", _("Ô bắt buộc đang trống."))
            failed = True
    if not failed:
        try:
            return kind.build(number, values)
        except DomainError as exc:
            column = (exc.details or {}).get("column", "")
            mapped.add(number, header_of(kind, mapped, column), values.get(column), exc.message)
    # Rows that depend on this one (children of a unit) are then skipped, not reported twice.
    key = values.get(kind.failed_key)
    if key is None and kind.failed_key in index and index[kind.failed_key] < len(cells):
        key = display(cells[index[kind.failed_key]]).strip()
    if key:
        mapped.failed_codes.add(key)
    return None


def _row_error(column: str, message: str) -> DomainError:
    return DomainError("row.invalid", message, {"column": column})


# --- units ----------------------------------------------------------------------------------
LEVEL_WORDS = {
    "province": ("Tỉnh/thành phố", "tỉnh", "thành phố", "TP", "thành phố trực thuộc trung ương"),
    "district": ("Quận/huyện", "quận", "huyện", "thị xã", "thành phố thuộc tỉnh", "Q", "H", "TX"),
    "ward": ("Phường/xã", "phường", "xã", "đặc khu", "thị trấn", "P", "X", "TT"),
    "neighbourhood": ("Khu phố/ấp", "khu phố", "ấp", "thôn", "KP"),
    "resident_group": ("Tổ dân phố", "TDP"),
}


@dataclass(frozen=True)
class UnitRow:
    """One version of a unit as written in a `units` file."""

    row: int
    code: str
    name: str
    level: str
    valid_from: date
    parent_code: str = ""
    valid_to: date | None = None
    households: int | None = None
    population: int | None = None
    area_km2: Decimal | None = None

    @property
    def key(self) -> tuple[str, date]:
        return (self.code, self.valid_from)

    def version(self) -> Version:
        return Version(0, self.valid_from, self.valid_to, self.name, self.level, None, self.code)


UNIT_FIGURES = ("households", "population", "area_km2")


def _build_unit(row: int, values: dict) -> UnitRow:
    record = UnitRow(row=row, **values)
    try:
        check_dates(record.version())
    except DomainError as exc:
        raise _row_error("valid_to", exc.message) from None
    if record.parent_code == record.code:
        raise _row_error("parent_code", _("Đơn vị không thể là cấp trên của chính nó."))
    return record


def _check_units(records: list[UnitRow]) -> list[tuple[int, str, str]]:
    """Duplicate (code, valid_from) keys and overlapping versions of one code."""
    problems: list[tuple[int, str, str]] = []
    by_code: dict[str, list[UnitRow]] = defaultdict(list)
    for r in records:
        by_code[r.code].append(r)
    for rows in by_code.values():
        rows.sort(key=lambda r: (r.valid_from, r.row))
        latest: UnitRow | None = None  # the accepted version that reaches furthest
        for r in rows:
            message = _overlap(latest, r) if latest is not None else ""
            if message:
                problems.append((r.row, "valid_from", message))
            else:
                latest = r  # it starts after every accepted version ended: it reaches furthest
    return problems


def _overlap(before: UnitRow, after: UnitRow) -> str:
    if before.valid_from == after.valid_from:
        return _("Trùng với dòng %(row)d: cùng mã %(code)s và cùng ngày hiệu lực.") % {
            "row": before.row,
            "code": after.code,
        }
    try:
        check_no_overlap([before.version(), after.version()])
    except DomainError as exc:
        return f"{exc.message} " + _("(dòng %(row)d)") % {"row": before.row}
    return ""


def unit_order(record: UnitRow) -> tuple:
    """Parents before children: by level from the top, then by date."""
    return (UNIT_LEVELS.index(record.level), record.valid_from, record.code)


UNITS = register(
    Kind(
        name="units",
        label="đơn vị hành chính",
        sheets=("units", "đơn vị", "đơn vị hành chính"),
        columns=(
            Column("code", "Mã đơn vị", required=True, key=True, convert=code),
            Column("name", "Tên đơn vị", required=True),
            Column("level", "Cấp", required=True, convert=enumeration(LEVEL_WORDS, "Cấp")),
            Column("parent_code", "Mã đơn vị cấp trên", convert=code),
            Column("valid_from", "Hiệu lực từ", required=True, key=True, convert=day),
            Column("valid_to", "Hiệu lực đến", convert=day),
            Column("households", "Số hộ", convert=count),
            Column("population", "Dân số", convert=count),
            Column("area_km2", "Diện tích (km²)", convert=area, spellings=("Diện tích",)),
        ),
        build=_build_unit,
        check_file=_check_units,
    )
)


# --- unit events ----------------------------------------------------------------------------
EVENT_WORDS = {
    "merge": ("Sáp nhập", "nhập", "hợp nhất"),
    "split": ("Chia tách", "tách", "chia"),
    "rename": ("Đổi tên",),
    "establish": ("Thành lập", "thành lập mới"),
    "dissolve": ("Giải thể",),
    "move": ("Điều chuyển", "chuyển"),
    "rearrange": ("Sắp xếp lại", "sắp xếp"),
}


def event_key(kind: str, effective_on: date, from_codes, to_codes) -> str:
    """The key the registry stores on an event (see registry.services.unit_event_record)."""
    return "|".join(
        [kind, effective_on.isoformat(), ";".join(sorted(from_codes)), ";".join(sorted(to_codes))]
    )


@dataclass(frozen=True)
class EventRow:
    """One reorganization as written in a `unit_events` file."""

    row: int
    effective_on: date
    kind: str
    legal_basis: str
    from_codes: tuple[str, ...] = ()
    to_codes: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return event_key(self.kind, self.effective_on, self.from_codes, self.to_codes)


def _build_event(row: int, values: dict) -> EventRow:
    record = EventRow(row=row, **values)
    if record.kind != "establish" and not record.from_codes:
        raise _row_error("from_codes", _("Cần mã đơn vị cũ (trừ khi thành lập mới)."))
    if record.kind != "dissolve" and not record.to_codes:
        raise _row_error("to_codes", _("Cần mã đơn vị mới (trừ khi giải thể)."))
    return record


def _check_events(records: list[EventRow]) -> list[tuple[int, str, str]]:
    seen: dict[str, int] = {}
    problems = []
    for r in records:
        if (first := seen.setdefault(r.key, r.row)) != r.row:
            problems.append(
                (
                    r.row,
                    "kind",
                    _("Trùng với dòng %(row)d: cùng loại, ngày, đơn vị cũ và mới.")
                    % {"row": first},
                )
            )
    return problems


UNIT_EVENTS = register(
    Kind(
        name="unit_events",
        label="sắp xếp đơn vị hành chính",
        sheets=("unit_events", "sắp xếp", "sự kiện"),
        columns=(
            Column("effective_on", "Ngày hiệu lực", required=True, key=True, convert=day),
            Column(
                "kind", "Loại", required=True, key=True, convert=enumeration(EVENT_WORDS, "Loại")
            ),
            Column("from_codes", "Mã đơn vị cũ", key=True, convert=codes),
            Column("to_codes", "Mã đơn vị mới", key=True, convert=codes),
            Column("legal_basis", "Căn cứ", required=True, convert=legal_basis),
        ),
        build=_build_event,
        check_file=_check_events,
    )
)


# --- party organizations --------------------------------------------------------------------
ORG_KIND_WORDS = {
    "party_committee": ("Đảng bộ", "ĐB"),
    "grassroots_committee": ("Đảng bộ cơ sở", "ĐBCS"),
    "grassroots_branch": ("Chi bộ cơ sở", "CBCS"),
    "sub_committee": ("Đảng bộ bộ phận", "ĐBBP"),
    "sub_branch": ("Chi bộ trực thuộc", "chi bộ", "CBTT", "CB"),
}


@dataclass(frozen=True)
class OrgRow:
    """One version of a party organization as written in an `orgs` file; like units, rows
    with the same code are its dated versions."""

    row: int
    code: str
    name: str
    kind: str
    valid_from: date
    parent_code: str = ""
    unit_code: str = ""
    valid_to: date | None = None

    @property
    def key(self) -> tuple[str, date]:
        return (self.code, self.valid_from)

    def version(self) -> Version:
        return Version(0, self.valid_from, self.valid_to, self.name, self.kind, None, self.code)


def _build_org(row: int, values: dict) -> OrgRow:
    record = OrgRow(row=row, **values)
    try:
        check_dates(record.version())
    except DomainError as exc:
        raise _row_error("valid_to", exc.message) from None
    if record.parent_code == record.code:
        raise _row_error("parent_code", _("Tổ chức không thể là cấp trên của chính nó."))
    return record


def _check_orgs(records: list[OrgRow]) -> list[tuple[int, str, str]]:
    """Duplicate keys and overlapping versions (as for units), and parents that go round in
    a circle within the file (A under B, B under A)."""
    problems = _check_units(records)
    parents: dict[str, set[str]] = defaultdict(set)
    for r in records:
        if r.parent_code:
            parents[r.code].add(r.parent_code)
    for r in records:
        if r.parent_code and (circle := _circle(parents, r.code, r.parent_code)):
            message = _("Tổ chức cấp trên tạo thành vòng lặp: %(path)s.") % {
                "path": " → ".join(circle)
            }
            problems.append((r.row, "parent_code", message))
    return problems


def _circle(parents: dict[str, set[str]], code: str, parent: str) -> list[str]:
    """The codes from `code` up through `parent` and back to `code`, or [] when the parents
    of `parent` never lead back to `code`."""
    paths, seen = [[code, parent]], {parent}
    while paths:
        path = paths.pop()
        if path[-1] == code:
            return path
        for above in sorted(parents.get(path[-1], ())):
            if above == code or above not in seen:
                seen.add(above)
                paths.append([*path, above])
    return []


def org_depths(records: list[OrgRow]) -> dict[str, int]:
    """How many organizations of the file lie above each code (through any of its versions),
    so that parents are written before their children. Codes left in a circle (refused by
    the check above) come last."""
    codes = {r.code for r in records}
    children: dict[str, set[str]] = defaultdict(set)
    waiting: dict[str, set[str]] = {c: set() for c in codes}
    for r in records:
        if r.parent_code in codes and r.parent_code != r.code:
            children[r.parent_code].add(r.code)
            waiting[r.code].add(r.parent_code)
    depths: dict[str, int] = {}
    ready = sorted(c for c, above in waiting.items() if not above)
    for c in ready:
        depths[c] = 0
    while ready:
        parent = ready.pop()
        for child in sorted(children[parent]):
            depths[child] = max(depths.get(child, 0), depths[parent] + 1)
            waiting[child].discard(parent)
            if not waiting[child]:
                ready.append(child)
    last = max(depths.values(), default=0) + 1
    return {c: depths[c] if not waiting[c] else last for c in codes}


ORGS = register(
    Kind(
        name="orgs",
        label="tổ chức đảng",
        sheets=("orgs", "tổ chức", "tổ chức đảng"),
        columns=(
            Column("code", "Mã tổ chức", required=True, key=True, convert=code),
            Column("name", "Tên tổ chức", required=True),
            Column("kind", "Loại", required=True, convert=enumeration(ORG_KIND_WORDS, "Loại")),
            Column("parent_code", "Mã tổ chức cấp trên", convert=code),
            Column("unit_code", "Mã đơn vị hành chính", convert=code),
            Column("valid_from", "Hiệu lực từ", required=True, key=True, convert=day),
            Column("valid_to", "Hiệu lực đến", convert=day),
        ),
        build=_build_org,
        check_file=_check_orgs,
    )
)


# --- party members --------------------------------------------------------------------------
GENDER_WORDS = {"male": ("Nam", "M"), "female": ("Nữ", "F")}
STATUS_WORDS = {
    "active": ("Đang sinh hoạt",),
    "exempted": ("Miễn sinh hoạt", "miễn công tác và sinh hoạt"),
    "suspended": ("Đình chỉ sinh hoạt",),
    "transferred_out": ("Chuyển đi", "đã chuyển đi", "chuyển sinh hoạt đi"),
    "deceased": ("Từ trần", "đã từ trần"),
    "struck_off": ("Xóa tên",),
    "expelled": ("Khai trừ",),
    "left": ("Ra khỏi Đảng",),
}
# Statuses that end the official membership the day they start (tongket.party.services).
LEAVING = frozenset({"transferred_out", "deceased", "struck_off", "expelled", "left"})
# The fields of the person, the same on every row of one card number.
PERSON_FIELDS = {
    "full_name": "họ và tên",
    "birth_date": "ngày sinh",
    "gender": "giới tính",
    "admitted_on": "ngày vào Đảng",
    "confirmed_on": "ngày chính thức",
}


def card(value) -> str:
    result = code(value)
    if len(result) > 20:
        raise _cell_error(_("Số thẻ dài quá 20 ký tự: %(v)s.") % {"v": result})
    return result


@dataclass(slots=True)  # not frozen: built once per row of files of 100,000 rows
class MemberRow:
    """One row of a `members` file: the person, and where they are active from `since`.

    The rows of one card number, in the order of their days, are the member's history: the
    first registers them, a later row with another organization is a transfer from its day,
    and a later row with another status is a change of status from its day.
    """

    row: int
    card_number: str
    full_name: str
    birth_date: date
    gender: str
    org_code: str
    admitted_on: date
    since: date | None = None
    confirmed_on: date | None = None
    status: str = "active"

    @property
    def start(self) -> date:
        """The day the row takes effect (`since`, else the admission day)."""
        return self.since or self.admitted_on

    def person(self) -> dict:
        return {name: getattr(self, name) for name in PERSON_FIELDS}


def _build_member(row: int, values: dict) -> MemberRow:
    values["full_name"] = " ".join(values["full_name"].split())
    values["status"] = values.get("status") or "active"
    return MemberRow(row=row, **values)


def _shown(field_name: str, value) -> str:
    if field_name == "gender":
        return word(GENDER_WORDS, value)
    return display(value) or _("(trống)")


def _check_members(records: list[MemberRow]) -> list[tuple[int, str, str]]:
    """Rows of one card number must tell of one person, and one place and status a day."""
    problems: list[tuple[int, str, str]] = []
    by_card: dict[str, list[MemberRow]] = defaultdict(list)
    for r in records:
        by_card[r.card_number].append(r)
    for rows in by_card.values():
        if len(rows) == 1:  # most cards: nothing to compare
            continue
        first = rows[0]
        for r in rows[1:]:
            for name, label in PERSON_FIELDS.items():
                if getattr(r, name) != getattr(first, name):
                    problems.append(
                        (
                            r.row,
                            name,
                            _("Số thẻ %(card)s đã có ở dòng %(row)d với %(what)s khác (%(v)s).")
                            % {
                                "card": r.card_number,
                                "row": first.row,
                                "what": label,
                                "v": _shown(name, getattr(first, name)),
                            },
                        )
                    )
                    break
        seen: dict[date, MemberRow] = {}
        for r in sorted(rows, key=lambda r: (r.start, r.row)):
            if (other := seen.setdefault(r.start, r)) is r:
                continue
            if other.org_code != r.org_code:
                try:
                    check_one_place(
                        [(r.start, None, other.org_code), (r.start, None, r.org_code)],
                        r.full_name,
                    )
                except DomainError as exc:
                    problems.append((r.row, "org_code", exc.message))
                    continue
            problems.append(
                (
                    r.row,
                    "since",
                    _("Trùng với dòng %(row)d: cùng số thẻ %(card)s và cùng ngày %(day)s.")
                    % {"row": other.row, "card": r.card_number, "day": display(r.start)},
                )
            )
    return problems


MEMBERS = register(
    Kind(
        name="members",
        label="đảng viên",
        sheets=("members", "đảng viên"),
        columns=(
            Column("card_number", "Số thẻ đảng viên", required=True, key=True, convert=card),
            Column(
                "full_name", "Họ và tên", required=True, convert=repeating(lambda v: text(v, 120))
            ),
            Column("birth_date", "Ngày sinh", required=True, convert=repeating(day)),
            Column(
                "gender",
                "Giới tính",
                required=True,
                convert=enumeration(GENDER_WORDS, "Giới tính"),
            ),
            Column("org_code", "Mã tổ chức", required=True, convert=repeating(code)),
            Column("since", "Từ ngày", convert=repeating(day)),
            Column("admitted_on", "Ngày vào Đảng", required=True, convert=repeating(day)),
            Column("confirmed_on", "Ngày chính thức", convert=repeating(day)),
            Column("status", "Trạng thái", convert=enumeration(STATUS_WORDS, "Trạng thái")),
        ),
        build=_build_member,
        check_file=_check_members,
        failed_key="card_number",
    )
)


@dataclass(frozen=True)
class MemberState:
    """Where a member is active and in what status, from a day: one row of a `members` file."""

    since: date
    org_code: str
    status: str


Span = tuple[date, date | None, str]  # an official membership: from, to, organization code
StatusSpan = tuple[str, date, date | None]  # a status other than active: status, from, to


def org_code_on(memberships: list[Span], day: date) -> str:
    """The organization of the official membership covering `day`, else of the last one that
    started before it (the member left it), else ""."""
    found = ""
    for start, end, org_code in sorted(memberships):
        if start > day:
            break
        found = org_code
        if end is None or day <= end:
            return org_code
    return found


def status_on(periods: list[StatusSpan], day: date) -> str:
    for status, start, end in periods:
        if start <= day and (end is None or day <= end):
            return status
    return "active"


def member_history(memberships: list[Span], periods: list[StatusSpan]) -> list[MemberState]:
    """A member's stored history as the rows of a `members` file: one row per day on which
    the organization or the status changed (a membership starts, a status starts or ends)."""
    days = {start for start, _end, _org in memberships} | {p[1] for p in periods}
    starts = {p[1] for p in periods}
    for _status, _start, end in periods:
        if end is not None and (after := end + timedelta(days=1)) not in starts:
            days.add(after)  # back to active
    return [
        MemberState(d, org_code_on(memberships, d), status_on(periods, d)) for d in sorted(days)
    ]


def too_many_errors(mapped: Mapped) -> str:
    return _(
        "Dừng kiểm tra sau %(n)s lỗi (đến dòng %(row)d); phần còn lại của tệp chưa được kiểm tra."
    ) % {"n": format_int(len(mapped.errors)), "row": mapped.last_row}


# Kinds defined in their own modules register themselves on import (they use the helpers above).
from tongket.imports import evaluation_kind, target_kind, work_kind  # noqa: E402,F401

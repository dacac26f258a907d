"""The record kinds of INTERCHANGE.md and the pure mapping of a file's rows to records.

No ORM here: a kind is its columns (Vietnamese header, code name, required, key), a function
that builds a plain record from one row's converted cells, and the checks that need the whole
file (duplicate keys, overlapping versions). Anything that needs the database is done in
`tongket.imports.apply`. Later kinds (orgs, members, evaluations) register themselves in KINDS.

Units extend the contract in one way: several rows with the same `Mã đơn vị` are the dated
versions of one unit (told apart by `Hiệu lực từ`), so the natural key of a row is
(code, valid_from). This is how the export writes a unit's history, and how it reads back.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from tongket.domain.cells import FORMULA_LEADS
from tongket.domain.errors import DomainError
from tongket.domain.legal import parse_legal_basis
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


def uninert(value: str) -> str:
    """Undoes inert_cell: an exported "'=HYPERLINK(…)" reads back as "=HYPERLINK(…)"."""
    if value.startswith("'") and value[1:].startswith(FORMULA_LEADS):
        return value[1:]
    return value


def text(value, max_length: int = 200) -> str:
    # NFC: the same name typed on two machines may arrive composed or decomposed.
    result = uninert(unicodedata.normalize("NFC", display(value)).strip())
    if len(result) > max_length:
        raise _cell_error(
            _("Dài quá %(n)d ký tự (có %(len)d).") % {"n": max_length, "len": len(result)}
        )
    return result


def code(value) -> str:
    result = text(value, 40)
    if any(ch in result for ch in ";|"):
        raise _cell_error(_("Mã không được chứa dấu “;” hoặc “|”."))
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

    def convert(cell) -> str:
        raw = display(cell).strip()
        if not raw:
            return ""
        if found := lookup.get(normalize_header(raw)):
            return found
        raise _cell_error(
            _("%(what)s không hợp lệ: “%(v)s” (dùng: %(ex)s).")
            % {"what": what, "v": raw, "ex": examples}
        )

    return convert


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


def map_table(kind: Kind, table, *, max_errors: int = MAX_ERRORS) -> Mapped:
    """Converts every row of `table` (a readers.Table) to a record of `kind`, or RowErrors.

    Stops after `max_errors` errors (then `truncated` is set and the rest is not read).
    """
    mapped = Mapped(sheet=table.sheet)
    index = _check_header(kind, table.header, table.header_row, mapped)
    if mapped.errors:
        return mapped
    columns = [c for c in kind.columns if c.code in index]
    by_row: dict[int, object] = {}
    for number, cells in table.rows:
        mapped.last_row = number
        if record := _map_row(kind, columns, index, number, cells, mapped):
            by_row[number] = record
        if len(mapped.errors) >= max_errors:
            mapped.truncated = True
            return mapped
    bad_rows = set()
    for number, column, message in kind.check_file(list(by_row.values())):
        value = getattr(by_row[number], column, "")
        mapped.add(number, header_of(kind, mapped, column), value, message)
        bad_rows.add(number)
    for number in bad_rows:
        if key := getattr(by_row.pop(number), "code", ""):
            mapped.failed_codes.add(key)
    mapped.records = list(by_row.values())
    return mapped


def _map_row(kind: Kind, columns, index, number: int, cells: list, mapped: Mapped):
    values: dict[str, object] = {}
    failed = False
    for column in columns:
        position = index[column.code]
        raw = cells[position] if position < len(cells) else None
        try:
            values[column.code] = column.convert(raw)
        except DomainError as exc:
            mapped.add(number, mapped.headers[column.code], raw, exc.message)
            failed = True
            continue
        if column.required and values[column.code] in ("", None, ()):
            mapped.add(number, mapped.headers[column.code], "", _("Ô bắt buộc đang trống."))
            failed = True
    if not failed:
        try:
            return kind.build(number, values)
        except DomainError as exc:
            column = (exc.details or {}).get("column", "")
            mapped.add(number, header_of(kind, mapped, column), values.get(column), exc.message)
    # Rows that depend on this one (children of a unit) are then skipped, not reported twice.
    key = values.get("code")
    if key is None and "code" in index and index["code"] < len(cells):
        key = display(cells[index["code"]]).strip()
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


def too_many_errors(mapped: Mapped) -> str:
    return _(
        "Dừng kiểm tra sau %(n)s lỗi (đến dòng %(row)d); phần còn lại của tệp chưa được kiểm tra."
    ) % {"n": format_int(len(mapped.errors)), "row": mapped.last_row}

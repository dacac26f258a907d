"""Imports and exports of `units` and `unit_events` (INTERCHANGE.md): headers in any spelling,
the round trip through .xlsx and .csv, re-imports that change nothing, dry runs, and every bad
input refused with a Vietnamese message and nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests import test_units
from tongket.cli.main import main
from tongket.core.models import ChangeLog
from tongket.domain.errors import DomainError
from tongket.imports.apply import apply_import, plan_import
from tongket.imports.export import export_kind
from tongket.imports.kinds import KINDS, MAX_ERRORS, UNIT_EVENTS, UNITS, map_table
from tongket.imports.readers import Table, read_table
from tongket.registry.models import (
    AdminUnit,
    AdminUnitVersion,
    LegalBasis,
    UnitEvent,
    UnitLineage,
)
from tongket.registry.services import unit_create

D = dt.date
chain = test_units.chain  # the fixture: W-A + W-B → W-AB (1/1/2025) → W-NEW (1/7/2025), K1
UNIT_HEAD = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Cấp",
    "Mã đơn vị cấp trên",
    "Hiệu lực từ",
    "Hiệu lực đến",
    "Số hộ",
    "Dân số",
    "Diện tích (km²)",
]
EVENT_HEAD = ["Ngày hiệu lực", "Loại", "Mã đơn vị cũ", "Mã đơn vị mới", "Căn cứ"]
BASIS = "Nghị quyết 1/NQ-TEST ngày 01/12/2024"

# A small province with a ward and two neighbourhoods, written the way offices type it.
FRESH = [
    UNIT_HEAD,
    ["T", "Tỉnh Thử", "tỉnh", "", "01/01/2000", "", "", "", ""],
    ["P1", "Phường Một", "Phường", "T", "2000-01-01", "", "1.234", "5678", "1,25"],
    ["K1", "Khu phố 1", "KHU PHO", "P1", D(2000, 1, 1), "", "", "", "0.5"],
    ["K2", "Ấp 2", "ấp", "P1", "1/1/2000", "", "", "", ""],
]


def xlsx(path: Path, rows: list[list], title: str = "units") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def cp1258(rows: list[list]) -> bytes:
    """CSV text as Windows-1258 writes it: ă â ê ô ơ ư đ whole, tone marks apart."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    letters = "\u0306\u0302\u031b"
    encoded = []
    for ch in unicodedata.normalize("NFC", buffer.getvalue()):
        base, *marks = unicodedata.normalize("NFD", ch)
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in letters))
        encoded.append((letter + "".join(m for m in marks if m not in letters)).encode("cp1258"))
    return b"".join(encoded)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def run_cli(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse exits for usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def do_import(kind: str, path: Path, actor, dry_run: bool = False):
    plan = plan_import(kind, path, actor)
    return plan, apply_import(plan, actor, dry_run=dry_run)


def state() -> tuple[int, int, int, int]:
    return (
        AdminUnit.objects.count(),
        AdminUnitVersion.objects.count(),
        UnitEvent.objects.count(),
        ChangeLog.objects.count(),
    )


def registry() -> dict:
    """The registry's records by natural key, without database ids."""
    return {
        "units": sorted(AdminUnit.objects.values_list("code", "name", "level", "parent__code")),
        "versions": sorted(
            AdminUnitVersion.objects.values_list(
                "unit__code",
                "valid_from",
                "valid_to",
                "name",
                "level",
                "parent__code",
                "households",
                "population",
                "area_km2",
            )
        ),
        "events": sorted(
            UnitEvent.objects.values_list("key", "kind", "effective_on", "basis__text")
        ),
        "edges": sorted(
            UnitLineage.objects.values_list(
                "event__key", "predecessor__code", "successor__code", "whole"
            )
        ),
    }


def empty_registry() -> None:
    UnitLineage.objects.all().delete()
    UnitEvent.objects.all().delete()
    AdminUnitVersion.objects.all().delete()
    for unit in AdminUnit.objects.order_by("-path"):  # children first: parents are protected
        unit.delete()
    LegalBasis.objects.all().delete()


def messages(result) -> str:
    return "\n".join(e.message for e in result.errors)


# --- headers: any case, any accents, or the code name ---------------------------------------
def table(header: list, *rows: list) -> Table:
    numbered = [(i, list(r)) for i, r in enumerate(rows, start=2)]
    return Table(Path("t.xlsx"), "units", header, 1, numbered, len(rows))


ROW = ["P1", "Phường Một", "phường", "", "01/01/2000"]


@pytest.mark.parametrize(
    "header",
    [
        ["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên", "Hiệu lực từ"],
        ["MÃ ĐƠN VỊ", "TÊN ĐƠN VỊ", "CẤP", "MÃ ĐƠN VỊ CẤP TRÊN", "HIỆU LỰC TỪ"],
        ["ma don vi", "ten don vi", "cap", "ma don vi cap tren", "hieu luc tu"],
        ["  Mã  đơn vị ", "Tên đơn vị:", "Cấp.", "Mã đơn vị (cấp trên)", "Hiệu lực từ"],
        ["code", "name", "level", "parent_code", "valid_from"],
        ["CODE", "Name", "LEVEL", "Parent Code", "valid from"],
    ],
)
def test_headers_match_in_any_case_accents_or_code_name(header):
    mapped = map_table(UNITS, table(header, ROW))
    assert mapped.errors == [] and mapped.warnings == []
    (record,) = mapped.records
    assert (record.code, record.name, record.level, record.valid_from) == (
        "P1",
        "Phường Một",
        "ward",
        D(2000, 1, 1),
    )


def test_an_unknown_extra_column_is_a_warning_and_never_used():
    mapped = map_table(UNITS, table([*UNIT_HEAD[:5], "Ghi chú"], [*ROW, "bí mật"]))
    assert mapped.errors == [] and len(mapped.records) == 1
    assert mapped.warnings == ["Cột “Ghi chú” không thuộc mẫu units nên không được dùng."]
    assert "bí mật" not in repr(mapped.records)


def test_a_missing_required_column_is_an_error_on_the_header_row():
    mapped = map_table(UNITS, table(["Mã đơn vị", "Tên đơn vị", "Hiệu lực từ"], ROW))
    (error,) = mapped.errors
    assert (error.row, error.column) == (1, "Cấp")
    assert error.message.startswith("Thiếu cột bắt buộc “Cấp” (hoặc “level”)")
    assert mapped.records == []


# --- enumerations: Vietnamese words, abbreviations and code names -------------------------
@pytest.mark.parametrize(
    "word, level",
    [
        # the words of INTERCHANGE.md
        ("tỉnh", "province"),
        ("Thành phố", "province"),
        ("quận", "district"),
        ("HUYỆN", "district"),
        ("phường", "ward"),
        ("xa", "ward"),
        ("đặc khu", "ward"),
        ("khu phố", "neighbourhood"),
        ("Ấp", "neighbourhood"),
        ("tổ dân phố", "resident_group"),
        # what the export writes, abbreviations and code names
        ("Phường/xã", "ward"),
        ("phường, xã", "ward"),
        ("P.", "ward"),
        ("KP", "neighbourhood"),
        ("TDP", "resident_group"),
        ("resident_group", "resident_group"),
        ("Province", "province"),
    ],
)
def test_unit_levels_accept_words_abbreviations_and_code_names(word, level):
    assert UNITS.column("level").convert(word) == level


@pytest.mark.parametrize(
    "word, kind",
    [
        ("sáp nhập", "merge"),
        ("Chia tách", "split"),
        ("ĐỔI TÊN", "rename"),
        ("thanh lap", "establish"),
        ("giải thể", "dissolve"),
        ("điều chuyển", "move"),
        ("Sắp xếp lại", "rearrange"),
        ("rearrange", "rearrange"),
    ],
)
def test_event_kinds_accept_words_and_code_names(word, kind):
    assert UNIT_EVENTS.column("kind").convert(word) == kind


@pytest.mark.parametrize(
    "value, expected",
    [
        # decimal comma, decimal point, thousands dots, number cells
        ("1,25", Decimal("1.2500")),
        ("1.25", Decimal("1.2500")),
        ("10.793,7", Decimal("10793.7000")),
        (0.125, Decimal("0.1250")),
        (3, Decimal("3.0000")),
        ("", None),
    ],
)
def test_areas_take_a_decimal_comma_or_point(value, expected):
    assert UNITS.column("area_km2").convert(value) == expected


@pytest.mark.parametrize("cell", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize(
    "kind, column",
    [
        ("units", "area_km2"),
        ("units", "households"),
        ("evaluations", "score"),
        ("evaluations", "share_exceeded"),
        ("activities", "households"),
        ("activities", "amount"),
    ],
)
def test_a_number_cell_that_is_not_a_finite_number_is_refused_with_a_message(kind, column, cell):
    # A NaN once reached a Decimal comparison and raised InvalidOperation, not a DomainError.
    with pytest.raises(DomainError) as refused:
        KINDS[kind].column(column).convert(cell)
    assert str(cell) in refused.value.message


def test_the_registry_of_kinds_lists_every_kind():
    registry = ["units", "unit_events", "orgs", "members", "evaluations"]
    targets = ["indicators", "targets", "actuals"]
    work = ["programmes", "projects", "activities", "cases", "tasks"]
    assert list(KINDS) == [*registry, *targets, *work]
    assert [c.header for c in UNITS.columns] == UNIT_HEAD
    assert [c.header for c in UNIT_EVENTS.columns] == EVENT_HEAD


# --- importing into an empty registry, and again --------------------------------------------
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_fresh_import_creates_versions_with_their_figures(db, system, tmp_path, suffix):
    path = tmp_path / f"units{suffix}"
    xlsx(path, FRESH) if suffix == ".xlsx" else csv_file(path, FRESH)
    plan, result = do_import("units", path, system)
    assert plan.counts == result.counts == {"create": 4, "update": 0, "unchanged": 0}
    assert result.errors == [] and result.written
    p1 = AdminUnitVersion.objects.get(unit__code="P1")
    assert (p1.households, p1.population, p1.area_km2, p1.parent.code) == (
        1234,
        5678,
        Decimal("1.25"),
        "T",
    )
    assert AdminUnit.objects.get(code="K2").level == "neighbourhood"


def test_importing_twice_changes_nothing(db, system, tmp_path):
    path = xlsx(tmp_path / "units.xlsx", FRESH)
    do_import("units", path, system)
    before, records = state(), registry()
    plan, result = do_import("units", path, system)
    assert plan.counts == result.counts == {"create": 0, "update": 0, "unchanged": 4}
    assert state() == before and registry() == records


def test_a_changed_row_is_one_update_with_its_audit_row(db, system, tmp_path):
    do_import("units", xlsx(tmp_path / "a.xlsx", FRESH), system)
    changed = [row[:] for row in FRESH]
    changed[2][1], changed[2][6] = "Phường Một Mới", "2.000"
    logs = ChangeLog.objects.count()
    plan, result = do_import("units", xlsx(tmp_path / "b.xlsx", changed), system)
    assert result.counts == {"create": 0, "update": 1, "unchanged": 3}
    version = AdminUnitVersion.objects.get(unit__code="P1")
    assert (version.name, version.households, version.unit.name) == (
        "Phường Một Mới",
        2000,
        "Phường Một Mới",
    )
    log = ChangeLog.objects.order_by("-id").first()
    assert ChangeLog.objects.count() == logs + 1 and log.action == "update"
    assert log.before["name"] == "Phường Một" and log.after["name"] == "Phường Một Mới"


def test_a_new_version_closes_the_old_one(db, system, tmp_path):
    do_import("units", xlsx(tmp_path / "a.xlsx", FRESH), system)
    rows = [*FRESH[:2], ["P1", "Phường Một", "phường", "T", "01/01/2000", "31/12/2024"]]
    rows.append(["P1", "Phường Một Hai", "phường", "T", "01/01/2025", ""])
    plan, result = do_import("units", xlsx(tmp_path / "b.xlsx", rows), system)
    assert result.errors == [] and result.counts == {"create": 1, "update": 1, "unchanged": 1}
    spans = list(
        AdminUnitVersion.objects.filter(unit__code="P1")
        .order_by("valid_from")
        .values_list("name", "valid_to")
    )
    assert spans == [("Phường Một", D(2024, 12, 31)), ("Phường Một Hai", None)]


def test_a_dry_run_reports_the_same_counts_and_writes_nothing(db, system, tmp_path):
    path = xlsx(tmp_path / "units.xlsx", FRESH)
    before = state()
    plan, dry = do_import("units", path, system, dry_run=True)
    assert dry.counts == {"create": 4, "update": 0, "unchanged": 0} and not dry.written
    assert state() == before
    _plan, real = do_import("units", path, system)
    assert real.counts == dry.counts and real.written


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_row_numbers_are_those_excel_shows(db, system, tmp_path, suffix):
    # Two blank rows above the header (row 3), a blank row between the data rows.
    rows = [[], [], UNIT_HEAD, FRESH[1], [], ["P1", "Phường Một", "phường", "T", "31/02/2024"]]
    path = tmp_path / f"u{suffix}"
    xlsx(path, rows) if suffix == ".xlsx" else csv_file(path, rows)
    _plan, result = do_import("units", path, system)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(6, "Hiệu lực từ", "31/02/2024")]


def test_a_changed_legal_basis_updates_the_event(chain, system, tmp_path):
    rows = [EVENT_HEAD, ["01/01/2025", "sáp nhập", "W-B;W-A", "W-AB", "Nghị quyết 2/NQ-X"]]
    path = xlsx(tmp_path / "e.xlsx", rows, title="unit_events")
    plan, result = do_import("unit_events", path, system)
    assert plan.counts == result.counts == {"create": 0, "update": 1, "unchanged": 0}
    assert UnitEvent.objects.get(pk=chain["first"].pk).basis.text == "Nghị quyết 2/NQ-X"
    assert ChangeLog.objects.filter(action="update", object_type="registry.unitevent").exists()


# --- the round trip: export, empty the registry, import -------------------------------------
@pytest.fixture
def filled(chain, system):
    """The chain, with a neighbourhood that has figures and a name that looks like a formula."""
    unit_create(
        actor=system,
        code="K2",
        name='=HYPERLINK("x")',
        level="neighbourhood",
        parent=chain["new"],
        valid_from=D(2025, 7, 1),
        households=1234,
        population=5678,
        area_km2=Decimal("0.1250"),
    )
    return chain


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_rebuilds_the_same_registry_in_an_empty_database(
    filled, system, tmp_path, suffix
):
    units, events = tmp_path / f"units{suffix}", tmp_path / f"events{suffix}"
    assert export_kind("units", units, system) == AdminUnitVersion.objects.count() == 10
    assert export_kind("unit_events", events, system) == 2
    records = registry()
    empty_registry()
    assert AdminUnit.objects.count() == 0
    _plan, result = do_import("units", units, system)
    assert result.errors == [] and result.counts["create"] == 10
    _plan, result = do_import("unit_events", events, system)
    assert result.errors == [] and result.counts["create"] == 2
    assert registry() == records


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_reimported_into_the_same_database_changes_nothing(
    filled, system, tmp_path, suffix
):
    units, events = tmp_path / f"units{suffix}", tmp_path / f"events{suffix}"
    export_kind("units", units, system)
    export_kind("unit_events", events, system)
    before, records = state(), registry()
    for kind, path, n in [("units", units, 10), ("unit_events", events, 2)]:
        plan, result = do_import(kind, path, system)
        assert plan.counts == result.counts == {"create": 0, "update": 0, "unchanged": n}
    assert state() == before and registry() == records


def test_the_xlsx_export_has_a_bold_frozen_header_and_real_dates(filled, system, tmp_path):
    path = tmp_path / "units.xlsx"
    export_kind("units", path, system)
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == UNIT_HEAD and sheet[1][0].font.bold
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["B"].width >= 30
    first = sheet["E2"]
    assert first.is_date and first.number_format == "DD/MM/YYYY"
    events = tmp_path / "events.xlsx"
    export_kind("unit_events", events, system)
    rows = list(load_workbook(events).active.values)
    assert rows[1][1:] == ("Sáp nhập", "W-A;W-B", "W-AB", BASIS)


def test_a_formula_looking_name_is_exported_inert(filled, system, tmp_path):
    book = tmp_path / "units.xlsx"
    export_kind("units", book, system)
    cells = [c for row in load_workbook(book).active.iter_rows() for c in row]
    (cell,) = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cell.value == '\'=HYPERLINK("x")' and cell.data_type == "s"
    text = tmp_path / "units.csv"
    export_kind("units", text, system)
    assert '"\'=HYPERLINK(""x"")"' in text.read_text(encoding="utf-8-sig")
    # and it reads back as the name it was
    assert AdminUnitVersion.objects.get(unit__code="K2").name == '=HYPERLINK("x")'


# --- bad input: every error with its row, a Vietnamese message, nothing written -------------
def unit_file(tmp_path, *rows) -> Path:
    return xlsx(tmp_path / "bad.xlsx", [UNIT_HEAD, *rows])


def event_file(tmp_path, *rows) -> Path:
    return xlsx(tmp_path / "bad.xlsx", [EVENT_HEAD, *rows], title="unit_events")


BAD_ROWS = {
    # overlapping versions of one code in the file itself
    "overlapping versions in the file": (
        "units",
        [
            ["X1", "Phường X", "phường", "C", "01/01/2020", ""],
            ["X1", "Phường X mới", "phường", "C", "01/01/2024", ""],
        ],
        (3, "Hiệu lực từ", "trùng thời gian"),
    ),
    "a duplicate key in the file": (
        "units",
        [
            ["X1", "Phường X", "phường", "C", "01/01/2020", ""],
            ["X1", "Phường X", "phường", "C", "2020-01-01", ""],
        ],
        (3, "Hiệu lực từ", "Trùng với dòng 3: cùng mã X1"),
    ),
    # overlapping a version already in the database (found by the service)
    "overlapping a stored version": (
        "units",
        [["W-A", "Phường A mới", "phường", "Q", "01/06/2024", ""]],
        (2, "Hiệu lực từ", "trùng thời gian"),
    ),
    # levels are strict, so a cycle shows as a ward under its own neighbourhood
    "a ward under a neighbourhood": (
        "units",
        [["W9", "Phường 9", "phường", "K1", "01/08/2025", ""]],
        (2, "Cấp", "Không thể đặt Phường 9"),
    ),
    "a unit under itself": (
        "units",
        [["X1", "Phường X", "phường", "X1", "01/01/2020", ""]],
        (2, "Mã đơn vị cấp trên", "chính nó"),
    ),
    "an unknown parent code": (
        "units",
        [["X1", "Phường X", "phường", "NOPE", "01/01/2020", ""]],
        (2, "Mã đơn vị cấp trên", "Không tìm thấy đơn vị cấp trên mã NOPE, cả trong tệp lẫn"),
    ),
    "a parent that did not exist on the date": (
        "units",
        [["K9", "Khu phố 9", "khu phố", "W-A", "01/03/2025", ""]],
        (2, "Mã đơn vị cấp trên", "không tồn tại vào ngày 01/03/2025"),
    ),
    "a bad date": (
        "units",
        [["X1", "Phường X", "phường", "C", "31/02/2024", ""]],
        (2, "Hiệu lực từ", 'Ngày không hợp lệ: "31/02/2024"'),
    ),
    "an end before the start": (
        "units",
        [["X1", "Phường X", "phường", "C", "01/02/2024", "01/01/2024"]],
        (2, "Hiệu lực đến", "đứng trước ngày bắt đầu"),
    ),
    "an unknown level word": (
        "units",
        [["X1", "Phường X", "làng xã", "C", "01/01/2024", ""]],
        (2, "Cấp", "Cấp không hợp lệ: “làng xã”"),
    ),
    "an empty required cell": (
        "units",
        [["X1", "", "phường", "C", "01/01/2024", ""]],
        (2, "Tên đơn vị", "Ô bắt buộc đang trống"),
    ),
    "a negative number of households": (
        "units",
        [["X1", "Phường X", "phường", "C", "01/01/2024", "", "-5"]],
        (2, "Số hộ", "số nguyên không âm"),
    ),
    "a district after the reform": (
        "units",
        [["Q9", "Quận 9", "quận", "C", "01/07/2025", ""]],
        (2, "Hiệu lực đến", "30/06/2025"),
    ),
    # events
    "a merge into a unit that no longer exists": (
        "unit_events",
        [["01/08/2025", "sáp nhập", "W-NEW", "W-AB", BASIS]],
        (2, "Mã đơn vị mới", "W-AB không tồn tại vào ngày 01/08/2025"),
    ),
    "a merge from a unit that did not end": (
        "unit_events",
        [["01/06/2024", "sáp nhập", "W-A", "W-B", BASIS]],
        (2, "Mã đơn vị cũ", "vẫn còn hiệu lực"),
    ),
    "an event with an unknown unit": (
        "unit_events",
        [["01/08/2025", "giải thể", "NOPE", "", BASIS]],
        (2, "Mã đơn vị cũ", "Không có đơn vị mã NOPE"),
    ),
    "a split into one unit": (
        "unit_events",
        [["01/07/2025", "chia tách", "W-AB", "W-NEW", BASIS]],
        (2, "Loại", "Chia tách"),
    ),
    "a merge without its old units": (
        "unit_events",
        [["01/08/2025", "sáp nhập", "", "W-NEW", BASIS]],
        (2, "Mã đơn vị cũ", "Cần mã đơn vị cũ"),
    ),
    "an unknown event kind": (
        "unit_events",
        [["01/08/2025", "bán", "W-NEW", "W-NEW", BASIS]],
        (2, "Loại", "Loại không hợp lệ: “bán”"),
    ),
    "an empty legal basis": (
        "unit_events",
        [["01/08/2025", "giải thể", "W-NEW", "", "  "]],
        (2, "Căn cứ", "Ô bắt buộc đang trống"),
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_a_bad_row_is_reported_where_it_is_and_nothing_is_written(chain, system, tmp_path, case):
    kind, rows, (row, column, words) = BAD_ROWS[case]
    # A good row first: it is not written either, because the import is all or nothing.
    good = (
        ["K7", "Khu phố 7", "khu phố", "W-NEW", "01/08/2025", ""]
        if kind == "units"
        else ["01/08/2025", "thành lập", "", "W-NEW;K1", BASIS]
    )
    path = (unit_file if kind == "units" else event_file)(tmp_path, good, *rows)
    row += 1  # the good row sits before the bad ones
    before = state()
    plan, result = do_import(kind, path, system)
    assert not result.written and state() == before
    found = [(e.row, e.column) for e in result.errors if words in e.message]
    assert found == [(row, column)], messages(result)
    error = next(e for e in result.errors if words in e.message)
    assert error.sheet == ("units" if kind == "units" else "unit_events")


def test_every_error_comes_at_once(chain, system, tmp_path):
    path = unit_file(
        tmp_path,
        ["X1", "Phường X", "phường", "C", "31/02/2024", ""],
        ["X2", "Phường Y", "làng", "C", "01/01/2024", ""],
        ["W9", "Phường 9", "phường", "K1", "01/08/2025", ""],
    )
    before = state()
    _plan, result = do_import("units", path, system)
    assert [e.row for e in result.errors] == [2, 3, 4] and state() == before


def test_a_permission_denied_is_an_error_of_the_row(cast, tmp_path):
    from tests.conftest import actor_for

    path = unit_file(tmp_path, ["W3", "Phường Ba", "phường", "HCM", "01/01/2024", ""])
    before = state()
    _plan, result = do_import("units", path, actor_for(cast.bob))
    assert [(e.row, e.message) for e in result.errors] == [
        (2, "Bạn không có quyền thực hiện thao tác này.")
    ]
    assert state() == before


# --- files that cannot be read at all -------------------------------------------------------
def _garbage_xlsx(path: Path) -> Path:
    path.write_text("Mã đơn vị,Tên đơn vị\nX1,Phường X\n", encoding="utf-8")
    return path


def _binary_xlsx(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 40)
    return path


def _empty_sheet(path: Path) -> Path:
    return xlsx(path, [])


BAD_FILES = {
    "a missing file": (lambda p: p / "none.xlsx", "Không tìm thấy tệp"),
    "an empty file": (lambda p: write(p / "e.xlsx", b""), "rỗng"),
    "an empty csv": (lambda p: write(p / "e.csv", b""), "rỗng"),
    "a text file renamed .xlsx": (lambda p: _garbage_xlsx(p / "t.xlsx"), "không phải là bảng tính"),
    "a binary file renamed .xlsx": (
        lambda p: _binary_xlsx(p / "b.xlsx"),
        "không phải là bảng tính",
    ),
    "a binary file renamed .xls": (lambda p: _binary_xlsx(p / "b.xls"), "không phải là bảng tính"),
    "a sheet without a header row": (lambda p: _empty_sheet(p / "s.xlsx"), "không có dòng tiêu đề"),
    "a csv of blank lines": (
        lambda p: csv_file(p / "blank.csv", [[], ["", ""], []]),
        "không có dòng tiêu đề",
    ),
    "a csv in cp1258": (
        lambda p: write(p / "w.csv", cp1258(FRESH[:2])),
        "không phải CSV mã UTF-8",
    ),
    "a csv in utf-16": (
        lambda p: csv_file(p / "u.csv", FRESH[:2], encoding="utf-16"),
        "không phải CSV mã UTF-8 (UTF-16)",
    ),
    "a csv in utf-16 without BOM": (
        lambda p: csv_file(p / "u.csv", FRESH[:2], encoding="utf-16-le"),
        "có ký tự NUL",
    ),
    "a file of another type": (
        lambda p: write(p / "x.pdf", b"%PDF-1.4"),
        "chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_an_unreadable_file_is_refused_and_nothing_is_written(db, system, tmp_path, case):
    make, words = BAD_FILES[case]
    path = make(tmp_path)
    before = state()
    with pytest.raises(DomainError) as caught:
        do_import("units", path, system)
    assert words in caught.value.message
    assert state() == before


def test_a_file_over_the_row_limit_says_the_limit(db, tmp_path):
    rows = [UNIT_HEAD, *[[f"X{i}", "Tên", "phường", "", "01/01/2020"] for i in range(11)]]
    for path in (xlsx(tmp_path / "big.xlsx", rows), csv_file(tmp_path / "big.csv", rows)):
        with pytest.raises(DomainError) as caught:
            read_table(path, max_rows=10)
        assert caught.value.code == "import.too_many_rows"
        assert "có hơn 10 dòng dữ liệu" in caught.value.message


def test_the_default_row_limit_is_two_hundred_thousand(db, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(UNIT_HEAD) + "\n" + "x\n" * 200_001)
    with pytest.raises(DomainError) as caught:
        read_table(path)
    assert "có hơn 200.000 dòng dữ liệu" in caught.value.message


def test_two_hundred_thousand_rows_of_garbage_fail_fast(db, system, tmp_path):
    """Stops after MAX_ERRORS errors; the whole test stays well under ten seconds."""
    path = tmp_path / "garbage.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(UNIT_HEAD)
        writer.writerows([f"#{i}", "?", "??", "", "x"] for i in range(200_000))
    before = state()
    started = time.perf_counter()
    plan, result = do_import("units", path, system)
    elapsed = time.perf_counter() - started
    assert len(result.errors) == MAX_ERRORS and result.truncated and not result.written
    assert result.notes == [
        "Dừng kiểm tra sau 1.000 lỗi (đến dòng 501); phần còn lại của tệp chưa được kiểm tra."
    ]
    assert state() == before
    assert elapsed < 5, f"{elapsed:.1f} s"


# --- the command line -----------------------------------------------------------------------
def test_cli_import_export_and_dry_run(capsys, filled, tmp_path):
    path = tmp_path / "units.xlsx"
    code, out, err = run_cli(capsys, "export", "units", str(path))
    assert code == 0 and "Đã xuất 10 dòng" in out, err
    code, out, err = run_cli(capsys, "import", "units", str(path), "--dry-run")
    assert code == 0 and "Tạo mới: 0 · Cập nhật: 0 · Giữ nguyên: 10" in out, err
    assert "Chạy thử" in out
    before = state()
    code, out, err = run_cli(capsys, "import", "units", str(path))
    assert code == 0 and "Giữ nguyên: 10" in out and state() == before


def test_cli_import_errors_show_a_table_and_write_the_full_list(capsys, chain, tmp_path):
    rows = [[f"X{i}", "Phường X", "làng", "C", "01/01/2024", ""] for i in range(60)]
    path = unit_file(tmp_path, *rows)
    before = state()
    code, out, err = run_cli(capsys, "import", "units", str(path))
    assert code == 1 and state() == before
    lines = out.splitlines()
    assert sum("Cấp không hợp lệ" in line for line in lines) == 50
    assert "… và 10 lỗi khác." in out
    report = Path(str(path) + ".loi.xlsx")
    assert "có 60 lỗi." in out and f"Danh sách đầy đủ các lỗi: {report}" in out
    errors = list(load_workbook(report).active.values)
    assert errors[0] == ("Trang tính", "Dòng", "Cột", "Giá trị", "Lỗi")
    assert len(errors) == 61 and errors[1][:4] == ("units", 2, "Cấp", "làng")


@pytest.mark.parametrize(
    "argv, words",
    [
        (["import", "units", "NOFILE.xlsx"], "Không tìm thấy tệp"),
        (["export", "units", "out.txt"], "Chỉ xuất được ra tệp .xlsx hoặc .csv"),
        (["export", "units", "/no/such/dir/u.xlsx"], "không có"),
    ],
)
def test_cli_transfer_mistakes_are_one_line(capsys, db, argv, words):
    code, _out, err = run_cli(capsys, *argv)
    assert code == 1 and words in err and len(err.strip().splitlines()) == 1


def test_cli_refuses_an_unknown_kind(capsys, db):
    code, _out, err = run_cli(capsys, "import", "planets", "x.xlsx")
    assert code == 2 and "Giá trị không hợp lệ" in err

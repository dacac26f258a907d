"""The malformed-import corpus: writes the committed small files, and the big ones on demand.

    .venv/bin/python -m tests.data.bad.corpus            # rewrites the small files here
    .venv/bin/python -m tests.data.bad.corpus --big DIR  # writes the big ones into DIR

Every file is described in expected.toml (kind, the Vietnamese words the refusal must hold).
The small files are committed, so that a change here shows in review; the big ones (over the
row limit, the zip bomb) are written at test time by `big_files`, deterministically and in a
few seconds, so that the repository stays small. The base records every file is imported
against are in base/ (units, organizations, two members), imported first by the tests.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
UNIT_HEAD = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên", "Hiệu lực từ"]
ORG_HEAD = ["Mã tổ chức", "Tên tổ chức", "Loại", "Mã tổ chức cấp trên", "Hiệu lực từ"]
MEMBER_HEAD = [
    "Số thẻ đảng viên",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Mã tổ chức",
    "Ngày vào Đảng",
    "Ngày chính thức",
]
# A member row that is right in every way, for files where one cell is made wrong.
GOOD_MEMBER = ["C-0001", "Trần Văn Cường", "01/05/1980", "Nam", "A1a", "02/03/2010", "02/03/2011"]
ZIP_TIME = (2026, 11, 22, 0, 0, 0)  # fixed, so that a rewrite gives the same bytes
BOMB_BYTES = 3 * 512 * 1024**2  # what the bomb's sheet expands to: 1.5 GiB of XML
BIG_ROWS = 200_001  # one more than the product's row limit (tongket.imports.readers.MAX_ROWS)


# --- writers --------------------------------------------------------------------------------
def csv_bytes(rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


def _cell(ref: str, value) -> str:
    if isinstance(value, tuple):  # ("formula", cached value or None)
        formula, cached = value
        shown = "" if cached is None else f"<v>{escape(str(cached))}</v>"
        kind = "" if cached is None or not isinstance(cached, str) else ' t="str"'
        return f'<c r="{ref}"{kind}><f>{escape(formula)}</f>{shown}</c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _column(n: int) -> str:
    name = ""
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def sheet_xml(rows: list[list]) -> str:
    lines = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            _cell(f"{_column(c)}{r}", v) for c, v in enumerate(row, start=1) if v not in ("", None)
        )
        lines.append(f'<row r="{r}">{cells}</row>')
    return _sheet_open() + "".join(lines) + "</sheetData></worksheet>"


def _sheet_open() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
    )


def _package(names: list[str]) -> dict[str, str]:
    """The parts of a minimal .xlsx around its sheets (as Excel and calamine read them)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sheet_type}"/>'
        for i in range(1, len(names) + 1)
    )
    book_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    sheets = "".join(
        f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, n in enumerate(names, start=1)
    )
    links = "".join(
        f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    pkg = "http://schemas.openxmlformats.org/package/2006"
    return {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{pkg}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{book_type}"/>{overrides}</Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            f"<sheets>{sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f"{links}</Relationships>"
        ),
    }


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A minimal .xlsx with inline strings, same bytes on every run."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in _package(list(sheets)).items():
            book.writestr(zipfile.ZipInfo(name, ZIP_TIME), text, zipfile.ZIP_DEFLATED)
        for i, rows in enumerate(sheets.values(), start=1):
            info = zipfile.ZipInfo(f"xl/worksheets/sheet{i}.xml", ZIP_TIME)
            book.writestr(info, sheet_xml(rows), zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- the base records -----------------------------------------------------------------------
BASE = {
    "units": [
        UNIT_HEAD,
        ["HCM", "Thành phố Hồ Chí Minh", "tỉnh", "", "01/01/2020"],
        ["W1", "Phường An", "phường", "HCM", "01/01/2020"],
        ["W2", "Phường Bình", "phường", "HCM", "01/01/2020"],
    ],
    "orgs": [
        [*ORG_HEAD, "Mã đơn vị hành chính"],
        ["CITY", "Đảng bộ Thành phố", "đảng bộ", "", "01/01/2000", "HCM"],
        ["A", "Đảng bộ An", "đảng bộ", "CITY", "01/01/2000", "W1"],
        ["A1", "Đảng bộ cơ sở An Một", "đảng bộ cơ sở", "A", "01/01/2000", ""],
        ["A1a", "Chi bộ Khu phố 1", "chi bộ", "A1", "01/01/2000", ""],
        ["B", "Đảng bộ Bình", "đảng bộ", "CITY", "01/01/2000", "W2"],
        ["B1", "Chi bộ cơ sở Bình Một", "chi bộ cơ sở", "B", "01/01/2000", ""],
    ],
    "members": [
        MEMBER_HEAD,
        ["A-0001", "Đặng Thị Ánh", "01/05/1980", "Nữ", "A1a", "02/03/2010", "02/03/2011"],
        ["B-0001", "Bùi Văn Bê", "01/05/1980", "Nam", "B1", "02/03/2010", "02/03/2011"],
    ],
}


def member(**changes) -> list:
    """GOOD_MEMBER with some cells changed, by header code name."""
    names = ["card", "name", "birth", "gender", "org", "admitted", "confirmed"]
    row = dict(zip(names, GOOD_MEMBER, strict=True)) | changes
    return [row[n] for n in names]


# --- the small files: name → bytes ----------------------------------------------------------
def _formula_xlsx() -> bytes:
    return xlsx_bytes(
        {
            "units": [
                UNIT_HEAD,
                [
                    "X1",
                    ('HYPERLINK("http://evil.example","Bấm")', None),
                    "phường",
                    "HCM",
                    "01/01/2021",
                ],
            ]
        }
    )


def _damaged(data: bytes) -> bytes:
    """A good workbook with bytes in the middle of its sheet overwritten (a bad download)."""
    middle = len(data) // 3
    return data[:middle] + b"\x00" * 64 + data[middle + 64 :]


def small_files() -> dict[str, bytes]:
    good_units = xlsx_bytes(
        {"units": [UNIT_HEAD, ["X1", "Phường Xuân", "phường", "HCM", "01/01/2021"]]}
    )
    latin = "Lê Văn Hà".encode("cp1258")  # the bytes Excel writes for a "CSV" on Windows
    return {
        # headers
        "units_wrong_headers.csv": csv_bytes(
            [["Ma", "Ten", "Cap bac", "Ngay"], ["X1", "Phường Xuân", "phường", "01/01/2021"]]
        ),
        "members_missing_column.csv": csv_bytes(
            [
                [h for h in MEMBER_HEAD if h != "Ngày sinh"],
                [c for i, c in enumerate(GOOD_MEMBER) if i != 2],
            ]
        ),
        "units_column_twice.csv": csv_bytes(
            [[*UNIT_HEAD, "Mã đơn vị"], ["X1", "Phường Xuân", "phường", "HCM", "01/01/2021", "X1"]]
        ),
        "header_only.csv": csv_bytes([MEMBER_HEAD]),
        "blank_lines.csv": b"\n,,\n\n",
        "wrong_sheet.xlsx": xlsx_bytes(
            {
                "Ghi chú": [["Danh sách do văn phòng lập"], ["Xem trang tính bên cạnh"]],
                "DS": BASE["members"],
            }
        ),
        # dates
        "members_31_february.csv": csv_bytes([MEMBER_HEAD, member(birth="31/02/1980")]),
        "members_date_in_words.csv": csv_bytes([MEMBER_HEAD, member(admitted="mùng 2 tháng 3")]),
        "members_admitted_in_future.csv": csv_bytes(
            [MEMBER_HEAD, member(admitted="02/03/2099", confirmed="")]
        ),
        "members_confirmed_before_admitted.csv": csv_bytes(
            [MEMBER_HEAD, member(confirmed="02/03/2009")]
        ),
        "units_ends_before_it_starts.csv": csv_bytes(
            [
                [*UNIT_HEAD, "Hiệu lực đến"],
                ["X1", "Phường Xuân", "phường", "HCM", "01/01/2021", "31/12/2020"],
            ]
        ),
        # keys
        "units_duplicate_key.csv": csv_bytes(
            [
                UNIT_HEAD,
                ["X1", "Phường Xuân", "phường", "HCM", "01/01/2021"],
                ["X1", "Phường Xuân Mới", "phường", "HCM", "01/01/2021"],
            ]
        ),
        "members_duplicate_card.csv": csv_bytes(
            [MEMBER_HEAD, GOOD_MEMBER, member(name="Trần Văn Cường B")]
        ),
        "members_card_of_another_person.csv": csv_bytes(
            [MEMBER_HEAD, member(card="A-0001", name="Lê Thị Khác", birth="09/09/1999")]
        ),
        # codes
        "members_unknown_org.csv": csv_bytes([MEMBER_HEAD, member(org="ZZZ")]),
        "orgs_unknown_parent.csv": csv_bytes(
            [ORG_HEAD, ["X", "Chi bộ X", "chi bộ", "NOPE", "01/01/2021"]]
        ),
        "orgs_unknown_unit.csv": csv_bytes(
            [
                [*ORG_HEAD, "Mã đơn vị hành chính"],
                ["X", "Chi bộ X", "chi bộ", "A1", "01/01/2021", "W9"],
            ]
        ),
        "units_unknown_parent.csv": csv_bytes(
            [UNIT_HEAD, ["X1", "Phường Xuân", "phường", "NOPE", "01/01/2021"]]
        ),
        "events_unknown_units.csv": csv_bytes(
            [
                ["Ngày hiệu lực", "Loại", "Mã đơn vị cũ", "Mã đơn vị mới", "Căn cứ"],
                ["01/01/2025", "sáp nhập", "Q1;Q2", "Q12", "Nghị quyết 11/NQ-HĐND ngày 14/3/2024"],
            ]
        ),
        "evaluations_unknown_org.csv": csv_bytes(
            [["Năm", "Mã tổ chức", "Xếp loại"], ["2024", "NOPE", "HTXSNV"]]
        ),
        # trees and periods
        "orgs_cycle_in_file.csv": csv_bytes(
            [
                ORG_HEAD,
                ["X", "Chi bộ X", "đảng bộ", "Y", "01/01/2021"],
                ["Y", "Chi bộ Y", "đảng bộ", "X", "01/01/2021"],
            ]
        ),
        "orgs_cycle_with_database.csv": csv_bytes(
            [ORG_HEAD, ["CITY", "Đảng bộ Thành phố", "đảng bộ", "A", "01/01/2000"]]
        ),
        "units_overlap_in_file.csv": csv_bytes(
            [
                [*UNIT_HEAD, "Hiệu lực đến"],
                ["X1", "Phường Xuân", "phường", "HCM", "01/01/2021", "31/12/2023"],
                ["X1", "Phường Xuân Mới", "phường", "HCM", "01/01/2023", ""],
            ]
        ),
        "units_overlap_with_database.csv": csv_bytes(
            [
                [*UNIT_HEAD, "Hiệu lực đến"],
                ["W1", "Phường An Cũ", "phường", "HCM", "01/01/2019", "30/06/2021"],
            ]
        ),
        # formulas
        "units_cmd_formula_code.csv": csv_bytes(
            [UNIT_HEAD, ["=cmd|' /C calc'!A0", "Phường Xuân", "phường", "HCM", "01/01/2021"]]
        ),
        "orgs_hyperlink_code.csv": csv_bytes(
            [
                ORG_HEAD,
                ['=HYPERLINK("http://evil.example","X")', "Chi bộ X", "chi bộ", "A1", "01/01/2021"],
            ]
        ),
        "units_formula_cell.xlsx": _formula_xlsx(),
        # not a spreadsheet, or a broken one
        "binary_renamed.xlsx": bytes((i * 37 + 11) % 256 for i in range(8192)),
        "text_renamed.xlsx": csv_bytes(BASE["units"]),
        "truncated.xlsx": good_units[: len(good_units) // 2],
        "damaged_zip.xlsx": _damaged(good_units),
        "report.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
        "unknown_kind.csv": csv_bytes(BASE["units"]),  # a good file, imported as "planets"
        "empty.csv": b"",
        "empty.xlsx": b"",
        # encodings
        "members_mixed_encoding.csv": csv_bytes([MEMBER_HEAD, GOOD_MEMBER]).rstrip(b"\n")
        + b"\nC-0002,"
        + latin
        + b",01/05/1980,Nam,A1a,02/03/2010,02/03/2011\n",
        "members_utf16.csv": csv_bytes([MEMBER_HEAD, GOOD_MEMBER], encoding="utf-16"),
        "units_nul_bytes.csv": b"M\x00a\x00,\x00T\x00\n\x00",
        # cells
        "members_name_too_long.csv": csv_bytes([MEMBER_HEAD, member(name="Nguyễn " * 30)]),
        "units_negative_households.csv": csv_bytes(
            [[*UNIT_HEAD, "Số hộ"], ["X1", "Phường Xuân", "phường", "HCM", "01/01/2021", "-5"]]
        ),
        "units_population_in_words.csv": csv_bytes(
            [
                [*UNIT_HEAD, "Dân số"],
                ["X1", "Phường Xuân", "phường", "HCM", "01/01/2021", "mười nghìn"],
            ]
        ),
        "members_unknown_gender.csv": csv_bytes([MEMBER_HEAD, member(gender="X")]),
        "members_blank_name.csv": csv_bytes([MEMBER_HEAD, member(name="   ")]),
        "units_unknown_level.csv": csv_bytes(
            [UNIT_HEAD, ["X1", "Làng Xuân", "làng", "HCM", "01/01/2021"]]
        ),
        "evaluations_unknown_level.csv": csv_bytes(
            [["Năm", "Mã tổ chức", "Xếp loại"], ["2024", "A1", "Giỏi"]]
        ),
        "unclosed_quote.csv": csv_bytes([MEMBER_HEAD])
        + b'C-0001,"Tr\xe1\xba\xa7n V\xc4\x83n'
        + b",01/05/1980,Nam,A1a,02/03/2010,02/03/2011\n",
    }


# --- the big files: written at test time ----------------------------------------------------
def write_too_many_rows(path: Path, rows: int = BIG_ROWS) -> Path:
    """A members .csv of `rows` good-looking rows: one over the limit is refused unread."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(MEMBER_HEAD)
        writer.writerows(
            [f"79{i:07d}", "Trần Văn Cường", "01/05/1980", "Nam", "A1a", "02/03/2010", ""]
            for i in range(rows)
        )
    return path


def write_too_many_rows_xlsx(path: Path, rows: int = BIG_ROWS) -> Path:
    """The same as an .xlsx, its sheet XML written directly (openpyxl would take a minute)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in _package(["Đảng viên"]).items():
            book.writestr(zipfile.ZipInfo(name, ZIP_TIME), text, zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with book.open(info, "w", force_zip64=True) as sheet:
            sheet.write(_sheet_open().encode())
            sheet.write(
                sheet_xml([MEMBER_HEAD]).split("<sheetData>")[1].split("</sheetData>")[0].encode()
            )
            for start in range(0, rows, 10_000):
                part = [
                    f'<row r="{i + 2}"><c r="A{i + 2}" t="inlineStr"><is><t>79{i:07d}</t></is>'
                    f'</c><c r="B{i + 2}" t="inlineStr"><is><t>Trần Văn Cường</t></is></c></row>'
                    for i in range(start, min(rows, start + 10_000))
                ]
                sheet.write("".join(part).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def write_bomb(path: Path, size: int = BOMB_BYTES) -> Path:
    """A well-formed .xlsx whose one sheet is `size` bytes of XML (blanks between rows), a few
    megabytes on disk: the zip directory tells its size before anything is decompressed."""
    blank = b" " * (1024 * 1024)
    head = (
        _sheet_open() + sheet_xml([UNIT_HEAD]).split("<sheetData>")[1].split("</sheetData>")[0]
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        for name, text in _package(["units"]).items():
            book.writestr(zipfile.ZipInfo(name, ZIP_TIME), text, zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with book.open(info, "w", force_zip64=True) as sheet:
            sheet.write(head)
            for _ in range(size // len(blank)):
                sheet.write(blank)
            sheet.write(b"</sheetData></worksheet>")
    return path


BIG = {
    "members_over_row_limit.csv": write_too_many_rows,
    "members_over_row_limit.xlsx": write_too_many_rows_xlsx,
    "bomb.xlsx": write_bomb,
}


def big_files(folder: Path) -> dict[str, Path]:
    return {name: write(folder / name) for name, write in BIG.items()}


def write_small(folder: Path = HERE) -> None:
    for name, data in small_files().items():
        (folder / name).write_bytes(data)
    for kind, rows in BASE.items():
        (folder / "base" / f"{kind}.csv").write_bytes(csv_bytes(rows))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--big"]:
        started = datetime.now()
        print(big_files(Path(sys.argv[2])), datetime.now() - started)
    else:
        write_small()

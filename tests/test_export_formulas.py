"""Spreadsheets the product writes hold no live formula, whatever text the records carry.

Records are named like the OWASP CSV-injection examples ("=HYPERLINK(…)", "+1+1", "@SUM(A1)",
"-2+3"); then every writer is run: each interchange export kind as .xlsx and .csv (members,
organizations, units, evaluations, targets, tasks, …), the import error report, the audit log
CSV (web and CLI share it) and the report's statistical annex. An .xlsx must contain no formula
cell (checked in the sheet XML itself, not only through openpyxl); a .csv cell must not begin
with a character a spreadsheet would evaluate.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import pytest

from tongket.domain.cells import FORMULA_LEADS

pytestmark = pytest.mark.django_db

HYPER = '=HYPERLINK("http://x","y")'
PLUS = "+1+1"
AT = "@SUM(A1)"
MINUS = "-2+3"
PLANTED = (HYPER, PLUS, AT, MINUS)


@pytest.fixture
def planted(cast, system):
    """A committee, its unit, a member, an indicator with its target, a meeting task: every
    name and title a formula."""
    from tongket.meetings import services as meetings
    from tongket.party.services import member_create, org_create
    from tongket.registry.services import unit_create
    from tongket.targets import services as targets

    s = system
    unit = unit_create(actor=s, code="W3", name=AT, level="ward", parent=cast.hcm)
    org = org_create(
        actor=s, code="H", name=HYPER, kind="party_committee", parent=cast.city, unit=unit
    )
    branch = org_create(actor=s, code="H1", name=MINUS, kind="grassroots_branch", parent=org)
    member_create(
        actor=s,
        org=branch,
        card_number="H-0001",
        full_name=PLUS,
        gender="male",
        birth_date=dt.date(1980, 1, 1),
        admitted_on=dt.date(2010, 1, 1),
        confirmed_on=dt.date(2011, 1, 1),
    )
    indicator = targets.indicator_create(actor=s, code="HX", name=AT, unit="dự án")
    targets.target_set(
        actor=s, indicator=indicator, kind="kế hoạch năm", span="2024", value=3, org=org,
        source=HYPER,
    )  # fmt: skip
    meeting = meetings.meeting_create(
        actor=s, org=org, kind="thematic", held_on=dt.date(2024, 3, 1), topic=MINUS
    )
    meetings.task_assign(
        actor=s, meeting=meeting, title=PLUS, deadline=dt.date(2024, 6, 30), owner_org=branch,
        owner_label=HYPER,
    )  # fmt: skip
    return org


# --- what "no formula" means ----------------------------------------------------------------
def assert_no_formula_xlsx(data: bytes) -> list[str]:
    """No <f> element in any sheet, and openpyxl reads no formula cell; returns the texts."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            xml = book.read(name).decode()
            assert not re.search(r"<f[ >/]", xml), f"{name} holds a formula"
    texts = []
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def assert_no_formula_csv(text: str) -> list[str]:
    """No cell starts with = + - @ tab or CR; returns the cells."""
    cells = [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]
    live = [c for c in cells if c.startswith(FORMULA_LEADS)]
    assert not live, live
    return cells


def shows(texts: list[str], planted: str) -> bool:
    """The planted text is there, as text (maybe behind the apostrophe that keeps it inert)."""
    return any(planted in t for t in texts)


# --- the interchange exports ------------------------------------------------------------------
def export_kinds() -> list[str]:
    from tongket.imports import export

    return sorted({*export.ROWS, *export.SHEETS})


@pytest.mark.parametrize("kind", export_kinds())
def test_every_export_kind_writes_no_formula(planted, tmp_path, kind):
    from tongket.core.actor import Actor
    from tongket.imports.export import export_kind

    actor = Actor.cli("test")
    xlsx, text = tmp_path / f"{kind}.xlsx", tmp_path / f"{kind}.csv"
    export_kind(kind, xlsx, actor)
    export_kind(kind, text, actor)
    texts = assert_no_formula_xlsx(xlsx.read_bytes())
    cells = assert_no_formula_csv(text.read_text(encoding="utf-8-sig"))
    expected = {
        "units": AT,
        "orgs": HYPER,
        "members": PLUS,
        "indicators": AT,
        "targets": HYPER,
        "tasks": PLUS,
    }.get(kind)
    if expected:  # the kinds that carry a planted name show it, kept as text
        assert shows(texts, expected) and shows(cells, expected)


# --- the import error report ------------------------------------------------------------------
def test_import_error_report_writes_no_formula(tmp_path):
    from tongket.imports.export import write_errors
    from tongket.imports.kinds import RowError

    errors = [
        RowError(sheet=PLUS, row=2, column=AT, value=HYPER, message=MINUS),
        RowError(sheet="members", row=3, column="full_name", value="\t=1+1", message="\r=2"),
    ]
    texts = assert_no_formula_xlsx(write_errors(tmp_path / "loi.xlsx", errors).read_bytes())
    assert all(shows(texts, p) for p in PLANTED)


@pytest.mark.django_db(transaction=True)  # the planning stage closes its connection when done
def test_import_error_report_of_a_real_upload(client, cast):
    """A units file whose bad cells are formulas, checked as the web does it: the error list
    offered for download holds them as text."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import actor_for
    from tongket.imports.jobs import job_start, run_stage

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên", "Hiệu lực từ"])
    writer.writerow(["W1-KP3", HYPER, AT, PLUS, MINUS])
    text = buffer.getvalue()
    upload = SimpleUploadedFile("units.csv", text.encode("utf-8-sig"), content_type="text/csv")
    job = job_start(actor=actor_for(cast.alice), kind="units", upload=upload, run=False)
    run_stage(job.pk, "plan")  # in this thread: the web runs it in a background one
    job.refresh_from_db()
    assert job.status == "planned" and job.error_count >= 1, job.message
    client.force_login(cast.alice)
    response = client.get(f"/imports/{job.pk}/errors.xlsx")
    assert response.status_code == 200
    texts = assert_no_formula_xlsx(b"".join(response.streaming_content))
    assert any(p in t for t in texts for p in (AT, PLUS, MINUS))


# --- the audit log CSV ------------------------------------------------------------------------
def test_audit_csv_of_the_web_neutralises_formulas(client, cast, planted):
    client.force_login(cast.root)
    response = client.get("/audit/export.csv")
    assert response.status_code == 200
    cells = assert_no_formula_csv(response.content.decode("utf-8"))
    assert shows(cells, "'" + HYPER) or any(HYPER.replace('"', '""') in c for c in cells)


def test_audit_csv_of_the_cli_neutralises_formulas(planted, tmp_path):
    from tongket.cli.main import main

    out = tmp_path / "audit.csv"
    assert main(["audit", "export", str(out)]) == 0
    cells = assert_no_formula_csv(out.read_text(encoding="utf-8-sig"))
    assert len(cells) > 10


# --- the report's statistical annex -------------------------------------------------------------
def test_report_annex_writes_no_formula(planted):
    from tongket.core.actor import Actor
    from tongket.reports.exports import report_file

    found = report_file(Actor.cli("test"), planted, "2024", "xlsx")
    texts = assert_no_formula_xlsx(found.data)
    assert any(t.startswith(HYPER) for t in texts)  # the title row names the committee, as text


def test_report_annex_through_the_api(client, cast, planted):
    client.force_login(cast.root)
    response = client.get("/api/v1/reports/H/2024/xlsx")
    assert response.status_code == 200
    assert_no_formula_xlsx(response.content)


def test_report_annex_without_the_guard_would_hold_a_formula(planted, monkeypatch):
    """The guard is what keeps the annex clean: openpyxl alone stores "=…" as a formula."""
    from tongket.core.actor import Actor
    from tongket.reports import xlsx
    from tongket.reports.exports import report_file

    monkeypatch.setattr(xlsx, "_text_stays_text", lambda wb: None)
    data = report_file(Actor.cli("test"), planted, "2024", "xlsx").data
    with pytest.raises(AssertionError):
        assert_no_formula_xlsx(data)

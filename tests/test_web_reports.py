"""The report on the web, through the API and the CLI: the page (header blocks, narrative, tables,
charts as SVG, what is missing, downloads), each format as a file, and every bad input — an
organization outside the grants, a period in the future or malformed, an unknown format."""

from __future__ import annotations

import io
import json
import re
import zipfile

import openpyxl
import pytest
from django.utils import timezone

from tests.conftest import B_MARKER
from tests.test_api import assert_error
from tests.test_imports import run_cli
from tests.test_reports import rated  # noqa: F401 (a fixture)
from tongket.core.models import ChangeLog
from tongket.reports.figures import review_figures

pytestmark = pytest.mark.django_db
FUTURE = str(timezone.localdate().year + 1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(response) -> str:
    return response.content.decode("utf-8")


# --- the picker ----------------------------------------------------------------------------
def test_the_navigation_leads_to_the_reports(as_user, cast):
    page = _text(as_user(cast.alice).get("/"))
    assert 'href="/bao-cao/"' in page and "Báo cáo" in page


def test_the_picker_offers_the_orgs_in_scope_only(as_user, cast):
    page = _text(as_user(cast.alice).get("/bao-cao/"))
    assert 'value="A"' in page and 'value="A1"' in page
    assert 'value="B"' not in page and B_MARKER not in page


@pytest.mark.parametrize("period, code", [("2024", "2024"), (" 2024-h1 ", "2024-H1")])
def test_the_picker_opens_the_report(as_user, cast, period, code):
    response = as_user(cast.alice).get("/bao-cao/", {"org": "A", "period": period})
    assert response.status_code == 302 and response["Location"] == f"/bao-cao/A/{code}/"


@pytest.mark.parametrize(
    "org, period, words",
    [
        ("A", FUTURE, "chưa bắt đầu"),
        ("A", "2024-H3", "Kỳ báo cáo không hợp lệ"),
        ("A", "", "Kỳ báo cáo không hợp lệ"),
        ("B", "2024", "Không tìm thấy tổ chức mã B"),
        ("", "2024", "Hãy chọn một tổ chức đảng"),
    ],
)
def test_the_picker_says_what_is_wrong(as_user, cast, org, period, words):
    response = as_user(cast.alice).get("/bao-cao/", {"org": org, "period": period})
    assert response.status_code == 400 and words in _text(response)
    assert B_MARKER not in _text(response)


# --- the page ------------------------------------------------------------------------------
def test_the_page_shows_the_report_with_its_tables_charts_and_gaps(as_user, cast, rated):  # noqa: F811
    response = as_user(cast.alice).get("/bao-cao/A/2024/")
    page = _text(response)
    assert response.status_code == 200
    for words in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG ỦY AN",
        "BÁO CÁO",
        "I. CÔNG TÁC XÂY DỰNG ĐẢNG",
        "1/1 chi bộ trực thuộc",  # the narrative, from the recorded results
        "T/M BAN",
        "Nơi nhận",
    ):
        assert words in re.sub(r"<[^>]+>", "", page), words
    assert re.search(r'data-figure="evaluation.sub_branches.excellent"[^>]*>1</span>', page)
    assert 'class="report-table"' in page
    assert "<svg" in page  # the evaluation chart, drawn inline
    missing = page.split('class="report-missing"')[1].split("</aside>")[0]
    assert "Chưa có quyết định khen thưởng nào trong kỳ." in missing
    for fmt in ("json", "html", "docx", "pdf", "xlsx"):
        assert f'href="/bao-cao/A/2024/tai-ve.{fmt}"' in page, fmt


def test_a_period_without_data_shows_what_is_missing_not_zeros(as_user, cast):
    page = _text(as_user(cast.alice).get("/bao-cao/A/2023/"))
    missing = page.split('class="report-missing"')[1].split("</aside>")[0]
    assert "Chưa có kết quả đánh giá, xếp loại năm 2023." in missing
    assert "Chưa có số liệu chỉ tiêu nào cho kỳ này." in missing


@pytest.mark.parametrize("period, words", [(FUTURE, "chưa bắt đầu"), ("2024-Q5", "không hợp lệ")])
def test_the_page_refuses_a_bad_period_with_a_message(as_user, cast, period, words):
    response = as_user(cast.alice).get(f"/bao-cao/A/{period}/")
    assert response.status_code == 400 and words in _text(response)
    assert "tai-ve." not in _text(response)  # nothing to download


def test_an_org_outside_the_grants_is_not_found(as_user, cast, rated):  # noqa: F811
    client = as_user(cast.alice)
    for url in ("/bao-cao/B/2024/", "/bao-cao/B/2024/tai-ve.xlsx", "/bao-cao/B/2024/tai-ve.pdf"):
        response = client.get(url)
        assert response.status_code == 404 and B_MARKER not in _text(response), url
    # B's own viewer reads it: the refusal above is about the grant, not a broken page.
    assert B_MARKER in _text(as_user(cast.bob).get("/bao-cao/B/2024/"))


def test_anonymous_users_are_sent_to_log_in(client, cast):
    for url in ("/bao-cao/", "/bao-cao/A/2024/", "/bao-cao/A/2024/tai-ve.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


# --- downloads -----------------------------------------------------------------------------
def _download(client, fmt: str, code: str = "A", period: str = "2024"):
    response = client.get(f"/bao-cao/{code}/{period}/tai-ve.{fmt}")
    assert response.status_code == 200, response.content[:300]
    name = f"bao-cao-{code}-{period}.{fmt}"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    return response


def test_the_xlsx_download_holds_the_recorded_counts(as_user, cast, rated):  # noqa: F811
    response = _download(as_user(cast.alice), "xlsx")
    assert response["Content-Type"] == XLSX
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["Đánh giá xếp loại"]
    row = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0].startswith("Chi bộ"))
    assert row[1:5] == (2024, 1, 1, 1.0)  # 1 sub-branch, 1 excellent, 100 %
    assert ChangeLog.objects.filter(action="export", object_repr="A 2024 xlsx").exists()


def test_the_json_and_html_downloads(as_user, cast, rated, system):  # noqa: F811
    client = as_user(cast.alice)
    data = json.loads(_download(client, "json").content)
    assert data == review_figures(system, cast.a, "2024").to_json()
    html = _text(_download(client, "html"))
    assert html.startswith("<!doctype html>") and "ĐẢNG ỦY AN" in html and "<style>" in html


def test_the_docx_download_is_a_word_document_of_the_report(as_user, cast, rated):  # noqa: F811
    from docx import Document

    response = _download(as_user(cast.alice), "docx")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "CÔNG TÁC XÂY DỰNG ĐẢNG" in text and "1/1 chi bộ trực thuộc" in text


def test_the_pdf_download(as_user, cast, rated):  # noqa: F811
    response = _download(as_user(cast.alice), "pdf")
    assert response["Content-Type"] == "application/pdf" and response.content[:5] == b"%PDF-"


@pytest.mark.parametrize("fmt", ["doc", "PDF", "zip"])
def test_an_unknown_format_is_not_found(as_user, cast, fmt):
    assert as_user(cast.alice).get(f"/bao-cao/A/2024/tai-ve.{fmt}").status_code == 404


def test_a_download_for_a_future_period_says_why(as_user, cast):
    response = as_user(cast.alice).get(f"/bao-cao/A/{FUTURE}/tai-ve.docx")
    assert response.status_code == 400 and "chưa bắt đầu" in _text(response)


# --- API -----------------------------------------------------------------------------------
def test_the_api_returns_each_format_as_a_file(as_user, cast, rated):  # noqa: F811
    client = as_user(cast.alice)
    response = client.get("/api/v1/reports/A/2024/xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-A-2024.xlsx"'
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Đánh giá xếp loại"
    as_json = client.get("/api/v1/reports/A/2024/json")
    assert as_json["Content-Type"] == "application/json"
    assert json.loads(as_json.content) == client.get("/api/v1/reports/A/2024").json()
    docx = client.get("/api/v1/reports/A/2024/docx")
    assert docx.status_code == 200 and zipfile.is_zipfile(io.BytesIO(docx.content))
    html = client.get("/api/v1/reports/A/2024/html")
    assert html["Content-Type"].startswith("text/html") and b"<svg" in html.content


def test_the_api_refuses_bad_requests_in_the_error_shape(as_user, client, cast):
    alice = as_user(cast.alice)
    error = assert_error(alice.get("/api/v1/reports/A/2024/doc"), 404, "report.format")
    assert "docx" in error["message"]
    assert_error(alice.get(f"/api/v1/reports/A/{FUTURE}/docx"), 422, "report.future")
    assert_error(alice.get(f"/api/v1/reports/A/{FUTURE}"), 422, "report.future")
    assert_error(alice.get("/api/v1/reports/A/2024-H9/xlsx"), 400, "period.invalid")
    outside = alice.get("/api/v1/reports/B/2024/xlsx")
    assert_error(outside, 404, "not_found")
    assert B_MARKER not in outside.content.decode()
    # Out of scope is checked before the format: an unknown format tells nothing about B.
    assert_error(alice.get("/api/v1/reports/B/2024/doc"), 404, "not_found")
    alice.logout()
    assert_error(client.get("/api/v1/reports/A/2024/xlsx"), 401, "unauthenticated")


# --- CLI -----------------------------------------------------------------------------------
def test_the_cli_formats_match_the_renderer():
    from tongket.cli.commands import report
    from tongket.reports import render

    assert report.FORMATS == render.FORMATS and set(report.BINARY) == set(render.BINARY)


def test_the_cli_writes_each_format(cast, rated, tmp_path, capsys):  # noqa: F811
    target = tmp_path / "a.xlsx"
    code, out, err = run_cli(
        capsys, "report", "--org", "A", "--period", "2024", "--format", "xlsx", "-o", str(target)
    )
    assert code == 0 and str(target) in out, err
    assert openpyxl.load_workbook(target).sheetnames[-1] == "Nhiệm vụ"
    assert not (tmp_path / "a.xlsx.part").exists()
    code, out, _err = run_cli(
        capsys, "report", "--org", "A", "--period", "2024", "--format", "html"
    )
    assert code == 0 and out.startswith("<!doctype html>") and "ĐẢNG ỦY AN" in out


def test_the_cli_refuses_binary_on_a_terminal(cast, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    code, out, err = run_cli(capsys, "report", "--org", "A", "--period", "2024", "--format", "pdf")
    assert code == 1 and "-o TỆP" in err and "PDF" in err and out == ""


def test_the_cli_pipes_binary_when_stdout_is_not_a_terminal(cast, capsysbinary):
    from tongket.cli.main import main

    code = main(["report", "--org", "A", "--period", "2024", "--format", "xlsx"])
    out, _err = capsysbinary.readouterr()
    assert code == 0 and zipfile.is_zipfile(io.BytesIO(out))


@pytest.mark.parametrize(
    "argv, status, words",
    [
        (["--format", "doc"], 2, "Giá trị không hợp lệ cho --format"),
        (["--period", FUTURE], 1, "chưa bắt đầu"),
        (["--org", "NOPE"], 1, "Không tìm thấy tổ chức mã NOPE"),
    ],
)
def test_the_cli_says_what_is_wrong(cast, capsys, tmp_path, argv, status, words):
    base = {"--org": "A", "--period": "2024", "--format": "docx"}
    base.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    args = [x for pair in base.items() for x in pair]
    target = tmp_path / "a.docx"
    code, _out, err = run_cli(capsys, "report", *args, "-o", str(target))
    assert code == status and words in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []

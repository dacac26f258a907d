"""Fact check of a hand-written draft: reading .docx/.txt/.md, every bad file refused with a
Vietnamese message, and the check through the CLI, the web page and the API within the user's
scope (the demo's seed documents are in tests/test_factcheck_demo.py)."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import actor_for
from tests.test_api import assert_error
from tests.test_imports import run_cli
from tests.test_reports import rated  # noqa: F401 (fixture: results of 2024 under A)
from tongket.core.errors import PermissionDeniedError
from tongket.domain.errors import DomainError
from tongket.reports import factcheck as fc

# Under A in 2024 (the `rated` fixture): one sub-branch and one member rated excellent.
GOOD = "Năm 2024, qua đánh giá xếp loại, có 1 đảng viên hoàn thành xuất sắc nhiệm vụ."
WRONG = "Năm 2024, qua đánh giá xếp loại, có 2 đảng viên hoàn thành xuất sắc nhiệm vụ."


def docx_bytes(*paragraphs, table=None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- reading ------------------------------------------------------------------------------------
def test_a_docx_is_read_paragraphs_and_table_rows_in_order():
    data = docx_bytes("Mở đầu.", table=[["Chỉ tiêu", "Kết quả"], ["Đảng viên", "1.579"]])
    text = fc.read_draft(data, "bao-cao.DOCX")
    assert text.splitlines() == ["Mở đầu.", "Chỉ tiêu | Kết quả", "Đảng viên | 1.579"]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("có 1.579 đảng viên".encode(), "a.txt"),
        ("có 1.579 đảng viên".encode("utf-8-sig"), "a.md"),
        ("có 1.579 đảng viên".encode("utf-16"), "a.txt"),  # Notepad's "Unicode"
    ],
)
def test_text_files_are_read_as_utf8_or_marked_utf16(data, name):
    assert fc.read_draft(data, name) == "có 1.579 đảng viên"


def test_a_path_is_read_like_an_upload(tmp_path):
    path = tmp_path / "ban-thao.md"
    path.write_text("# Báo cáo\ncó 16/76 chi, đảng bộ", encoding="utf-8")
    assert "16/76" in fc.read_draft(path, str(path))


def _zip_without_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a word file")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "code", "words"),
    [
        (b"PK\x03\x04 broken zip", "a.docx", "factcheck.corrupt", "bị hỏng"),
        (b"just some text", "a.docx", "factcheck.corrupt", "bị hỏng"),
        (_zip_without_document(), "a.docx", "factcheck.corrupt", "không phải tệp Word"),
        (fc.OLE_MAGIC + b"\x00" * 512, "a.docx", "factcheck.encrypted", "gỡ mật khẩu"),
        (b"%PDF-1.7", "a.pdf", "factcheck.format", "chỉ nhận tệp .docx, .txt hoặc .md"),
        (b"old word", "a.doc", "factcheck.format", "chỉ nhận tệp .docx"),
        (b"no suffix", "README", "factcheck.format", "chỉ nhận tệp"),
        (b"", "a.txt", "factcheck.empty", "trống"),
        (b"  \n\t ", "a.md", "factcheck.empty", "trống"),
        (docx_bytes(), "a.docx", "factcheck.empty", "không có chữ"),
        ("Báo cáo năm".encode("cp1258"), "a.txt", "factcheck.encoding", "UTF-8"),
        (b"x" * (fc.MAX_BYTES + 1), "a.txt", "factcheck.too_large", "quá lớn"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(data, name, code, words):
    with pytest.raises(DomainError) as caught:
        fc.read_draft(data, name)
    assert caught.value.code == code and words in caught.value.message


def test_a_missing_path_is_refused(tmp_path):
    with pytest.raises(DomainError) as caught:
        fc.read_draft(tmp_path / "khong-co.txt", "khong-co.txt")
    assert caught.value.code == "factcheck.no_file"


# --- the check, the CLI, the page, the API ------------------------------------------------------
@pytest.mark.django_db
def test_the_check_uses_the_records_of_the_actor_scope(cast, rated):  # noqa: F811
    report = fc.factcheck(actor_for(cast.alice), cast.a, "2024", WRONG.encode(), "x.txt")
    (differs,) = report.result.differs
    assert (differs.figure.text, differs.expected) == ("2", "1")
    assert differs.keys == ("evaluation.members.excellent",) and not report.ok
    assert report.summary().startswith("Khớp 0 · Sai khác 1 · Không xác định 0")
    with pytest.raises(PermissionDeniedError):
        fc.factcheck(actor_for(cast.bob), cast.a, "2024", GOOD.encode(), "x.txt")


@pytest.mark.django_db
def test_the_cli_exits_0_when_all_match_and_1_when_a_figure_differs(
    cast,
    rated,  # noqa: F811
    tmp_path,
    capsys,
):
    good, wrong = tmp_path / "dung.txt", tmp_path / "sai.txt"
    good.write_text(GOOD, encoding="utf-8")
    wrong.write_text(WRONG, encoding="utf-8")
    code, out, err = run_cli(capsys, "factcheck", str(good), "--org", "A", "--period", "2024")
    assert code == 0, err
    assert "Khớp 1 · Sai khác 0 · Không xác định 0" in out
    assert "evaluation.members.excellent" in out
    code, out, _err = run_cli(capsys, "factcheck", str(wrong), "--org", "A", "--period", "2024")
    assert code == 1 and "[Sai khác] 2 → sổ sách: 1" in out
    args = ("factcheck", str(wrong), "--org", "A", "--period", "2024", "--format", "json")
    code, out, _err = run_cli(capsys, *args)
    assert code == 1 and '"differs": 1' in out


@pytest.mark.django_db
def test_the_cli_says_what_is_wrong_with_the_file(cast, tmp_path, capsys):
    bad = tmp_path / "a.docx"
    bad.write_bytes(fc.OLE_MAGIC + b"\x00" * 64)
    code, _out, err = run_cli(capsys, "factcheck", str(bad), "--org", "A", "--period", "2024")
    assert code == 1 and "gỡ mật khẩu" in err and "Traceback" not in err


def upload(text: bytes | str, name: str = "ban-thao.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


@pytest.mark.django_db
def test_the_page_offers_only_the_users_orgs_and_shows_three_lists(cast, rated, as_user):  # noqa: F811
    client = as_user(cast.alice)
    form = client.get("/bao-cao/kiem-tra/").content.decode()
    assert 'value="A"' in form and 'value="B"' not in form
    answer = client.post(
        "/bao-cao/kiem-tra/", {"org": "A", "period": "2024", "file": upload(WRONG)}
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Sai khác với sổ sách (1)" in page and "Khớp với sổ sách (0)" in page
    assert "qua đánh giá xếp loại, có <mark>2</mark> đảng viên" in page


@pytest.mark.django_db
def test_the_page_refuses_others_orgs_and_bad_files_with_a_message(cast, rated, as_user):  # noqa: F811
    client = as_user(cast.alice)
    other = client.post("/bao-cao/kiem-tra/", {"org": "B", "period": "2024", "file": upload(GOOD)})
    assert other.status_code == 400 and "Không có tổ chức mã B" in other.content.decode()
    assert "BÊTA" not in other.content.decode()
    bad = client.post(
        "/bao-cao/kiem-tra/", {"org": "A", "period": "2024", "file": upload(b"x", "a.pdf")}
    )
    assert bad.status_code == 400 and "chỉ nhận tệp .docx" in bad.content.decode()
    none = client.post("/bao-cao/kiem-tra/", {"org": "A", "period": "2024"})
    assert none.status_code == 400 and "Hãy chọn tệp" in none.content.decode()
    period = client.post(
        "/bao-cao/kiem-tra/", {"org": "A", "period": "2024-H3", "file": upload(GOOD)}
    )
    assert period.status_code == 400 and "Kỳ báo cáo không hợp lệ" in period.content.decode()


@pytest.mark.django_db
def test_the_page_needs_a_login(client):
    answer = client.get("/bao-cao/kiem-tra/")
    assert answer.status_code == 302 and "/login/" in answer["Location"]


URL = "/api/v1/reports/A/2024/factcheck"


@pytest.mark.django_db
def test_the_api_returns_the_report_as_json(cast, rated, as_user):  # noqa: F811
    client = as_user(cast.alice)
    data = client.post(URL, {"file": upload(WRONG)}).json()
    assert data["summary"] == {"matched": 0, "differs": 1, "unplaced": 0, "not_figures": 1}
    (finding,) = data["findings"]
    assert finding["status"] == "differs" and finding["expected"] == "1"
    assert finding["keys"] == ["evaluation.members.excellent"] and finding["text"] == "2"


@pytest.mark.django_db
def test_the_api_refuses_out_of_scope_and_bad_files(cast, rated, as_user):  # noqa: F811
    client = as_user(cast.alice)
    assert_error(client.post(URL), 400, "factcheck.no_file")
    assert_error(client.post(URL, {"file": upload(b"", "a.docx")}), 400, "factcheck.empty")
    assert_error(
        client.post(URL, {"file": upload(fc.OLE_MAGIC, "a.docx")}), 400, "factcheck.encrypted"
    )
    other = as_user(cast.bob).post(URL, {"file": upload(GOOD)})
    assert other.status_code in (403, 404)

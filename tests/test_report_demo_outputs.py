"""`tongket demo --no-serve` writes both seed reports into out/ in every format; their text
carries the seed's figures in the seed's own forms, computed from the demo records
(SEED_FACTS.md F04–F07, F12, F19–F22), and the JSON has every key of the contract."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.test_reports import CONTRACT

SEED_FORMS = {
    "bt2024": [
        "16/76 chi, đảng bộ, 1.579 đảng viên hoàn thành xuất sắc nhiệm vụ",  # F04, F05
        "60 chi, đảng bộ, 8.464 đảng viên hoàn thành tốt nhiệm vụ",  # F06
        "72/462 chi bộ trực thuộc đảng bộ cơ sở hoàn thành xuất sắc nhiệm vụ",  # F07
        "3 tập thể, 143 đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền (2020 - 2024)",  # F12
    ],
    "q3h12024": [
        "Thường trực Quận ủy đã đến thăm 20/112 khu phố",  # F19
        "ước đạt 222.551 tỷ đồng, tăng 15,12% so cùng kỳ",  # F20
        "đạt 1.328 doanh nghiệp, đạt 44% kế hoạch năm",  # F21
        "10.793,7 tỷ đồng",  # F21, the companion
        "ước đạt 2.918 tỷ đồng, đạt 56% so với dự toán năm",  # F22
    ],
}


def _docx_text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("scenario", sorted(SEED_FORMS))
def test_the_docx_carries_the_seed_figures_in_their_forms(demo_env, scenario):
    text = _docx_text(demo_env.var / "out" / f"{scenario}.docx")
    for form in SEED_FORMS[scenario]:
        assert form in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "BÁO CÁO" in text and "Nơi nhận" in text


@pytest.mark.parametrize("scenario", sorted(SEED_FORMS))
def test_every_format_is_written(demo_env, scenario):
    out = demo_env.var / "out"
    data = json.loads((out / f"{scenario}.json").read_text(encoding="utf-8"))
    assert set(data) >= CONTRACT
    html = (out / f"{scenario}.html").read_text(encoding="utf-8")
    assert 'data-figure="' in html  # each figure is marked with its key
    assert "<div>- Lưu Văn phòng Quận ủy.</div>" in html and "- - " not in html
    assert SEED_FORMS[scenario][0] in re.sub(r"<[^>]+>", "", html)
    book = load_workbook(io.BytesIO((out / f"{scenario}.xlsx").read_bytes()))
    assert len(book.sheetnames) >= 3
    pdf = out / f"{scenario}.pdf"
    if shutil.which("soffice") is None:
        assert not pdf.exists()
        assert "pdf" in demo_env.stdout  # the build says it could not make it
    else:
        assert pdf.read_bytes().startswith(b"%PDF")
    assert f"{scenario}.docx" in demo_env.stdout


def test_the_json_of_bt2024_is_the_figures_of_the_seed(demo_env):
    data = json.loads((demo_env.var / "out" / "bt2024.json").read_text(encoding="utf-8"))
    e = data["evaluation"]
    assert (e["grassroots"]["excellent"], e["grassroots"]["total"], e["members"]["excellent"]) == (
        16,
        76,
        1579,
    )

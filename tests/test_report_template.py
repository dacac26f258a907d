"""An office's own Word template, without touching code: named once in TONGKET_REPORT_TEMPLATE
(used by every DOCX and PDF) or for one report with `tongket report --template`; a template
with an unknown placeholder is refused by name and nothing is written."""

from __future__ import annotations

import pytest
from docx import Document

from tests.test_imports import run_cli
from tests.test_reports import rated  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _template(tmp_path, *lines):
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    path = tmp_path / "mau-van-phong.docx"
    doc.save(path)
    return path


def _text(path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


OWN = ("MẪU CỦA VĂN PHÒNG", "{{ co_quan }}", "{{p noi_dung }}", "{{ nguoi_ky }}")


def test_the_cli_uses_a_template_for_one_report(cast, rated, tmp_path, capsys):  # noqa: F811
    target = tmp_path / "a.docx"
    args = ("report", "--org", "A", "--period", "2024", "--format", "docx", "-o", str(target))
    code, _out, err = run_cli(capsys, *args, "--template", str(_template(tmp_path, *OWN)))
    assert code == 0, err
    text = _text(target)
    assert "MẪU CỦA VĂN PHÒNG" in text and "CÔNG TÁC XÂY DỰNG ĐẢNG" in text


def test_the_setting_makes_it_the_template_of_every_report(
    cast,
    rated,  # noqa: F811
    tmp_path,
    capsys,
    settings,
):
    settings.REPORT_TEMPLATE = str(_template(tmp_path, *OWN))
    target = tmp_path / "a.docx"
    args = ("report", "--org", "A", "--period", "2024", "--format", "docx", "-o", str(target))
    code, _out, err = run_cli(capsys, *args)
    assert code == 0, err
    assert "MẪU CỦA VĂN PHÒNG" in _text(target)


def test_an_unknown_placeholder_is_named_and_nothing_is_written(cast, rated, tmp_path, capsys):  # noqa: F811
    bad = _template(tmp_path, "{{ co_quan }}", "{{ so_lieu_la }}", "{{p noi_dung }}")
    target = tmp_path / "a.docx"
    args = ("report", "--org", "A", "--period", "2024", "--format", "docx", "-o", str(target))
    code, _out, err = run_cli(capsys, *args, "--template", str(bad))
    assert code == 1 and "so_lieu_la" in err and "Traceback" not in err
    assert not target.exists()


def test_a_template_that_is_not_a_word_file_is_refused(cast, rated, tmp_path, capsys):  # noqa: F811
    bad = tmp_path / "mau.docx"
    bad.write_bytes(b"not a word document")
    target = tmp_path / "a.pdf"
    args = ("report", "--org", "A", "--period", "2024", "--format", "pdf", "-o", str(target))
    code, _out, err = run_cli(capsys, *args, "--template", str(bad))
    assert code == 1 and "Traceback" not in err and not target.exists()


def test_a_report_written_by_the_cli_is_recorded_as_an_export(cast, rated, tmp_path, capsys):  # noqa: F811
    from tongket.core.models import ChangeLog

    target = tmp_path / "a.xlsx"
    args = ("report", "--org", "A", "--period", "2024", "--format", "xlsx", "-o", str(target))
    code, _out, err = run_cli(capsys, *args)
    assert code == 0, err
    assert ChangeLog.objects.filter(action="export", object_repr="A 2024 xlsx").count() == 1

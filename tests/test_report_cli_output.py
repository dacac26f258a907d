"""Where the CLI writes a report: a folder that is not there, or cannot be made, is said in one
line before any work, with nothing written and no export recorded."""

from __future__ import annotations

import pytest

from tests.test_imports import run_cli
from tests.test_reports import rated  # noqa: F401  (fixture)
from tongket.core.models import ChangeLog

pytestmark = pytest.mark.django_db


def test_a_report_into_a_missing_folder_is_refused_before_any_work(cast, rated, tmp_path, capsys):  # noqa: F811
    target = tmp_path / "khong-co" / "a.xlsx"
    args = ("report", "--org", "A", "--period", "2024", "--format", "xlsx", "-o", str(target))
    code, _out, err = run_cli(capsys, *args)
    assert code == 1 and "không có" in err and "lỗi hệ thống" not in err
    assert not target.parent.exists()
    assert not ChangeLog.objects.filter(action="export").exists()


def test_a_batch_folder_that_cannot_be_made_is_said(cast, rated, tmp_path, capsys):  # noqa: F811
    blocker = tmp_path / "tep"
    blocker.write_text("một tệp, không phải thư mục")
    folder = blocker / "bao-cao"
    args = ("report-batch", "--root", "A", "--period", "2024", "--format", "json")
    code, _out, err = run_cli(capsys, *args, "-o", str(folder))
    assert code == 1 and "lỗi hệ thống" not in err
    assert "không phải là thư mục" in err or "Không tạo được thư mục" in err
    assert not ChangeLog.objects.filter(action="export").exists()

"""Edited versions of a report: the office's text is kept as a new version each save, its
figures stay placeholders tied to the records, and a bad edit is refused with nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import actor_for
from tests.test_reports import TODAY, rated  # noqa: F401  (fixture)
from tongket.core.errors import PermissionDeniedError
from tongket.core.models import ChangeLog
from tongket.domain.errors import DomainError
from tongket.evaluation.models import Evaluation
from tongket.reports.assemble import report_document
from tongket.reports.models import ReportDraft
from tongket.reports.services import draft_save

pytestmark = pytest.mark.django_db

EDIT = "Năm 2024, đảng bộ có {evaluation.members.excellent} đảng viên xuất sắc (bản sửa)."


def _party(document):
    return next(s for s in document.sections if s.key == "party")


def test_an_edit_is_a_new_version_and_its_figures_stay_those_of_the_records(cast, rated):  # noqa: F811
    alice = actor_for(cast.alice)
    first = draft_save(actor=alice, org=cast.a, period="2024", sections={"party": [EDIT]})
    second = draft_save(
        actor=alice, org=cast.a, period="2024", sections={"party": [EDIT]}, number=15
    )
    assert (first.version, second.version) == (1, 2)
    doc = report_document(alice, cast.a, "2024", today=TODAY)
    assert doc.draft_version == 2 and doc.heading.number == "Số 15-BC/ĐU"
    assert _party(doc).paragraphs[0].text == (
        "Năm 2024, đảng bộ có 1 đảng viên xuất sắc (bản sửa)."
    )
    # The table of the section is still the one computed from the records.
    assert any(type(b).__name__ == "Table" for b in _party(doc).blocks)
    # A result corrected after the edit shows in the edited text: the figure is linked.
    Evaluation.objects.filter(member=cast.anh, year=2024).update(level="good")
    again = report_document(alice, cast.a, "2024", today=TODAY)
    assert _party(again).paragraphs[0].text.startswith("Năm 2024, đảng bộ có 0 đảng viên")
    assert ChangeLog.objects.filter(object_type__endswith="reportdraft").count() == 2


def test_the_generated_text_and_any_version_stay_readable(cast, rated):  # noqa: F811
    alice = actor_for(cast.alice)
    draft_save(actor=alice, org=cast.a, period="2024", sections={"party": [EDIT]})
    generated = report_document(alice, cast.a, "2024", today=TODAY, version=0)
    assert generated.draft_version == 0
    assert "(bản sửa)" not in generated.text
    assert "(bản sửa)" in report_document(alice, cast.a, "2024", today=TODAY, version=1).text
    with pytest.raises(DomainError, match="Không có phiên bản 7"):
        report_document(alice, cast.a, "2024", today=TODAY, version=7)


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({"party": ["Có {so_lieu_la} đảng viên."]}, r"Số liệu \{so_lieu_la\} không có"),
        ({"party": ["Có {evaluation.members.excellent đảng viên."]}, "không khớp"),
        ({"party": ["Có } đảng viên."]}, "không khớp"),
        ({"phu_luc": ["Một đoạn."]}, "Báo cáo không có mục phu_luc"),
        ({"party": ["x" * 5001]}, "quá dài"),
        (["party"], "phải gồm các mục"),
    ],
)
def test_a_bad_edit_is_refused_and_nothing_is_saved(cast, rated, sections, message):  # noqa: F811
    before = ChangeLog.objects.count()
    with pytest.raises(DomainError, match=message):
        draft_save(actor=actor_for(cast.alice), org=cast.a, period="2024", sections=sections)
    assert ReportDraft.objects.count() == 0 and ChangeLog.objects.count() == before


def test_only_an_editor_of_the_organization_may_save(cast, rated):  # noqa: F811
    with pytest.raises(PermissionDeniedError):
        draft_save(actor=actor_for(cast.bob), org=cast.a, period="2024", sections={})
    assert not ReportDraft.objects.exists()


def test_an_edit_for_a_period_not_begun_is_refused(cast):
    future = str(dt.date.today().year + 2)
    with pytest.raises(DomainError, match="chưa bắt đầu"):
        draft_save(actor=actor_for(cast.alice), org=cast.a, period=future, sections={})


def _url(org="A", period="2024"):
    return f"/bao-cao/{org}/{period}/soan-thao/"


def test_the_editor_shows_the_placeholders_and_saves_a_version(cast, rated, as_user):  # noqa: F811
    client = as_user(cast.alice)
    page = client.get(_url()).content.decode()
    assert "{evaluation.members.excellent}" in page  # the generated text, in its editable form
    answer = client.post(_url(), {"section-party": EDIT, "number": "15", "note": "Bản 1"})
    assert answer.status_code == 302
    draft = ReportDraft.objects.get()
    assert (draft.version, draft.number, draft.sections["party"]) == (1, 15, [EDIT])
    assert "Phiên bản 1" in client.get(_url()).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"section-party": "Có {so_lieu_la} đảng viên."}, "{so_lieu_la}"),
        ({"section-party": EDIT, "number": "12a"}, "Số văn bản phải là số nguyên dương"),
        ({"section-party": EDIT, "issued_on": "31/02/2025"}, "Ngày không hợp lệ"),
    ],
)
def test_the_editor_refuses_a_bad_edit_and_keeps_the_text(cast, rated, as_user, data, message):  # noqa: F811
    answer = as_user(cast.alice).post(_url(), data)
    body = answer.content.decode()
    assert answer.status_code == 200 and message in body
    assert data["section-party"] in body  # what was typed is not lost
    assert not ReportDraft.objects.exists()


def test_the_editor_is_closed_outside_the_grants(cast, rated, as_user):  # noqa: F811
    client = as_user(cast.bob)
    assert client.get(_url()).status_code in (403, 404)
    assert client.post(_url(), {"section-party": EDIT}).status_code in (403, 404)
    assert not ReportDraft.objects.exists()


def test_the_editor_says_when_the_period_has_not_begun(cast, as_user):
    future = str(dt.date.today().year + 2)
    body = as_user(cast.alice).get(_url(period=future)).content.decode()
    assert "chưa bắt đầu" in body

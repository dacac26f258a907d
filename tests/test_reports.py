"""ReviewFigures (INTERCHANGE.md "Review figures as JSON") from records: counted on the trees as
they stood at the end of the period, names valid then, missing sections named instead of zeros,
periods that have not begun refused, and the scope of the user respected in the CLI and API."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import actor_for
from tests.test_api import assert_error
from tests.test_imports import run_cli
from tongket.core.errors import PermissionDeniedError
from tongket.domain.errors import DomainError
from tongket.evaluation.services import ResultRow, results_record, round_open
from tongket.party.services import org_version_add, org_version_update
from tongket.reports.figures import review_figures

pytestmark = pytest.mark.django_db
D = dt.date
OK = {"tasks_on_time": True}
TOP = {"tasks_on_time": True, "share_exceeded": "0.6"}
TODAY = D(2026, 11, 22)


def _row(level, **subject):
    flags = TOP if level == "excellent" else OK
    return ResultRow(
        level=level, flags=flags, reviewed_on=D(2024, 12, 15), deciding_body="BTV", **subject
    )


@pytest.fixture
def rated(cast, system):
    rnd = round_open(actor=system, committee=cast.a, year=2024)
    results_record(
        actor=system,
        rnd=rnd,
        rows=[
            _row("good", org=cast.a1),
            _row("excellent", org=cast.a1a),
            _row("excellent", member=cast.anh),
        ],
    )
    return rnd


CONTRACT = {
    "org",
    "period",
    "as_of",
    "evaluation",
    "units",
    "awards",
    "indicators",
    "outreach",
}
LEVEL_KEYS = {"total", "excellent", "good", "completed", "not_completed", "unclassified"}


def test_the_json_has_every_key_of_the_contract(cast, system, rated):
    data = review_figures(system, cast.a, "2024", today=TODAY).to_json()
    assert set(data) >= CONTRACT
    assert (data["org"], data["period"], data["as_of"]) == ("A", "2024", "2024-12-31")
    evaluation = data["evaluation"]
    for group in ("grassroots", "sub_branches", "members"):
        assert set(evaluation[group]) >= LEVEL_KEYS
    assert {"years", "orgs", "members"} <= set(evaluation["streaks"])
    assert {"as_of", "ward", "neighbourhood", "resident_group"} <= set(data["units"])
    json.dumps(data)  # plain JSON types only


def test_the_counts_come_from_the_results_on_the_tree_at_the_end_of_the_year(cast, system, rated):
    e = review_figures(system, cast.a, "2024", today=TODAY).evaluation
    # A1 is a grassroots committee (good); A1a a sub-branch under it (excellent); Ánh excellent.
    assert (e.grassroots.total, e.grassroots.good, e.grassroots.excellent) == (1, 1, 0)
    assert (e.sub_branches.total, e.sub_branches.excellent) == (1, 1)
    assert (e.members.total, e.members.excellent, e.members.missing) == (1, 1, 0)
    assert e.streaks.years == 5 and e.streaks.members == 0  # one year is not five


def test_a_year_without_results_is_named_missing_not_printed_as_zeros(cast, system):
    figures = review_figures(system, cast.a, "2023", today=TODAY)
    assert figures.evaluation is None
    assert any("2023" in m and "đánh giá" in m for m in figures.missing)
    assert figures.to_json()["evaluation"] is None


def test_a_half_year_has_no_evaluation_and_says_why(cast, system, rated):
    figures = review_figures(system, cast.a, "2024-H1", today=TODAY)
    assert figures.evaluation is None and figures.as_of == D(2024, 6, 30)
    assert figures.period_label == "6 tháng đầu năm 2024"
    assert any("theo năm" in m for m in figures.missing)


def test_a_period_that_has_not_begun_is_refused(cast, system):
    with pytest.raises(DomainError) as caught:
        review_figures(system, cast.a, "2027", today=TODAY)
    assert caught.value.code == "report.future" and "chưa bắt đầu" in caught.value.message


def test_a_running_period_is_counted_to_today_and_says_so(cast, system):
    figures = review_figures(system, cast.a, "2026-H2", today=TODAY)
    assert figures.in_progress and figures.as_of == TODAY
    assert any("chưa kết thúc" in m for m in figures.missing)


@pytest.mark.parametrize("period", ["2024-H3", "2024-Q5", "năm 2024", ""])
def test_a_malformed_period_is_refused(cast, system, period):
    with pytest.raises(DomainError) as caught:
        review_figures(system, cast.a, period, today=TODAY)
    assert "Kỳ báo cáo không hợp lệ" in caught.value.message


def test_the_name_is_the_one_valid_at_the_end_of_the_period(cast, system, rated):
    first = cast.a.versions.get()
    org_version_update(actor=system, version=first, changes={"valid_to": D(2025, 6, 30)})
    org_version_add(
        actor=system,
        org=cast.a,
        valid_from=D(2025, 7, 1),
        name="Đảng bộ phường Mới",
        kind="party_committee",
        parent=cast.city,
        unit=cast.w1,
    )
    assert review_figures(system, cast.a, "2024", today=TODAY).org_name == "Đảng bộ An"
    assert review_figures(system, cast.a, "2025-H2", today=TODAY).org_name == "Đảng bộ phường Mới"


def test_an_organization_outside_the_grants_is_refused(cast, rated):
    with pytest.raises(PermissionDeniedError):
        review_figures(actor_for(cast.bob), cast.a, "2024", today=TODAY)


# --- CLI and API ---------------------------------------------------------------------------------
def test_the_cli_writes_the_json(cast, rated, tmp_path, capsys):
    target = tmp_path / "a.json"
    code, _out, err = run_cli(capsys, "report", "--org", "A", "--period", "2024", "-o", str(target))
    assert code == 0, err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["evaluation"]["sub_branches"]["excellent"] == 1


def test_the_cli_says_what_is_wrong_with_a_period(cast, capsys):
    code, _out, err = run_cli(capsys, "report", "--org", "A", "--period", "2024-H3")
    assert code == 1 and "Kỳ báo cáo không hợp lệ" in err and "Traceback" not in err


def test_the_api_answers_in_scope_and_refuses_outside(cast, rated, as_user):
    client = as_user(cast.alice)
    data = client.get("/api/v1/reports/A/2024").json()
    assert data["evaluation"]["members"]["excellent"] == 1
    assert_error(client.get("/api/v1/reports/A/2024-H3"), 400, "period.invalid")
    other = as_user(cast.bob).get("/api/v1/reports/A/2024")
    assert other.status_code in (403, 404) and "Đảng bộ An" not in other.content.decode()

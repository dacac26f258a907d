"""Mass mobilization: programmes, activities (each unit must exist on the day; leaders must be
in post), coverage over the neighbourhoods of the day, projects, cases; bad inputs, scope,
CLI, API and the coverage page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import actor_for
from tests.test_cli import run
from tongket.core.errors import PermissionDeniedError
from tongket.core.models import ChangeLog
from tongket.domain.errors import DomainError
from tongket.outreach import selectors, services
from tongket.outreach.models import Activity, Case
from tongket.party.services import position_create
from tongket.registry.services import unit_create

D = dt.date


@pytest.fixture
def area(cast):
    """Four khu phố under ward W1 (A's unit): KP1 and KP2 always, KP3 until 31/3/2024, KP4
    from 1/4/2024; one khu phố under W2 (B's); a programme of A; a leader of A."""
    s = cast.system
    kp = {}
    for code, extra in [
        ("KP1", {}),
        ("KP2", {}),
        ("KP3", {"valid_to": D(2024, 3, 31)}),
        ("KP4", {"valid_from": D(2024, 4, 1)}),
    ]:
        kp[code] = unit_create(
            actor=s,
            code=f"W1-{code}",
            name=f"Khu phố {code[-1]}",
            level="neighbourhood",
            parent=cast.w1,
            **extra,
        )
    cast.kp = kp
    cast.kp_b = unit_create(
        actor=s, code="W2-KP1", name="Khu phố BÊTA", level="neighbourhood", parent=cast.w2
    )
    cast.programme = services.programme_create(
        actor=s, org=cast.a, code="MTMKP", name="Mỗi tuần một khu phố", started_on=D(2024, 1, 1)
    )
    cast.leader = position_create(
        actor=s,
        holder_name="Trần Văn Một",
        title="Bí thư Đảng ủy",
        body="standing_members",
        org=cast.a,
        valid_from=D(2020, 10, 1),
        valid_to=D(2025, 6, 30),
    )
    return cast


def _visit(area, unit, day, **kw):
    return services.activity_record(
        actor=area.system,
        org=area.a,
        programme=area.programme,
        kind="visit",
        held_on=day,
        units=[unit],
        body="standing_members",
        leaders=[area.leader],
        **kw,
    )


def test_coverage_counts_distinct_neighbourhoods_existing_on_the_day(area):
    kp = area.kp
    _visit(area, kp["KP1"], D(2024, 1, 3))
    _visit(area, kp["KP1"], D(2024, 1, 10))  # a second visit counts once
    _visit(area, kp["KP3"], D(2024, 2, 7))  # gone by 4/7: not in the count
    _visit(area, kp["KP4"], D(2024, 8, 1))  # after the day asked
    report = selectors.coverage_report(area.system, area.programme, D(2024, 7, 4))
    assert report.text == "1/3 khu phố" and report.share == "33,33%"
    assert [p.code for p in report.visited] == ["W1-KP1"]
    assert [p.first_visit for p in report.visited] == [D(2024, 1, 3)]
    assert [p.code for p in report.not_visited] == ["W1-KP2", "W1-KP4"]
    assert report.coverage.outside == (kp["KP3"].pk,)
    assert report.visits == 3 and report.cadence.weeks == 27
    assert report.cadence.weeks_without == 24
    assert sum(n for _w, n in report.weeks) == 3
    # On 1/3/2024 KP3 still existed and KP4 not yet.
    early = selectors.coverage_report(area.system, area.programme, D(2024, 3, 1))
    assert early.text == "2/3 khu phố"
    assert selectors.coverage_report(area.system, area.programme, D(2024, 8, 31)).text == (
        "2/3 khu phố"
    )
    # Only the standing members' visits.
    services.activity_record(
        actor=area.system,
        org=area.a,
        programme=area.programme,
        kind="visit",
        held_on=D(2024, 5, 1),
        units=[kp["KP2"]],
        body="standing",
    )
    standing = selectors.coverage_report(
        area.system, area.programme, D(2024, 7, 4), body="standing_members"
    )
    assert standing.text == "1/3 khu phố"
    assert selectors.coverage_report(area.system, area.programme, D(2024, 7, 4)).text == (
        "2/3 khu phố"
    )


def test_a_visit_to_a_neighbourhood_that_did_not_exist_that_day_is_refused(area):
    logs, acts = ChangeLog.objects.count(), Activity.objects.count()
    with pytest.raises(DomainError) as err:
        _visit(area, area.kp["KP4"], D(2024, 2, 1))
    assert err.value.code == "activity.unit_missing"
    assert "Khu phố 4 (W1-KP4)" in err.value.message and "01/02/2024" in err.value.message
    assert (ChangeLog.objects.count(), Activity.objects.count()) == (logs, acts)


@pytest.mark.parametrize(
    "change, code",
    [
        ({"held_on": D(2099, 1, 1)}, "activity.future"),
        ({"units": []}, "activity.no_unit"),
        ({"kind": "party"}, "activity.kind"),
        ({"body": "nobody"}, "activity.body"),
        ({"households": -3}, "outreach.negative"),
        ({"amount": Decimal("-1")}, "outreach.negative"),
        ({"items": -1}, "outreach.negative"),
        ({"held_on": D(2020, 9, 1)}, "activity.leader_not_in_post"),
        ({"programme": "other"}, "activity.programme_org"),
        ({"projects": "other"}, "activity.project_org"),
    ],
)
def test_other_bad_activities_are_refused(area, change, code):
    args = dict(
        actor=area.system,
        org=area.a,
        programme=area.programme,
        kind="visit",
        held_on=D(2024, 3, 1),
        units=[area.kp["KP1"]],
        leaders=[area.leader],
    )
    if change.get("programme") == "other":
        change = {
            "programme": services.programme_create(
                actor=area.system, org=area.b, code="X", name="Của B"
            )
        }
    if change.get("projects") == "other":
        change = {
            "projects": [
                services.project_create(actor=area.system, org=area.b, code="XB", name="Của B")
            ]
        }
    args.update(change)
    logs, acts = ChangeLog.objects.count(), Activity.objects.count()
    with pytest.raises(DomainError) as err:
        services.activity_record(**args)
    assert err.value.code == code and err.value.message
    assert (ChangeLog.objects.count(), Activity.objects.count()) == (logs, acts)


def test_duplicate_programme_and_project_codes_are_refused(area):
    with pytest.raises(DomainError) as err:
        services.programme_create(actor=area.system, org=area.a, code="MTMKP", name="Lại")
    assert err.value.code == "programme.exists"
    services.project_create(actor=area.system, org=area.a, code="XT", name="Rạch Xuyên Tâm")
    with pytest.raises(DomainError) as err:
        services.project_create(actor=area.system, org=area.a, code="XT", name="Lại")
    assert err.value.code == "project.exists"


def test_project_activities_with_the_units_they_touch(area):
    s = area.system
    project = services.project_create(
        actor=s, org=area.a, code="XT", name="Dự án rạch Xuyên Tâm", units=[area.w1]
    )
    services.activity_record(
        actor=s,
        org=area.a,
        kind="residents_meeting",
        held_on=D(2024, 5, 10),
        units=[area.kp["KP1"], area.kp["KP2"]],
        projects=[project],
        households=120,
        people=150,
        title="Đối thoại với hộ dân bị ảnh hưởng",
        leaders=[area.leader],
    )
    services.activity_record(
        actor=s,
        org=area.a,
        kind="house_repair",
        held_on=D(2024, 6, 10),
        units=[area.kp["KP2"]],
        projects=[project],
        households=2,
        items=2,
        amount=Decimal("100000000"),
    )
    [work] = selectors.project_work(s, area.a)
    assert work.units == ["Khu phố 1", "Khu phố 2"]
    assert (len(work.activities), work.households, work.people) == (2, 122, 150)
    assert selectors.project_work(actor_for(area.bob), area.b) == []


def test_cases_backlog_and_bad_case_dates(area):
    s = area.system
    c1 = services.case_open(
        actor=s, org=area.a, kind="pending", title="Tranh chấp lối đi", opened_on=D(2023, 5, 1)
    )
    services.case_open(
        actor=s,
        org=area.a,
        kind="petition",
        title="Ngập nước",
        opened_on=D(2024, 6, 1),
        unit=area.kp["KP1"],
    )
    services.case_open(
        actor=s,
        org=area.a,
        kind="petition",
        title="Đèn đường",
        opened_on=D(2024, 1, 1),
        resolved_on=D(2024, 2, 1),
    )
    b = selectors.case_backlog(s, area.a, D(2024, 7, 4))
    assert (b.open, b.resolved, b.oldest_days) == (2, 1, 430)
    services.case_resolve(actor=s, case=c1, resolved_on=D(2024, 7, 10))
    assert selectors.case_backlog(s, area.a, D(2024, 7, 31)).open == 1
    cases = Case.objects.count()
    with pytest.raises(DomainError) as err:
        services.case_open(
            actor=s,
            org=area.a,
            kind="petition",
            title="X",
            opened_on=D(2024, 6, 1),
            resolved_on=D(2024, 5, 1),
        )
    assert err.value.code == "case.resolved_before_opened"
    with pytest.raises(DomainError) as err:
        services.case_open(
            actor=s,
            org=area.a,
            kind="petition",
            title="X",
            opened_on=D(2024, 2, 1),
            unit=area.kp["KP4"],
        )
    assert err.value.code == "activity.unit_missing"
    with pytest.raises(DomainError) as err:
        services.case_resolve(actor=s, case=c1, resolved_on=D(2023, 1, 1))
    assert err.value.code == "case.resolved_before_opened"
    of_b = services.project_create(actor=s, org=area.b, code="XB", name="Dự án của B")
    with pytest.raises(DomainError) as err:
        services.case_open(
            actor=s, org=area.a, kind="petition", title="X", opened_on=D(2024, 2, 1), project=of_b
        )
    assert err.value.code == "activity.project_org" and "Dự án của B" in err.value.message
    assert Case.objects.count() == cases


def test_scope_other_organizations_see_and_change_nothing(area):
    _visit(area, area.kp["KP1"], D(2024, 1, 3))
    bob = actor_for(area.bob)
    assert not selectors.activities_visible(bob).exists()
    assert not selectors.programmes_visible(bob).exists()
    with pytest.raises(PermissionDeniedError):
        services.activity_record(
            actor=bob, org=area.a, kind="visit", held_on=D(2024, 3, 1), units=[area.kp["KP1"]]
        )
    # A viewer of B cannot write even in B.
    with pytest.raises(PermissionDeniedError):
        services.programme_create(actor=bob, org=area.b, code="Y", name="Y")


@pytest.mark.django_db
def test_cli_coverage(capsys, area):
    _visit(area, area.kp["KP1"], D(2024, 1, 3))
    code, out, err = run(
        capsys,
        "outreach",
        "coverage",
        "--org",
        "A",
        "--programme",
        "MTMKP",
        "--on",
        "04/07/2024",
        "--list",
    )
    assert code == 0, err
    assert out.splitlines()[0] == (
        "Mỗi tuần một khu phố: đã đến 1/3 khu phố (33,33%), từ 01/01/2024 đến 04/07/2024"
    )
    assert "1 lượt thăm; 26/27 tuần không có lượt thăm nào (dài nhất 26 tuần liền)" in out
    assert "03/01/2024  Khu phố 1, Phường An  (W1-KP1)" in out
    code, _out, err = run(
        capsys, "outreach", "coverage", "--org", "A", "--programme", "NOPE", "--on", "04/07/2024"
    )
    assert code == 1 and "NOPE" in err and len(err.strip().splitlines()) == 1
    project = services.project_create(actor=area.system, org=area.a, code="XT", name="Xuyên Tâm")
    services.activity_record(
        actor=area.system,
        org=area.a,
        kind="loan",
        held_on=D(2024, 5, 10),
        units=[area.kp["KP2"]],
        projects=[project],
        households=3,
        amount=Decimal("150000000"),
        title="Hỗ trợ vay vốn",
    )
    code, out, err = run(capsys, "outreach", "projects", "--org", "A")
    assert code == 0, err
    assert "Xuyên Tâm: 1 hoạt động, 3 hộ, 0 người; địa bàn: Khu phố 2" in out
    assert "Hỗ trợ vay vốn: Hỗ trợ vay vốn; 150.000.000 đồng" in out


def test_api_coverage_and_page(client, area):
    _visit(area, area.kp["KP1"], D(2024, 1, 3))
    client.force_login(area.alice)
    url = f"/api/v1/orgs/{area.a.pk}/outreach/coverage?programme=MTMKP&on=04/07/2024"
    body = client.get(url).json()
    assert (body["visited_count"], body["total"], body["text"]) == (1, 3, "1/3 khu phố")
    assert [p["code"] for p in body["not_visited"]] == ["W1-KP2", "W1-KP4"]
    assert len(body["weeks"]) == 27 and body["weeks_without_visit"] == 26
    bad = client.get(f"/api/v1/orgs/{area.a.pk}/outreach/coverage?programme=MTMKP&on=x")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "date.invalid"
    unnamed = client.get(f"/api/v1/orgs/{area.a.pk}/outreach/coverage")
    assert unnamed.status_code == 400 and unnamed.json()["error"]["code"] == "outreach.programme"
    early = client.get(f"/api/v1/orgs/{area.a.pk}/outreach/coverage?programme=MTMKP&on=2023-06-01")
    assert early.status_code == 400 and "01/01/2024" in early.json()["error"]["message"]
    page = client.get("/work/outreach/?as_of=2024-07-04").content.decode()
    assert "đã đến 1/3 khu phố" in page and "Chưa đến (2)" in page and "<svg" in page
    # A day before the programme started: one clear line on the page, not a server error.
    early = client.get("/work/outreach/?as_of=2023-06-01")
    assert early.status_code == 200
    assert "01/06/2023" in early.content.decode() and "01/01/2024" in early.content.decode()
    assert "msg-error" in early.content.decode() and "đã đến" not in early.content.decode()
    client.force_login(area.bob)
    hidden = client.get(f"/api/v1/orgs/{area.a.pk}/outreach/coverage?programme=MTMKP")
    assert hidden.status_code == 404

"""Evaluation pages: the round dashboard, the entry grid of a branch, badges due."""

import datetime as dt

import pytest

from tongket.evaluation.models import Evaluation
from tongket.evaluation.services import round_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(cast, system):
    return round_open(actor=system, committee=cast.a, year=2024, submit_by=dt.date(2024, 12, 20))


def test_entry_grid_saves_levels_and_the_dashboard_counts_them(client, cast, rnd):
    client.force_login(cast.alice)
    url = f"/evaluation/{rnd.pk}/org/{cast.a1a.pk}/"
    page = client.get(url).content.decode()
    assert "Đặng Thị Ánh" in page and 'name="level-' in page
    # "On time" is the user's to tick: a member without a result starts unticked.
    assert f'name="ontime-{cast.anh.pk}" type="checkbox">' in page
    client.post(
        url,
        {
            "deciding_body": "Đảng ủy cơ sở",
            "reviewed_on": "2024-12-15",
            f"level-{cast.anh.pk}": "good",
            f"ontime-{cast.anh.pk}": "on",
        },
    )
    assert Evaluation.objects.get(member=cast.anh).level == "good"
    again = client.get(url).content.decode()
    assert f'name="ontime-{cast.anh.pk}" type="checkbox" checked>' in again
    board = client.get(f"/evaluation/{rnd.pk}/").content.decode()
    assert "<svg" in board and "Báo cáo kiểm tra quy định" in board
    assert "trễ hạn" in board  # A1 has not submitted after 20/12/2024


def test_a_refused_level_is_shown_with_its_rule(client, cast, rnd):
    client.force_login(cast.alice)
    url = f"/evaluation/{rnd.pk}/org/{cast.a1a.pk}/"
    response = client.post(
        url,
        {
            "deciding_body": "Đảng ủy cơ sở",
            f"level-{cast.anh.pk}": "excellent",
            f"share-{cast.anh.pk}": "0.1",
        },
        follow=True,
    )
    assert "§" in response.content.decode() and not Evaluation.objects.exists()


def test_submit_from_the_grid(client, cast, rnd):
    client.force_login(cast.alice)
    client.post(f"/evaluation/{rnd.pk}/org/{cast.a1a.pk}/submit/")
    assert rnd.states.get(org=cast.a1a).status == "submitted"


def test_badges_page_lists_due_members(client, cast):
    from tongket.party.models import Member

    Member.objects.filter(pk=cast.anh.pk).update(
        decided_on=dt.date(1994, 11, 20),
        admitted_on=dt.date(1994, 12, 1),
        confirmed_on=dt.date(1995, 12, 1),
    )
    client.force_login(cast.alice)
    page = client.get("/evaluation/badges/", {"org": cast.a.pk, "as_of": "2024-11-08"})
    text = page.content.decode()
    assert "Đặng Thị Ánh" in text and "30 năm" in text


def test_the_grid_needs_the_review_day(client, cast, rnd):
    client.force_login(cast.alice)
    url = f"/evaluation/{rnd.pk}/org/{cast.a1a.pk}/"
    response = client.post(
        url, {"deciding_body": "Đảng ủy cơ sở", f"level-{cast.anh.pk}": "good"}, follow=True
    )
    assert "kiểm điểm" in response.content.decode() and not Evaluation.objects.exists()


def test_the_chart_places_each_bar_on_its_own_row(client, cast, rnd):
    client.force_login(cast.alice)
    board = client.get(f"/evaluation/{rnd.pk}/").content.decode()
    assert '<text x="0" y="20"' in board and '<text x="0" y="56"' in board


def test_open_a_round_and_a_quarter_from_the_web(client, cast):
    from tongket.evaluation.models import EvaluationRound

    client.force_login(cast.alice)
    page = client.get("/evaluation/").content.decode()
    assert 'action="/evaluation/new/"' in page
    done = client.post("/evaluation/new/", {"committee": cast.a.pk, "year": "2025"}, follow=True)
    assert "Đã mở đợt đánh giá" in done.content.decode()
    client.post("/evaluation/new/", {"committee": cast.a.pk, "year": "2025", "quarter": "2"})
    assert sorted(EvaluationRound.objects.values_list("quarter", flat=True), key=str) == [2, None]
    refused = client.post(
        "/evaluation/new/", {"committee": cast.a.pk, "year": "2024", "quarter": "1"}, follow=True
    ).content.decode()
    assert "không đánh giá theo quý" in refused
    refused = client.post(
        "/evaluation/new/", {"committee": cast.a.pk, "year": "2025", "quarter": "4"}, follow=True
    ).content.decode()
    assert "gộp vào đánh giá cuối năm" in refused
    refused = client.post(
        "/evaluation/new/", {"committee": cast.a.pk, "year": "năm nay"}, follow=True
    ).content.decode()
    assert "không hợp lệ" in refused and EvaluationRound.objects.count() == 2


def test_a_user_cannot_open_a_round_of_another_committee(client, cast):
    from tongket.evaluation.models import EvaluationRound

    client.force_login(cast.alice)
    response = client.post("/evaluation/new/", {"committee": cast.b.pk, "year": "2025"})
    assert response.status_code == 404 and not EvaluationRound.objects.exists()


def _veteran(cast):
    from tongket.party.models import Member

    Member.objects.filter(pk=cast.anh.pk).update(
        decided_on=dt.date(1994, 11, 20),
        admitted_on=dt.date(1994, 12, 1),
        confirmed_on=dt.date(1995, 12, 1),
    )


def test_badges_are_awarded_from_the_due_list(client, cast):
    from tongket.evaluation.models import BadgeAward

    _veteran(cast)
    client.force_login(cast.alice)
    page = client.get("/evaluation/badges/", {"org": cast.a.pk, "as_of": "2024-11-08"})
    assert f'value="{cast.anh.pk}:30"' in page.content.decode()
    done = client.post(
        "/evaluation/badges/award/",
        {"org": cast.a.pk, "as_of": "2024-11-08", "awarded_on": "2024-11-20"},
        follow=True,
    )
    assert "Chưa chọn" in done.content.decode() and not BadgeAward.objects.exists()
    early = client.post(
        "/evaluation/badges/award/",
        {"org": cast.a.pk, "award": f"{cast.anh.pk}:30", "awarded_on": "2024-11-07"},
        follow=True,
    )
    assert "chưa đủ 30 năm" in early.content.decode() and not BadgeAward.objects.exists()
    done = client.post(
        "/evaluation/badges/award/",
        {"org": cast.a.pk, "award": f"{cast.anh.pk}:30", "awarded_on": "2024-11-20"},
        follow=True,
    )
    text = done.content.decode()
    assert "Đã trao 1 huy hiệu" in text and "Đặng Thị Ánh" in text and "20/11/2024" in text
    assert BadgeAward.objects.get().milestone == 30
    again = client.get("/evaluation/badges/", {"org": cast.a.pk, "as_of": "2024-11-08"})
    assert "Đặng Thị Ánh" not in again.content.decode()  # awarded: off the due list


def test_badges_of_another_committee_are_not_awarded(client, cast):
    from tongket.evaluation.models import BadgeAward

    client.force_login(cast.alice)
    response = client.post(
        "/evaluation/badges/award/",
        {"org": cast.a.pk, "award": f"{cast.be.pk}:30", "awarded_on": "2024-11-20"},
    )
    assert response.status_code == 404 and not BadgeAward.objects.exists()


def test_an_eligibility_list_is_confirmed_into_a_decision(client, cast, system):
    from decimal import Decimal

    from tongket.evaluation.models import AwardDecision
    from tongket.evaluation.services import ResultRow, results_record

    for year in range(2020, 2025):
        r = round_open(actor=system, committee=cast.a, year=year)
        results_record(
            actor=system,
            rnd=r,
            rows=[
                ResultRow(
                    level="excellent",
                    member=cast.anh,
                    flags={"tasks_on_time": True, "share_exceeded": Decimal("0.6")},
                    deciding_body="Đảng ủy cơ sở",
                    reviewed_on=dt.date(year, 12, 10),
                )
            ],
        )
    client.force_login(cast.alice)
    url = f"/evaluation/{r.pk}/awards/new/?category=excellent_5_years"
    page = client.get(url).content.decode()
    assert f'name="member" value="{cast.anh.pk}" checked' in page
    assert "Ban Thường vụ Quận ủy" in page and "Ban Thường vụ Đảng ủy phường" in page
    missing = client.post(url, {"category": "excellent_5_years", "decided_on": "2025-01-15"})
    assert "Thiếu số quyết định" in missing.content.decode()
    assert not AwardDecision.objects.exists()
    done = client.post(
        url,
        {
            "category": "excellent_5_years",
            "member": str(cast.anh.pk),
            "number": "120-QĐ/QU",
            "decided_on": "2025-01-15",
        },
        follow=True,
    )
    assert "Ban Thường vụ Quận ủy" in done.content.decode()
    decision = AwardDecision.objects.get()
    assert decision.issuing_body == "Ban Thường vụ Quận ủy"
    assert [r.member_id for r in decision.recipients.all()] == [cast.anh.pk]
    assert f'value="{cast.anh.pk}"' not in client.get(url).content.decode()


def test_a_quarterly_round_page_has_no_year_tallies(client, cast, system):
    q = round_open(actor=system, committee=cast.a, year=2025, quarter=1)
    client.force_login(cast.alice)
    page = client.get(f"/evaluation/{q.pk}/").content.decode()
    assert "quý" in page and "<svg" not in page
    assert client.get(f"/evaluation/{q.pk}/awards/new/").status_code == 404


def test_approve_lock_and_reopen_from_the_dashboard(client, cast, rnd, system):
    from tongket.evaluation.services import ResultRow, results_record, results_submit

    results_record(
        actor=system,
        rnd=rnd,
        rows=[
            ResultRow(
                level="good",
                org=cast.a1,
                deciding_body="Ban Thường vụ",
                reviewed_on=dt.date(2024, 12, 10),
            )
        ],
    )
    results_submit(actor=system, rnd=rnd, org=cast.a1)
    client.force_login(cast.alice)
    board = client.get(f"/evaluation/{rnd.pk}/").content.decode()
    assert f"/evaluation/{rnd.pk}/org/{cast.a1.pk}/approve/" in board
    client.post(f"/evaluation/{rnd.pk}/org/{cast.a1.pk}/approve/")
    assert rnd.states.get(org=cast.a1).status == "approved"
    client.post(f"/evaluation/{rnd.pk}/lock/")
    rnd.refresh_from_db()
    assert rnd.locked
    refused = client.post(
        f"/evaluation/{rnd.pk}/lock/", {"action": "reopen", "reason": " "}, follow=True
    )
    assert "lý do" in refused.content.decode()
    rnd.refresh_from_db()
    assert rnd.locked
    client.post(f"/evaluation/{rnd.pk}/lock/", {"action": "reopen", "reason": "Sai sót"})
    rnd.refresh_from_db()
    assert not rnd.locked


def test_a_viewer_cannot_lock(client, cast, rnd):
    client.force_login(cast.carol)
    assert client.post(f"/evaluation/{rnd.pk}/lock/").status_code == 403
    rnd.refresh_from_db()
    assert not rnd.locked

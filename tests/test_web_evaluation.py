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

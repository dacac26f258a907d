"""The 500s schemathesis found (tests/test_api_fuzz.py), each pinned as a plain 4xx in the API's
one error shape, with nothing written: years out of range, page numbers past the database's
integers, and the NUL character PostgreSQL cannot store."""

from __future__ import annotations

import pytest

from tests.test_api import (
    alice_token,  # noqa: F401  (fixture)
    assert_error,
    bearer,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", [0, 100, 1929, 2101, 37036, -386231184094])
def test_a_year_out_of_range_is_a_422(client, cast, alice_token, year):  # noqa: F811
    for path in (
        f"/api/v1/orgs/{cast.a.pk}/evaluation/{year}/tally",
        f"/api/v1/orgs/{cast.a.pk}/evaluation/{year}/streaks",
        f"/api/v1/orgs/{cast.a.pk}/awards/{year}/eligible",
        f"/api/v1/orgs/{cast.a.pk}/badges?year={year}",
    ):
        assert_error(client.get(path, **bearer(alice_token)), 422, "invalid")


def test_the_years_the_rules_know_still_answer(client, cast, alice_token):  # noqa: F811
    response = client.get(f"/api/v1/orgs/{cast.a.pk}/evaluation/2024/tally", **bearer(alice_token))
    assert response.status_code == 200 and response.json()["as_of"] == "2024-12-31"


@pytest.mark.parametrize("query", ["page=2154068387042647030350639139762733056", "page_size=0"])
def test_a_page_past_the_database_integers_is_a_422(client, cast, alice_token, query):  # noqa: F811
    response = client.get(f"/api/v1/audit?{query}", **bearer(alice_token))
    assert_error(response, 422, "invalid")


def test_nul_in_a_body_is_refused_before_anything_is_written(client, cast, alice_token):  # noqa: F811
    response = client.patch(
        f"/api/v1/members/{cast.anh.pk}",
        data={"full_name": "Đặng Thị\u0000Ánh"},
        content_type="application/json",
        **bearer(alice_token),
    )
    error = assert_error(response, 422, "invalid")
    assert error["details"][0]["loc"] == ["body", "full_name"]
    cast.anh.refresh_from_db()
    assert cast.anh.full_name == "Đặng Thị Ánh"


def test_nul_in_a_query_or_a_path_is_a_422(client, cast, alice_token):  # noqa: F811
    assert_error(client.get("/api/v1/members?q=a%00b", **bearer(alice_token)), 422, "invalid")
    response = client.get("/api/v1/reports/A%00/2024", **bearer(alice_token))
    assert response.status_code in (404, 422) and response.json()["error"]["code"]

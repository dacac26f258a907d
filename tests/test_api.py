"""The API: authentication, one error shape, clear 4xx for bad input, writes audited."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.conftest import actor_for
from tongket.accounts.models import ApiToken
from tongket.accounts.services import token_create
from tongket.core.models import ChangeLog
from tongket.party.models import Member

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def alice_token(cast):
    _token, raw = token_create(actor=actor_for(cast.alice), user=cast.alice, name="script")
    return raw


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


# --- authentication ------------------------------------------------------------------------
def test_token_gives_access_and_is_hashed_at_rest(client, cast, alice_token):
    response = client.get("/api/v1/me", **bearer(alice_token))
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert not ApiToken.objects.filter(digest=alice_token).exists()
    assert ApiToken.objects.get(user=cast.alice).prefix == alice_token[:10]


@pytest.mark.parametrize("raw", ["", "tk_wrong", "x" * 500])
def test_unknown_token_is_refused(client, cast, raw):
    error = assert_error(client.get("/api/v1/me", **bearer(raw)), 401, "unauthenticated")
    assert "khóa API" in error["message"]


def test_expired_token_is_refused(client, cast, alice_token):
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert_error(client.get("/api/v1/me", **bearer(alice_token)), 401, "unauthenticated")


def test_revoked_token_is_refused(client, cast, alice_token):
    token = ApiToken.objects.get()
    response = client.delete(f"/api/v1/tokens/{token.pk}", **bearer(alice_token))
    assert response.status_code == 204
    assert_error(client.get("/api/v1/me", **bearer(alice_token)), 401, "unauthenticated")
    assert ChangeLog.objects.filter(object_type="accounts.apitoken", action="update").exists()


def test_message_follows_accept_language(client, cast):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert "API token" in assert_error(response, 401, "unauthenticated")["message"]


def test_session_write_needs_csrf(cast):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.alice)
    response = strict.post("/api/v1/tokens", data="{}", content_type="application/json")
    assert response.status_code in (401, 403)
    assert not ApiToken.objects.exists()


# --- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body", ["{not json", '{"org_id": "x"}', "[]", '{"org_id": 1}', "", "\xff\xfe"]
)
def test_malformed_body_gets_a_4xx_and_writes_nothing(client, cast, alice_token, body):
    before = Member.objects.count()
    response = client.post(
        "/api/v1/members", data=body, content_type="application/json", **bearer(alice_token)
    )
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["error"]["message"]
    assert Member.objects.count() == before


def test_invalid_json_says_so_in_vietnamese(client, cast, alice_token):
    response = client.post(
        "/api/v1/members", data="{oops", content_type="application/json", **bearer(alice_token)
    )
    assert response.status_code in (400, 422)
    assert "JSON" in response.json()["error"]["message"]


def _member(cast, **changes):
    body = {
        "org_id": cast.a1a.pk,
        "card_number": "A-0002",
        "full_name": "Lê Văn Mới",
        "birth_date": "1990-01-01",
        "gender": "male",
        "admitted_on": "2015-06-01",
    }
    return json.dumps({**body, **changes})


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"card_number": "A-0001"}, "member.duplicate"),  # the cast's Ánh has it
        ({"gender": "x"}, "member.gender"),
        ({"admitted_on": "2099-01-01"}, "date.future"),
        ({"admitted_on": "1980-01-01", "birth_date": "1990-01-01"}, "member.dates"),
        ({"confirmed_on": "2014-01-01"}, "member.dates"),
        ({"full_name": "   "}, "member.invalid"),
    ],
)
def test_member_rules_refuse_with_their_code(client, cast, alice_token, changes, code):
    before = ChangeLog.objects.count()
    response = client.post(
        "/api/v1/members",
        data=_member(cast, **changes),
        content_type="application/json",
        **bearer(alice_token),
    )
    assert_error(response, 400, code)
    assert Member.objects.count() == 2 and ChangeLog.objects.count() == before


def test_member_create_is_audited_with_the_operation(client, cast, alice_token):
    response = client.post(
        "/api/v1/members",
        data=_member(cast),
        content_type="application/json",
        **bearer(alice_token),
    )
    assert response.status_code == 201
    row = ChangeLog.objects.get(object_type="party.member", action="create", user=cast.alice)
    assert row.after["card_number"] == "A-0002"
    assert row.operation_id == response["X-Operation-Id"]
    assert row.scope_org_path == cast.a1a.path


def test_viewer_cannot_write(client, cast):
    client.force_login(cast.carol)  # viewer of unit W1, to which A is attached
    response = client.post(
        "/api/v1/members", data=_member(cast, org_id=cast.a.pk), content_type="application/json"
    )
    assert_error(response, 403, "permission.denied")


def test_unknown_object_is_404_in_the_error_shape(client, cast, alice_token):
    assert_error(client.get("/api/v1/orgs/999999", **bearer(alice_token)), 404, "not_found")
    assert_error(client.get("/api/v1/nothing-here", **bearer(alice_token)), 404, "not_found")


def test_bad_page_number_is_a_4xx(client, cast, alice_token):
    response = client.get("/api/v1/members?page=abc", **bearer(alice_token))
    assert_error(response, 422, "invalid")


# --- reads ---------------------------------------------------------------------------------
def test_member_read_is_logged_with_purpose(client, cast, alice_token):
    response = client.get(f"/api/v1/members/{cast.anh.pk}", **bearer(alice_token))
    assert response.status_code == 200 and response.json()["birth_date"] == "1980-05-01"
    log = ChangeLog.objects.get(action="read", object_id=str(cast.anh.pk))
    assert log.user == cast.alice and log.purpose == "API"


def test_list_is_paginated_and_searches_without_accents(client, cast, alice_token):
    body = client.get("/api/v1/members?q=dang%20thi%20anh", **bearer(alice_token)).json()
    assert body["count"] == 1 and body["items"][0]["card_number"] == "A-0001"
    assert set(body["items"][0]) == {"id", "card_number", "full_name", "status", "org_id"}
    assert ChangeLog.objects.filter(action="list", object_type="party.member").exists()


def test_audit_needs_admin(client, cast):
    client.force_login(cast.bob)
    assert_error(client.get("/api/v1/audit"), 403, "permission.denied")
    client.force_login(cast.alice)
    assert client.get("/api/v1/audit").status_code == 200


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/members" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


# --- registries with history ----------------------------------------------------------------
def test_transfer_through_the_api_and_members_on_a_date(client, cast, alice_token):
    from tongket.party.services import org_create

    a2 = org_create(
        actor=cast.system, code="A1b", name="Chi bộ Khu phố 2", kind="sub_branch", parent=cast.a1
    )
    response = client.post(
        f"/api/v1/members/{cast.anh.pk}/transfer",
        data=json.dumps({"to_org_id": a2.pk, "on": "2022-01-01"}),
        content_type="application/json",
        **bearer(alice_token),
    )
    assert response.status_code == 201 and response.json()["valid_from"] == "2022-01-01"
    before = client.get(
        f"/api/v1/orgs/{cast.a1a.pk}/members?as_of=31/12/2021", **bearer(alice_token)
    ).json()
    after = client.get(
        f"/api/v1/orgs/{cast.a1a.pk}/members?as_of=2022-01-01", **bearer(alice_token)
    ).json()
    assert before["count"] == 1 and after["count"] == 0
    periods = client.get(f"/api/v1/members/{cast.anh.pk}/memberships", **bearer(alice_token)).json()
    assert [p["valid_to"] for p in periods] == ["2021-12-31", None]


def test_transfer_out_of_scope_is_refused(client, cast, alice_token):
    response = client.post(
        f"/api/v1/members/{cast.anh.pk}/transfer",
        data=json.dumps({"to_org_id": cast.b1.pk, "on": "2022-01-01"}),
        content_type="application/json",
        **bearer(alice_token),
    )
    assert_error(response, 404, "not_found")
    assert cast.anh.memberships.count() == 1


def test_transfer_of_an_unknown_kind_is_a_4xx_and_writes_nothing(client, cast, alice_token):
    from tongket.party.services import org_create

    a2 = org_create(
        actor=cast.system, code="A1b", name="Chi bộ Khu phố 2", kind="sub_branch", parent=cast.a1
    )
    logged = ChangeLog.objects.exclude(action="read").count()
    response = client.post(
        f"/api/v1/members/{cast.anh.pk}/transfer",
        data=json.dumps({"to_org_id": a2.pk, "on": "2022-01-01", "kind": "forever"}),
        content_type="application/json",
        **bearer(alice_token),
    )
    error = assert_error(response, 400, "transfer.kind")
    assert "forever" in error["message"]
    assert cast.anh.memberships.count() == 1
    assert ChangeLog.objects.exclude(action="read").count() == logged


def test_unit_counts_and_bad_dates(client, cast, system):
    client.force_login(cast.root)
    body = client.get(f"/api/v1/units/{cast.hcm.pk}/counts?as_of=2024-12-31").json()
    assert body["counts"] == {"ward": 2}
    assert_error(
        client.get(f"/api/v1/units/{cast.hcm.pk}/counts?as_of=31/02/2024"), 400, "date.invalid"
    )


# --- imports --------------------------------------------------------------------------------
CSV = (
    "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên,Hiệu lực từ\n"
    "W1-KP1,Khu phố 1,khu phố,W1,01/01/2020\n"
)


def _upload(client, token, text, query="", name="u.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, text.encode("utf-8"))
    return client.post(f"/api/v1/imports/units{query}", {"file": file}, **bearer(token))


def test_import_through_the_api_dry_run_then_for_real(client, cast, alice_token):
    from tongket.registry.models import AdminUnit

    dry = _upload(client, alice_token, CSV, "?dry_run=true").json()
    assert dry["counts"]["create"] == 1 and dry["written"] is False
    assert not AdminUnit.objects.filter(code="W1-KP1").exists()
    done = _upload(client, alice_token, CSV).json()
    assert done["written"] is True and AdminUnit.objects.filter(code="W1-KP1").exists()
    again = _upload(client, alice_token, CSV).json()
    assert again["counts"] == {"create": 0, "update": 0, "unchanged": 1}


def test_import_errors_come_back_and_nothing_is_written(client, cast, alice_token):
    from tongket.registry.models import AdminUnit

    body = _upload(client, alice_token, CSV.replace(",W1,", ",NOPE,")).json()
    assert body["written"] is False and body["error_count"] == 1
    assert body["errors"][0]["value"] == "NOPE"
    assert not AdminUnit.objects.filter(code="W1-KP1").exists()


def test_import_of_a_wrong_file_is_a_4xx(client, cast, alice_token):
    assert_error(_upload(client, alice_token, CSV, name="u.txt"), 400, "import.suffix")
    response = client.post("/api/v1/imports/planets", {}, **bearer(alice_token))
    assert 400 <= response.status_code < 500

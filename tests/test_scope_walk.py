"""Every URL pattern and every API operation, walked as: anonymous, and a user whose grant
covers organization A only. Neither may see anything of sibling organization B.

The walk is generic: a new page or operation is picked up automatically, and one with a path
parameter this file does not know fails the test until it is added to PARAMS below.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test.client import MULTIPART_CONTENT
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import B_MARKER
from tongket.api.api import api
from tongket.core.models import ChangeLog
from tongket.imports.models import ImportJob
from tongket.party.models import Member
from tongket.registry.models import AdminUnit

# Which of B's objects to put in each path parameter, by URL prefix (web) or name (API).
WEB_PARAMS = {
    "orgs": "b",
    "units": "w2",
    "members": "be",
    "account/tokens": "bob_token",
    "imports": "bob_job",
    "evaluation": "b_round",
    "targets/org": "b",
    "targets/unit": "w2",
    "work/meetings": "b_meeting",
    "bao-cao/hang-loat": "bob_batch",  # before "bao-cao": the first prefix that matches wins
    "bao-cao": "b_code",
}
# Second path parameters, by name, where a route has more than one.
WEB_EXTRA = {"org_pk": "b1", "period": "period", "fmt": "fmt"}
API_PARAMS = {
    "org_id": "b",
    "unit_id": "w2",
    "member_id": "be",
    "token_id": "bob_token",
    "kind": "import_kind",
    "year": "year",
    "meeting_id": "b_meeting",
    "task_id": "b_task",
    "org_code": "b_code",
    "period": "period",
    "fmt": "fmt",
}
# Pages that are public on purpose, or not data (and why).
PUBLIC = {
    "login/": "the login form",
    "healthz": "liveness probe, no data",
    "i18n/setlang/": "language switch",
    "api/v1/openapi.json": "the schema, no data",
    "api/v1/docs": "the schema viewer, no data",
}


def web_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if route.startswith("api/v1/") or route.startswith("^"):
                continue
            yield from web_routes(p, route)
        elif isinstance(p, URLPattern):
            yield route.lstrip("^").rstrip("$")


def fill_web(route: str, objs) -> str:
    if "<" not in route:
        return "/" + route
    key = next(k for k in WEB_PARAMS if route.startswith(k))

    def sub(m):
        value = getattr(objs, WEB_EXTRA.get(m.group(1), WEB_PARAMS[key]))
        return str(getattr(value, "pk", value))

    return "/" + re.sub(r"<(?:int|str):(\w+)>", sub, route)


def api_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method.upper(), path


def fill_api(path: str, objs) -> str:
    def sub(m):
        if m.group(1) not in API_PARAMS:
            raise AssertionError(f"unknown API path parameter {m.group(1)} in {path}")
        value = getattr(objs, API_PARAMS[m.group(1)])
        return str(getattr(value, "pk", value))

    return re.sub(r"\{(\w+)\}", sub, path)


# A body that would succeed if the caller had the right: it targets B.
def api_body(method: str, path: str, objs) -> dict | None:
    if method == "POST" and path.endswith("/members"):
        return {
            "org_id": objs.b.pk,
            "card_number": "X-1",
            "full_name": "Người Mới",
            "birth_date": "1990-01-01",
            "gender": "male",
            "admitted_on": "2015-01-01",
        }
    if method == "POST" and "/imports/" in path:
        return None  # sent as a file below
    if method == "PATCH":
        return {"full_name": "Tên Sửa"}
    if method == "POST" and path.endswith("/transfer"):
        return {"to_org_id": objs.b1.pk, "on": "2020-01-01"}
    if method == "POST" and path.endswith("/tokens"):
        return {"name": "k"}
    if method == "POST" and path.endswith("/targets"):
        return {"indicator": "X", "kind": "plan", "span": "2024", "value": 1}
    if method == "POST" and path.endswith("/actuals"):
        return {"indicator": "X", "period": "2024", "value": 1, "status": "final"}
    if method == "POST" and path.endswith("/evaluation/rounds"):
        return {"year": 2025}
    if method == "POST" and path.endswith("/awards"):
        return {
            "category": "exemplary_year",
            "year": 2024,
            "number": "1-QĐ/ĐU",
            "decided_on": "2025-01-05",
            "issuing_body": "Đảng ủy cơ sở",
            "member_ids": [objs.be.pk],
        }
    if method == "POST" and path.endswith("/meetings/{meeting_id}/tasks"):
        return {"title": "Việc", "deadline": "2025-01-01", "owner_org_id": objs.b.pk}
    if method == "POST" and path.endswith("/progress"):
        return {"on": "2024-08-01", "text": "Xong", "done": True}
    if method == "POST" and path.endswith("/badges"):
        return {"milestone": 30, "awarded_on": "2025-02-03", "seriously_ill": True}
    if method == "POST" and path.endswith(("/evaluation/{year}/submit", "/approve")):
        return {"committee_id": objs.b.pk}
    if method == "POST" and path.endswith("/evaluation/{year}/reopen"):
        return {"reason": "Sai sót"}
    return None


@pytest.fixture
def objs(cast):
    from tests.conftest import actor_for
    from tongket.accounts.services import token_create

    cast.bob_token, _raw = token_create(actor=actor_for(cast.bob), user=cast.bob, name="bob's")
    cast.bob_job = ImportJob.objects.create(
        user=cast.bob,
        kind="units",
        original_name=f"{B_MARKER}.xlsx",
        stored_path="/x",
        errors_path="/x.loi.xlsx",
    )
    cast.import_kind = "units"
    from tongket.evaluation.services import round_open

    cast.b_round = round_open(actor=cast.system, committee=cast.b, year=2024)
    cast.year = 2024
    cast.b_code, cast.period, cast.fmt = cast.b.code, "2024", "xlsx"
    from tongket.reports.batch import batch_start

    cast.bob_batch = batch_start(
        actor=actor_for(cast.bob), root=cast.b, period_text="2024", formats=["json"], run=False
    ).id
    import datetime as dt

    from tongket.meetings.services import meeting_create, task_assign

    cast.b_meeting = meeting_create(
        actor=cast.system, org=cast.b, kind="thematic", topic=B_MARKER, held_on=dt.date(2024, 7, 4)
    )
    cast.b_task = task_assign(
        actor=cast.system, meeting=cast.b_meeting, title=B_MARKER, deadline=None, owner_org=cast.b
    )
    return cast


def text_of(response) -> str:
    """The body as text, with JSON's \\u escapes undone so that Vietnamese markers show."""
    body = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body


def _no_b_data(response) -> None:
    body = text_of(response)
    assert B_MARKER not in body and "B-0001" not in body, "B's data leaked"


def _multipart() -> bytes:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import BOUNDARY, encode_multipart

    rows = (
        "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên,Hiệu lực từ\n"
        "X9,Khu phố X,khu phố,W2,01/01/2020\n"
    )
    return encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("u.csv", rows.encode())})


def _state():
    return (
        Member.objects.count(),
        list(Member.objects.values_list("full_name", flat=True)),
        AdminUnit.objects.count(),
    )


@pytest.mark.django_db
def test_every_page_hides_b_from_a_and_from_anonymous(client, objs):
    routes = list(web_routes())
    assert len(routes) >= 14  # the walk really found the pages
    for route in routes:
        url = fill_web(route, objs)
        anon = client.get(url)
        if route in PUBLIC:
            _no_b_data(anon)
            continue
        assert anon.status_code in (302, 401, 403, 404, 405), (url, anon.status_code)
        if anon.status_code == 302:
            assert "/login/" in anon["Location"], url
        client.force_login(objs.alice)
        seen = client.get(url)
        client.logout()
        if "<" in route:
            assert seen.status_code in (403, 404, 405), (url, seen.status_code)
        _no_b_data(seen)


@pytest.mark.django_db
def test_every_post_page_refuses_b_objects(client, objs):
    before = _state()
    client.force_login(objs.alice)
    for route in web_routes():
        if "<" in route and route not in PUBLIC:
            response = client.post(fill_web(route, objs))
            assert response.status_code in (403, 404, 405), route
    assert _state() == before
    assert objs.bob_token.__class__.objects.get(pk=objs.bob_token.pk).revoked_at is None


@pytest.mark.django_db
def test_every_api_operation_hides_b_from_a_and_from_anonymous(client, objs):
    operations = list(api_operations())
    assert len(operations) >= 12
    before = _state()
    for method, path in operations:
        url = fill_api(path, objs)
        body = api_body(method, path, objs)
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        if "/imports/" in path:  # a file that would put a unit in B's ward
            kwargs = {"data": _multipart(), "content_type": MULTIPART_CONTENT}
        anon = client.generic(method, url, **kwargs)
        assert anon.status_code == 401, (method, url, anon.status_code)
        assert anon.json()["error"]["code"] == "unauthenticated"
        client.force_login(objs.alice)
        seen = client.generic(method, url, HTTP_X_CSRFTOKEN="", **kwargs)
        client.logout()
        if path.endswith("/imports/{kind}"):
            pass  # `kind` names a kind of data, not an object: checked by what it writes
        elif "{" in path or method == "POST" and path.endswith("/members"):
            assert seen.status_code in (403, 404), (method, url, seen.status_code)
        _no_b_data(seen)
    assert _state() == before


@pytest.mark.django_db
def test_walk_sees_b_for_bob_so_the_markers_are_real(client, objs):
    """The same markers do appear for B's own viewer: the checks above can fail."""
    client.force_login(objs.bob)
    assert B_MARKER in text_of(client.get("/members/"))
    assert B_MARKER in text_of(client.get(f"/orgs/{objs.b.pk}/"))
    assert B_MARKER in text_of(client.get("/api/v1/members"))
    assert B_MARKER in text_of(client.get(f"/api/v1/members/{objs.be.pk}"))


@pytest.mark.django_db
def test_audit_rows_of_b_are_hidden_from_a(client, objs):
    client.force_login(objs.alice)
    rows = client.get("/api/v1/audit").json()["items"]
    assert rows, "alice administers A and sees A's history"
    b_paths = (objs.b.path, objs.w2.path)
    for row in rows:
        log = ChangeLog.objects.get(pk=row["id"])
        assert not log.scope_org_path.startswith(b_paths[0])
        assert not log.scope_unit_path.startswith(b_paths[1])

"""Every URL pattern and every API operation, walked as: anonymous, and a user whose grant
covers organization A only. Neither may see anything of sibling organization B.

The walk is generic (tests/walk.py, shared with the permission matrix): a new page or operation
is picked up automatically, and one with a path parameter the walk does not know fails the test
until it is added to the tables there.
"""

from __future__ import annotations

import json

import pytest
from django.test.client import MULTIPART_CONTENT

from tests.conftest import B_MARKER
from tests.walk import (
    PUBLIC,
    api_body,
    api_operations,
    fill_api,
    fill_web,
    multipart_units,
    no_b_data,
    side_of,
    text_of,
    web_routes,
)
from tongket.core.models import ChangeLog
from tongket.party.models import Member
from tongket.registry.models import AdminUnit


@pytest.fixture
def objs(cast):
    """The cast, with side B's objects (bob's own token, import job and batch among them)."""
    cast.side = side_of(cast, "B", cast.bob)
    cast.bob_token = cast.side.token
    return cast


def _no_b_data(response) -> None:
    no_b_data(response)


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
        url = fill_web(route, objs.side)
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
            response = client.post(fill_web(route, objs.side))
            assert response.status_code in (403, 404, 405), route
    assert _state() == before
    assert objs.bob_token.__class__.objects.get(pk=objs.bob_token.pk).revoked_at is None


@pytest.mark.django_db
def test_every_api_operation_hides_b_from_a_and_from_anonymous(client, objs):
    operations = list(api_operations())
    assert len(operations) >= 12
    before = _state()
    for method, path in operations:
        url = fill_api(path, objs.side)
        body = api_body(method, path, objs.side)
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        if "/imports/" in path:  # a file that would put a unit in B's ward
            kwargs = {"data": multipart_units("W2"), "content_type": MULTIPART_CONTENT}
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

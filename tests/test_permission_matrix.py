"""The permission matrix: every URL pattern and every API operation (found by tests/walk.py, as
the scope walk finds them) × every role (viewer, editor, approver, admin, each granted on
organization A) × {an object of A, the matching object of sibling B}, and anonymous, with GET
and every writing method the route has.

What each cell should answer is computed, not typed per route: the action a route needs
(tests/walk.NEEDS: view to read, edit to write, approve for the evaluation steps, audit for the
change log, "own" for the user's own tokens and uploads) and ACTION_ROLE give the least role;
then

- anonymous: the web redirects to the login page (or 405 on a method the page never takes),
  the API answers 401;
- B's object: 403/404, and nothing of B in the body (names, the member card);
- A's object with too small a role: 403, and nothing written;
- A's object with enough role: the page or the operation answers (200, a redirect, or a
  business rule's 400/422 — never 401/403/404), still with nothing of B in it.

"Nothing written": the row count of every table and the number of create/update/delete rows
in the change log are the same before and after (reads do add read/list rows: that is their
audit).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.client import MULTIPART_CONTENT, Client

from tests.conftest import PASSWORD
from tests.walk import (
    PUBLIC,
    WEB_WRITES,
    api_body,
    api_operations,
    fill_api,
    fill_web,
    multipart_units,
    needs,
    no_b_data,
    own_things,
    side_of,
    web_body,
    web_routes,
)
from tongket.accounts.services import grant_create, user_create
from tongket.domain.permissions import ACTION_ROLE, Role

ROLES = [Role.VIEWER, Role.EDITOR, Role.APPROVER, Role.ADMIN]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Answers that mean "let through, then a business rule or a missing parameter said no": not a
# refusal of access (that is 401, 403 or 404).
BUSINESS = {400, 409, 422}
# Where the import API says no: in its answer (written: false, one error per row), not in the
# status, since a file may hold rows of several scopes.
IMPORT_OP = "/api/v1/imports/{kind}"
# Tables a read adds rows to (sessions, login throttling, the change log's read and list rows;
# its create/update/delete rows are counted apart): not data.
NOT_DATA = {
    "core.changelog",
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}


def least_role(action: str) -> Role | None:
    """The least role for an action; None for "own" (any signed-in user)."""
    return None if action == "own" else ACTION_ROLE[action]


def _tables() -> list[str]:
    return sorted(
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.label_lower not in NOT_DATA and m._meta.managed and not m._meta.proxy
    )


def _fingerprint_sql() -> str:
    tables = _tables()
    counts = ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables)
    writes = "(SELECT COUNT(*) FROM core_changelog WHERE action IN ('create','update','delete'))"
    return f"SELECT {counts}, {writes}"


def fingerprint() -> tuple:
    """Every table's row count and the number of audited writes, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return tuple(cursor.fetchone())


@dataclass
class Tally:
    """How many cells the matrix checked, by kind, for the report and a floor."""

    routes: set = field(default_factory=set)
    cells: dict = field(default_factory=dict)

    def add(self, route: str, case: str) -> None:
        self.routes.add(route)
        self.cells[case] = self.cells.get(case, 0) + 1


@pytest.fixture
def matrix(cast):
    """Four users granted on A, one per role, each with their own token, upload and batch;
    side A (their objects) and side B (bob's, the viewer of B)."""
    users, own, clients = {}, {}, {}
    for role in ROLES:
        user = user_create(actor=cast.system, username=f"m-{role.name.lower()}", password=PASSWORD)
        grant_create(actor=cast.system, user=user, role=role, scope=cast.a)
        users[role] = user
        own[role] = own_things(user, cast.a, role.name)
        clients[role] = Client()
        clients[role].force_login(user)
    a = side_of(cast, "A", users[Role.VIEWER])
    return SimpleNamespace(
        cast=cast,
        users=users,
        own=own,
        clients=clients,
        a=a,
        b=side_of(cast, "B", cast.bob),
        tally=Tally(),
    )


def side_for(m, role: Role):
    """Side A as `role`'s user sees it: A's objects and the user's own things."""
    return SimpleNamespace(**{**vars(m.a), **vars(m.own[role])})


def expect(action: str, role: Role | None, in_scope: bool) -> str:
    if role is None:
        return "login"
    if not in_scope:
        return "hidden"
    need = least_role(action)
    return "ok" if need is None or role >= need else "refused"


def check(
    case: str, response, before, after, where: str, *, write: bool, taken=True, typed=False
) -> None:
    """Asserts one cell: the status for the case, no B data, and nothing written unless the
    cell is a write the user may make. `taken`: whether the route takes the method at all;
    `typed`: B's object is named in a form field (a code typed in), where the page may say
    "not found" in the form (400) as it does for a code that does not exist."""
    status = response.status_code
    assert status < 500, (where, status)
    no_b_data(response, where)
    if not taken:
        assert status == 405, (where, status)
    elif case == "hidden":
        assert status in {403, 404, 405} | ({400} if typed else set()), (where, status)
    elif case == "refused":
        assert status == 403, (where, status)
    else:
        assert status in {200, 201, 204, 302} | BUSINESS, (where, status)
    if not (case == "ok" and write):
        assert after == before, f"{where}: written although {case}: {_changed(before, after)}"


def _changed(before, after) -> list[str]:
    names = [*_tables(), "audited writes"]
    return [f"{n}: {b} → {a}" for n, b, a in zip(names, before, after, strict=True) if a != b]


# --- the web ------------------------------------------------------------------------------
def _web_request(client, method, url, data):
    return client.post(url, data) if method == "POST" else client.get(url)


def _web_cells(client, m, route: str, method: str) -> None:
    write = method == "POST" and route in WEB_WRITES
    action = needs(route, write)
    has_object = "<" in route
    url_a = fill_web(route, m.a)
    anon = _web_request(client, method, url_a, web_body(route, m.a))
    method_taken = anon.status_code != 405
    assert anon.status_code in (302, 405), (method, url_a, anon.status_code)
    if anon.status_code == 302:
        assert "/login/" in anon["Location"], url_a
    m.tally.add(f"web {route}", f"{method} anonymous")
    # Out of scope: B's object in the path, or in the form when the form names one.
    aimed = has_object or method == "POST" and web_body(route, m.b) != web_body(route, m.a)
    cases = [(role, False) for role in ROLES] if aimed else []
    cases += sorted(((role, True) for role in ROLES), key=lambda c: expect(action, *c) == "ok")
    for role, in_scope in cases:
        side = side_for(m, role) if in_scope else m.b
        url = fill_web(route, side)
        case = expect(action, role, in_scope)
        before = fingerprint()
        response = _web_request(m.clients[role], method, url, web_body(route, side))
        after = fingerprint()
        where = f"{method} {url} as {role.name} ({case})"
        # A page outside WEB_WRITES must not write on POST either, whoever posts.
        check(
            case, response, before, after, where, write=write, taken=method_taken,
            typed=not has_object,
        )  # fmt: skip
        m.tally.add(f"web {route}", f"{method} {case}{_ruled(case, write, response)}")


@pytest.mark.long  # about 30–60 s on a loaded machine: make test-long
@pytest.mark.django_db
def test_every_page_by_role_and_scope(client, matrix):
    routes = [r for r in web_routes() if r not in PUBLIC]
    assert len(routes) >= 40  # the walk really found the pages
    for route in routes:
        for method in ("GET", "POST"):
            _web_cells(client, matrix, route, method)
    _report(matrix.tally, "web")


# --- the API ------------------------------------------------------------------------------
def _api_kwargs(method: str, path: str, side) -> dict:
    if path == IMPORT_OP:
        ward = "W2" if side.which == "B" else "W1"
        return {"data": multipart_units(ward), "content_type": MULTIPART_CONTENT}
    body = api_body(method, path, side)
    return {"data": json.dumps(body), "content_type": "application/json"} if body else {}


def _api_cells(client, m, method: str, path: str) -> None:
    write = method in WRITES
    action = needs(path, write)
    url_a = fill_api(path, m.a)
    anon = client.generic(method, url_a, **_api_kwargs(method, path, m.a))
    assert anon.status_code == 401, (method, url_a, anon.status_code)
    assert anon.json()["error"]["code"] == "unauthenticated"
    m.tally.add(f"api {method} {path}", "anonymous")
    scoped = "{" in path or (method == "POST" and path.endswith("/members"))
    cases = [(role, False) for role in ROLES] if scoped else []
    cases += sorted(((role, True) for role in ROLES), key=lambda c: expect(action, *c) == "ok")
    for role, in_scope in cases:
        side = side_for(m, role) if in_scope else m.b
        url, case = fill_api(path, side), expect(action, role, in_scope)
        before = fingerprint()
        response = m.clients[role].generic(method, url, **_api_kwargs(method, path, side))
        after = fingerprint()
        where = f"{method} {url} as {role.name} ({case})"
        if path == IMPORT_OP and case != "ok":
            assert response.status_code == 200 and response.json()["written"] is False, where
            assert after == before, f"{where}: written although {case}"
            no_b_data(response, where)
        else:
            check(case, response, before, after, where, write=write)
        m.tally.add(f"api {method} {path}", f"{case}{_ruled(case, write, response)}")


@pytest.mark.long  # about 30–60 s on a loaded machine: make test-long
@pytest.mark.django_db
def test_every_api_operation_by_role_and_scope(client, matrix):
    operations = list(api_operations())
    assert len(operations) >= 50
    for method, path in operations:
        _api_cells(client, matrix, method, path)
    _report(matrix.tally, "api")


def _ruled(case: str, write: bool, response) -> str:
    """Tells apart the allowed writes that a business rule then refused, for the report."""
    return " (then a rule said no)" if case == "ok" and response.status_code in BUSINESS else ""


def _report(tally: Tally, what: str) -> None:
    total = sum(tally.cells.values())
    cells = dict(sorted(tally.cells.items()))
    print(f"\n{what}: {len(tally.routes)} routes, {total} cells: {cells}")
    # Without refused cells the matrix could not see a missing role check.
    assert any(k.endswith("refused") for k in cells), cells


# --- the rule table itself ----------------------------------------------------------------
def test_needs_reads_the_routes_as_the_services_check_them():
    """The few routes whose need is not the default, spot-checked against the services."""
    assert needs("evaluation/<int:pk>/lock/", write=True) == "approve"
    assert needs("/api/v1/orgs/{org_id}/evaluation/{year}/approve", write=True) == "approve"
    assert needs("/api/v1/orgs/{org_id}/evaluation/rounds", write=True) == "approve"
    assert needs("/api/v1/orgs/{org_id}/awards", write=True) == "approve"
    assert needs("/api/v1/orgs/{org_id}/awards/{year}", write=False) == "view"
    assert needs("/api/v1/members/{member_id}", write=True) == "edit"
    assert needs("/api/v1/audit", write=False) == "audit"
    assert needs("audit/export.csv", write=False) == "audit"
    assert needs("account/tokens/<int:pk>/revoke/", write=True) == "own"
    assert expect("edit", Role.VIEWER, True) == "refused"
    assert expect("edit", Role.EDITOR, True) == "ok"
    assert expect("view", Role.ADMIN, False) == "hidden"

"""What the scope walk and the permission matrix share: the discovery of every URL pattern and
every API operation, the objects to put in their path parameters, the bodies of writes, and
the rule of what each route needs.

A *side* is one scope's set of objects under neutral names (org, sub, unit, member, …): side
"B" holds the sibling organization B's objects (the ones nobody granted on A may see), side "A"
the matching objects of A. A route's path parameters are filled from a side, so the same tables
serve "in scope" and "out of scope".
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import B_MARKER, actor_for
from tongket.api.api import api

# Which side object to put in each path parameter, by URL prefix (web) or name (API).
WEB_PARAMS = {
    "orgs": "org",
    "units": "unit",
    "members": "member",
    "account/tokens": "token",
    "imports": "job",
    "evaluation": "round",
    "targets/org": "org",
    "targets/unit": "unit",
    "work/meetings": "meeting",
    "bao-cao/hang-loat": "batch",  # before "bao-cao": the first prefix that matches wins
    "bao-cao": "code",
}
# Second path parameters, by name, where a route has more than one.
WEB_EXTRA = {"org_pk": "sub", "period": "period", "fmt": "fmt"}
API_PARAMS = {
    "org_id": "org",
    "unit_id": "unit",
    "member_id": "member",
    "token_id": "token",
    "kind": "kind",
    "year": "year",
    "meeting_id": "meeting",
    "task_id": "task",
    "org_code": "code",
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
    "api/": "any other path under /api/: the API's 404, no data",
    "logout/": "ends the session, no data",
}

# What a route needs, as an action of tongket.domain.permissions.ACTION_ROLE, or "own" (the
# user's own things: tokens, password, uploads; any signed-in user) — matched in order against
# the route (web pattern or API path). A route no rule names needs "view" to read and "edit"
# to write; a web page not in WEB_WRITES does not write at all, whatever the method.
NEEDS = [
    (r"(^|/)audit", None, "audit"),
    (r"token|password|logout|^imports/|/imports/", None, "own"),
    (r"factcheck|kiem-tra|hang-loat|switch-org", None, "view"),
    (
        r"approve|lock/?$|reopen|evaluation/new|evaluation/rounds$|awards(/new/)?$",
        "write",
        "approve",
    ),
]
# The web pages that write on POST (the others render as on GET and must write nothing).
WEB_WRITES = {
    "logout/",
    "account/password/",
    "account/tokens/",
    "account/tokens/<int:pk>/revoke/",
    "switch-org/",
    "evaluation/new/",
    "evaluation/<int:pk>/org/<int:org_pk>/",
    "evaluation/<int:pk>/org/<int:org_pk>/submit/",
    "evaluation/<int:pk>/org/<int:org_pk>/approve/",
    "evaluation/<int:pk>/lock/",
    "evaluation/<int:pk>/awards/new/",
    "evaluation/badges/award/",
    "imports/",
    "imports/<int:pk>/apply/",
    "bao-cao/hang-loat/",
    "bao-cao/kiem-tra/",
    "bao-cao/<str:org_code>/<str:period>/soan-thao/",
}


def needs(route: str, write: bool) -> str:
    """The action a request on `route` needs (see NEEDS)."""
    for pattern, only, action in NEEDS:
        if (only is None or write) and re.search(pattern, route.removeprefix("/api/v1")):
            return action
    return "edit" if write else "view"


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


def fill_web(route: str, side) -> str:
    if "<" not in route:
        return "/" + route
    key = next(k for k in WEB_PARAMS if route.startswith(k))

    def sub(m):
        value = getattr(side, WEB_EXTRA.get(m.group(1), WEB_PARAMS[key]))
        return str(getattr(value, "pk", value))

    return "/" + re.sub(r"<(?:int|str):(\w+)>", sub, route)


def api_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method.upper(), path


# Operations whose organization is the one *under* the committee acting (the committee directly
# above approves an organization's results): the side's sub-organization, not its committee.
API_SUB_ORG = ("/evaluation/{year}/approve",)


def fill_api(path: str, side) -> str:
    def sub(m):
        if m.group(1) not in API_PARAMS:
            raise AssertionError(f"unknown API path parameter {m.group(1)} in {path}")
        name = API_PARAMS[m.group(1)]
        if name == "org" and path.endswith(API_SUB_ORG):
            name = "sub"
        value = getattr(side, name)
        return str(getattr(value, "pk", value))

    return re.sub(r"\{(\w+)\}", sub, path)


# A body that would succeed if the caller had the right: it targets the side's objects.
def api_body(method: str, path: str, side) -> dict | None:
    if method == "POST" and path.endswith("/members"):
        return {
            "org_id": side.sub.pk,
            "card_number": "X-1",
            "full_name": "Người Mới",
            "birth_date": "1990-01-01",
            "gender": "male",
            "admitted_on": "2015-01-01",
        }
    if method == "POST" and "/imports/" in path:
        return None  # sent as a file: see multipart_units
    if method == "PATCH":
        return {"full_name": "Tên Sửa"}
    if method == "POST" and path.endswith("/transfer"):
        return {"to_org_id": side.sub.pk, "on": "2020-01-01"}
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
            "member_ids": [side.member.pk],
        }
    if method == "POST" and path.endswith("/meetings/{meeting_id}/tasks"):
        return {"title": "Việc", "deadline": "2025-01-01", "owner_org_id": side.org.pk}
    if method == "POST" and path.endswith("/progress"):
        return {"on": "2024-08-01", "text": "Xong", "done": True}
    if method == "POST" and path.endswith("/badges"):
        return {"milestone": 30, "awarded_on": "2025-02-03", "seriously_ill": True}
    if method == "POST" and path.endswith(("/evaluation/{year}/submit", "/approve")):
        return {"committee_id": side.org.pk}
    if method == "POST" and path.endswith("/evaluation/{year}/reopen"):
        return {"reason": "Sai sót"}
    return None


def web_body(route: str, side) -> dict:
    """The form a page's own form would post, aimed at the side's objects."""
    forms = {
        "switch-org/": {"org": side.org.pk},
        "account/tokens/": {"name": "k"},
        "evaluation/new/": {"committee": side.org.pk, "year": 2025},
        "evaluation/<int:pk>/org/<int:org_pk>/": {
            "deciding_body": "Đảng ủy cơ sở",
            "reviewed_on": "2024-12-20",
            f"level-{side.member.pk}": "completed",
        },
        "evaluation/<int:pk>/lock/": {"action": "lock"},
        "evaluation/<int:pk>/awards/new/": {
            "category": "exemplary_year",
            "number": "1-QĐ/ĐU",
            "decided_on": "05/01/2025",
            "member": side.member.pk,
        },
        "evaluation/badges/award/": {
            "org": side.org.pk,
            "awarded_on": "03/02/2025",
            "award": f"{side.member.pk}:30",
        },
        "bao-cao/hang-loat/": {"root": side.code, "period": "2024"},  # no format: refused
        "bao-cao/<str:org_code>/<str:period>/soan-thao/": {"note": "sửa"},
    }
    return forms.get(route, {})


def multipart_units(ward_code: str) -> bytes:
    """An import file that would put a khu phố under the ward `ward_code`."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import BOUNDARY, encode_multipart

    rows = (
        "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên,Hiệu lực từ\n"
        f"X9,Khu phố X,khu phố,{ward_code},01/01/2020\n"
    )
    return encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("u.csv", rows.encode())})


def text_of(response) -> str:
    """The body as text, with JSON's \\u escapes undone so that Vietnamese markers show."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode("utf-8", "replace")
    if body and response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body


def no_b_data(response, where="") -> None:
    body = text_of(response)
    assert B_MARKER not in body and "B-0001" not in body, f"B's data leaked: {where}"


# --- the two sides ------------------------------------------------------------------------
def own_things(user, root, label: str) -> SimpleNamespace:
    """A user's own token, import job and report batch (objects of no organization)."""
    from unittest import mock

    from tongket.accounts.services import token_create
    from tongket.imports.models import ImportJob
    from tongket.reports import batch as batches

    actor = actor_for(user)
    token, _raw = token_create(actor=actor, user=user, name=f"{label}'s")
    with tempfile.NamedTemporaryFile(suffix=".loi.xlsx", delete=False) as errors:
        errors.write(b"PK")  # the error workbook a checked upload leaves for download
    job = ImportJob.objects.create(
        user=user,
        kind="units",
        original_name=f"{label}.xlsx",
        stored_path="/x",
        errors_path=errors.name,
    )
    batch = batches.batch_start(
        actor=actor, root=root, period_text="2024", formats=["json"], run=False
    )
    # Run to its end here, so that its zip is there to download; in the test's transaction,
    # so without the thread's closing of its connection.
    with mock.patch.object(batches, "connection", SimpleNamespace(close=lambda: None)):
        batches.run_batch(batch.id)
    return SimpleNamespace(token=token, job=job, batch=batch.id)


def side_of(cast, which: str, owner) -> SimpleNamespace:
    """Side "A" or "B" of the cast: the organization and its objects, and `owner`'s own
    token, import job and batch (side B: bob's, the viewer of B)."""
    from tongket.evaluation.services import round_open
    from tongket.meetings.services import meeting_create, task_assign
    from tongket.targets.models import Indicator
    from tongket.targets.services import indicator_create

    if not Indicator.objects.filter(code="X").exists():  # the indicator the bodies name
        indicator_create(actor=cast.system, code="X", name="Chỉ tiêu X", unit="doanh nghiệp")

    org, sub, unit, member = (
        (cast.b, cast.b1, cast.w2, cast.be)
        if which == "B"
        else (cast.a, cast.a1, cast.w1, cast.anh)
    )
    topic = B_MARKER if which == "B" else "Hội nghị An"
    meeting = meeting_create(
        actor=cast.system, org=org, kind="thematic", topic=topic, held_on=dt.date(2024, 7, 4)
    )
    return SimpleNamespace(
        which=which,
        org=org,
        sub=sub,
        unit=unit,
        member=member,
        code=org.code,
        round=round_open(actor=cast.system, committee=org, year=2024),
        meeting=meeting,
        task=task_assign(
            actor=cast.system, meeting=meeting, title=topic, deadline=None, owner_org=org
        ),
        period="2024",
        fmt="xlsx",
        year=2024,
        kind="units",
        **vars(own_things(owner, org, B_MARKER if which == "B" else "own")),
    )

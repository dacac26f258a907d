"""Schemathesis over the whole API (make test-long): every operation of the OpenAPI document,
called in-process through the WSGI app on the test database, authenticated as a real user with
a grant over the seeded cast (and anonymously for some cases). No answer may be a 5xx, and every
answer must be one the document lists, with the body its schema describes."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.long, pytest.mark.django_db(transaction=True)]

AUTHENTICATED_EXAMPLES = 20  # per operation, half with the cast's real ids in the path
ANONYMOUS_EXAMPLES = 3  # per operation: must be a 401 in the documented error shape


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]


def _schema():
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def seeded(cast):
    """The cast, plus a meeting with a task, an evaluation round and a spare token of alice's,
    made through the services; returns the ids the cases put in paths and bodies."""
    import datetime as dt

    from tests.conftest import actor_for
    from tongket.accounts.services import token_create
    from tongket.evaluation.services import round_open
    from tongket.meetings import services as meetings

    s = cast.system
    meeting = meetings.meeting_create(
        actor=s, org=cast.a, kind="thematic", held_on=dt.date(2024, 3, 1), topic="Chuyển đổi số"
    )
    meetings.conclusion_add(actor=s, meeting=meeting, text="Giao nhiệm vụ")
    task = meetings.task_assign(
        actor=s, meeting=meeting, title="Báo cáo", deadline=dt.date(2024, 6, 30), owner_org=cast.a1
    )
    round_open(actor=s, committee=cast.a, year=2024)
    spare, _raw = token_create(actor=actor_for(cast.alice), user=cast.alice, name="spare")
    path = {
        "org_id": cast.a.pk,
        "unit_id": cast.w1.pk,
        "member_id": cast.anh.pk,
        "meeting_id": meeting.pk,
        "task_id": task.pk,
        "token_id": spare.pk,  # never the token the cases run with
        "org_code": cast.a.code,
        "year": 2024,
    }
    body = {
        "org_id": cast.a1a.pk,
        "to_org_id": cast.a1a.pk,
        "committee_id": cast.a.pk,
        "owner_org_id": cast.a1.pk,
        "owner_unit_id": cast.w1.pk,
        "org_ids": [cast.a1.pk],
        "member_ids": [cast.anh.pk],
    }
    return path, body


def _fuzz(operation, strategy, headers, examples, checks, ran, failures, body_ids):
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, real=st.booleans())
    def run(case, real):
        if real and isinstance(case.body, dict):  # half the bodies name real records
            case.body.update({k: v for k, v in body_ids.items() if k in case.body})
        response = case.call(headers=headers)
        ran.append((operation.label, bool(headers), response.status_code))
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # all are listed at the end, not the first
            found = getattr(exc, "exceptions", [exc])
            key = (operation.label, tuple(sorted(str(getattr(f, "title", f)) for f in found)))
            failures.setdefault(key, case.as_curl_command(headers=headers))

    run()


def test_every_operation_answers_within_its_schema(cast, seeded):
    import collections
    import json
    import time

    from hypothesis import strategies as st

    from tests.conftest import actor_for
    from tongket.accounts.services import token_create

    _token, raw = token_create(actor=actor_for(cast.alice), user=cast.alice, name="fuzz")
    bearer = {"Authorization": f"Bearer {raw}"}
    path_ids, body_ids = seeded
    schema, checks = _schema(), _checks()
    ran: list[tuple] = []  # (operation, authenticated, status) of every case
    failures: dict[tuple, str] = {}  # (operation, failure titles) -> one request that shows it
    operations = [result.ok() for result in schema.get_all_operations()]
    took = {}
    for op in operations:
        start = time.monotonic()
        names = {p.name for p in op.path_parameters}
        fixed = {k: v for k, v in path_ids.items() if k in names}
        strategy = op.as_strategy()
        if fixed:
            strategy = st.one_of(strategy, op.as_strategy(path_parameters=fixed))
        _fuzz(op, strategy, bearer, AUTHENTICATED_EXAMPLES, checks, ran, failures, body_ids)
        _fuzz(op, op.as_strategy(), {}, ANONYMOUS_EXAMPLES, checks, ran, failures, {})
        took[op.label] = round(time.monotonic() - start, 2)
    print(f"{len(ran)} cases over {len(operations)} operations")
    print(json.dumps(sorted(collections.Counter(ran).items(), key=str), ensure_ascii=False))
    print(json.dumps(sorted(took.items(), key=lambda kv: -kv[1]), ensure_ascii=False))
    assert not failures, "\n".join(f"{op} {kinds}\n    {curl}" for (op, kinds), curl in failures.items())
    assert len(ran) >= 1000

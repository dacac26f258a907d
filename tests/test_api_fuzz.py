"""Schemathesis over the whole API (make test-long): every operation of the OpenAPI document,
called in-process through the WSGI app on the test database, as alice (admin of A, bearer token)
and anonymously. No answer may be a 5xx, and every answer must be a status the document lists,
with the content type and the body its schema describes.

Half the generated cases name real records (the cast, plus a meeting, a task, a round and an
indicator seeded through the services) in their path and body, so that they get past the 404
into the services; the other half are whatever schemathesis makes of the schema.
"""

from __future__ import annotations

import collections
import contextlib

import pytest

pytestmark = [pytest.mark.long, pytest.mark.django_db(transaction=True)]

AUTHENTICATED_EXAMPLES = 15  # per operation and round
ANONYMOUS_EXAMPLES = 3  # per operation: a 401 (or a 403 for a write without CSRF), documented
MINIMUM_CASES = 1000


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


@contextlib.contextmanager
def _connection_kept():
    """Keeps the database connection across requests, as Django's test client does: on SQLite
    (CONN_MAX_AGE 0) every request would otherwise close it and pay a WAL checkpoint."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(cast):
    """The cast, plus a meeting with a task, an evaluation round, an indicator and a spare token
    of alice's, made through the services; returns the ids the cases put in paths and bodies."""
    import datetime as dt

    from tests.conftest import actor_for
    from tongket.accounts.services import token_create
    from tongket.evaluation.services import round_open
    from tongket.meetings import services as meetings
    from tongket.targets.services import indicator_create

    s = cast.system
    meeting = meetings.meeting_create(
        actor=s, org=cast.a, kind="thematic", held_on=dt.date(2024, 3, 1), topic="Chuyển đổi số"
    )
    meetings.conclusion_add(actor=s, meeting=meeting, text="Giao nhiệm vụ")
    task = meetings.task_assign(
        actor=s, meeting=meeting, title="Báo cáo", deadline=dt.date(2024, 6, 30), owner_org=cast.a1
    )
    round_open(actor=s, committee=cast.a, year=2024)
    indicator = indicator_create(actor=s, code="DN", name="Doanh nghiệp mới", unit="doanh nghiệp")
    spare, _raw = token_create(actor=actor_for(cast.alice), user=cast.alice, name="spare")
    path = {
        "org_id": cast.a.pk,
        "unit_id": cast.w1.pk,
        "member_id": cast.anh.pk,
        "meeting_id": meeting.pk,
        "task_id": task.pk,
        "token_id": spare.pk,  # never the token the cases run with
        "org_code": cast.a.code,
        "period": "2024",
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
        "indicator": indicator.code,
    }
    return path, body


class Run:
    """Counts the cases by (operation, authenticated, status) and keeps one request per
    distinct failure, so that the test lists every problem at once instead of the first."""

    def __init__(self, checks):
        self.checks = checks
        self.statuses: collections.Counter = collections.Counter()
        self.failures: dict[tuple, str] = {}

    def fuzz(self, operation, strategy, headers: dict, examples: int, body_ids: dict) -> None:
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import strategies as st

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,  # the same cases on every run and database
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, real=st.booleans())
        def run(case, real):
            if real and isinstance(case.body, dict):
                case.body.update({k: v for k, v in body_ids.items() if k in case.body})
            response = case.call(headers=headers)
            self.statuses[(operation.label, bool(headers), response.status_code)] += 1
            try:
                case.validate_response(response, checks=self.checks, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:
                found = getattr(exc, "exceptions", [exc])
                kinds = tuple(sorted(str(getattr(f, "title", f)) for f in found))
                self.failures.setdefault(
                    (operation.label, kinds), case.as_curl_command(headers=headers)
                )

        run()

    def report(self) -> str:
        return "\n".join(f"{op} {kinds}\n    {curl}" for (op, kinds), curl in self.failures.items())


def test_every_operation_answers_within_its_schema(cast, seeded):
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from hypothesis import strategies as st

    from tests.conftest import actor_for
    from tongket.accounts.services import token_create

    _token, raw = token_create(actor=actor_for(cast.alice), user=cast.alice, name="fuzz")
    bearer = {"Authorization": f"Bearer {raw}"}
    path_ids, body_ids = seeded
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    run = Run(_checks())
    with _connection_kept():
        for op in operations:
            fixed = {k: v for k, v in path_ids.items() if k in {p.name for p in op.path_parameters}}
            strategy = op.as_strategy()
            if fixed:
                strategy = st.one_of(strategy, op.as_strategy(path_parameters=fixed))
            run.fuzz(op, strategy, bearer, AUTHENTICATED_EXAMPLES, body_ids)
            run.fuzz(op, op.as_strategy(), {}, ANONYMOUS_EXAMPLES, {})
    assert not run.failures, run.report()
    cases = sum(run.statuses.values())
    print(f"{cases} cases over {len(operations)} operations")
    assert cases >= MINIMUM_CASES
    # Every operation was reached, and the cases got past the front door: some authenticated
    # answers are 2xx, and no anonymous answer is.
    assert {label for label, _auth, _status in run.statuses} == {op.label for op in operations}
    ok = [n for (_op, auth, status), n in run.statuses.items() if auth and status < 300]
    assert sum(ok) > cases // 4
    assert not [key for key in run.statuses if not key[1] and key[2] < 400]

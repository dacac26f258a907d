"""The primary/replica router's decisions, without PostgreSQL (the replica pair itself is
exercised by tests/test_replica.py under `make test-long`)."""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from types import SimpleNamespace

import pytest
from django.db import OperationalError

from tongket.core import routers
from tongket.core.routers import PrimaryReplicaRouter, choose_read_db, reading_replica
from tongket.evaluation.models import Evaluation
from tongket.party.models import Member, PartyOrg


def read_db(label, context=True, replica=True, transaction=False) -> str:
    return choose_read_db(
        label, replica_context=context, replica_exists=replica, primary_in_transaction=transaction
    )


@pytest.mark.parametrize(
    ("label", "context", "replica", "transaction", "expected"),
    [
        # a report or analytics read, with a replica, outside a transaction: the replica
        ("evaluation.evaluation", True, True, False, "replica"),
        ("party.membership", True, True, False, "replica"),
        ("core.treerevision", True, True, False, "replica"),
        # any other read: the primary
        ("evaluation.evaluation", False, True, False, "default"),
        # no replica configured: everything as before
        ("evaluation.evaluation", True, False, False, "default"),
        # inside a transaction on the primary (a service checking before it writes)
        ("evaluation.evaluation", True, True, True, "default"),
        # security state, the audit log and the drafts being edited never lag
        ("accounts.grant", True, True, False, "default"),
        ("accounts.user", True, True, False, "default"),
        ("sessions.session", True, True, False, "default"),
        ("axes.accessattempt", True, True, False, "default"),
        ("core.changelog", True, True, False, "default"),
        ("reports.reportdraft", True, True, False, "default"),
    ],
)
def test_read_decisions(label, context, replica, transaction, expected):
    assert read_db(label, context, replica, transaction) == expected


def test_reading_replica_as_context_manager_restores_on_exit_and_on_error():
    assert not routers.in_replica_context()
    with reading_replica():
        assert routers.in_replica_context()
        with reading_replica():  # nested: leaving the inner block keeps the outer one
            pass
        assert routers.in_replica_context()
    assert not routers.in_replica_context()
    with pytest.raises(ZeroDivisionError), reading_replica():
        1 / 0  # noqa: B018
    assert not routers.in_replica_context()


def test_reading_replica_as_decorator_is_reentrant():
    seen = []

    @reading_replica()
    def report(depth: int):
        seen.append(routers.in_replica_context())
        if depth:
            report(depth - 1)

    report(2)
    assert seen == [True, True, True]
    assert not routers.in_replica_context()


def test_the_context_is_per_thread():
    seen = []
    with reading_replica():
        worker = threading.Thread(target=lambda: seen.append(routers.in_replica_context()))
        worker.start()
        worker.join()
    assert seen == [False]


class FakeConnection:
    """Stands in for a database connection: whether it answers, how often it was asked."""

    def __init__(self, answers: bool = True):
        self.answers, self.attempts, self.in_atomic_block = answers, 0, False

    def ensure_connection(self):
        self.attempts += 1
        if not self.answers:
            raise OperationalError("connection refused")


@pytest.fixture
def fake_connections(monkeypatch):
    found = {"default": FakeConnection(), "replica": FakeConnection()}
    monkeypatch.setattr(routers, "connections", found)
    monkeypatch.setattr(routers, "replica_configured", lambda: True)
    monkeypatch.setattr(routers, "_replica_down_since", None)
    return found


@pytest.fixture
def with_replica(fake_connections):
    return PrimaryReplicaRouter()


def test_an_unreachable_replica_sends_reports_to_the_primary(fake_connections, caplog):
    router = PrimaryReplicaRouter()
    fake_connections["replica"].answers = False
    with reading_replica():
        assert routers.in_replica_context()
        assert router.db_for_read(Evaluation) == "default"
        with reading_replica():  # nested: no second attempt
            assert router.db_for_read(Evaluation) == "default"
    assert "read replica unreachable" in caplog.text
    # Not tried again for a while: each report would otherwise wait for a timeout.
    fake_connections["replica"].answers = True
    with reading_replica():
        assert router.db_for_read(Evaluation) == "default"
    assert fake_connections["replica"].attempts == 1
    routers._replica_down_since -= routers.RETRY_AFTER  # the wait is over
    with reading_replica():
        assert router.db_for_read(Evaluation) == "replica"
    assert fake_connections["replica"].attempts == 2


def test_reads_inside_a_transaction_on_the_primary_stay_there(with_replica, fake_connections):
    fake_connections["default"].in_atomic_block = True
    with reading_replica():
        assert with_replica.db_for_read(Evaluation) == "default"


def test_router_reads_follow_the_context(with_replica):
    router = with_replica
    assert router.db_for_read(Evaluation) == "default"
    with reading_replica():
        assert router.db_for_read(Evaluation) == "replica"
        assert router.db_for_read(Member) == "replica"
        assert router.db_for_read(routers_model("accounts", "Grant")) == "default"


def test_router_writes_and_migrations_only_on_the_primary(with_replica):
    router = with_replica
    with reading_replica():
        assert router.db_for_write(Evaluation) == "default"
        assert router.db_for_write(routers_model("core", "ChangeLog")) == "default"
    assert router.allow_migrate("default", "party")
    assert not router.allow_migrate("replica", "party")


def test_router_relates_objects_of_the_primary_and_the_replica(with_replica):
    router = with_replica
    a, b, c = PartyOrg(), PartyOrg(), PartyOrg()
    a._state.db, b._state.db, c._state.db = "default", "replica", "other"
    assert router.allow_relation(a, b) is True
    assert router.allow_relation(a, c) is None  # not ours to decide


def test_without_a_replica_nothing_is_routed():
    from django.conf import settings

    assert "replica" not in settings.DATABASES
    assert not hasattr(settings, "DATABASE_ROUTERS") or not settings.DATABASE_ROUTERS
    with reading_replica():
        assert PrimaryReplicaRouter().db_for_read(Evaluation) == "default"


def routers_model(app: str, name: str):
    from django.apps import apps

    return apps.get_model(app, name)


class _Reached(Exception):
    """Raised by a stand-in for the first thing an entry point calls."""


ORG = SimpleNamespace(scope_target=lambda: None, unit_id=1, unit=None, name="X")
# Each report or analytics entry point, and the first module-level name it calls: a stand-in
# records whether that call ran inside reading_replica() (no database needed).
ENTRY_POINTS = [
    ("tongket.reports.figures", "review_figures", "require", (None, ORG, "2024")),
    ("tongket.reports.assemble", "report_document", "review_figures", (None, None, "2024")),
    ("tongket.reports.exports", "report_file", "check_format", (None, None, "2024", "json")),
    ("tongket.evaluation.selectors", "evaluation_tally", "year_end", (None, None, 2024)),
    ("tongket.evaluation.selectors", "streaks", "year_end", (None, None, 2024)),
    ("tongket.evaluation.selectors", "award_counts", "restrict", (None, None, 2024)),
    ("tongket.targets.selectors", "targets_status", "actuals_of", (None, None, "2024")),
    ("tongket.outreach.selectors", "coverage_report", "subtree_on", None),
]


@pytest.mark.parametrize(("module", "entry", "first_call", "args"), ENTRY_POINTS)
def test_report_and_analytics_entry_points_read_in_the_replica_context(
    monkeypatch, module, entry, first_call, args
):
    mod = importlib.import_module(module)
    seen = []

    def stand_in(*_args, **_kwargs):
        seen.append(routers.in_replica_context())
        raise _Reached

    monkeypatch.setattr(mod, first_call, stand_in)
    if args is None:  # coverage_report: a programme whose organization has a unit
        programme = SimpleNamespace(org=ORG, started_on=None)
        args = (None, programme, dt.date(2024, 7, 4))
    with pytest.raises(_Reached):
        getattr(mod, entry)(*args)
    assert seen == [True]
    assert not routers.in_replica_context()


def test_indicator_trend_reads_in_the_replica_context(monkeypatch):
    from tongket.targets import selectors

    seen = []

    def stand_in(*_args, **_kwargs):
        seen.append(routers.in_replica_context())
        raise _Reached

    monkeypatch.setattr(selectors, "actuals_of", stand_in)
    with pytest.raises(_Reached):
        selectors.indicator_trend(None, None, None, "year", None)
    assert seen == [True]

"""The cache of report figures (tongket/reports/cache.py): reused between requests, recomputed
after any write through a service, never shared between users whose grants differ."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from tests.conftest import actor_for
from tongket.party.selectors import members_search
from tongket.party.services import member_create
from tongket.reports import cache as report_cache
from tongket.reports import figures

URL = "/api/v1/reports/A/2024"


@pytest.fixture(autouse=True)
def empty_cache():
    caches[report_cache.CACHE].clear()
    yield
    caches[report_cache.CACHE].clear()


@pytest.fixture
def builds(monkeypatch):
    """Counts the real computations of the figures behind the JSON report."""
    calls = []
    real = figures.review_figures

    def counting(actor, org, period, today=None):
        calls.append(actor.name)
        return real(actor, org, period, today)

    monkeypatch.setattr(figures, "review_figures", counting)
    return calls


def _members_total(body: dict) -> int:
    return body["members"]["at_end"]


def test_a_second_request_reuses_the_figures(cast, as_user, builds):
    client = as_user(cast.alice)
    first = client.get(URL)
    second = client.get(URL)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert builds == ["alice"]


def test_a_write_through_a_service_makes_the_next_request_recompute(cast, as_user, builds):
    client = as_user(cast.alice)
    before = client.get(URL).json()
    member_create(
        actor=actor_for(cast.alice),
        org=cast.a1a,
        card_number="A-0002",
        full_name="Lê Văn Mới",
        gender="male",
        birth_date=cast.people["birth_date"],
        admitted_on=cast.people["admitted_on"],
        confirmed_on=cast.people["confirmed_on"],
    )
    after = client.get(URL).json()
    assert builds == ["alice", "alice"]
    assert _members_total(after) == _members_total(before) + 1
    # The cached answer is the one a fresh computation gives now.
    fresh = figures.review_figures(actor_for(cast.alice), cast.a, "2024").to_json()
    assert after == fresh


def test_a_read_event_does_not_invalidate(cast, as_user, builds):
    client = as_user(cast.alice)
    client.get(URL)
    assert members_search(actor_for(cast.alice), "Ánh").count() == 1  # logs a "list" event
    client.get(URL)
    assert builds == ["alice"]


def test_users_with_different_scopes_never_share_an_entry(cast, as_user, builds):
    # alice is admin of A, carol viewer of the unit W1 that A is attached to: both may see A.
    alice = as_user(cast.alice).get(URL)
    carol = as_user(cast.carol).get(URL)
    assert alice.status_code == carol.status_code == 200
    assert builds == ["alice", "carol"]
    keys = {report_cache.scope_digest(actor_for(u)) for u in (cast.alice, cast.carol)}
    assert len(keys) == 2
    # bob (viewer of B) is refused, hit or miss.
    assert as_user(cast.bob).get(URL).status_code == 404
    assert builds == ["alice", "carol"]


def test_the_same_grants_share_an_entry_and_a_revoked_grant_is_refused(cast, as_user, builds):
    from tongket.accounts.services import grant_revoke

    as_user(cast.alice).get(URL)
    grant = cast.alice.grants.get()
    grant_revoke(actor=cast.system, grant=grant)
    assert as_user(cast.alice).get(URL).status_code in (403, 404)
    assert builds == ["alice"]


def _new_member(cast, card: str):
    return member_create(
        actor=actor_for(cast.alice),
        org=cast.a1a,
        card_number=card,
        full_name="Lê Văn Mới",
        gender="male",
        **cast.people,
    )


def test_the_org_page_counts_a_new_member_at_once(cast, as_user):
    client = as_user(cast.alice)
    url = f"/orgs/{cast.a.pk}/?as_of=2026-01-01"
    assert "<td>1</td><td>1</td>" in client.get(url).content.decode()  # Ánh, A1a's row
    _new_member(cast, "A-0003")
    assert "<td>2</td><td>2</td>" in client.get(url).content.decode()


def test_the_org_page_does_not_query_per_row(cast, as_user, system):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongket.party.services import org_create

    client = as_user(cast.alice)
    url = f"/orgs/{cast.a.pk}/"  # today: the new organizations exist from today

    def queries() -> int:
        caches[report_cache.CACHE].clear()  # count a computation, not a hit
        with CaptureQueriesContext(connection) as q:
            assert client.get(url).status_code == 200
        return len(q.captured_queries)

    before = queries()
    for n in range(3):
        org_create(
            actor=system, code=f"A1b{n}", name=f"Chi bộ {n}", kind="sub_branch", parent=cast.a1
        )
    assert queries() == before

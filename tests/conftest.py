"""The named cast of test data: one city, two sibling party committees A and B, three users.

    units   HCM (province) ─ W1 (ward), W2 (ward)
    orgs    CITY ─ A (attached to W1) ─ A1 (grassroots) ─ A1a (sub-branch)
                 └ B (attached to W2) ─ B1 (grassroots branch)
    members Ánh (A1a), Bê (B1)
    users   alice: admin of A · bob: viewer of B · carol: viewer of unit W1 · root: superuser

B's names carry the marker "BÊTA" so a test can tell whether any of B's data leaked.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tongket.accounts.services import grant_create, user_create
from tongket.core.actor import Actor
from tongket.domain.permissions import Role
from tongket.party.services import member_create, org_create
from tongket.registry.services import unit_create

PASSWORD = "mat-khau-thu-2024"
B_MARKER = "BÊTA"


@pytest.fixture
def system():
    return Actor.cli("test")


@pytest.fixture
def cast(db, system):
    s = system
    hcm = unit_create(actor=s, code="HCM", name="Thành phố Hồ Chí Minh", level="province")
    w1 = unit_create(actor=s, code="W1", name="Phường An", level="ward", parent=hcm)
    w2 = unit_create(actor=s, code="W2", name=f"Phường {B_MARKER}", level="ward", parent=hcm)
    city = org_create(
        actor=s, code="CITY", name="Đảng bộ Thành phố", kind="party_committee", unit=hcm
    )
    a = org_create(
        actor=s, code="A", name="Đảng bộ An", kind="party_committee", parent=city, unit=w1
    )
    a1 = org_create(
        actor=s, code="A1", name="Đảng bộ cơ sở An Một", kind="grassroots_committee", parent=a
    )
    a1a = org_create(actor=s, code="A1a", name="Chi bộ Khu phố 1", kind="sub_branch", parent=a1)
    b = org_create(
        actor=s, code="B", name=f"Đảng bộ {B_MARKER}", kind="party_committee", parent=city, unit=w2
    )
    b1 = org_create(
        actor=s, code="B1", name=f"Chi bộ cơ sở {B_MARKER}", kind="grassroots_branch", parent=b
    )
    people = dict(
        birth_date=dt.date(1980, 5, 1),
        admitted_on=dt.date(2010, 3, 2),
        confirmed_on=dt.date(2011, 3, 2),
    )
    anh = member_create(
        actor=s, org=a1a, card_number="A-0001", full_name="Đặng Thị Ánh", gender="female", **people
    )
    be = member_create(
        actor=s,
        org=b1,
        card_number="B-0001",
        full_name=f"Bùi Văn {B_MARKER}",
        gender="male",
        **people,
    )
    alice = user_create(actor=s, username="alice", password=PASSWORD, full_name="Alice")
    bob = user_create(actor=s, username="bob", password=PASSWORD, full_name="Bob")
    carol = user_create(actor=s, username="carol", password=PASSWORD, full_name="Carol")
    root = user_create(actor=s, username="root", password=PASSWORD, superuser=True)
    grant_create(actor=s, user=alice, role=Role.ADMIN, scope=a)
    grant_create(actor=s, user=bob, role=Role.VIEWER, scope=b)
    grant_create(actor=s, user=carol, role=Role.VIEWER, scope=w1)
    return SimpleNamespace(**locals())


@pytest.fixture
def as_user(client):
    """Logs the test client in as a user of the cast."""

    def login(user):
        client.force_login(user)
        return client

    return login


def actor_for(user) -> Actor:
    return Actor.for_user(user, "test-op")


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory):
    """The demo database, built once per run by the real `tongket demo --no-serve`.

    Returns the environment that points `tongket` at it, and the build's output.
    """
    import subprocess

    from tests.servers import TONGKET, scratch_env

    var = tmp_path_factory.mktemp("demo")
    env = scratch_env(var)
    env.pop("TONGKET_DATABASE_URL")
    result = subprocess.run(
        [TONGKET, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    env["TONGKET_DATABASE_URL"] = f"sqlite:///{var / 'demo.sqlite3'}"
    return SimpleNamespace(env=env, var=var, stdout=result.stdout)

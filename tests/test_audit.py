"""The audit trail and the scope filter, on the database."""

import pytest
from django.db import connection, transaction

from tests.conftest import actor_for
from tongket.core.models import ChangeLog
from tongket.core.permissions import restrict
from tongket.core.selectors import audit_visible, history_of
from tongket.party.models import Member, PartyOrg
from tongket.party.services import member_rename
from tongket.registry.models import AdminUnit

pytestmark = pytest.mark.django_db


def test_audit_row_shares_the_transaction_of_its_change(cast, system):
    before = ChangeLog.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        member_rename(actor=system, member=cast.anh, full_name="Đặng Thị Ánh Hồng")
        raise RuntimeError("the caller fails after the service")
    assert ChangeLog.objects.count() == before
    cast.anh.refresh_from_db()
    assert cast.anh.full_name == "Đặng Thị Ánh"


def test_update_keeps_before_and_after_and_user_name(cast):
    member_rename(actor=actor_for(cast.alice), member=cast.anh, full_name="Đặng Thị Ánh Hồng")
    row = history_of(cast.anh).get(action="update")
    assert row.before["full_name"] == "Đặng Thị Ánh"
    assert row.after["full_name"] == "Đặng Thị Ánh Hồng"
    assert (row.user, row.user_name, row.operation_id) == (cast.alice, "alice", "test-op")


def test_user_name_survives_the_account(cast):
    member_rename(actor=actor_for(cast.alice), member=cast.anh, full_name="Ánh")
    cast.alice.delete()
    row = history_of(cast.anh).get(action="update")
    assert row.user is None and row.user_name == "alice"


def test_editing_outside_the_scope_is_refused_and_not_logged(cast):
    from tongket.core.errors import PermissionDeniedError

    before = ChangeLog.objects.count()
    with pytest.raises(PermissionDeniedError):
        member_rename(actor=actor_for(cast.alice), member=cast.be, full_name="X")
    assert ChangeLog.objects.count() == before


@pytest.mark.parametrize(
    "user, orgs, units, members",
    [
        ("alice", {"A", "A1", "A1a"}, {"W1"}, {"A-0001"}),
        ("bob", {"B", "B1"}, {"W2"}, {"B-0001"}),
        ("carol", {"A"}, {"W1"}, set()),  # the unit W1 covers A, attached to it
        (
            "root",
            {"CITY", "A", "A1", "A1a", "B", "B1"},
            {"HCM", "W1", "W2"},
            {"A-0001", "B-0001"},
        ),
    ],
)
def test_restrict_lists_only_the_scope(cast, user, orgs, units, members):
    actor = actor_for(getattr(cast, user))
    assert set(restrict(PartyOrg.objects.all(), actor).values_list("code", flat=True)) == orgs
    assert set(restrict(AdminUnit.objects.all(), actor).values_list("code", flat=True)) == units
    cards = set(restrict(Member.objects.all(), actor).values_list("card_number", flat=True))
    assert cards == members


def test_audit_visible_needs_the_admin_role(cast):
    assert not audit_visible(actor_for(cast.bob)).exists()  # viewer of B
    rows = audit_visible(actor_for(cast.alice))
    assert rows.exists() and all(
        r.scope_org_path.startswith(cast.a.path) or r.scope_unit_path.startswith(cast.w1.path)
        for r in rows
    )


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas; this run is on " + connection.vendor)
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 20000


def test_postgresql_runs_without_jit():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL settings; this run is on " + connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"

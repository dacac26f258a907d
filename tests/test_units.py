"""Administrative units with history: the seed figures F03, F08, F09 from the demo records,
lineage through chains, and every bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from tests.servers import TONGKET
from tongket.core.models import ChangeLog
from tongket.domain.errors import DomainError
from tongket.registry.models import AdminUnit, AdminUnitVersion, UnitEvent, UnitLineage
from tongket.registry.services import (
    basis_for,
    children_follow,
    unit_close,
    unit_create,
    unit_event_record,
    unit_version_add,
)

D = dt.date


def cli(demo_env, *argv) -> str:
    result = subprocess.run(
        [TONGKET, *argv], env=demo_env.env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- the seed figures, from the demo records through the CLI -------------------------------
def test_f08_neighbourhoods_before_and_after_the_2024_reorganization(demo_env):
    before = cli(demo_env, "units", "count", "--root", "BT", "--as-of", "31/03/2024")
    assert "89 khu phố" in " ".join(before.split())
    assert "1.508 tổ dân phố" in " ".join(before.split())
    after = cli(demo_env, "units", "count", "--root", "BT", "--as-of", "2024-12-31")
    assert "271 khu phố" in " ".join(after.split()) and "tổ dân phố" not in after


def test_f09_twenty_wards_then_fifteen_with_twelve_affected(demo_env):
    assert "20 phường" in " ".join(
        cli(demo_env, "units", "count", "--root", "BT", "--as-of", "2024-12-31").split()
    )
    assert "15 phường" in " ".join(
        cli(demo_env, "units", "count", "--root", "BT", "--as-of", "2025-01-01").split()
    )
    affected = cli(demo_env, "units", "affected", "--root", "BT", "--on", "2025-01-01")
    assert affected.startswith("12 đơn vị")


def test_f03_fifteen_wards_on_the_day_of_the_review_meeting(demo_env):
    out = cli(demo_env, "units", "tree", "--root", "BT", "--as-of", "15/01/2025")
    wards = [line for line in out.splitlines()[1:] if line.startswith("  Phường")]
    assert len(wards) == 15 and "  Phường 3 [BT-P3]" not in out


def test_lineage_runs_through_the_chain_to_todays_ward(demo_env):
    out = cli(demo_env, "units", "lineage", "BT-P3", "--on", "2025-12-01")
    assert "Phường 3, Quận Bình Thạnh → Phường 1, Quận Bình Thạnh (một phần)" in out
    assert "Phường 1, Quận Bình Thạnh → Phường Gia Định, Thành phố Hồ Chí Minh" in out
    assert out.strip().endswith("địa bàn thuộc: Phường Gia Định")
    back = cli(demo_env, "units", "lineage", "HCM-GIADINH")
    assert "Phường 17, Quận Bình Thạnh → Phường Gia Định" in back


def test_after_the_reform_the_district_is_gone_and_its_neighbourhoods_moved(demo_env):
    out = " ".join(
        cli(demo_env, "units", "count", "--root", "HCM", "--as-of", "2025-07-01").split()
    )
    assert "quận" not in out and "271 khu phố" in out


@pytest.mark.parametrize(
    "argv, words",
    [
        (["units", "count", "--root", "NOPE", "--as-of", "2024-12-31"], "NOPE"),
        (["units", "count", "--root", "BT", "--as-of", "31/02/2024"], "31/02/2024"),
        (["units", "tree", "--root", "BT", "--as-of", "2026-01-01"], "không tồn tại"),
        (["units", "tree", "--root", "BT", "--as-of", "2024-01-01", "--depth", "-1"], "--depth"),
    ],
)
def test_units_cli_mistakes_are_one_line(demo_env, argv, words):
    result = subprocess.run(
        [TONGKET, *argv], env=demo_env.env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- a small chain in the test database ----------------------------------------------------
@pytest.fixture
def chain(db, system):
    """W-A and W-B (wards until 2024) merge into W-AB on 1/1/2025, which becomes W-NEW on
    1/7/2025; the neighbourhood K1 of W-A follows."""
    s = system
    city = unit_create(actor=s, code="C", name="Thành phố", level="province")
    dist = unit_create(
        actor=s, code="Q", name="Quận Q", level="district", parent=city, valid_to=D(2025, 6, 30)
    )
    wa = unit_create(
        actor=s, code="W-A", name="Phường A", level="ward", parent=dist, valid_to=D(2024, 12, 31)
    )
    wb = unit_create(
        actor=s, code="W-B", name="Phường B", level="ward", parent=dist, valid_to=D(2024, 12, 31)
    )
    wab = unit_create(
        actor=s,
        code="W-AB",
        name="Phường AB",
        level="ward",
        parent=dist,
        valid_from=D(2025, 1, 1),
        valid_to=D(2025, 6, 30),
    )
    new = unit_create(
        actor=s,
        code="W-NEW",
        name="Phường Mới",
        level="ward",
        parent=city,
        valid_from=D(2025, 7, 1),
    )
    k1 = unit_create(actor=s, code="K1", name="Khu phố 1", level="neighbourhood", parent=wa)
    basis = basis_for("Nghị quyết 1/NQ-TEST ngày 01/12/2024")
    first = unit_event_record(
        actor=s,
        kind="merge",
        effective_on=D(2025, 1, 1),
        sources=[wa, wb],
        targets=[wab],
        basis=basis,
    )
    children_follow(actor=s, event=first)
    second = unit_event_record(
        actor=s, kind="merge", effective_on=D(2025, 7, 1), sources=[wab], targets=[new], basis=basis
    )
    children_follow(actor=s, event=second)
    return locals()


def test_children_follow_the_merge(chain):
    parents = list(
        AdminUnitVersion.objects.filter(unit=chain["k1"])
        .order_by("valid_from")
        .values_list("parent__code", "valid_to")
    )
    assert parents == [("W-A", D(2024, 12, 31)), ("W-AB", D(2025, 6, 30)), ("W-NEW", None)]


def test_recording_an_event_twice_changes_nothing(chain, system):
    count = (UnitEvent.objects.count(), UnitLineage.objects.count())
    again = unit_event_record(
        actor=system,
        kind="merge",
        effective_on=D(2025, 1, 1),
        sources=[chain["wb"], chain["wa"]],
        targets=[chain["wab"]],
        basis=chain["basis"],
    )
    assert (
        again == chain["first"]
        and (UnitEvent.objects.count(), UnitLineage.objects.count()) == count
    )


def test_legal_basis_is_read(chain):
    assert chain["basis"].number == "1/NQ-TEST"
    assert chain["basis"].signed_on == D(2024, 12, 1)


def test_a_corrected_basis_is_audited_and_needs_every_unit_in_scope(chain, system, cast):
    from tests.conftest import actor_for
    from tongket.core.errors import PermissionDeniedError
    from tongket.core.models import ChangeLog
    from tongket.registry.services import unit_event_basis_set

    event, units = chain["first"], [chain["wa"], chain["wb"], chain["wab"]]
    logs = ChangeLog.objects.count()
    with pytest.raises(PermissionDeniedError):  # alice edits organization A, not these units
        unit_event_basis_set(
            actor=actor_for(cast.alice), event=event, units=units, basis="Nghị quyết 2/NQ-X"
        )
    event.refresh_from_db()
    assert event.basis == chain["basis"] and ChangeLog.objects.count() == logs
    unit_event_basis_set(
        actor=system, event=event, units=units, basis="Nghị quyết 2/NQ-TEST ngày 02/12/2024"
    )
    event.refresh_from_db()
    assert event.basis.number == "2/NQ-TEST"
    assert ChangeLog.objects.filter(action="update", object_type="registry.unitevent").exists()


# --- bad input: a clear message, nothing written -------------------------------------------
def _unchanged(before):
    assert (
        AdminUnit.objects.count(),
        AdminUnitVersion.objects.count(),
        UnitEvent.objects.count(),
        ChangeLog.objects.count(),
    ) == before


def _state():
    return (
        AdminUnit.objects.count(),
        AdminUnitVersion.objects.count(),
        UnitEvent.objects.count(),
        ChangeLog.objects.count(),
    )


def _move_under_itself(c, s):
    from django.db import transaction

    with transaction.atomic():  # both steps or neither
        unit_close(actor=s, unit=c["new"], last_day=D(2025, 12, 31))
        unit_version_add(
            actor=s,
            unit=c["new"],
            valid_from=D(2026, 1, 1),
            name="Phường Mới",
            level="ward",
            parent=c["k1"],  # K1 lies under W-NEW
        )


BAD = {
    "overlapping versions": (
        lambda c, s: unit_version_add(
            actor=s,
            unit=c["wa"],
            valid_from=D(2024, 6, 1),
            name="Phường A mới",
            level="ward",
            parent=c["dist"],
        ),
        "version.overlap",
        "trùng thời gian",
    ),
    # Levels are strict, so a unit placed under its own child is refused by level.
    "a cycle": (lambda c, s: _move_under_itself(c, s), "unit.level", "Không thể đặt"),
    "an unknown parent on the date": (
        lambda c, s: unit_create(
            actor=s,
            code="K9",
            name="Khu phố 9",
            level="neighbourhood",
            parent=c["wa"],
            valid_from=D(2025, 3, 1),
        ),
        "unit.parent_missing",
        "không tồn tại vào ngày 01/03/2025",
    ),
    "a merge into a unit that no longer exists": (
        lambda c, s: unit_event_record(
            actor=s,
            kind="merge",
            effective_on=D(2025, 8, 1),
            sources=[c["new"]],
            targets=[c["wab"]],
            basis=c["basis"],
        ),
        "event.target_missing",
        "W-AB không tồn tại",
    ),
    "a merge from a unit already gone": (
        lambda c, s: unit_event_record(
            actor=s,
            kind="merge",
            effective_on=D(2025, 8, 1),
            sources=[c["wa"]],
            targets=[c["new"]],
            basis=c["basis"],
        ),
        "event.source_gone",
        "W-A không tồn tại",
    ),
    "a source that did not end": (
        lambda c, s: unit_event_record(
            actor=s,
            kind="merge",
            effective_on=D(2024, 6, 1),
            sources=[c["wa"]],
            targets=[c["wb"]],
            basis=c["basis"],
        ),
        "event.source_continues",
        "vẫn còn hiệu lực",
    ),
    "a ward under a neighbourhood": (
        lambda c, s: unit_create(
            actor=s,
            code="W9",
            name="Phường 9",
            level="ward",
            parent=c["k1"],
            valid_from=D(2025, 8, 1),
        ),
        "unit.level",
        "Không thể đặt Phường 9",
    ),
    "a district after 30/6/2025": (
        lambda c, s: unit_create(
            actor=s,
            code="Q9",
            name="Quận 9",
            level="district",
            parent=c["city"],
            valid_from=D(2025, 7, 1),
        ),
        "unit.district_ended",
        "30/06/2025",
    ),
    "an open-ended district": (
        lambda c, s: unit_create(
            actor=s, code="Q8", name="Quận 8", level="district", parent=c["city"]
        ),
        "unit.district_ended",
        "Quận 8",
    ),
    "a split into one unit": (
        lambda c, s: unit_event_record(
            actor=s,
            kind="split",
            effective_on=D(2025, 7, 1),
            sources=[c["wab"]],
            targets=[c["new"]],
            basis=c["basis"],
        ),
        "event.shape",
        "Chia tách",
    ),
    "dates in the wrong order": (
        lambda c, s: unit_create(
            actor=s,
            code="K8",
            name="Khu phố 8",
            level="neighbourhood",
            parent=c["new"],
            valid_from=D(2026, 1, 1),
            valid_to=D(2025, 12, 1),
        ),
        "version.dates",
        "Khu phố 8",
    ),
    "closing a unit already closed": (
        lambda c, s: unit_close(actor=s, unit=c["wa"], last_day=D(2025, 1, 1)),
        "unit.not_open",
        "Phường A",
    ),
    "a duplicate code": (
        lambda c, s: unit_create(
            actor=s,
            code="W-A",
            name="Phường A2",
            level="ward",
            parent=c["city"],
            valid_from=D(2025, 8, 1),
        ),
        "code.exists",
        "W-A",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_unit_input_is_refused_and_writes_nothing(chain, system, case):
    action, code, words = BAD[case]
    before = _state()
    with pytest.raises(DomainError) as caught:
        action(chain, system)
    assert caught.value.code == code and words in caught.value.message
    _unchanged(before)


def test_postgres_refuses_overlap_even_without_the_service(chain):
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL; SQLite relies on the service")
    with pytest.raises(IntegrityError), transaction.atomic():
        AdminUnitVersion.objects.create(
            unit=chain["wa"], valid_from=D(2024, 6, 1), name="x", level="ward", parent=chain["dist"]
        )

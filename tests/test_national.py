"""The national load from vietnam-provinces: 63 provinces before 1/7/2025 and 34 after, the
official old → new ward table as lineage, a second run that writes nothing, one audit row, and
a failure halfway that leaves nothing behind.

The full load takes seconds, so it runs once per module: a module fixture loads inside a
transaction that is rolled back when the module ends, and records what each step wrote.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import transaction

from tongket.cli.main import main
from tongket.core.actor import Actor
from tongket.core.errors import PermissionDeniedError
from tongket.core.models import ChangeLog
from tongket.domain.errors import DomainError
from tongket.domain.timeline import successors
from tongket.registry import national
from tongket.registry.models import (
    AdminUnit,
    AdminUnitVersion,
    LegalBasis,
    UnitEvent,
    UnitLineage,
)
from tongket.registry.national import (
    DISTRICT_BASIS,
    PROVINCE_BASIS,
    REFORM_DAY,
    WARD_BASIS,
    PlannedEvent,
    PlannedVersion,
    national_load,
)
from tongket.registry.selectors import _edges, snapshot_on, unit_holders, unit_lineage
from tongket.registry.services import EARLIEST

D = dt.date
TABLES = (AdminUnit, AdminUnitVersion, UnitEvent, UnitLineage, LegalBasis, ChangeLog)


def tables() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def pk(code: str) -> int:
    return AdminUnit.objects.get(code=code).pk


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """A failed load, then the load, then the same load again; all rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        actor = Actor.cli("test")
        empty = tables()
        written_before_failure = []

        def fail_after_identities(*args, **kwargs):
            written_before_failure.append(AdminUnit.objects.count())
            raise RuntimeError("disk full")

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(national, "_write_versions", fail_after_identities)
            with pytest.raises(RuntimeError, match="disk full"):
                national_load(actor=actor)
        after_failure = tables()

        first = national_load(actor=actor)
        after_first = tables()
        second = national_load(actor=actor)
        after_second = tables()
        yield SimpleNamespace(**locals())
        transaction.set_rollback(True)


# --- a failure halfway leaves the database as it was ---------------------------------------
@pytest.mark.django_db
def test_a_failure_after_the_identities_leaves_nothing(loaded):
    written = loaded.written_before_failure
    assert written and written[0] > loaded.empty["AdminUnit"], "the failure came too early"
    assert loaded.after_failure == loaded.empty


# --- counts before and after the reform ----------------------------------------------------
COUNTS = [
    # day, provinces, districts, ward-level units (per the package)
    (D(2024, 12, 31), 63, 696, 10051),
    (D(2025, 6, 30), 63, 696, 10051),
    (D(2025, 7, 1), 34, 0, 3321),
    (D(2026, 11, 21), 34, 0, 3321),
]


@pytest.mark.django_db
@pytest.mark.parametrize("day, provinces, districts, wards", COUNTS, ids=lambda v: str(v))
def test_national_counts_on_a_day(loaded, day, provinces, districts, wards):
    snap = snapshot_on(day)
    levels = [v.level for v in snap.nodes.values() if v.code.startswith("VN-")]
    found = (levels.count("province"), levels.count("district"), levels.count("ward"))
    assert found == (provinces, districts, wards), f"on {day}"


@pytest.mark.django_db
def test_the_summary_counts_what_the_database_holds(loaded):
    s = loaded.first
    assert s.before == {"province": 63, "district": 696, "ward": 10051}
    assert s.after == {"province": 34, "district": 0, "ward": 3321}
    assert s.created["units"] == loaded.after_first["AdminUnit"] - loaded.empty["AdminUnit"]
    assert s.created["events"] == s.events == UnitEvent.objects.count()
    assert s.created["edges"] == s.edges == UnitLineage.objects.count()
    assert s.seconds < 60, f"the full load took {s.seconds:.1f} s; the target is 60 s"


@pytest.mark.django_db
def test_no_district_lives_after_30_6_2025(loaded):
    late = AdminUnitVersion.objects.filter(level="district").exclude(valid_to__lte=D(2025, 6, 30))
    assert list(late.values_list("unit__code", flat=True)) == []


@pytest.mark.django_db
def test_ho_chi_minh_city_before_and_after(loaded):
    hcm = pk("VN-P79")
    before = snapshot_on(D(2025, 6, 30)).count_by_level(hcm)
    assert before == {"district": 22, "ward": 273}, "DOMAIN_RULES §3.2: 22 districts, 273 wards"
    snap = snapshot_on(REFORM_DAY)
    after = snap.count_by_level(hcm)
    assert after == {"ward": 168}, (
        f"the package gives {after.get('ward', 0)} ward-level units for HCMC on 1/7/2025; "
        "DOMAIN_RULES §3.2 (NQ 1685/NQ-UBTVQH15) says 168"
    )
    kinds = [snap.nodes[n].name.split(" ")[0] for n in snap.subtree(hcm) if n != hcm]
    assert (kinds.count("Phường"), kinds.count("Xã"), kinds.count("Đặc")) == (113, 54, 1)


# --- identities, versions and codes ---------------------------------------------------------
VERSIONS = {
    # A province that goes on under its code keeps one identity and gets a new version.
    "VN-P79": [
        (EARLIEST, D(2025, 6, 30), "Thành phố Hồ Chí Minh", None, "79", ""),
        (REFORM_DAY, None, "Thành phố Hồ Chí Minh", None, "79", PROVINCE_BASIS),
    ],
    # Yên Bái's code 15 goes on as the new Lào Cai.
    "VN-P15": [
        (EARLIEST, D(2025, 6, 30), "Tỉnh Yên Bái", None, "15", ""),
        (REFORM_DAY, None, "Tỉnh Lào Cai", None, "15", PROVINCE_BASIS),
    ],
    # Left as it was by NQ 202 but named "Thành phố" in the package's (2026) data.
    "VN-P22": [
        (EARLIEST, D(2025, 6, 30), "Tỉnh Quảng Ninh", None, "22", ""),
        (REFORM_DAY, None, "Thành phố Quảng Ninh", None, "22", ""),
    ],
    # A province left as it was has one open version.
    "VN-P01": [(EARLIEST, None, "Thành phố Hà Nội", None, "01", "")],
    "VN-OLD-P74": [(EARLIEST, D(2025, 6, 30), "Tỉnh Bình Dương", None, "74", "")],
    "VN-OLD-D765": [(EARLIEST, D(2025, 6, 30), "Quận Bình Thạnh", "VN-P79", "765", "")],
    "VN-OLD-W26950": [(EARLIEST, D(2025, 6, 30), "Phường 17", "VN-OLD-D765", "26950", "")],
    "VN-W26944": [(REFORM_DAY, None, "Phường Gia Định", "VN-P79", "26944", WARD_BASIS)],
}


@pytest.mark.django_db
@pytest.mark.parametrize("code", VERSIONS)
def test_versions_of_a_unit(loaded, code):
    rows = AdminUnitVersion.objects.filter(unit__code=code).order_by("valid_from")
    found = [
        (
            v.valid_from,
            v.valid_to,
            v.name,
            v.parent.code if v.parent else None,
            v.official_code,
            v.basis.text if v.basis else "",
        )
        for v in rows.select_related("parent", "basis")
    ]
    assert found == VERSIONS[code]


@pytest.mark.django_db
def test_identities_mirror_their_latest_version_and_carry_paths(loaded):
    ward = AdminUnit.objects.select_related("parent").get(code="VN-OLD-W26950")
    assert (ward.parent.code, ward.level) == ("VN-OLD-D765", "ward")
    assert ward.path == f"/{pk('VN-P79')}/{pk('VN-OLD-D765')}/{ward.pk}/"
    assert AdminUnit.objects.get(code="VN-W26944").path == f"/{pk('VN-P79')}/{pk('VN-W26944')}/"
    assert not AdminUnit.objects.filter(code__startswith="VN-", path="").exists()


# --- events and lineage ---------------------------------------------------------------------
@pytest.mark.django_db
def test_province_merge_with_its_legal_basis(loaded):
    event = UnitEvent.objects.get(key="merge|2025-07-01|VN-OLD-P74;VN-OLD-P77;VN-P79|VN-P79")
    assert (event.basis.number, event.basis.signed_on) == ("202/2025/QH15", D(2025, 6, 12))
    edges = set(event.edges.values_list("predecessor__code", "successor__code", "whole"))
    assert edges == {("VN-OLD-P74", "VN-P79", True), ("VN-OLD-P77", "VN-P79", True)}


@pytest.mark.django_db
def test_lineage_of_phuong_17_binh_thanh(loaded):
    # DOMAIN_RULES §3.2: Phường 17 quận Bình Thạnh → phường Gia Định.
    origins, outcomes = unit_lineage(loaded.actor, "VN-OLD-W26950")
    assert origins == []
    assert [(s.predecessor, s.successor, s.whole, s.basis) for s in outcomes] == [
        ("Phường 17, Quận Bình Thạnh", "Phường Gia Định, Thành phố Hồ Chí Minh", True, WARD_BASIS)
    ]
    assert unit_holders(loaded.actor, "VN-OLD-W26950", D(2025, 12, 1)) == ["Phường Gia Định"]
    chain = successors(_edges(), pk("VN-OLD-W26950"))
    assert [e.successor for e in chain] == [pk("VN-W26944")]


# New ward → its legacy sources as the package has them (name, whole). DOMAIN_RULES §3.2 also
# names Phường 14 (→ Bình Thạnh) and Phường 19 (→ Thạnh Mỹ Tây): the package's table lists
# them under codes (26929, 26953) its legacy list does not have, so they carry no edge.
SOURCES = {
    "VN-W26944": {("Phường 1", True), ("Phường 2", True), ("Phường 7", True), ("Phường 17", True)},
    "VN-W26929": {("Phường 12", True), ("Phường 26", True)},
    "VN-W26905": {("Phường 5", True), ("Phường 11", True), ("Phường 13", True)},
    "VN-W26956": {("Phường 22", True), ("Phường 25", True)},
    "VN-W26911": {("Phường 27", True), ("Phường 28", True)},
    # Bến Thành = Bến Thành + Phạm Ngũ Lão + part of Cầu Ông Lãnh + part of Nguyễn Thái Bình.
    "VN-W26743": {
        ("Phường Bến Thành", True),
        ("Phường Phạm Ngũ Lão", True),
        ("Phường Cầu Ông Lãnh", False),
        ("Phường Nguyễn Thái Bình", False),
    },
    # An island district without communes became a special zone.
    "VN-W26732": {("Huyện Côn Đảo", True)},
}


@pytest.mark.django_db
@pytest.mark.parametrize("code", SOURCES)
def test_sources_of_a_new_ward(loaded, code):
    edges = UnitLineage.objects.filter(successor__code=code)
    assert set(edges.values_list("predecessor__name", "whole")) == SOURCES[code]
    kinds = set(edges.values_list("event__kind", flat=True))
    assert kinds == ({"merge"} if all(w for _n, w in SOURCES[code]) else {"rearrange"})


@pytest.mark.django_db
def test_districts_are_dissolved_except_islands_that_became_special_zones(loaded):
    dissolved = UnitEvent.objects.filter(kind="dissolve")
    assert dissolved.count() == 696 - 5
    assert set(dissolved.values_list("basis__text", flat=True)) == {DISTRICT_BASIS}
    assert not dissolved.filter(key__contains="VN-OLD-D755").exists()  # Côn Đảo


@pytest.mark.django_db
def test_what_the_package_lacks_is_reported(loaded):
    s = loaded.first
    assert 26929 in s.unknown_sources and 26953 in s.unknown_sources
    assert 26935 in s.unmapped_wards and 26959 in s.unmapped_wards  # Phường 14, 19 Bình Thạnh
    assert s.ignored_province_links == ((82, 80),)
    assert UnitLineage.objects.filter(predecessor__code="VN-OLD-W26935").count() == 0


# --- a second run writes nothing; one audit row per load -----------------------------------
@pytest.mark.django_db
def test_a_second_load_writes_nothing(loaded):
    assert loaded.after_second == loaded.after_first
    assert not loaded.second.changed and set(loaded.second.created.values()) == {0}
    assert (loaded.second.before, loaded.second.after) == (loaded.first.before, loaded.first.after)


@pytest.mark.django_db
def test_one_audit_row_for_the_load(loaded):
    assert loaded.after_first["ChangeLog"] - loaded.empty["ChangeLog"] == 1
    row = ChangeLog.objects.get(object_type="registry.adminunit", action="create")
    assert row.object_repr.startswith("national load: vietnam-provinces")
    assert row.after["created_units"] == loaded.first.created["units"]
    assert row.after["after"] == {"province": 34, "district": 0, "ward": 3321}


@pytest.mark.django_db
def test_the_cli_says_nothing_changed(loaded, capsys):
    assert main(["units", "load-national"]) == 0
    said = capsys.readouterr().out
    assert "không có gì thay đổi" in said and "34 tỉnh, thành phố" in said
    assert "63 tỉnh, thành phố, 696 quận, huyện và 10.051 phường" in said
    assert tables() == loaded.after_first


# --- bad input: a clear message, nothing written -------------------------------------------
@pytest.fixture(scope="module")
def package_plan():
    return national.read_package()


def _version(code, start, name, level, parent, end=None):
    return PlannedVersion(code, start, end, name, level, parent, "99")


BAD = {
    "a district after 30/6/2025": (
        [_version("VN-OLD-D999", REFORM_DAY, "Quận Mới", "district", "VN-P79")],
        [],
        "unit.district_ended",
        "Quận Mới",
    ),
    "a ward under a province that had ended": (
        [_version("VN-W99999", REFORM_DAY, "Phường Mới", "ward", "VN-OLD-P74")],
        [],
        "unit.parent_missing",
        "VN-OLD-P74 không tồn tại vào ngày 01/07/2025",
    ),
    "a version overlapping the legacy one": (
        [_version("VN-P79", D(2025, 1, 1), "Thành phố HCM", "province", None)],
        [],
        "version.overlap",
        "trùng thời gian",
    ),
    "a ward placed under a ward": (
        [_version("VN-W99998", REFORM_DAY, "Phường Con", "ward", "VN-W26944")],
        [],
        "unit.level",
        "Không thể đặt Phường Con",
    ),
    "a merge from a unit that did not exist the day before": (
        [],
        [PlannedEvent("merge", ("VN-W26944",), ("VN-W26905",), WARD_BASIS)],
        "event.source_gone",
        "VN-W26944 không tồn tại",
    ),
    "a split into one unit": (
        [],
        [PlannedEvent("split", ("VN-OLD-W26950",), ("VN-W26905",), WARD_BASIS)],
        "event.shape",
        "Chia tách",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_plan_is_refused_and_writes_nothing(loaded, package_plan, monkeypatch, case):
    versions, events, code, words = BAD[case]
    bad = dataclasses.replace(
        package_plan,
        versions=[*package_plan.versions, *versions],
        events=[*package_plan.events, *events],
    )
    monkeypatch.setattr(national, "read_package", lambda: bad)
    before = tables()
    with pytest.raises(DomainError) as caught:
        national_load(actor=loaded.actor)
    assert caught.value.code == code and words in caught.value.message, caught.value.message
    assert tables() == before


@pytest.mark.django_db
def test_only_who_may_edit_the_whole_tree_may_load(loaded):
    nobody = Actor(user=None, name="khách", operation_id="test-op")
    before = tables()
    with pytest.raises(PermissionDeniedError):
        national_load(actor=nobody)
    assert tables() == before

"""Imports and exports of `orgs` and `members` (INTERCHANGE.md): headers in any spelling, the
round trip through .xlsx and .csv of organizations with versions and members with a transfer
and statuses, re-imports that change nothing, dry runs, member exports only for admins and
logged, and every bad input refused with the Vietnamese message of its rule and nothing
written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import actor_for
from tests.test_imports import csv_file, do_import, run_cli, xlsx
from tongket.core.errors import PermissionDeniedError
from tongket.core.models import ChangeLog
from tongket.imports import kinds as kinds_module
from tongket.imports.export import export_kind
from tongket.imports.kinds import MEMBERS, ORGS, map_table
from tongket.imports.readers import Table
from tongket.party import services
from tongket.party.models import (
    Member,
    Membership,
    MemberStatusPeriod,
    PartyOrg,
    PartyOrgVersion,
)
from tongket.party.services import (
    member_create,
    member_status_set,
    member_transfer,
    org_create,
    org_version_add,
)
from tongket.registry.models import AdminUnit, AdminUnitVersion
from tongket.registry.services import unit_create

pytestmark = pytest.mark.django_db
D = dt.date
ORG_HEAD = [
    "Mã tổ chức",
    "Tên tổ chức",
    "Loại",
    "Mã tổ chức cấp trên",
    "Mã đơn vị hành chính",
    "Hiệu lực từ",
    "Hiệu lực đến",
]
MEMBER_HEAD = [
    "Số thẻ đảng viên",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Mã tổ chức",
    "Từ ngày",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Trạng thái",
]


# --- a registry with history ----------------------------------------------------------------
@pytest.fixture
def history(db, system):
    """Units HCM ─ W1, W2; organizations with a rename, a move and a dissolution; members with
    a transfer, an exemption, a death, and a probationary member.

        CITY ─ A (renamed 1/1/2020) ─ A1 ─ A1a
                                        └ K (sub-branch until 2014, then under B as a
             └ B ─ B1                       grassroots branch)
                 └ OLD (2000–2009)
    """
    s = system
    hcm = unit_create(actor=s, code="HCM", name="Thành phố Hồ Chí Minh", level="province")
    w1 = unit_create(actor=s, code="W1", name="Phường An", level="ward", parent=hcm)
    w2 = unit_create(actor=s, code="W2", name="Phường Bình", level="ward", parent=hcm)
    start = D(2000, 1, 1)
    city = org_create(
        actor=s,
        code="CITY",
        name="Đảng bộ Thành phố",
        kind="party_committee",
        unit=hcm,
        valid_from=start,
    )
    a = org_create(
        actor=s,
        code="A",
        name="Đảng bộ phường An",
        kind="party_committee",
        parent=city,
        unit=w1,
        valid_from=start,
        valid_to=D(2019, 12, 31),
    )
    org_version_add(
        actor=s,
        org=a,
        valid_from=D(2020, 1, 1),
        name="Đảng bộ phường An Mới",
        kind="party_committee",
        parent=city,
        unit=w1,
    )
    a1 = org_create(
        actor=s,
        code="A1",
        name="Đảng bộ cơ sở An Một",
        kind="grassroots_committee",
        parent=a,
        valid_from=start,
    )
    a1a = org_create(
        actor=s, code="A1a", name="Chi bộ Khu phố 1", kind="sub_branch", parent=a1, valid_from=start
    )
    b = org_create(
        actor=s,
        code="B",
        name="Đảng bộ phường Bình",
        kind="party_committee",
        parent=city,
        unit=w2,
        valid_from=start,
    )
    b1 = org_create(
        actor=s,
        code="B1",
        name="Chi bộ cơ sở Bình Một",
        kind="grassroots_branch",
        parent=b,
        valid_from=D(2005, 1, 1),
    )
    k = org_create(
        actor=s,
        code="K",
        name="Chi bộ Khu phố 2",
        kind="sub_branch",
        parent=a1,
        valid_from=start,
        valid_to=D(2014, 12, 31),
    )
    org_version_add(
        actor=s,
        org=k,
        valid_from=D(2015, 1, 1),
        name="Chi bộ cơ sở Khu phố 2",
        kind="grassroots_branch",
        parent=b,
    )
    org_create(
        actor=s,
        code="OLD",
        name="Chi bộ cơ sở Cũ",
        kind="grassroots_branch",
        parent=b,
        valid_from=start,
        valid_to=D(2009, 12, 31),
    )
    anh = member_create(
        actor=s,
        org=a1a,
        card_number="79-0001",
        full_name="Đặng Thị Ánh",
        birth_date=D(1980, 5, 1),
        gender="female",
        admitted_on=D(2010, 3, 2),
        confirmed_on=D(2011, 3, 2),
    )
    member_transfer(actor=s, member=anh, to_org=b1, on=D(2018, 6, 1))
    be = member_create(
        actor=s,
        org=b1,
        card_number="79-0002",
        full_name="Bùi Văn Bê",
        birth_date=D(1970, 1, 15),
        gender="male",
        admitted_on=D(2006, 5, 1),
        confirmed_on=D(2007, 5, 1),
        since=D(2008, 1, 1),
    )
    member_status_set(actor=s, member=be, status="exempted", on=D(2020, 1, 1))
    cuong = member_create(
        actor=s,
        org=a1a,
        card_number="79-0003",
        full_name="Lê Văn Cường",
        birth_date=D(1940, 2, 28),
        gender="male",
        admitted_on=D(1965, 9, 2),
        confirmed_on=D(1966, 9, 2),
        since=D(2000, 1, 1),
    )
    member_status_set(actor=s, member=cuong, status="deceased", on=D(2022, 5, 5))
    member_create(
        actor=s,
        org=k,
        card_number="79-0004",
        full_name="Ngô Ngọc Yến",
        birth_date=D(2001, 12, 1),
        gender="female",
        admitted_on=D(2026, 3, 1),
    )
    return {"a1a": a1a, "b1": b1, "k": k, "anh": anh, "be": be}


def counts() -> tuple[int, ...]:
    return (
        Member.objects.count(),
        Membership.objects.count(),
        MemberStatusPeriod.objects.count(),
        PartyOrg.objects.count(),
        PartyOrgVersion.objects.count(),
        ChangeLog.objects.count(),
    )


def _code_path(path: str, codes: dict[int, str]) -> str:
    return "/".join(codes[int(pk)] for pk in path.strip("/").split("/"))


def party_records() -> dict:
    """The party registry by natural keys, without database ids."""
    codes = dict(PartyOrg.objects.values_list("pk", "code"))
    return {
        "orgs": sorted(
            (
                o.code,
                o.name,
                o.kind,
                o.parent.code if o.parent else "",
                o.unit.code if o.unit else "",
                _code_path(o.path, codes),
            )
            for o in PartyOrg.objects.select_related("parent", "unit")
        ),  # fmt: skip
        "versions": sorted(
            PartyOrgVersion.objects.values_list(
                "org__code", "valid_from", "valid_to", "name", "kind", "parent__code", "unit__code"
            )
        ),
        "members": sorted(
            Member.objects.values_list(
                "card_number",
                "full_name",
                "name_folded",
                "name_sort",
                "birth_date",
                "gender",
                "org__code",
                "admitted_on",
                "confirmed_on",
                "status",
            )
        ),
        "memberships": sorted(
            Membership.objects.values_list(
                "member__card_number", "org__code", "kind", "valid_from", "valid_to"
            )
        ),
        "statuses": sorted(
            MemberStatusPeriod.objects.values_list(
                "member__card_number", "status", "valid_from", "valid_to"
            )
        ),
    }


def empty_database() -> None:
    MemberStatusPeriod.objects.all().delete()
    Membership.objects.all().delete()
    Member.objects.all().delete()
    PartyOrgVersion.objects.all().delete()
    for org in PartyOrg.objects.order_by("-path"):  # children first: parents are protected
        org.delete()
    AdminUnitVersion.objects.all().delete()
    for unit in AdminUnit.objects.order_by("-path"):
        unit.delete()


def messages(result) -> str:
    return "\n".join(f"{e.row} {e.column}: {e.message}" for e in result.errors)


# --- headers and words ----------------------------------------------------------------------
def table(sheet: str, header: list, *rows: list) -> Table:
    numbered = [(i, list(r)) for i, r in enumerate(rows, start=2)]
    return Table(Path("t.xlsx"), sheet, header, 1, numbered, len(rows))


ORG_ROW = ["A9", "Chi bộ Chín", "chi bộ", "A1", "W1", "01/01/2020", ""]
MEMBER_ROW = ["79-9", "Trần  Văn Chín", "01/02/1980", "nam", "A1a", "", "02/03/2010", "", ""]


@pytest.mark.parametrize(
    "header",
    [
        ORG_HEAD,
        [h.upper() for h in ORG_HEAD],
        ["ma to chuc", "ten to chuc", "loai", "ma to chuc cap tren", "ma don vi hanh chinh",
         "hieu luc tu", "hieu luc den"],
        ["  Mã  tổ chức ", "Tên tổ chức:", "LOẠI.", "Mã tổ chức (cấp trên)", "Mã đơn vị hành chính",
         "Hiệu lực từ", "Hiệu lực đến"],
        ["code", "name", "kind", "parent_code", "unit_code", "valid_from", "valid_to"],
        ["CODE", "Name", "KIND", "Parent Code", "unit code", "Valid From", "valid-to"],
    ],
)  # fmt: skip
def test_org_headers_match_in_any_case_accents_or_code_name(header):
    mapped = map_table(ORGS, table("orgs", header, ORG_ROW))
    assert mapped.errors == [] and mapped.warnings == []
    (record,) = mapped.records
    assert (record.code, record.kind, record.parent_code, record.unit_code, record.valid_from) == (
        "A9",
        "sub_branch",
        "A1",
        "W1",
        D(2020, 1, 1),
    )


@pytest.mark.parametrize(
    "header",
    [
        MEMBER_HEAD,
        [h.upper() for h in MEMBER_HEAD],
        ["so the dang vien", "ho va ten", "ngay sinh", "gioi tinh", "ma to chuc", "tu ngay",
         "ngay vao dang", "ngay chinh thuc", "trang thai"],
        ["SỐ THẺ ĐẢNG VIÊN", "Họ và tên:", "Ngày  sinh", "GIỚI TÍNH", "Mã tổ chức", "Từ ngày.",
         "Ngày vào Đảng", "Ngày chính thức", "Trạng thái"],
        ["card_number", "full_name", "birth_date", "gender", "org_code", "since", "admitted_on",
         "confirmed_on", "status"],
        ["Card Number", "FULL NAME", "birth date", "Gender", "ORG_CODE", "Since", "admitted on",
         "Confirmed-On", "STATUS"],
    ],
)  # fmt: skip
def test_member_headers_match_in_any_case_accents_or_code_name(header):
    mapped = map_table(MEMBERS, table("members", header, MEMBER_ROW))
    assert mapped.errors == [] and mapped.warnings == []
    (record,) = mapped.records
    assert (record.card_number, record.full_name, record.gender, record.start, record.status) == (
        "79-9",
        "Trần Văn Chín",
        "male",
        D(2010, 3, 2),
        "active",
    )


@pytest.mark.parametrize(
    "word, kind",
    [
        ("đảng bộ", "party_committee"),
        ("Đảng bộ cơ sở", "grassroots_committee"),
        ("ĐBCS", "grassroots_committee"),
        ("chi bo co so", "grassroots_branch"),
        ("ĐẢNG BỘ BỘ PHẬN", "sub_committee"),
        ("chi bộ trực thuộc", "sub_branch"),
        ("Chi bộ", "sub_branch"),
        ("sub_branch", "sub_branch"),
    ],
)
def test_org_kinds_accept_words_abbreviations_and_code_names(word, kind):
    assert ORGS.column("kind").convert(word) == kind


@pytest.mark.parametrize(
    "word, status",
    [
        ("đang sinh hoạt", "active"),
        ("", ""),  # empty: the default, active
        ("Miễn sinh hoạt", "exempted"),
        ("chuyển đi", "transferred_out"),
        ("TỪ TRẦN", "deceased"),
        ("ra khoi Dang", "left"),
        ("transferred_out", "transferred_out"),
    ],
)
def test_member_statuses_accept_words_and_code_names(word, status):
    assert MEMBERS.column("status").convert(word) == status


def test_genders_and_the_leaving_statuses_agree_with_the_services():
    assert [MEMBERS.column("gender").convert(w) for w in ("Nam", "nữ", "NU", "female")] == [
        "male",
        "female",
        "female",
        "female",
    ]
    assert kinds_module.LEAVING == services.LEAVING


# --- the round trip and re-imports ----------------------------------------------------------
def export_all(tmp_path: Path, system, suffix: str) -> dict[str, Path]:
    paths = {kind: tmp_path / f"{kind}{suffix}" for kind in ("units", "orgs", "members")}
    for kind, path in paths.items():
        export_kind(kind, path, system)
    return paths


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_rebuilds_the_same_party_registry_in_an_empty_database(
    history, system, tmp_path, suffix
):
    paths = export_all(tmp_path, system, suffix)
    records = party_records()
    empty_database()
    assert PartyOrg.objects.count() == Member.objects.count() == 0
    for kind in ("units", "orgs", "members"):
        plan, result = do_import(kind, paths[kind], system)
        assert result.errors == [] and result.written, messages(result)
        assert result.counts["update"] == result.counts["unchanged"] == 0
    assert party_records() == records


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_importing_the_same_files_twice_changes_nothing(history, system, tmp_path, suffix):
    paths = export_all(tmp_path, system, suffix)
    rows = {"orgs": 10, "members": 7}
    before, records = counts(), party_records()
    for kind in ("orgs", "members"):
        plan, result = do_import(kind, paths[kind], system)
        expected = {"create": 0, "update": 0, "unchanged": rows[kind]}
        assert plan.counts == result.counts == expected, messages(result)
    assert counts() == before and party_records() == records


def test_the_member_export_writes_the_history_as_rows(history, system, tmp_path):
    path = tmp_path / "members.xlsx"
    assert export_kind("members", path, system) == 7
    sheet = load_workbook(path).active
    rows = list(sheet.values)
    assert list(rows[0]) == MEMBER_HEAD and sheet[1][0].font.bold
    by_card = {}
    for row in rows[1:]:
        by_card.setdefault(row[0], []).append((row[4], row[5].date(), row[8]))
    assert by_card["79-0001"] == [
        ("A1a", D(2010, 3, 2), "Đang sinh hoạt"),
        ("B1", D(2018, 6, 1), "Đang sinh hoạt"),
    ]
    assert by_card["79-0002"] == [
        ("B1", D(2008, 1, 1), "Đang sinh hoạt"),
        ("B1", D(2020, 1, 1), "Miễn sinh hoạt"),
    ]
    assert by_card["79-0003"][-1] == ("A1a", D(2022, 5, 5), "Từ trần")
    assert sheet["C2"].is_date and sheet["C2"].number_format == "DD/MM/YYYY"


def test_the_org_export_writes_words_and_codes(history, system, tmp_path):
    path = tmp_path / "orgs.csv"
    assert export_kind("orgs", path, system) == PartyOrgVersion.objects.count() == 10
    text = path.read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == ",".join(ORG_HEAD)
    assert "K,Chi bộ cơ sở Khu phố 2,Chi bộ cơ sở,B,,01/01/2015," in text
    assert "A,Đảng bộ phường An,Đảng bộ,CITY,W1,01/01/2000,31/12/2019" in text


def test_a_dry_run_reports_the_same_counts_and_writes_nothing(history, system, tmp_path):
    paths = export_all(tmp_path, system, ".xlsx")
    empty_database()
    for kind in ("units", "orgs"):
        do_import(kind, paths[kind], system)
    before = counts()
    plan, dry = do_import("members", paths["members"], system, dry_run=True)
    assert dry.errors == [] and not dry.written, messages(dry)
    assert dry.counts == plan.counts == {"create": 7, "update": 0, "unchanged": 0}
    assert counts() == before
    _plan, real = do_import("members", paths["members"], system)
    assert real.counts == dry.counts and real.written


# --- changes through a file -----------------------------------------------------------------
def members_file(tmp_path: Path, *rows: list, name: str = "members.xlsx") -> Path:
    return xlsx(tmp_path / name, [MEMBER_HEAD, *rows], title="members")


def orgs_file(tmp_path: Path, *rows: list, name: str = "orgs.xlsx") -> Path:
    return xlsx(tmp_path / name, [ORG_HEAD, *rows], title="orgs")


ANH = ["79-0001", "Đặng Thị Ánh", "01/05/1980", "Nữ"]
ANH_DATES = ["02/03/2010", "02/03/2011"]


def test_a_later_row_with_another_org_is_a_transfer(history, system, tmp_path):
    path = members_file(
        tmp_path,
        [*ANH, "A1a", "02/03/2010", *ANH_DATES, ""],
        [*ANH, "B1", "01/06/2018", *ANH_DATES, ""],
        [*ANH, "K", "15/08/2024", *ANH_DATES, "đang sinh hoạt"],
    )
    logs = ChangeLog.objects.count()
    plan, result = do_import("members", path, system)
    assert result.counts == {"create": 0, "update": 1, "unchanged": 2}, messages(result)
    anh = Member.objects.get(card_number="79-0001")
    assert anh.org.code == "K"
    spans = list(
        anh.memberships.order_by("valid_from").values_list("org__code", "valid_from", "valid_to")
    )
    assert spans[-2:] == [("B1", D(2018, 6, 1), D(2024, 8, 14)), ("K", D(2024, 8, 15), None)]
    log = ChangeLog.objects.order_by("-id").first()
    assert ChangeLog.objects.count() == logs + 1 and log.purpose == "chuyển sinh hoạt"


def test_new_members_with_a_transfer_and_a_status_in_one_file(history, system, tmp_path):
    person = ["79-0100", "Phan Minh Đức", "03/04/1990", "Nam"]
    dates = ["2015-06-01", "2016-06-01"]
    path = members_file(
        tmp_path,
        [*person, "B1", "", *dates, ""],
        [*person, "K", "01/01/2021", *dates, ""],
        [*person, "K", "01/01/2023", *dates, "miễn sinh hoạt"],
        ["79-0101", "Võ Thu Hà", D(1992, 7, 7), "nữ", "A1a", "", D(2016, 1, 1), "", ""],
    )
    plan, result = do_import("members", path, system)
    assert result.counts == {"create": 4, "update": 0, "unchanged": 0}, messages(result)
    duc = Member.objects.get(card_number="79-0100")
    assert (duc.org.code, duc.status) == ("K", "exempted")
    assert duc.memberships.count() == 2 and duc.status_periods.get().valid_from == D(2023, 1, 1)
    audit = ChangeLog.objects.filter(object_type="party.member", object_id=str(duc.pk))
    assert list(audit.order_by("id").values_list("action", flat=True)) == [
        "create",
        "update",
        "update",
    ]


def test_a_new_name_and_a_death_are_updates_through_the_services(history, system, tmp_path):
    path = members_file(
        tmp_path,
        ["79-0001", "Đặng Thị Ánh Hồng", "01/05/1980", "Nữ", "B1", "01/06/2018", *ANH_DATES, ""],
        ["79-0001", "Đặng Thị Ánh Hồng", "01/05/1980", "Nữ", "B1", "10/10/2025", *ANH_DATES,
         "từ trần"],
    )  # fmt: skip
    plan, result = do_import("members", path, system)
    assert result.errors == [] and result.counts["update"] == 2, messages(result)
    anh = Member.objects.get(card_number="79-0001")
    assert (anh.full_name, anh.name_folded, anh.status) == (
        "Đặng Thị Ánh Hồng",
        "dang thi anh hong",
        "deceased",
    )
    assert anh.memberships.get(valid_from=D(2018, 6, 1)).valid_to == D(2025, 10, 9)


def test_a_changed_org_row_is_one_update_with_its_audit_row(history, system, tmp_path):
    path = orgs_file(
        tmp_path,
        ["B1", "Chi bộ cơ sở Bình Một (mới)", "chi bộ cơ sở", "B", "W2", "01/01/2005", ""],
        ["B2", "Chi bộ cơ sở Bình Hai", "CBCS", "B", "W2", "01/01/2025", ""],
    )
    logs = ChangeLog.objects.count()
    plan, result = do_import("orgs", path, system)
    assert result.counts == {"create": 1, "update": 1, "unchanged": 0}, messages(result)
    b1 = PartyOrg.objects.get(code="B1")
    assert (b1.name, b1.unit.code) == ("Chi bộ cơ sở Bình Một (mới)", "W2")
    update = ChangeLog.objects.filter(action="update", object_type="party.partyorgversion").get()
    assert update.before["name"] == "Chi bộ cơ sở Bình Một"
    assert update.after["name"] == "Chi bộ cơ sở Bình Một (mới)"
    assert ChangeLog.objects.count() > logs


def test_moving_an_org_moves_the_paths_under_it(history, system, tmp_path):
    path = orgs_file(
        tmp_path,
        ["A1", "Đảng bộ cơ sở An Một", "đảng bộ cơ sở", "A", "", "01/01/2000", "31/12/2024"],
        ["A1", "Đảng bộ cơ sở An Một", "đảng bộ cơ sở", "B", "", "01/01/2025", ""],
    )
    plan, result = do_import("orgs", path, system)
    assert result.errors == [] and result.counts == {"create": 1, "update": 1, "unchanged": 0}
    b, a1a = PartyOrg.objects.get(code="B"), PartyOrg.objects.get(code="A1a")
    assert a1a.path.startswith(b.path)


# --- bad input: the message of the rule, and nothing written --------------------------------
BE = ["79-0002", "Bùi Văn Bê", "15/01/1970", "Nam"]
NEW = ["79-0200", "Hồ Văn Mới", "01/01/1990", "Nam"]
BAD_MEMBERS = {
    "a member active in two organizations on one day": (
        [[*NEW, "B1", "01/01/2020", "01/06/2015", "", ""],
         [*NEW, "A1a", "01/01/2020", "01/06/2015", "", ""]],
        (3, "Mã tổ chức", "Hồ Văn Mới sinh hoạt chính thức ở hai tổ chức cùng ngày 01/01/2020 "
                          "(B1 và A1a)."),
    ),
    "a duplicate card number with conflicting data": (
        [[*NEW, "B1", "", "01/06/2015", "", ""],
         ["79-0200", "Hồ Văn Mới", "02/01/1990", "Nam", "K", "01/01/2021", "01/06/2015", "", ""]],
        (3, "Ngày sinh", "Số thẻ 79-0200 đã có ở dòng 3 với ngày sinh khác (01/01/1990)."),
    ),
    "a transfer dated before admission": (
        [[*ANH, "K", "01/01/2009", *ANH_DATES, ""]],
        (2, "Từ ngày", "Ngày chuyển sinh hoạt (01/01/2009) đứng trước ngày vào Đảng (02/03/2010)."),
    ),
    "a new member's transfer dated before admission": (
        [[*NEW, "B1", "", "01/06/2015", "", ""], [*NEW, "K", "01/01/2014", "01/06/2015", "", ""]],
        (3, "Từ ngày", "Ngày chuyển sinh hoạt (01/01/2014) đứng trước ngày vào Đảng (01/06/2015)."),
    ),
    "an official date before the admission date": (
        [[*NEW, "B1", "", "01/06/2015", "01/06/2014", ""]],
        (2, "Ngày chính thức", "Ngày chính thức (01/06/2014) đứng trước ngày vào Đảng "
                               "(01/06/2015)."),
    ),
    "an admission in the future": (
        [[*NEW, "B1", "", "01/06/2099", "", ""]],
        (2, "Ngày vào Đảng", "Ngày vào Đảng ở tương lai: 01/06/2099."),
    ),
    "a transfer in the future": (
        [[*ANH, "K", "01/01/2099", *ANH_DATES, ""]],
        (2, "Từ ngày", "Ngày chuyển ở tương lai: 01/01/2099."),
    ),
    "a start in the future": (
        [[*NEW, "B1", "01/01/2099", "01/06/2015", "", ""]],
        (2, "Từ ngày", "Ngày bắt đầu sinh hoạt ở tương lai: 01/01/2099."),
    ),
    "an unknown org code": (
        [[*NEW, "NOPE", "", "01/06/2015", "", ""]],
        (2, "Mã tổ chức", "Không tìm thấy tổ chức mã NOPE (hãy nhập tổ chức trước)."),
    ),
    "an org that did not exist on the day": (
        [[*NEW, "OLD", "01/01/2015", "01/06/2009", "", ""]],
        (2, "Mã tổ chức", "Tổ chức OLD không tồn tại vào ngày 01/01/2015."),
    ),
    "a transfer to an org that did not exist on the day": (
        [[*ANH, "B1", "01/06/2018", *ANH_DATES, ""], [*ANH, "OLD", "01/01/2024", *ANH_DATES, ""]],
        (3, "Mã tổ chức", "Tổ chức OLD không tồn tại vào ngày 01/01/2024."),
    ),
    "a history that differs from the stored one": (
        [[*BE, "A1a", "01/01/2008", "01/05/2006", "01/05/2007", ""]],
        (2, "Mã tổ chức", "Khác với quá trình sinh hoạt đã lưu: ngày 01/01/2008 đảng viên "
                          "Bùi Văn Bê sinh hoạt ở B1"),
    ),
    "a changed birth date of a stored member": (
        [["79-0002", "Bùi Văn Bê", "16/01/1970", "Nam", "B1", "", "01/05/2006", "01/05/2007", ""]],
        (2, "Ngày sinh", "Khác với hồ sơ đã lưu của số thẻ 79-0002 (ngày sinh: 15/01/1970)"),
    ),
    "a first row that leaves": (
        [[*NEW, "B1", "", "01/06/2015", "", "từ trần"]],
        (2, "Trạng thái", "Dòng đầu tiên của số thẻ 79-0200 phải là nơi đảng viên bắt đầu"),
    ),
    "a transfer after death": (
        [["79-0003", "Lê Văn Cường", "28/02/1940", "Nam", "B1", "01/01/2024", "02/09/1965",
          "02/09/1966", ""]],
        (2, "Mã tổ chức", "Đảng viên Lê Văn Cường có trạng thái “Từ trần” từ ngày 05/05/2022"),
    ),
    "a bad gender": (
        [["79-0200", "Hồ Văn Mới", "01/01/1990", "khác", "B1", "", "01/06/2015", "", ""]],
        (2, "Giới tính", "Giới tính không hợp lệ: “khác”"),
    ),
    "an unknown status": (
        [[*NEW, "B1", "", "01/06/2015", "", "nghỉ hưu"]],
        (2, "Trạng thái", "Trạng thái không hợp lệ: “nghỉ hưu”"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_MEMBERS, ids=list(BAD_MEMBERS))
def test_a_bad_member_row_is_refused_with_its_rule_and_nothing_is_written(
    history, system, tmp_path, case
):
    rows, (row, column, words) = BAD_MEMBERS[case]
    # A good new member first: it is not written either, because the import is all or nothing.
    good = ["79-0300", "Lý Thanh Tâm", "01/01/1985", "Nữ", "A1a", "", "01/01/2015", "", ""]
    path = members_file(tmp_path, good, *rows)
    row += 1
    before, records = counts(), party_records()
    plan, result = do_import("members", path, system)
    assert not result.written and counts() == before and party_records() == records
    found = [(e.row, e.column) for e in result.errors if words in e.message]
    assert found == [(row, column)], messages(result)
    assert all(e.sheet == "members" for e in result.errors)
    # The preview (the plan) found it already, before anything was tried.
    assert any(words in e.message for e in plan.errors), messages(plan)


BAD_ORGS = {
    "an unknown parent code": (
        [["X1", "Chi bộ X", "chi bộ cơ sở", "NOPE", "", "01/01/2020", ""]],
        (2, "Mã tổ chức cấp trên", "Không tìm thấy tổ chức cấp trên mã NOPE, cả trong tệp lẫn"),
    ),
    "an unknown unit code": (
        [["X1", "Chi bộ X", "chi bộ cơ sở", "B", "W9", "01/01/2020", ""]],
        (2, "Mã đơn vị hành chính", "Không tìm thấy đơn vị hành chính mã W9"),
    ),
    "a sub-branch under a grassroots branch": (
        [["X1", "Chi bộ X", "chi bộ", "B1", "", "01/01/2020", ""]],
        (2, "Loại", "Không thể đặt chi bộ trực thuộc Chi bộ X dưới chi bộ cơ sở."),
    ),
    "a parent that did not exist on the day": (
        [["X1", "Chi bộ X", "chi bộ cơ sở", "OLD", "", "01/01/2020", ""]],
        (2, "Mã tổ chức cấp trên", "Tổ chức OLD không tồn tại vào ngày 01/01/2020."),
    ),
    "overlapping versions in the file": (
        [["X1", "Chi bộ X", "chi bộ cơ sở", "B", "", "01/01/2020", ""],
         ["X1", "Chi bộ X mới", "chi bộ cơ sở", "B", "", "01/01/2024", ""]],
        (3, "Hiệu lực từ", "Hai phiên bản của Chi bộ X mới trùng thời gian"),
    ),
    "overlapping a stored version": (
        [["B1", "Chi bộ cơ sở Bình Một", "chi bộ cơ sở", "B", "", "01/06/2024", ""]],
        (2, "Hiệu lực từ", "Hai phiên bản của Chi bộ cơ sở Bình Một trùng thời gian"),
    ),
    "a circle in the file": (
        [["X1", "Đảng bộ X", "đảng bộ", "X2", "", "01/01/2020", ""],
         ["X2", "Đảng bộ Y", "đảng bộ", "X1", "", "01/01/2020", ""]],
        (2, "Mã tổ chức cấp trên", "Tổ chức cấp trên tạo thành vòng lặp: X1 → X2 → X1."),
    ),
    "a circle with the stored tree": (
        [["CITY", "Đảng bộ Thành phố", "đảng bộ", "A", "", "01/01/2000", ""]],
        (2, "Mã tổ chức cấp trên", "Tổ chức cấp trên A nằm trong chính CITY (vòng lặp)."),
    ),
    "an org under itself": (
        [["X1", "Đảng bộ X", "đảng bộ", "X1", "", "01/01/2020", ""]],
        (2, "Mã tổ chức cấp trên", "Tổ chức không thể là cấp trên của chính nó."),
    ),
    "a kind that no longer fits the organizations under it": (
        [["A1", "Đảng bộ cơ sở An Một", "chi bộ cơ sở", "A", "", "01/01/2000", ""]],
        (2, "Loại", "Không thể đặt chi bộ trực thuộc Chi bộ Khu phố 1 dưới chi bộ cơ sở."),
    ),
    "an unknown kind": (
        [["X1", "Chi bộ X", "tổ đảng", "B", "", "01/01/2020", ""]],
        (2, "Loại", "Loại không hợp lệ: “tổ đảng”"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_ORGS, ids=list(BAD_ORGS))
def test_a_bad_org_row_is_refused_with_its_rule_and_nothing_is_written(
    history, system, tmp_path, case
):
    rows, (row, column, words) = BAD_ORGS[case]
    good = ["B9", "Chi bộ cơ sở Bình Chín", "chi bộ cơ sở", "B", "W2", "01/01/2025", ""]
    path = orgs_file(tmp_path, good, *rows)
    row += 1
    before, records = counts(), party_records()
    plan, result = do_import("orgs", path, system)
    assert not result.written and counts() == before and party_records() == records
    found = [(e.row, e.column) for e in result.errors if words in e.message]
    assert found == [(row, column)], messages(result)
    assert all(e.sheet == "orgs" for e in result.errors)


# --- permissions: member exports are for admins, and logged ---------------------------------
def test_an_admin_exports_the_members_of_their_scope_and_the_export_is_logged(cast, tmp_path):
    path = tmp_path / "members.csv"
    alice = actor_for(cast.alice)  # admin of A
    assert export_kind("members", path, alice) == 1
    text = path.read_text(encoding="utf-8-sig")
    assert "A-0001" in text and "B-0001" not in text
    log = ChangeLog.objects.filter(action="export", object_type="party.member").get()
    assert (log.user_name, log.after) == ("alice", {"rows": 1})


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_a_viewer_cannot_export_members(cast, tmp_path, who):
    path = tmp_path / "members.xlsx"
    with pytest.raises(PermissionDeniedError) as caught:
        export_kind("members", path, actor_for(getattr(cast, who)))
    assert "chỉ người quản trị của phạm vi mới được xuất" in caught.value.message
    assert not path.exists() and not ChangeLog.objects.filter(action="export").exists()


def test_a_viewer_may_export_orgs_of_their_scope(cast, tmp_path):
    path = tmp_path / "orgs.csv"
    assert export_kind("orgs", path, actor_for(cast.bob)) == 2  # B and B1
    assert "BÊTA" in path.read_text(encoding="utf-8-sig")


def test_an_import_outside_the_scope_is_refused_per_row(cast, tmp_path):
    path = members_file(
        tmp_path, ["N-1", "Trần Văn Một", "01/01/1990", "Nam", "B1", "", "01/01/2015", "", ""]
    )
    before = counts()
    _plan, result = do_import("members", path, actor_for(cast.alice))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "Mã tổ chức", "Bạn không có quyền thực hiện thao tác này.")
    ]
    assert counts() == before


# --- the command line -----------------------------------------------------------------------
@pytest.mark.parametrize("kind, rows", [("orgs", 10), ("members", 7)])
def test_cli_export_import_and_dry_run(capsys, history, tmp_path, kind, rows):
    path = tmp_path / f"{kind}.xlsx"
    code, out, err = run_cli(capsys, "export", kind, str(path))
    assert code == 0 and f"Đã xuất {rows} dòng" in out, err
    code, out, err = run_cli(capsys, "import", kind, str(path), "--dry-run")
    assert code == 0 and f"Tạo mới: 0 · Cập nhật: 0 · Giữ nguyên: {rows}" in out, err
    assert "Chạy thử" in out
    before = counts()
    code, out, err = run_cli(capsys, "import", kind, str(path))
    assert code == 0 and f"Giữ nguyên: {rows}" in out and counts() == before


def test_cli_import_of_a_bad_members_file_writes_nothing(capsys, history, tmp_path):
    path = csv_file(tmp_path / "m.csv", [MEMBER_HEAD, [*NEW, "NOPE", "", "01/06/2015", "", ""]])
    before = counts()
    code, out, err = run_cli(capsys, "import", "members", str(path))
    assert code == 1 and counts() == before
    assert "Không tìm thấy tổ chức mã NOPE" in out and "Không ghi gì" in out


# --- the bulk registration writes what member_create writes ---------------------------------
def test_bulk_registration_writes_the_rows_member_create_writes(cast, system):
    person = dict(
        full_name="  Trương   Thị Ước ",
        birth_date=D(1991, 2, 3),
        gender="female",
        admitted_on=D(2016, 4, 5),
        confirmed_on=D(2017, 4, 5),
        decided_on=D(2016, 3, 20),
    )
    one = member_create(actor=system, org=cast.a1a, card_number="C-1", **person)
    (two,) = services.members_register_bulk(
        actor=system, rows=[services.NewMember(org=cast.a1a, card_number="C-2", **person)]
    )
    assert two.pk and two.org == cast.a1a and not two._state.adding

    def stored(member):
        row = Member.objects.filter(pk=member.pk).values().get()
        row.pop("id"), row.pop("card_number")
        return row

    def spans(member):
        return list(member.memberships.values_list("org_id", "kind", "valid_from", "valid_to"))

    def audit(member):
        log = ChangeLog.objects.get(object_type="party.member", object_id=str(member.pk))
        after = {k: v for k, v in log.after.items() if k != "card_number"}
        name = log.object_repr.split(" (")[0]
        fields = (log.action, log.user_name, log.operation_id, name, log.before, log.purpose)
        return (*fields, after, log.scope_org_path, log.scope_unit_path)

    assert stored(one) == stored(two) and stored(two)["full_name"] == "Trương Thị Ước"
    assert spans(one) == spans(two)
    assert audit(one) == audit(two)
    assert ChangeLog.objects.filter(before__isnull=True, object_id=str(two.pk)).exists()


def test_only_the_required_columns_are_enough(history, system, tmp_path):
    head = ["Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Mã tổ chức"]
    path = csv_file(
        tmp_path / "m.csv",
        [[*head, "Ngày vào Đảng"], ["79-0500", "Đỗ Hữu Nam", "05/06/1988", "nam", "K", "7/8/2018"]],
    )
    plan, result = do_import("members", path, system)
    assert result.counts == {"create": 1, "update": 0, "unchanged": 0}, messages(result)
    nam = Member.objects.get(card_number="79-0500")
    assert (nam.status, nam.confirmed_on) == ("active", None)
    assert nam.memberships.get().valid_from == D(2018, 8, 7)
    before = counts()
    plan, again = do_import("members", path, system)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 1} and counts() == before


def test_a_hand_made_history_imported_twice_changes_nothing(history, system, tmp_path):
    person = ["79-0600", "Huỳnh Kim Lan", "09/09/1979", "Nữ"]
    dates = ["01/02/2003", "01/02/2004"]
    path = members_file(
        tmp_path,
        [*person, "K", "01/01/2024", *dates, "miễn sinh hoạt"],  # rows in any order
        [*person, "A1a", "", *dates, ""],
        [*person, "K", "01/01/2015", *dates, ""],
    )
    _plan, first = do_import("members", path, system)
    assert first.counts == {"create": 3, "update": 0, "unchanged": 0}, messages(first)
    before, records = counts(), party_records()
    plan, again = do_import("members", path, system)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 3}, messages(again)
    assert counts() == before and party_records() == records

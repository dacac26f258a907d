"""Imports and exports of programmes, projects, activities, cases and tasks
(docs/INTERCHANGE-work.md): a fresh import through the services with its audit rows, the round
trip that changes nothing (.xlsx and .csv), the dry run, the changes a service carries (a case
resolved, a task done), and every bad input of issue 5 refused on its cell with nothing
written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.conftest import actor_for
from tests.test_imports import csv_file, do_import, run_cli
from tongket.core.models import ChangeLog
from tongket.imports.export import export_kind
from tongket.imports.kinds import KINDS
from tongket.meetings import services as meetings
from tongket.meetings.models import Task, TaskNote
from tongket.outreach import services as outreach
from tongket.outreach.models import Activity, Case, Programme, Project
from tongket.party.services import position_create, term_create
from tongket.registry.services import unit_create

pytestmark = pytest.mark.django_db
D = dt.date
WORK = ("programmes", "projects", "activities", "cases", "tasks")

PROGRAMME_HEAD = ["Mã tổ chức", "Mã chương trình", "Tên chương trình", "Bắt đầu từ", "Mô tả"]
PROJECT_HEAD = ["Mã tổ chức", "Mã dự án", "Tên dự án", "Mã đơn vị", "Ghi chú"]
ACTIVITY_HEAD = [
    "Mã tổ chức",
    "Mã chương trình",
    "Ngày",
    "Hình thức",
    "Mã đơn vị",
    "Nội dung",
    "Cơ quan thực hiện",
    "Lãnh đạo tham dự",
    "Mã dự án",
    "Số hộ",
    "Số người",
    "Số suất",
    "Số tiền (đồng)",
    "Ghi chú",
]
CASE_HEAD = [
    "Mã tổ chức",
    "Nội dung",
    "Ngày tiếp nhận",
    "Loại",
    "Mã đơn vị",
    "Mã dự án",
    "Ngày giải quyết",
    "Ghi chú",
]
TASK_HEAD = [
    "Mã tổ chức",
    "Ngày họp",
    "Loại hội nghị",
    "Kết luận số",
    "Tiểu ban",
    "Nhiệm vụ",
    "Mã tổ chức chủ trì",
    "Mã đơn vị chủ trì",
    "Tên đơn vị chủ trì",
    "Hạn hoàn thành",
    "Ngày hoàn thành",
    "Tiến độ",
    "Tình trạng",
    "Số ngày quá hạn",
]
LEADER = "Trần Văn Một, Bí thư Đảng ủy"


@pytest.fixture
def world(cast):
    """Under ward W1 (A's unit): KP1 always, KP3 until 31/3/2024, KP4 from 1/4/2024. A has a
    programme, a project, a leader in post until 30/6/2025, a term with a plenum on 4/7/2024
    (two conclusions) and a congress sub-committee set up on 1/3/2024."""
    s = cast.system
    for code, extra in [
        ("KP1", {}),
        ("KP3", {"valid_to": D(2024, 3, 31)}),
        ("KP4", {"valid_from": D(2024, 4, 1)}),
    ]:
        unit_create(
            actor=s,
            code=f"W1-{code}",
            name=f"Khu phố {code[-1]}",
            level="neighbourhood",
            parent=cast.w1,
            **extra,
        )
    outreach.programme_create(
        actor=s, org=cast.a, code="MTMKP", name="Mỗi tuần một khu phố", started_on=D(2024, 1, 1)
    )
    outreach.project_create(actor=s, org=cast.a, code="XT", name="Dự án rạch Xuyên Tâm")
    position_create(
        actor=s,
        holder_name="Trần Văn Một",
        title="Bí thư Đảng ủy",
        body="standing_members",
        org=cast.a,
        valid_from=D(2020, 10, 1),
        valid_to=D(2025, 6, 30),
    )
    term = term_create(actor=s, org=cast.a, number=12, start_year=2020, end_year=2025)
    cast.plenum = meetings.meeting_create(
        actor=s, org=cast.a, kind="plenum", number=25, term=term, held_on=D(2024, 7, 4)
    )
    for text in ("Đẩy nhanh giải ngân vốn đầu tư công.", "Chuẩn bị năm học mới."):
        meetings.conclusion_add(actor=s, meeting=cast.plenum, text=text)
    cast.sub = meetings.subcommittee_create(
        actor=s,
        org=cast.a,
        congress_number=13,
        term_start=2025,
        term_end=2030,
        name="Tiểu ban Văn kiện",
        established_on=D(2024, 3, 1),
    )
    return cast


@pytest.fixture
def recorded(world):
    """One record of each kind, through the services (what the round trip exports)."""
    s, a = world.system, world.a
    outreach.programme_create(actor=s, org=a, code="DVK", name="Dân vận khéo")
    outreach.project_create(
        actor=s,
        org=a,
        code="DUONG",
        name="Mở rộng đường",
        units=[world.w1],
        note="giai đoạn 1",
    )
    from tongket.party.models import Position
    from tongket.registry.models import AdminUnit

    kp1 = AdminUnit.objects.get(code="W1-KP1")
    outreach.activity_record(
        actor=s,
        org=a,
        programme=Programme.objects.get(code="MTMKP"),
        kind="visit",
        held_on=D(2024, 1, 3),
        units=[kp1, world.w1],
        title="Thăm khu phố 1",
        body="standing_members",
        leaders=[Position.objects.get(holder_name="Trần Văn Một")],
        projects=[Project.objects.get(code="XT")],
        households=12,
        people=30,
        amount=Decimal("150000000"),
    )
    outreach.case_open(
        actor=s,
        org=a,
        kind="petition",
        title="Ngập nước đường số 5",
        opened_on=D(2024, 2, 1),
        unit=kp1,
        project=Project.objects.get(code="XT"),
        resolved_on=D(2024, 5, 2),
    )
    outreach.case_open(
        actor=s, org=a, kind="pending", title="Tranh chấp đất", opened_on=D(2024, 3, 1)
    )
    conclusion = world.plenum.conclusions.get(order=1)
    task = meetings.task_assign(
        actor=s,
        title="Giải ngân 95% vốn",
        deadline=D(2024, 9, 30),
        meeting=world.plenum,
        conclusion=conclusion,
        owner_unit=world.w1,
        owner_label="Ủy ban nhân dân phường An",
    )
    meetings.task_progress(actor=s, task=task, on=D(2024, 8, 1), text="Đạt 60%; còn 2 gói")
    meetings.task_progress(actor=s, task=task, on=D(2024, 9, 20), done=True)
    meetings.task_assign(
        actor=s,
        title="Dự thảo báo cáo chính trị",
        deadline=D(2024, 12, 31),
        subcommittee=world.sub,
        owner_org=world.a1,
    )
    return world


def counts() -> tuple[int, ...]:
    return (
        Programme.objects.count(),
        Project.objects.count(),
        Activity.objects.count(),
        Case.objects.count(),
        Task.objects.count(),
        TaskNote.objects.count(),
        ChangeLog.objects.count(),
    )


def refused(actor, kind, path, column, *words):
    """Imports `path`, expects its first error on `column` with `words`, and nothing written."""
    before = counts()
    _plan, result = do_import(kind, path, actor)
    assert not result.written and result.errors, result
    error = result.errors[0]
    assert error.column == column, error
    for w in words:
        assert w in error.message, error.message
    assert counts() == before
    return error


def activity(**cells) -> list:
    row = dict(
        zip(ACTIVITY_HEAD, ["A", "MTMKP", "10/01/2024", "thăm", "W1-KP1", "Thăm"], strict=False)
    )
    row.update(cells)
    return [row.get(h, "") for h in ACTIVITY_HEAD]


def task(**cells) -> list:
    base = ["A", "04/07/2024", "BCH", "1", "", "Làm đường", "", "W1", "", "31/12/2024"]
    row = dict(zip(TASK_HEAD, base, strict=False))
    row.update(cells)
    return [row.get(h, "") for h in TASK_HEAD]


# --- the kinds -------------------------------------------------------------------------------
def test_the_kinds_have_the_headers_of_the_document():
    heads = {
        "programmes": PROGRAMME_HEAD,
        "projects": PROJECT_HEAD,
        "activities": ACTIVITY_HEAD,
        "cases": CASE_HEAD,
        "tasks": TASK_HEAD,
    }
    for kind, head in heads.items():
        assert [c.header for c in KINDS[kind].columns] == head


# --- a fresh import ---------------------------------------------------------------------------
def test_a_fresh_import_writes_through_the_services_with_audit_rows(world, tmp_path):
    s = world.system
    last = ChangeLog.objects.order_by("-pk").values_list("pk", flat=True).first()
    files = {
        "programmes": [PROGRAMME_HEAD, ["A", "VCYN", "Việc có ý nghĩa giúp dân", "2024-02-01", ""]],
        "projects": [PROJECT_HEAD, ["A", "CAU", "Xây cầu", "W1-KP1; W1", ""]],
        "activities": [
            ACTIVITY_HEAD,
            activity(
                **{
                    "Mã chương trình": "VCYN",
                    "Hình thức": "Trao học bổng",
                    "Mã đơn vị": "W1-KP4;W1",
                    "Ngày": "5/4/2024",
                    "Cơ quan thực hiện": "Thường trực",
                    "Lãnh đạo tham dự": "Trần Văn Một",
                    "Mã dự án": "CAU",
                    "Số suất": "44,0",
                    "Số tiền (đồng)": "1.234.500",
                }
            ),
        ],
        "cases": [CASE_HEAD, ["A", "Cấp nước", "01/02/2024", "kiến nghị", "W1-KP1", "CAU", "", ""]],
        "tasks": [
            TASK_HEAD,
            task(**{"Tiến độ": "01/08/2024: Đã khảo sát; lập dự toán"}),
            task(
                **{
                    "Ngày họp": "",
                    "Loại hội nghị": "",
                    "Kết luận số": "",
                    "Tiểu ban": "tiểu ban văn kiện",
                    "Nhiệm vụ": "Tổng hợp ý kiến",
                    "Mã đơn vị chủ trì": "",
                    "Mã tổ chức chủ trì": "A1",
                    "Hạn hoàn thành": "31/12/2024",
                    "Ngày hoàn thành": "15/12/2024",
                }
            ),
        ],
    }
    created = {}
    for kind in WORK:  # in this order: activities name the programme and project just made
        path = csv_file(tmp_path / f"{kind}.csv", files[kind])
        plan, result = do_import(kind, path, s)
        assert result.errors == [] and result.written, result.errors
        assert plan.counts == result.counts
        created[kind] = result.counts["create"]
    assert created == {"programmes": 1, "projects": 1, "activities": 1, "cases": 1, "tasks": 2}
    a = Activity.objects.get(programme__code="VCYN")
    assert (a.kind, a.items, a.amount, a.body) == ("scholarship", 44, 1234500, "standing_members")
    assert sorted(u.code for u in a.units.all()) == ["W1", "W1-KP4"]
    assert [p.title for p in a.leaders.all()] == ["Bí thư Đảng ủy"]
    assert Project.objects.get(code="CAU").units.count() == 2
    done = Task.objects.get(title="Tổng hợp ý kiến")
    assert (done.status, done.done_on, done.subcommittee) == ("done", D(2024, 12, 15), world.sub)
    road = Task.objects.get(title="Làm đường")
    assert road.conclusion.order == 1 and road.owner_unit == world.w1
    assert [n.text for n in road.notes.all()] == ["Đã khảo sát; lập dự toán"]
    types = set(ChangeLog.objects.filter(pk__gt=last).values_list("object_type", flat=True))
    assert types == {
        "outreach.programme",
        "outreach.project",
        "outreach.activity",
        "outreach.case",
        "meetings.task",
        "meetings.tasknote",
    }


def test_a_dry_run_reports_the_counts_and_writes_nothing(world, tmp_path):
    path = csv_file(
        tmp_path / "a.csv", [ACTIVITY_HEAD, activity(), activity(**{"Ngày": "11/1/2024"})]
    )
    before = counts()
    _plan, result = do_import("activities", path, world.system, dry_run=True)
    assert result.counts["create"] == 2 and not result.written and result.errors == []
    assert counts() == before


def test_importing_the_same_file_twice_changes_nothing(world, tmp_path):
    path = csv_file(tmp_path / "a.csv", [ACTIVITY_HEAD, activity(**{"Số hộ": "12"})])
    do_import("activities", path, world.system)
    before = counts()
    _plan, result = do_import("activities", path, world.system)
    assert result.counts == {"create": 0, "update": 0, "unchanged": 1}
    assert counts() == before


# --- round trips -------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("kind", WORK)
def test_an_export_reimports_unchanged(recorded, tmp_path, kind, suffix):
    path = tmp_path / f"{kind}{suffix}"
    n = export_kind(kind, path, recorded.system)
    assert n >= 1
    before = counts()
    _plan, result = do_import(kind, path, recorded.system)
    assert result.errors == [], result.errors
    assert result.warnings == []
    assert result.counts == {"create": 0, "update": 0, "unchanged": n}
    assert counts() == before


def test_the_task_export_carries_its_state_and_notes(recorded, tmp_path):
    path = tmp_path / "tasks.xlsx"
    export_kind("tasks", path, recorded.system)
    rows = list(load_workbook(path).active.values)
    assert list(rows[0]) == TASK_HEAD
    done = next(r for r in rows if r[5] == "Giải ngân 95% vốn")
    assert done[2] == "Hội nghị Ban Chấp hành" and done[3] == 1 and done[7] == "W1"
    assert done[11] == "01/08/2024: Đạt 60%; còn 2 gói"
    assert done[12] == "Đã hoàn thành"
    late = next(r for r in rows if r[5] == "Dự thảo báo cáo chính trị")
    assert late[4] == "Tiểu ban Văn kiện" and late[12] == "Quá hạn" and late[13] > 0


def test_an_export_into_an_empty_database_rebuilds_the_records(recorded, tmp_path):
    """The activities' export re-imported after the activities are gone creates them again."""
    path = tmp_path / "a.csv"
    export_kind("activities", path, recorded.system)
    before = list(Activity.objects.values_list("held_on", "kind", "title", "households", "amount"))
    Activity.objects.all().delete()
    _plan, result = do_import("activities", path, recorded.system)
    assert result.counts["create"] == 1 and result.errors == []
    after = list(Activity.objects.values_list("held_on", "kind", "title", "households", "amount"))
    assert after == before


# --- changes a service carries -----------------------------------------------------------------
def test_filling_the_resolution_day_resolves_the_case(recorded, tmp_path):
    path = csv_file(
        tmp_path / "c.csv",
        [CASE_HEAD, ["A", "Tranh chấp đất", "1/3/2024", "tồn đọng", "", "", "20/6/2024", ""]],
    )
    logs = ChangeLog.objects.count()
    _plan, result = do_import("cases", path, recorded.system)
    assert result.counts == {"create": 0, "update": 1, "unchanged": 0}
    case = Case.objects.get(title="Tranh chấp đất")
    assert (case.status, case.resolved_on) == ("resolved", D(2024, 6, 20))
    assert ChangeLog.objects.filter(action="update", object_type="outreach.case").count() == 1
    assert ChangeLog.objects.count() == logs + 1


def test_a_new_progress_line_and_a_done_day_move_the_task_on(recorded, tmp_path):
    row = task(
        **{
            "Ngày họp": "",
            "Loại hội nghị": "",
            "Kết luận số": "",
            "Tiểu ban": "Tiểu ban Văn kiện",
            "Nhiệm vụ": "Dự thảo báo cáo chính trị",
            "Mã đơn vị chủ trì": "",
            "Mã tổ chức chủ trì": "A1",
            "Ngày hoàn thành": "20/12/2024",
            "Tiến độ": "01/11/2024: Xong dự thảo lần 1",
        }
    )
    _plan, result = do_import(
        "tasks", csv_file(tmp_path / "t.csv", [TASK_HEAD, row]), recorded.system
    )
    assert result.counts == {"create": 0, "update": 1, "unchanged": 0}, result.errors
    t = Task.objects.get(title="Dự thảo báo cáo chính trị")
    assert (t.status, t.done_on) == ("done", D(2024, 12, 20))
    assert [n.text for n in t.notes.all()] == ["Xong dự thảo lần 1"]


def test_a_changed_value_of_a_stored_record_is_refused_naming_the_stored_one(recorded, tmp_path):
    path = csv_file(tmp_path / "p.csv", [PROGRAMME_HEAD, ["A", "DVK", "Dân vận khéo 2024", "", ""]])
    refused(recorded.system, "programmes", path, "Tên chương trình", "Dân vận khéo", "không sửa")


# --- bad inputs: a Vietnamese message on the cell, nothing written -----------------------------
def test_a_visit_to_a_neighbourhood_that_did_not_exist_that_day(world, tmp_path):
    path = csv_file(
        tmp_path / "a.csv", [ACTIVITY_HEAD, activity(**{"Mã đơn vị": "W1-KP4", "Ngày": "1/3/2024"})]
    )
    refused(world.system, "activities", path, "Mã đơn vị", "W1-KP4", "01/03/2024")
    path = csv_file(
        tmp_path / "b.csv", [ACTIVITY_HEAD, activity(**{"Mã đơn vị": "W1-KP3", "Ngày": "1/4/2024"})]
    )
    refused(world.system, "activities", path, "Mã đơn vị", "W1-KP3", "01/04/2024")


def test_a_task_due_before_its_meeting(world, tmp_path):
    path = csv_file(tmp_path / "t.csv", [TASK_HEAD, task(**{"Hạn hoàn thành": "30/6/2024"})])
    refused(world.system, "tasks", path, "Hạn hoàn thành", "30/06/2024", "04/07/2024")


def test_a_task_due_before_its_sub_committee_was_set_up(world, tmp_path):
    row = task(
        **{
            "Ngày họp": "",
            "Loại hội nghị": "",
            "Kết luận số": "",
            "Tiểu ban": "Tiểu ban Văn kiện",
            "Hạn hoàn thành": "1/2/2024",
        }
    )
    path = csv_file(tmp_path / "t.csv", [TASK_HEAD, row])
    refused(world.system, "tasks", path, "Hạn hoàn thành", "01/02/2024", "01/03/2024")


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ({"Số hộ": "44%"}, "Số hộ", ("không phải tỷ lệ", "44%")),
        ({"Số người": "12,5"}, "Số người", ("số nguyên", "12,5")),
        ({"Số tiền (đồng)": "1.234,5"}, "Số tiền (đồng)", ("phần lẻ", "1234,5")),
        ({"Số tiền (đồng)": "-5"}, "Số tiền (đồng)", ("âm",)),
        ({"Số tiền (đồng)": "nhiều"}, "Số tiền (đồng)", ("nhiều",)),
    ],
)
def test_figures_read_the_vietnamese_way_and_refused_when_not_counts(
    world, tmp_path, cells, column, words
):
    path = csv_file(tmp_path / "a.csv", [ACTIVITY_HEAD, activity(**cells)])
    refused(world.system, "activities", path, column, *words)


def test_figures_with_thousands_dots_and_a_zero_decimal_are_read(world, tmp_path):
    row = activity(**{"Số hộ": "1.234", "Số người": "44,0", "Số tiền (đồng)": "150.000.000,0"})
    _plan, result = do_import(
        "activities", csv_file(tmp_path / "a.csv", [ACTIVITY_HEAD, row]), world.system
    )
    assert result.errors == []
    a = Activity.objects.get()
    assert (a.households, a.people, a.amount) == (1234, 44, Decimal(150_000_000))


@pytest.mark.parametrize(
    ("kind", "head", "row", "column", "words"),
    [
        ("activities", ACTIVITY_HEAD, activity(**{"Mã tổ chức": "ZZZ"}), "Mã tổ chức", ("ZZZ",)),
        (
            "activities",
            ACTIVITY_HEAD,
            activity(**{"Mã đơn vị": "W1-KP9"}),
            "Mã đơn vị",
            ("W1-KP9",),
        ),
        (
            "activities",
            ACTIVITY_HEAD,
            activity(**{"Mã chương trình": "NOPE"}),
            "Mã chương trình",
            ("NOPE",),
        ),
        ("activities", ACTIVITY_HEAD, activity(**{"Mã dự án": "NOPE"}), "Mã dự án", ("NOPE",)),
        (
            "activities",
            ACTIVITY_HEAD,
            activity(**{"Hình thức": "ăn cơm"}),
            "Hình thức",
            ("ăn cơm",),
        ),
        (
            "activities",
            ACTIVITY_HEAD,
            activity(**{"Cơ quan thực hiện": "Ban Bí thư"}),
            "Cơ quan thực hiện",
            ("Ban Bí thư",),
        ),
        ("projects", PROJECT_HEAD, ["A", "X", "Dự án X", "W1;NOPE", ""], "Mã đơn vị", ("NOPE",)),
        (
            "cases",
            CASE_HEAD,
            ["A", "Việc", "1/2/2024", "khiếu nại", "", "", "", ""],
            "Loại",
            ("khiếu nại",),
        ),
        (
            "tasks",
            TASK_HEAD,
            task(**{"Mã tổ chức chủ trì": "NOPE", "Mã đơn vị chủ trì": ""}),
            "Mã tổ chức chủ trì",
            ("NOPE",),
        ),
        ("tasks", TASK_HEAD, task(**{"Kết luận số": "7"}), "Kết luận số", ("7",)),
        ("tasks", TASK_HEAD, task(**{"Ngày họp": "5/7/2024"}), "Ngày họp", ("05/07/2024",)),
        (
            "tasks",
            TASK_HEAD,
            task(
                **{
                    "Tiểu ban": "Tiểu ban Nhân sự",
                    "Ngày họp": "",
                    "Loại hội nghị": "",
                    "Kết luận số": "",
                }
            ),
            "Tiểu ban",
            ("Tiểu ban Nhân sự",),
        ),
    ],
)
def test_unknown_codes(world, tmp_path, kind, head, row, column, words):
    path = csv_file(tmp_path / "f.csv", [head, row])
    refused(world.system, kind, path, column, *words)


@pytest.mark.parametrize(
    ("kind", "head", "rows", "column"),
    [
        (
            "programmes",
            PROGRAMME_HEAD,
            [["A", "P", "Một", "", ""], ["A", "P", "Hai", "", ""]],
            "Mã chương trình",
        ),
        (
            "activities",
            ACTIVITY_HEAD,
            [activity(), activity(**{"Mã đơn vị": "W1-KP1;"})],
            "Nội dung",
        ),
        ("cases", CASE_HEAD, [["A", "Việc", "1/2/2024", "tồn đọng"] + [""] * 4] * 2, "Nội dung"),
        ("tasks", TASK_HEAD, [task(), task(**{"Hạn hoàn thành": "1/1/2025"})], "Nhiệm vụ"),
    ],
)
def test_duplicate_keys_in_one_file(world, tmp_path, kind, head, rows, column):
    path = csv_file(tmp_path / "f.csv", [head, *rows])
    error = refused(world.system, kind, path, column, "dòng 2")
    assert error.row == 3


@pytest.mark.parametrize(
    ("kind", "head", "row", "column"),
    [
        ("activities", ACTIVITY_HEAD, activity(**{"Ngày": "31/02/2024"}), "Ngày"),
        ("activities", ACTIVITY_HEAD, activity(**{"Ngày": "2024/13/01"}), "Ngày"),
        ("programmes", PROGRAMME_HEAD, ["A", "P", "Một", "hôm qua", ""], "Bắt đầu từ"),
        (
            "cases",
            CASE_HEAD,
            ["A", "Việc", "1/2/2024", "tồn đọng", "", "", "1/1/2024", ""],
            "Ngày giải quyết",
        ),
        ("tasks", TASK_HEAD, task(**{"Tiến độ": "đã xong"}), "Tiến độ"),
        ("tasks", TASK_HEAD, task(**{"Ngày hoàn thành": "1/7/2024"}), "Ngày hoàn thành"),
    ],
)
def test_bad_dates(world, tmp_path, kind, head, row, column):
    path = csv_file(tmp_path / "f.csv", [head, row])
    refused(world.system, kind, path, column)


def test_a_day_in_the_future(world, tmp_path):
    path = csv_file(tmp_path / "a.csv", [ACTIVITY_HEAD, activity(**{"Ngày": "1/1/2999"})])
    refused(world.system, "activities", path, "Ngày", "tương lai")


def test_a_leader_not_in_post_that_day(world, tmp_path):
    row = activity(**{"Ngày": "2/7/2025", "Lãnh đạo tham dự": LEADER})
    path = csv_file(tmp_path / "a.csv", [ACTIVITY_HEAD, row])
    refused(world.system, "activities", path, "Lãnh đạo tham dự", "Trần Văn Một", "02/07/2025")


def test_every_error_of_a_file_is_listed_at_once(world, tmp_path):
    rows = [
        activity(**{"Mã đơn vị": "W1-KP4", "Ngày": "1/3/2024"}),
        activity(**{"Số hộ": "44%"}),
        activity(**{"Mã tổ chức": "ZZZ"}),
        activity(**{"Ngày": "12/1/2024"}),  # a good row: not written either
    ]
    before = counts()
    _plan, result = do_import(
        "activities", csv_file(tmp_path / "a.csv", [ACTIVITY_HEAD, *rows]), world.system
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "Mã đơn vị"),
        (3, "Số hộ"),
        (4, "Mã tổ chức"),
    ]
    assert counts() == before


# --- scope ------------------------------------------------------------------------------------
def test_a_user_outside_the_scope_is_refused(world, tmp_path):
    path = csv_file(tmp_path / "p.csv", [PROGRAMME_HEAD, ["A", "NEW", "Mới", "", ""]])
    refused(actor_for(world.bob), "programmes", path, "Mã tổ chức", "không có quyền")
    # An admin of A imports into A, not into B.
    alice = actor_for(world.alice)
    path = csv_file(tmp_path / "q.csv", [PROGRAMME_HEAD, ["B", "NEW", "Mới", "", ""]])
    refused(alice, "programmes", path, "Mã tổ chức", "không có quyền")
    path = csv_file(tmp_path / "r.csv", [PROGRAMME_HEAD, ["A1", "NEW", "Mới", "", ""]])
    _plan, result = do_import("programmes", path, alice)
    assert result.written and Programme.objects.filter(org=world.a1, code="NEW").exists()


def test_the_export_holds_only_what_the_user_may_see(recorded, tmp_path):
    path = tmp_path / "c.csv"
    assert export_kind("cases", path, actor_for(recorded.bob)) == 0
    assert export_kind("cases", path, actor_for(recorded.alice)) == 2


# --- the CLI ------------------------------------------------------------------------------------
def test_import_and_export_through_the_cli(world, tmp_path, capsys):
    path = csv_file(tmp_path / "a.csv", [ACTIVITY_HEAD, activity()])
    code, out, err = run_cli(capsys, "import", "activities", str(path), "--dry-run")
    assert code == 0, err
    assert Activity.objects.count() == 0
    code, out, err = run_cli(capsys, "import", "activities", str(path))
    assert code == 0, err
    assert Activity.objects.get().units.get().code == "W1-KP1"
    target = tmp_path / "out.xlsx"
    code, out, err = run_cli(capsys, "export", "activities", str(target))
    assert code == 0, err
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]] == ACTIVITY_HEAD
    assert sheet["E2"].value == "W1-KP1"
    bad = csv_file(tmp_path / "b.csv", [ACTIVITY_HEAD, activity(**{"Số hộ": "44%"})])
    code, out, err = run_cli(capsys, "import", "activities", str(bad))
    assert code != 0 and "Số hộ" in out + err


# --- the API ------------------------------------------------------------------------------------
def test_import_through_the_api(client, world, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_api import bearer
    from tongket.accounts.services import token_create

    _token, raw = token_create(actor=actor_for(world.alice), user=world.alice, name="script")
    data = csv_file(tmp_path / "a.csv", [ACTIVITY_HEAD, activity()]).read_bytes()

    def upload(query=""):
        file = SimpleUploadedFile("a.csv", data)
        response = client.post(f"/api/v1/imports/activities{query}", {"file": file}, **bearer(raw))
        return response.json()

    assert upload("?dry_run=true")["counts"]["create"] == 1 and Activity.objects.count() == 0
    assert upload()["written"] is True and Activity.objects.count() == 1
    assert upload()["counts"] == {"create": 0, "update": 0, "unchanged": 1}

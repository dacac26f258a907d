"""Meetings, attendees with the posts they held that day, conclusions → tasks, overdue lists,
the digest, congress sub-committees: services, selectors, bad inputs, scope, CLI, API, pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import actor_for
from tests.test_cli import run
from tongket.core.errors import PermissionDeniedError
from tongket.core.models import ChangeLog
from tongket.domain.errors import DomainError
from tongket.meetings import selectors, services
from tongket.meetings.models import Attendee, Meeting, SubCommittee, Task
from tongket.party.services import position_create, term_create
from tongket.registry.services import unit_create

D = dt.date


@pytest.fixture
def work(cast):
    """A's committee with its term, two leaders (one holding two posts), a guest of the city
    committee, a plenum of 4/7/2024 with two conclusions."""
    s = cast.system
    cast.term = term_create(actor=s, org=cast.a, number=12, start_year=2020, end_year=2025)
    city_term = term_create(actor=s, org=cast.city, number=11, start_year=2020, end_year=2025)
    for holder, title, body, where in [
        ("Trần Văn Một", "Bí thư Đảng ủy", "standing_members", {"org": cast.a, "term": cast.term}),
        ("Lê Thị Hai", "Phó Bí thư Đảng ủy", "standing_members", {"org": cast.a}),
        ("Lê Thị Hai", "Chủ tịch Ủy ban nhân dân phường", "people_committee", {"unit": cast.w1}),
        ("Nguyễn Thị Ba", "Phó Bí thư Thành ủy", "standing_members", {"org": cast.city}),
        (
            "Nguyễn Thị Ba",
            "Chủ tịch Hội đồng nhân dân Thành phố",
            "people_council",
            {"unit": cast.hcm},
        ),
    ]:
        extra = {"term": city_term} if where.get("org") == cast.city else {}
        position_create(
            actor=s,
            holder_name=holder,
            title=title,
            body=body,
            valid_from=D(2020, 10, 1),
            valid_to=D(2025, 6, 30),
            **where,
            **extra,
        )
    position_create(
        actor=s,
        holder_name="Phạm Văn Cũ",
        title="Bí thư Đảng ủy",
        body="standing_members",
        org=cast.a,
        valid_from=D(2015, 1, 1),
        valid_to=D(2020, 9, 30),
    )
    cast.plenum = services.meeting_create(
        actor=s,
        org=cast.a,
        kind="plenum",
        number=25,
        term=cast.term,
        held_on=D(2024, 7, 4),
        time_of_day="chiều",
        period="2024-H1",
    )
    cast.c1 = services.conclusion_add(
        actor=s, meeting=cast.plenum, text="Đẩy nhanh giải ngân vốn đầu tư công."
    )
    cast.c2 = services.conclusion_add(
        actor=s, meeting=cast.plenum, text="Chuẩn bị tốt năm học mới 2024 – 2025."
    )
    return cast


def test_plenum_title_and_attendees_with_their_posts_on_the_day(work):
    s, m = work.system, work.plenum
    assert m.title == "Hội nghị lần thứ 25 Ban Chấp hành Đảng bộ An khóa XII nhiệm kỳ 2020 - 2025"
    services.attendee_add(actor=s, meeting=m, holder_name="Trần Văn Một", chairs=True)
    services.attendee_add(actor=s, meeting=m, holder_name="Lê  Thị Hai")
    services.attendee_add(actor=s, meeting=m, holder_name="Nguyễn Thị Ba", guest=True)
    services.attendee_group_add(
        actor=s, meeting=m, title="Chủ tịch UBND", root=work.hcm, level="ward"
    )
    detail = selectors.meeting_detail(s, m.pk, D(2024, 7, 5))
    rows = {a.name: a for a in detail.attendees}
    assert rows["Lê Thị Hai"].titles == ["Phó Bí thư Đảng ủy", "Chủ tịch Ủy ban nhân dân phường"]
    assert rows["Nguyễn Thị Ba"].guest and rows["Nguyễn Thị Ba"].titles == [
        "Phó Bí thư Thành ủy",
        "Chủ tịch Hội đồng nhân dân Thành phố",
    ]
    assert rows["Trần Văn Một"].chairs
    assert detail.attendees[0].name == "Nguyễn Thị Ba"  # guests first
    assert [g.text for g in detail.groups] == ["Chủ tịch UBND 2 phường"]


def test_attendee_group_counts_the_units_of_the_meeting_day(work):
    """A ward created after the meeting is not counted in that meeting's group."""
    s = work.system
    unit_create(
        actor=s,
        code="W3",
        name="Phường Mới",
        level="ward",
        parent=work.hcm,
        valid_from=D(2025, 1, 1),
    )
    services.attendee_group_add(
        actor=s, meeting=work.plenum, title="Chủ tịch UBND", root=work.hcm, level="ward"
    )
    later = services.meeting_create(
        actor=s, org=work.a, kind="year_end", period="2024", held_on=D(2025, 1, 15)
    )
    services.attendee_group_add(
        actor=s, meeting=later, title="Chủ tịch UBND", root=work.hcm, level="ward"
    )
    assert selectors.meeting_detail(s, work.plenum.pk, D(2025, 1, 1)).groups[0].count == 2
    assert selectors.meeting_detail(s, later.pk, D(2025, 1, 16)).groups[0].count == 3
    assert later.title == ("Hội nghị tổng kết công tác năm 2024 và triển khai nhiệm vụ năm 2025")


def _nothing_written(before_logs: int, **counts) -> None:
    assert ChangeLog.objects.count() == before_logs
    for model, n in counts.items():
        assert {"task": Task, "attendee": Attendee, "meeting": Meeting}[model].objects.count() == n


@pytest.mark.parametrize(
    "holder, guest, code",
    [
        ("Phạm Văn Cũ", False, "attendee.no_position"),  # his post ended in 2020
        ("Người Lạ", False, "attendee.no_position"),
        ("Trần Văn Một", True, "attendee.guest_not_higher"),  # a guest from his own committee
        ("", False, "meeting.required"),
    ],
)
def test_bad_attendees_are_refused(work, holder, guest, code):
    logs = ChangeLog.objects.count()
    with pytest.raises(DomainError) as err:
        services.attendee_add(
            actor=work.system, meeting=work.plenum, holder_name=holder, guest=guest
        )
    assert err.value.code == code and err.value.message
    _nothing_written(logs, attendee=0)


def test_the_same_attendee_twice_is_refused(work):
    services.attendee_add(actor=work.system, meeting=work.plenum, holder_name="Trần Văn Một")
    with pytest.raises(DomainError) as err:
        services.attendee_add(actor=work.system, meeting=work.plenum, holder_name="Trần Văn Một")
    assert err.value.code == "attendee.exists"


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"kind": "plenum", "number": 25, "held_on": D(2024, 7, 4)}, "meeting.term"),
        (
            {"kind": "plenum", "number": 26, "held_on": D(2026, 7, 4), "term": "a"},
            "meeting.outside_term",
        ),
        ({"kind": "plenum", "number": 25, "held_on": D(2024, 8, 4), "term": "a"}, "meeting.exists"),
        (
            {"kind": "plenum", "number": 26, "held_on": D(2024, 8, 4), "term": "city"},
            "meeting.term_org",
        ),
        ({"kind": "mid_year", "period": "2024", "held_on": D(2024, 7, 4)}, "meeting.period"),
        ({"kind": "year_end", "period": "", "held_on": D(2025, 1, 4)}, "period.invalid"),
        ({"kind": "party", "held_on": D(2025, 1, 4)}, "meeting.kind"),
        # Reached the database's positive check as an IntegrityError before.
        ({"kind": "standing", "number": -1, "held_on": D(2024, 3, 1)}, "meeting.number"),
        ({"kind": "thematic", "period": "năm ngoái", "held_on": D(2024, 3, 1)}, "period.invalid"),
    ],
)
def test_bad_meetings_are_refused(work, kwargs, code):
    from tongket.party.models import Term

    terms = {"a": work.term, "city": Term.objects.get(org=work.city)}
    if "term" in kwargs:
        kwargs = {**kwargs, "term": terms[kwargs["term"]]}
    logs, meetings = ChangeLog.objects.count(), Meeting.objects.count()
    with pytest.raises(DomainError) as err:
        services.meeting_create(actor=work.system, org=work.a, **kwargs)
    assert err.value.code == code
    _nothing_written(logs, meeting=meetings)


def test_a_task_due_before_its_meeting_is_refused_and_nothing_is_written(work):
    logs = ChangeLog.objects.count()
    with pytest.raises(DomainError) as err:
        services.task_assign(
            actor=work.system,
            meeting=work.plenum,
            conclusion=work.c1,
            title="Giải ngân",
            deadline=D(2024, 7, 3),
            owner_unit=work.w1,
        )
    assert err.value.code == "task.deadline_before_meeting"
    assert "03/07/2024" in err.value.message and "04/07/2024" in err.value.message
    _nothing_written(logs, task=0)


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"title": "Việc", "deadline": D(2024, 9, 1)}, "task.no_owner"),
        ({"title": "  ", "deadline": D(2024, 9, 1), "owner": True}, "meeting.required"),
        (
            {"title": "Việc", "deadline": D(2024, 9, 1), "owner": True, "other_conclusion": True},
            "task.conclusion",
        ),
        (
            {"title": "Việc", "deadline": D(2024, 9, 1), "owner": True, "no_source": True},
            "task.source",
        ),
    ],
)
def test_other_bad_tasks_are_refused(work, kwargs, code):
    kwargs = dict(kwargs)
    args = {
        "actor": work.system,
        "meeting": work.plenum,
        "title": kwargs["title"],
        "deadline": kwargs["deadline"],
    }
    if kwargs.get("owner"):
        args["owner_org"] = work.a1
    if kwargs.get("other_conclusion"):
        other = services.meeting_create(
            actor=work.system, org=work.a, kind="thematic", topic="x", held_on=D(2024, 7, 5)
        )
        args["conclusion"] = services.conclusion_add(actor=work.system, meeting=other, text="y")
    if kwargs.get("no_source"):
        args["meeting"] = None
    tasks = Task.objects.count()
    with pytest.raises(DomainError) as err:
        services.task_assign(**args)
    assert err.value.code == code
    assert Task.objects.count() == tasks


def _tasks(work):
    s = work.system
    t1 = services.task_assign(
        actor=s,
        meeting=work.plenum,
        conclusion=work.c1,
        title="Giải ngân vốn đầu tư công",
        deadline=D(2024, 9, 30),
        owner_unit=work.w1,
        owner_label="Ủy ban nhân dân phường An",
    )
    t2 = services.task_assign(
        actor=s,
        meeting=work.plenum,
        conclusion=work.c2,
        title="Chuẩn bị năm học mới",
        deadline=D(2024, 9, 5),
        owner_org=work.a1,
    )
    t3 = services.task_assign(
        actor=s,
        meeting=work.plenum,
        title="Phát triển đảng viên mới",
        deadline=D(2024, 12, 31),
        owner_org=work.a1,
    )
    return t1, t2, t3


def test_tasks_by_state_overdue_and_digest(work):
    t1, t2, t3 = _tasks(work)
    s = work.system
    services.task_progress(actor=s, task=t2, on=D(2024, 9, 4), text="Đã sẵn sàng", done=True)
    services.task_progress(actor=s, task=t1, on=D(2024, 9, 20), text="Đạt 60% kế hoạch")
    overdue = selectors.tasks_overdue(s, work.a, D(2024, 10, 15))
    assert [(r.id, r.days_overdue) for r in overdue] == [(t1.pk, 15)]
    assert overdue[0].owner == "Ủy ban nhân dân phường An"
    assert overdue[0].notes == [(D(2024, 9, 20), "Đạt 60% kế hoạch")]
    states = {r.id: r.state for r in selectors.tasks_of(s, work.a, D(2024, 9, 1))}
    assert states == {t1.pk: "open", t2.pk: "due_soon", t3.pk: "open"}
    states = {r.id: r.state for r in selectors.tasks_of(s, work.a, D(2024, 9, 10))}
    assert states == {t1.pk: "open", t2.pk: "done", t3.pk: "open"}
    digest = selectors.tasks_digest(s, work.a, D(2024, 9, 25))
    assert [r.id for r in digest.due_soon] == [t1.pk] and digest.overdue == []
    detail = selectors.meeting_detail(s, work.plenum.pk, D(2024, 10, 15))
    assert [[t.state for t in c.tasks] for c in detail.conclusions] == [["overdue"], ["done"]]
    assert [t.title for t in detail.other_tasks] == ["Phát triển đảng viên mới"]


@pytest.mark.parametrize(
    "on, done, text, code",
    [
        (D(2024, 7, 1), True, "", "task.note_day"),  # before it was assigned
        (D(2099, 1, 1), False, "x", "task.note_day"),  # in the future
        (D(2024, 8, 1), False, "  ", "task.note_empty"),
    ],
)
def test_bad_progress_is_refused(work, on, done, text, code):
    t1, _t2, _t3 = _tasks(work)
    with pytest.raises(DomainError) as err:
        services.task_progress(actor=work.system, task=t1, on=on, text=text, done=done)
    assert err.value.code == code
    t1.refresh_from_db()
    assert (t1.status, t1.done_on, t1.notes.count()) == ("open", None, 0)


def test_scope_other_committees_see_and_change_nothing(work):
    _tasks(work)
    bob, alice = actor_for(work.bob), actor_for(work.alice)
    assert not selectors.meetings_visible(bob).exists()
    assert selectors.tasks_of(bob, None, D(2024, 10, 1)) == []
    assert len(selectors.tasks_of(alice, None, D(2024, 10, 1))) == 3
    with pytest.raises(PermissionDeniedError):
        services.meeting_create(actor=bob, org=work.a, kind="thematic", held_on=D(2024, 1, 1))
    with pytest.raises(PermissionDeniedError):
        services.task_assign(
            actor=bob, meeting=work.plenum, title="x", deadline=None, owner_org=work.b
        )


def test_congress_subcommittees_with_members_and_assignments(work):
    s = work.system
    sub = services.subcommittee_create(
        actor=s,
        org=work.a,
        congress_number=13,
        term_start=2025,
        term_end=2030,
        name="Tiểu ban Văn kiện",
        established_on=D(2024, 5, 20),
        decision="25-QĐ/ĐU",
    )
    services.subcommittee_member_add(
        actor=s, subcommittee=sub, holder_name="Trần Văn Một", role="head"
    )
    services.task_assign(
        actor=s,
        subcommittee=sub,
        title="Dự thảo báo cáo chính trị",
        deadline=D(2024, 12, 31),
        owner_org=work.a,
    )
    rows = selectors.congress_prep(s, work.a, D(2025, 1, 10), 13)
    assert rows[0].congress == "Đại hội đại biểu Đảng bộ An lần thứ XIII, nhiệm kỳ 2025 - 2030"
    assert rows[0].people == [("Trần Văn Một", "Trưởng tiểu ban")]
    assert [t.state for t in rows[0].tasks] == ["overdue"]
    assert SubCommittee.objects.get().people.get().position.title == "Bí thư Đảng ủy"
    with pytest.raises(DomainError) as err:
        services.subcommittee_create(
            actor=s,
            org=work.a,
            congress_number=13,
            term_start=2025,
            term_end=2030,
            name="Tiểu ban Nhân sự",
            established_on=D(2026, 1, 1),
        )
    assert err.value.code == "subcommittee.late"
    with pytest.raises(DomainError) as err:
        services.subcommittee_member_add(
            actor=s, subcommittee=sub, holder_name="Trần Văn Một", role="boss"
        )
    assert err.value.code == "subcommittee.role"


# --- the command line ----------------------------------------------------------------------
@pytest.mark.django_db
def test_cli_tasks_overdue_digest_and_meeting(capsys, work):
    _tasks(work)
    services.attendee_add(
        actor=work.system, meeting=work.plenum, holder_name="Nguyễn Thị Ba", guest=True
    )
    code, out, err = run(capsys, "tasks", "overdue", "--org", "A", "--on", "15/10/2024")
    assert code == 0, err
    assert out.splitlines()[0].startswith("2 nhiệm vụ quá hạn ngày 15/10/2024")
    assert "[Quá hạn (quá 40 ngày)] 05/09/2024  Chuẩn bị năm học mới" in out
    code, out, err = run(capsys, "tasks", "digest", "--on", "2024-09-01", "--days", "7")
    assert code == 0, err
    assert "Quá hạn: 0" in out and "Sắp đến hạn trong 7 ngày: 1" in out
    code, out, err = run(
        capsys, "meetings", "show", "--org", "A", "--date", "04/07/2024", "--on", "2024-07-05"
    )
    assert code == 0, err
    assert out.splitlines()[0].startswith("Hội nghị lần thứ 25 Ban Chấp hành Đảng bộ An khóa XII")
    assert "khách mời: Nguyễn Thị Ba, Phó Bí thư Thành ủy, Chủ tịch Hội đồng nhân dân" in out
    code, out, _err = run(capsys, "meetings", "list", "--org", "A")
    assert "04/07/2024" in out and "Hội nghị Ban Chấp hành" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "argv, words",
    [
        (["tasks", "overdue", "--org", "NOPE"], "NOPE"),
        (["tasks", "overdue", "--org", "A", "--on", "31/02/2024"], "31/02/2024"),
        (["tasks", "digest", "--days", "400"], "--days"),
        (["meetings", "show", "--org", "A", "--date", "05/07/2024"], "Không có hội nghị"),
    ],
)
def test_cli_mistakes_are_one_line(capsys, work, argv, words):
    code, _out, err = run(capsys, *argv)
    assert code == 1 and words in err and len(err.strip().splitlines()) == 1


# --- API and pages -------------------------------------------------------------------------
def test_api_assigns_a_task_and_refuses_a_deadline_before_the_meeting(client, work):
    client.force_login(work.alice)
    url = f"/api/v1/meetings/{work.plenum.pk}/tasks"
    bad = {
        "title": "Giải ngân",
        "deadline": "2024-07-01",
        "conclusion": 1,
        "owner_unit_id": work.w1.pk,
    }
    response = client.post(url, json.dumps(bad), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "task.deadline_before_meeting"
    assert Task.objects.count() == 0
    good = {**bad, "deadline": "2024-09-30"}
    response = client.post(url, json.dumps(good), content_type="application/json")
    assert response.status_code == 201, response.content
    task = response.json()
    assert task["owner"] == work.w1.name and task["source"] == work.plenum.title
    detail = client.get(f"/api/v1/meetings/{work.plenum.pk}?on=2024-10-01").json()
    assert detail["conclusions"][0]["tasks"][0]["state"] == "overdue"
    assert detail["term"] == "khóa XII, nhiệm kỳ 2020 – 2025"
    done = client.post(
        f"/api/v1/tasks/{task['id']}/progress",
        json.dumps({"on": "2024-09-29", "text": "Xong", "done": True}),
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["state"] == "done"
    listed = client.get(f"/api/v1/orgs/{work.a.pk}/tasks?on=2024-10-01").json()
    assert [t["state"] for t in listed] == ["done"]
    too_far = client.get(f"/api/v1/orgs/{work.a.pk}/tasks/digest?days=400")
    assert too_far.status_code == 400 and too_far.json()["error"]["code"] == "tasks.days"


def test_pages_show_the_meeting_and_highlight_overdue_tasks(client, work):
    _tasks(work)
    services.attendee_add(
        actor=work.system, meeting=work.plenum, holder_name="Nguyễn Thị Ba", guest=True
    )
    client.force_login(work.alice)
    page = client.get(f"/work/meetings/{work.plenum.pk}/?as_of=2024-10-15").content.decode()
    assert work.plenum.title in page and "Nguyễn Thị Ba" in page and "Khách mời cấp trên" in page
    assert "Đẩy nhanh giải ngân vốn đầu tư công." in page
    tasks = client.get("/work/tasks/?as_of=2024-10-15").content.decode()
    assert tasks.count('class="overdue"') == 2 and "2 nhiệm vụ quá hạn" in tasks
    assert work.plenum.title in client.get("/work/meetings/").content.decode()

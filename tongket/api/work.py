"""API of the work with the people, the meetings and their tasks. Each operation: parse, build
the actor, one selector or service, return; errors take the API's one shape."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from tongket.api.schemas import Error
from tongket.core.actor import Actor
from tongket.domain.vnformat import parse_date
from tongket.party import selectors as party

router = Router(tags=["work"])
FAIL = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def _actor(request) -> Actor:
    if not hasattr(request, "_actor"):
        request._actor = Actor.for_user(request.auth, request.operation_id)
    return request._actor


def _day(text: str | None) -> date:
    return parse_date(text) if text else timezone.localdate()


# --- schemas -------------------------------------------------------------------------------
class MeetingOut(Schema):
    id: int
    kind: str
    title: str
    held_on: date
    number: int | None
    period: str


class AttendeeOut(Schema):
    name: str
    titles: list[str]
    guest: bool
    chairs: bool


class GroupOut(Schema):
    title: str
    level: str
    count: int
    text: str


class TaskOut(Schema):
    id: int
    title: str
    owner: str
    assigned_on: date
    deadline: date | None
    done_on: date | None
    state: str
    state_label: str
    days_overdue: int
    source: str


class ConclusionOut(Schema):
    order: int
    text: str
    given_by: str
    tasks: list[TaskOut]


class MeetingDetailOut(Schema):
    id: int
    kind: str
    title: str
    org: str
    held_on: date
    time_of_day: str
    place: str
    period: str
    number: int | None
    term: str | None
    attendees: list[AttendeeOut]
    groups: list[GroupOut]
    conclusions: list[ConclusionOut]
    other_tasks: list[TaskOut]


class TaskIn(Schema):
    title: str
    deadline: date | None = None
    conclusion: int | None = None  # the conclusion's order in the meeting
    owner_org_id: int | None = None
    owner_unit_id: int | None = None
    owner_label: str = ""


class ProgressIn(Schema):
    on: date
    text: str = ""
    done: bool = False


class DigestOut(Schema):
    on: date
    soon_days: int
    overdue: list[TaskOut]
    due_soon: list[TaskOut]


class PlaceOut(Schema):
    code: str
    name: str
    ward: str
    first_visit: date | None


class WeekOut(Schema):
    week: date
    visits: int


class CoverageOut(Schema):
    programme: str
    org: str
    start: date
    on: date
    body: str
    visited_count: int
    total: int
    text: str
    share: str
    visits: int
    weeks_without_visit: int
    longest_gap_weeks: int
    visited: list[PlaceOut]
    not_visited: list[PlaceOut]
    weeks: list[WeekOut]


class ActivityOut(Schema):
    id: int
    kind: str
    held_on: date
    title: str
    units: list[str]
    leaders: list[str]
    households: int | None
    people: int | None
    amount: Decimal | None


class ProjectOut(Schema):
    code: str
    name: str
    units: list[str]
    activities: list[ActivityOut]
    households: int
    people: int


class SubCommitteeOut(Schema):
    name: str
    congress: str
    established_on: date
    decision: str
    people: list[str]
    tasks: list[TaskOut]


class BacklogOut(Schema):
    on: date
    open: int
    resolved: int
    oldest_days: int | None
    by_age: dict[str, int]


# --- meetings and tasks --------------------------------------------------------------------
@router.get("/orgs/{org_id}/meetings", response={200: list[MeetingOut], **FAIL})
def meeting_list(request, org_id: int, kind: str = ""):
    from tongket.meetings.selectors import meetings_of

    who = _actor(request)
    return list(meetings_of(who, party.org_get(who, org_id), kind=kind))


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **FAIL})
def meeting_detail(request, meeting_id: int, on: str | None = None):
    """The meeting with its attendees (posts held on its day), groups counted on its day,
    conclusions and the tasks assigned from them (their state on `on`, today when absent)."""
    from tongket.meetings.selectors import meeting_detail as detail_of

    d = detail_of(_actor(request), meeting_id, _day(on))
    m = d.meeting
    return {
        "id": m.pk,
        "kind": m.kind,
        "title": d.title,
        "org": m.org.code,
        "held_on": m.held_on,
        "time_of_day": m.time_of_day,
        "place": m.place,
        "period": m.period,
        "number": m.number,
        "term": str(m.term) if m.term_id else None,
        "attendees": [vars(a) for a in d.attendees],
        "groups": [vars(g) for g in d.groups],
        "conclusions": [{**vars(c), "tasks": [vars(t) for t in c.tasks]} for c in d.conclusions],
        "other_tasks": [vars(t) for t in d.other_tasks],
    }


@router.post("/meetings/{meeting_id}/tasks", response={201: TaskOut, **FAIL})
def task_assign(request, meeting_id: int, payload: TaskIn):
    """Assigns a task from the meeting (from its conclusion number `conclusion`); a deadline
    before the meeting is refused and nothing is written."""
    from tongket.meetings import services
    from tongket.meetings.selectors import meeting_get, task_row
    from tongket.registry.selectors import unit_get

    who = _actor(request)
    meeting = meeting_get(who, meeting_id)
    conclusion = None
    if payload.conclusion is not None:
        conclusion = meeting.conclusions.filter(order=payload.conclusion).first()
        if conclusion is None:
            from tongket.core.errors import NotFoundError

            raise NotFoundError(f"kết luận số {payload.conclusion}")
    task = services.task_assign(
        actor=who,
        meeting=meeting,
        conclusion=conclusion,
        title=payload.title,
        deadline=payload.deadline,
        owner_org=party.org_get(who, payload.owner_org_id) if payload.owner_org_id else None,
        owner_unit=unit_get(who, payload.owner_unit_id) if payload.owner_unit_id else None,
        owner_label=payload.owner_label,
    )
    return Status(201, vars(task_row(task, timezone.localdate())))


@router.post("/tasks/{task_id}/progress", response={200: TaskOut, **FAIL})
def task_progress(request, task_id: int, payload: ProgressIn):
    """A progress note on a day; with `done` the task is done that day."""
    from tongket.core.errors import NotFoundError
    from tongket.meetings import services
    from tongket.meetings.selectors import task_row, tasks_visible

    who = _actor(request)
    task = tasks_visible(who).filter(pk=task_id).first()
    if task is None:
        raise NotFoundError("nhiệm vụ")
    task = services.task_progress(
        actor=who, task=task, on=payload.on, text=payload.text, done=payload.done
    )
    return vars(task_row(task, timezone.localdate()))


@router.get("/orgs/{org_id}/tasks", response={200: list[TaskOut], **FAIL})
def task_list(request, org_id: int, state: str = "", on: str | None = None):
    """Tasks assigned in the organization's tree with their state on `on`; `state` keeps one
    state (overdue, due_soon, open, done, done_late, cancelled)."""
    from tongket.meetings.selectors import tasks_of

    who = _actor(request)
    rows = tasks_of(who, party.org_get(who, org_id), _day(on), (state,) if state else ())
    return [vars(r) for r in rows]


@router.get("/orgs/{org_id}/tasks/digest", response={200: DigestOut, **FAIL})
def task_digest(request, org_id: int, on: str | None = None, days: int = 7):
    """The daily reminder: overdue tasks, and those due within `days` days (0 to 90)."""
    from tongket.meetings.selectors import tasks_digest

    who = _actor(request)
    report = tasks_digest(who, party.org_get(who, org_id), _day(on), days)
    return {
        "on": report.digest.on,
        "soon_days": days,
        "overdue": [vars(r) for r in report.overdue],
        "due_soon": [vars(r) for r in report.due_soon],
    }


@router.get("/orgs/{org_id}/congress-prep", response={200: list[SubCommitteeOut], **FAIL})
def congress_prep(request, org_id: int, congress: int | None = None, on: str | None = None):
    from tongket.meetings.selectors import congress_prep as prep_of

    who = _actor(request)
    rows = prep_of(who, party.org_get(who, org_id), _day(on), congress)
    return [
        {
            **vars(r),
            "people": [f"{name} ({role})" for name, role in r.people],
            "tasks": [vars(t) for t in r.tasks],
        }
        for r in rows
    ]


# --- outreach ------------------------------------------------------------------------------
@router.get("/orgs/{org_id}/outreach/coverage", response={200: CoverageOut, **FAIL})
def outreach_coverage(
    request, org_id: int, programme: str = "", on: str | None = None, body: str = ""
):
    """Distinct neighbourhoods visited under the programme up to `on`, over those existing on
    `on` in the organization's area ("20/112 khu phố"), with the lists and visits per week."""
    from tongket.outreach.selectors import coverage_report, programme_by_code

    who = _actor(request)
    org = party.org_get(who, org_id)
    if not programme.strip():
        from tongket.domain.errors import DomainError

        raise DomainError("outreach.programme", _("Cần chọn chương trình (programme=MÃ)."))
    r = coverage_report(who, programme_by_code(who, org, programme), _day(on), body=body or None)
    return {
        "programme": r.programme.name,
        "org": org.code,
        "start": r.start,
        "on": r.on,
        "body": r.body,
        "visited_count": r.coverage.count,
        "total": r.coverage.total,
        "text": r.text,
        "share": r.share,
        "visits": r.visits,
        "weeks_without_visit": r.cadence.weeks_without,
        "longest_gap_weeks": r.cadence.longest_gap,
        "visited": [vars(p) for p in r.visited],
        "not_visited": [vars(p) for p in r.not_visited],
        "weeks": [{"week": w, "visits": n} for w, n in r.weeks],
    }


@router.get("/orgs/{org_id}/outreach/projects", response={200: list[ProjectOut], **FAIL})
def outreach_projects(request, org_id: int):
    """The organization's projects with the mobilization activities linked to them."""
    from tongket.outreach.selectors import project_work

    who = _actor(request)
    return [
        {
            "code": w.project.code,
            "name": w.project.name,
            "units": w.units,
            "households": w.households,
            "people": w.people,
            "activities": [
                {
                    "id": a.pk,
                    "kind": a.kind,
                    "held_on": a.held_on,
                    "title": a.title,
                    "units": [u.code for u in a.units.all()],
                    "leaders": [f"{p.holder_name}, {p.title}" for p in a.leaders.all()],
                    "households": a.households,
                    "people": a.people,
                    "amount": a.amount,
                }
                for a in w.activities
            ],
        }
        for w in project_work(who, party.org_get(who, org_id))
    ]


@router.get("/orgs/{org_id}/outreach/cases", response={200: BacklogOut, **FAIL})
def case_backlog(request, org_id: int, on: str | None = None):
    """Citizens' cases still open on `on`, by age."""
    from tongket.outreach.selectors import case_backlog as backlog_of

    who = _actor(request)
    b = backlog_of(who, party.org_get(who, org_id), _day(on))
    return {
        "on": b.on,
        "open": b.open,
        "resolved": b.resolved,
        "oldest_days": b.oldest_days,
        "by_age": dict(b.by_age),
    }

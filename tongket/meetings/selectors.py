"""Reads of meetings and tasks, scoped to the actor: a meeting with its attendees (and the
posts they held that day), groups counted from the unit registry on that day, conclusions and
their tasks; task lists by state on a day; the daily digest; congress sub-committees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from tongket.core.actor import Actor
from tongket.core.errors import NotFoundError
from tongket.core.permissions import restrict
from tongket.domain.meetings import (
    DUE_SOON_DAYS,
    STATE_LABELS,
    Digest,
    TaskDates,
    days_overdue,
    digest,
    meeting_title,
    task_state,
)
from tongket.meetings.models import Meeting, SubCommittee, Task
from tongket.party.models import PartyOrg
from tongket.registry.selectors import subtree_on

LEVEL_WORDS = {"ward": "phường", "neighbourhood": "khu phố", "district": "quận"}


def meetings_visible(actor: Actor) -> QuerySet[Meeting]:
    return restrict(Meeting.objects.select_related("org", "term", "org__unit"), actor)


def meeting_get(actor: Actor, pk: int) -> Meeting:
    meeting = meetings_visible(actor).filter(pk=pk).first()
    if meeting is None:
        raise NotFoundError("hội nghị")
    return meeting


def meetings_of(actor: Actor, org: PartyOrg, kind: str = "", on: date | None = None):
    rows = meetings_visible(actor).filter(org__path__startswith=org.path)
    if kind:
        rows = rows.filter(kind=kind)
    if on:
        rows = rows.filter(held_on=on)
    return rows


@dataclass(frozen=True)
class AttendeeRow:
    name: str
    titles: list[str]
    guest: bool
    chairs: bool


@dataclass(frozen=True)
class GroupRow:
    """ "Chủ tịch UBND 15 phường": the count comes from the registry on the meeting's day."""

    title: str
    count: int
    level: str
    text: str


@dataclass(frozen=True)
class TaskRow:
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
    notes: list[tuple[date, str]]


@dataclass(frozen=True)
class ConclusionRow:
    order: int
    text: str
    given_by: str
    tasks: list[TaskRow]


@dataclass(frozen=True)
class MeetingDetail:
    meeting: Meeting
    title: str
    attendees: list[AttendeeRow]
    groups: list[GroupRow]
    conclusions: list[ConclusionRow]
    other_tasks: list[TaskRow]


def _group_row(group, day: date) -> GroupRow:
    counts = subtree_on(group.root, day).count_by_level(group.root_id)
    n = counts.get(group.level, 0)
    word = LEVEL_WORDS.get(group.level, group.level)
    return GroupRow(group.title, n, group.level, f"{group.title} {n} {word}")


def task_row(task: Task, on: date) -> TaskRow:
    state = task_state(task.deadline, task.done_on, on, task.status == Task.Status.CANCELLED)
    source = task.meeting.title if task.meeting_id else task.subcommittee.name
    return TaskRow(
        id=task.pk,
        title=task.title,
        owner=task.owner_name,
        assigned_on=task.assigned_on,
        deadline=task.deadline,
        done_on=task.done_on,
        state=state,
        state_label=STATE_LABELS[state],
        days_overdue=days_overdue(task.deadline, on) if state == "overdue" else 0,
        source=source,
        notes=[(n.written_on, n.text) for n in task.notes.all()],
    )


def _tasks(qs) -> QuerySet[Task]:
    return qs.select_related(
        "meeting__org", "meeting__term", "subcommittee", "owner_org", "owner_unit"
    ).prefetch_related("notes")


def meeting_detail(actor: Actor, pk: int, on: date) -> MeetingDetail:
    """The meeting with who attended (posts held on its day), groups counted on its day,
    each conclusion with the tasks assigned from it, their state on `on`."""
    meeting = meeting_get(actor, pk)
    attendees = [
        AttendeeRow(
            a.holder_name,
            [p.title for p in a.positions.all().order_by("id")],
            a.guest,
            a.chairs,
        )
        for a in meeting.attendees.prefetch_related("positions")
    ]
    groups = [_group_row(g, meeting.held_on) for g in meeting.groups.select_related("root").all()]
    tasks = list(_tasks(Task.objects.filter(meeting=meeting)))
    conclusions = [
        ConclusionRow(
            c.order,
            c.text,
            c.given_by,
            [task_row(t, on) for t in tasks if t.conclusion_id == c.pk],
        )
        for c in meeting.conclusions.all()
    ]
    loose = [task_row(t, on) for t in tasks if t.conclusion_id is None]
    return MeetingDetail(meeting, meeting.title, attendees, groups, conclusions, loose)


def tasks_visible(actor: Actor) -> QuerySet[Task]:
    return _tasks(restrict(Task.objects.all(), actor))


def tasks_of(actor: Actor, org: PartyOrg | None, on: date, states: tuple[str, ...] = ()):
    """Tasks assigned in the organization's subtree (or everywhere visible), with their state
    on `on`, optionally only those in `states`; overdue first, then by deadline."""
    rows = tasks_visible(actor)
    if org is not None:
        rows = rows.filter(org__path__startswith=org.path)
    out = [task_row(t, on) for t in rows]
    if states:
        out = [r for r in out if r.state in states]
    return sorted(out, key=lambda r: (r.state != "overdue", r.deadline or date.max, r.id))


def tasks_overdue(actor: Actor, org: PartyOrg | None, on: date) -> list[TaskRow]:
    return sorted(tasks_of(actor, org, on, ("overdue",)), key=lambda r: (-r.days_overdue, r.id))


@dataclass(frozen=True)
class DigestReport:
    digest: Digest
    overdue: list[TaskRow]
    due_soon: list[TaskRow]
    soon_days: int


def tasks_digest(
    actor: Actor, org: PartyOrg | None, on: date, soon_days: int = DUE_SOON_DAYS
) -> DigestReport:
    """The daily reminder: overdue tasks and those due within `soon_days`."""
    rows = tasks_visible(actor)
    if org is not None:
        rows = rows.filter(org__path__startswith=org.path)
    tasks = {t.pk: t for t in rows}
    found = digest(
        (
            TaskDates(t.pk, t.deadline, t.done_on, t.status == Task.Status.CANCELLED)
            for t in tasks.values()
        ),
        on,
        soon_days,
    )
    return DigestReport(
        found,
        [task_row(tasks[i], on) for i in found.overdue],
        [task_row(tasks[i], on) for i in found.due_soon],
        soon_days,
    )


@dataclass(frozen=True)
class SubCommitteeRow:
    name: str
    congress: str
    established_on: date
    decision: str
    duties: str
    people: list[tuple[str, str]]
    tasks: list[TaskRow]


def congress_prep(
    actor: Actor, org: PartyOrg, on: date, congress_number: int | None = None
) -> list[SubCommitteeRow]:
    """The sub-committees set up for the organization's congress, with members and tasks."""
    from tongket.domain.meetings import MeetingHead

    rows = restrict(SubCommittee.objects.select_related("org"), actor).filter(org=org)
    if congress_number:
        rows = rows.filter(congress_number=congress_number)
    out = []
    for sub in rows.prefetch_related("people"):
        congress = meeting_title(
            MeetingHead(
                "congress",
                sub.org.name,
                sub.congress_number,
                term_start=sub.term_start,
                term_end=sub.term_end,
            )
        )
        out.append(
            SubCommitteeRow(
                sub.name,
                congress,
                sub.established_on,
                sub.decision,
                sub.duties,
                [(p.holder_name, p.get_role_display()) for p in sub.people.all()],
                [task_row(t, on) for t in _tasks(sub.tasks.all())],
            )
        )
    return out

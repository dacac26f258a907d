"""Writes of meetings and tasks: the meeting, its attendees (with the posts they held that
day), groups counted by office, conclusions, the tasks assigned from them and their progress,
and the sub-committees preparing a congress.

Each function checks the actor's right, validates against the dates involved (a task due
before its meeting is refused; a guest must hold a post in a higher committee on the day),
and writes audit rows in the same transaction. One record per call, so an import can call
them row by row.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_change, snapshot
from tongket.core.permissions import require
from tongket.domain.errors import DomainError
from tongket.domain.meetings import MeetingHead, check_deadline, check_done, check_head
from tongket.domain.vnformat import format_date_short
from tongket.meetings.models import (
    Attendee,
    AttendeeGroup,
    Conclusion,
    Meeting,
    SubCommittee,
    SubCommitteeMember,
    Task,
    TaskNote,
)
from tongket.party.models import Member, PartyOrg, Position, Term
from tongket.registry.models import AdminUnit


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _required(value: str, what: str) -> str:
    if not _clean(value):
        raise DomainError("meeting.required", _("Thiếu %(what)s.") % {"what": what})
    return _clean(value)


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    org: PartyOrg,
    kind: str,
    held_on: date,
    number: int | None = None,
    term: Term | None = None,
    period: str = "",
    topic: str = "",
    time_of_day: str = "",
    place: str = "",
    agenda: str = "",
    documents: str = "",
) -> Meeting:
    """A meeting of the organization's committee. A plenum needs its number and a term of the
    same organization; a review meeting needs its period; the same plenum twice is refused."""
    require(actor, "edit", org.scope_target())
    if term is not None and term.org_id != org.pk:
        raise DomainError("meeting.term_org", _("Nhiệm kỳ không thuộc %(o)s.") % {"o": org.name})
    head = MeetingHead(
        kind=kind,
        org_name=org.name,
        number=number,
        term_number=term.number if term else None,
        term_start=term.start_year if term else None,
        term_end=term.end_year if term else None,
        period=period,
        topic=_clean(topic),
    )
    check_head(head, held_on)
    if (
        kind == "plenum"
        and Meeting.objects.filter(org=org, kind=kind, number=number, term=term).exists()
    ):
        raise DomainError(
            "meeting.exists",
            _("Hội nghị lần thứ %(n)s của nhiệm kỳ này đã có.") % {"n": number},
        )
    meeting = Meeting.objects.create(
        org=org,
        kind=kind,
        number=number,
        term=term,
        period=period.strip().upper(),
        topic=head.topic,
        held_on=held_on,
        time_of_day=time_of_day,
        place=place,
        agenda=agenda,
        documents=documents,
    )
    record_change(actor, "create", meeting, after=snapshot(meeting))
    return meeting


def positions_held(holder_name: str, day: date) -> list[Position]:
    """The posts a person (by name) held on the day."""
    rows = Position.objects.filter(holder_name=_clean(holder_name), valid_from__lte=day)
    return list(rows.exclude(valid_to__lt=day).select_related("org", "unit").order_by("id"))


def _higher(position: Position, meeting: Meeting) -> bool:
    """A post in an organization above the meeting's, or in a unit above its unit."""
    org = meeting.org
    if position.org_id:
        return org.path.startswith(position.org.path) and position.org_id != org.pk
    unit = org.unit
    return bool(unit) and unit.path.startswith(position.unit.path) and position.unit_id != unit.pk


@transaction.atomic
def attendee_add(
    *,
    actor: Actor,
    meeting: Meeting,
    holder_name: str,
    guest: bool = False,
    chairs: bool = False,
    member: Member | None = None,
) -> Attendee:
    """A person at the meeting, with every post they held on its day (read from the
    positions registry). A guest must hold a post in a higher committee that day."""
    require(actor, "edit", meeting.scope_target())
    name = _required(holder_name, _("họ và tên người dự"))
    posts = positions_held(name, meeting.held_on)
    if not posts:
        raise DomainError(
            "attendee.no_position",
            _("%(who)s không giữ chức vụ nào vào ngày %(d)s; hãy ghi chức vụ trước.")
            % {"who": name, "d": format_date_short(meeting.held_on)},
        )
    if guest and not any(_higher(p, meeting) for p in posts):
        raise DomainError(
            "attendee.guest_not_higher",
            _("%(who)s không giữ chức vụ ở cấp trên của %(o)s vào ngày %(d)s.")
            % {"who": name, "o": meeting.org.name, "d": format_date_short(meeting.held_on)},
        )
    if meeting.attendees.filter(holder_name=name).exists():
        raise DomainError("attendee.exists", _("%(who)s đã có trong danh sách.") % {"who": name})
    attendee = Attendee.objects.create(
        meeting=meeting,
        holder_name=name,
        member=member or next((p.member for p in posts if p.member_id), None),
        guest=guest,
        chairs=chairs,
        order=meeting.attendees.count() + 1,
    )
    attendee.positions.set(posts)
    after = {**snapshot(attendee), "positions": [p.pk for p in posts]}
    record_change(actor, "create", attendee, after=after)
    return attendee


@transaction.atomic
def attendee_group_add(
    *, actor: Actor, meeting: Meeting, title: str, root: AdminUnit, level: str
) -> AttendeeGroup:
    """Attendees counted by office over the units of a level ("Chủ tịch UBND" of every ward
    of the district on the day)."""
    require(actor, "edit", meeting.scope_target())
    if level not in AdminUnit.Level.values:
        raise DomainError("attendee.level", _("Cấp không hợp lệ: %(v)s.") % {"v": level})
    group = AttendeeGroup.objects.create(
        meeting=meeting, title=_required(title, _("chức danh")), root=root, level=level
    )
    record_change(actor, "create", group, after=snapshot(group))
    return group


@transaction.atomic
def conclusion_add(*, actor: Actor, meeting: Meeting, text: str, given_by: str = "") -> Conclusion:
    require(actor, "edit", meeting.scope_target())
    conclusion = Conclusion.objects.create(
        meeting=meeting,
        text=_required(text, _("nội dung kết luận")),
        given_by=_clean(given_by),
        order=meeting.conclusions.count() + 1,
    )
    record_change(actor, "create", conclusion, after=snapshot(conclusion))
    return conclusion


def _check_owner(owner_org: PartyOrg | None, owner_unit: AdminUnit | None) -> None:
    if owner_org is None and owner_unit is None:
        raise DomainError(
            "task.no_owner", _("Cần ghi tổ chức hoặc đơn vị chủ trì thực hiện nhiệm vụ.")
        )


@transaction.atomic
def task_assign(
    *,
    actor: Actor,
    title: str,
    deadline: date | None,
    meeting: Meeting | None = None,
    subcommittee: SubCommittee | None = None,
    conclusion: Conclusion | None = None,
    owner_org: PartyOrg | None = None,
    owner_unit: AdminUnit | None = None,
    owner_label: str = "",
) -> Task:
    """A task assigned by a meeting (from one of its conclusions) or to a congress
    sub-committee. Its deadline cannot fall before the day it was assigned."""
    if (meeting is None) == (subcommittee is None):
        raise DomainError("task.source", _("Nhiệm vụ được giao từ một hội nghị hoặc một tiểu ban."))
    source = meeting or subcommittee
    require(actor, "edit", source.scope_target())
    title = _required(title, _("nội dung nhiệm vụ"))
    _check_owner(owner_org, owner_unit)
    if conclusion is not None and conclusion.meeting_id != getattr(meeting, "pk", None):
        raise DomainError("task.conclusion", _("Kết luận không thuộc hội nghị này."))
    assigned_on = meeting.held_on if meeting else subcommittee.established_on
    check_deadline(assigned_on, deadline)
    task = Task.objects.create(
        org=source.org,
        meeting=meeting,
        subcommittee=subcommittee,
        conclusion=conclusion,
        title=title,
        assigned_on=assigned_on,
        owner_org=owner_org,
        owner_unit=owner_unit,
        owner_label=_clean(owner_label),
        deadline=deadline,
    )
    record_change(actor, "create", task, after=snapshot(task))
    return task


@transaction.atomic
def task_progress(
    *,
    actor: Actor,
    task: Task,
    on: date,
    text: str = "",
    done: bool = False,
    cancelled: bool = False,
) -> Task:
    """A progress note on a day; with `done` the task is done that day (not before it was
    assigned, not in the future); with `cancelled` it is dropped."""
    require(actor, "edit", task.scope_target())
    today = timezone.localdate()
    if on < task.assigned_on or on > today:
        raise DomainError(
            "task.note_day",
            _("Ngày %(d)s phải từ ngày giao %(a)s đến hôm nay.")
            % {"d": format_date_short(on), "a": format_date_short(task.assigned_on)},
        )
    if done:
        check_done(task.assigned_on, on, today)
    if not (_clean(text) or done or cancelled):
        raise DomainError("task.note_empty", _("Cần ghi nội dung tiến độ."))
    before = snapshot(task)
    if _clean(text):
        note = TaskNote.objects.create(task=task, written_on=on, text=_clean(text))
        record_change(actor, "create", note, after=snapshot(note))
    if done or cancelled:
        task.status = Task.Status.DONE if done else Task.Status.CANCELLED
        task.done_on = on if done else None
        task.save()
        record_change(actor, "update", task, before=before, after=snapshot(task))
    return task


@transaction.atomic
def subcommittee_create(
    *,
    actor: Actor,
    org: PartyOrg,
    congress_number: int,
    term_start: int,
    term_end: int,
    name: str,
    established_on: date,
    decision: str = "",
    duties: str = "",
) -> SubCommittee:
    """A sub-committee helping prepare the organization's congress of a term."""
    require(actor, "edit", org.scope_target())
    name = _required(name, _("tên tiểu ban"))
    if congress_number < 1 or term_end <= term_start:
        raise DomainError(
            "subcommittee.term", _("Số đại hội hoặc nhiệm kỳ không hợp lệ (năm cuối phải sau).")
        )
    if established_on.year > term_start:
        raise DomainError(
            "subcommittee.late",
            _("Tiểu ban chuẩn bị đại hội nhiệm kỳ %(a)s - %(b)s phải thành lập trước năm %(a)s.")
            % {"a": term_start, "b": term_end},
        )
    if SubCommittee.objects.filter(org=org, congress_number=congress_number, name=name).exists():
        raise DomainError("subcommittee.exists", _("Tiểu ban %(n)s đã có.") % {"n": name})
    sub = SubCommittee.objects.create(
        org=org,
        congress_number=congress_number,
        term_start=term_start,
        term_end=term_end,
        name=name,
        established_on=established_on,
        decision=_clean(decision),
        duties=duties,
    )
    record_change(actor, "create", sub, after=snapshot(sub))
    return sub


@transaction.atomic
def subcommittee_member_add(
    *, actor: Actor, subcommittee: SubCommittee, holder_name: str, role: str
) -> SubCommitteeMember:
    require(actor, "edit", subcommittee.scope_target())
    if role not in SubCommitteeMember.Role.values:
        raise DomainError("subcommittee.role", _("Vai trò không hợp lệ: %(v)s.") % {"v": role})
    name = _required(holder_name, _("họ và tên"))
    posts = positions_held(name, subcommittee.established_on)
    person = SubCommitteeMember.objects.create(
        subcommittee=subcommittee, holder_name=name, role=role, position=posts[0] if posts else None
    )
    record_change(actor, "create", person, after=snapshot(person))
    return person

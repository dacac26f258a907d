"""Exports of programmes, projects, activities, cases and tasks (docs/INTERCHANGE-work.md).

Rows carry every column of the import (work_kind), in its order, so an export re-imports
unchanged. A task's export adds its state and days overdue as of the export day, which an
import does not read. Each list is what the actor may see (restrict).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from tongket.core.actor import Actor
from tongket.core.permissions import restrict
from tongket.domain.meetings import STATE_LABELS, days_overdue, task_state
from tongket.domain.vnformat import format_date_short
from tongket.imports import export
from tongket.imports.work_apply import leaders_text
from tongket.imports.work_kind import (
    ACTIVITY_WORDS,
    BODY_WORDS,
    CASE_WORDS,
    MEETING_WORDS,
    word,
)
from tongket.meetings.models import Task
from tongket.outreach.models import Activity, Case, Programme, Project


def _codes(items) -> str:
    return ";".join(sorted(i.code for i in items))


def programme_rows(actor: Actor) -> Iterable[list]:
    rows = restrict(Programme.objects.select_related("org"), actor)
    for p in rows.order_by("org__path", "code"):
        yield [p.org.code, p.code, p.name, p.started_on, p.description]


def project_rows(actor: Actor) -> Iterable[list]:
    rows = restrict(Project.objects.select_related("org").prefetch_related("units"), actor)
    for p in rows.order_by("org__path", "code"):
        yield [p.org.code, p.code, p.name, _codes(p.units.all()), p.note]


def activity_rows(actor: Actor) -> Iterable[list]:
    rows = restrict(Activity.objects.select_related("org", "programme"), actor)
    rows = rows.prefetch_related("units", "leaders", "projects")
    for a in rows.order_by("org__path", "held_on", "pk").iterator(chunk_size=2000):
        yield [
            a.org.code,
            a.programme.code if a.programme_id else "",
            a.held_on,
            word(ACTIVITY_WORDS, a.kind),
            _codes(a.units.all()),
            a.title,
            word(BODY_WORDS, a.body) if a.body else "",
            leaders_text(a),
            _codes(a.projects.all()),
            a.households,
            a.people,
            a.items,
            a.amount,
            a.note,
        ]


def case_rows(actor: Actor) -> Iterable[list]:
    rows = restrict(Case.objects.select_related("org", "unit", "project"), actor)
    for c in rows.order_by("org__path", "opened_on", "pk").iterator(chunk_size=2000):
        yield [
            c.org.code,
            c.title,
            c.opened_on,
            word(CASE_WORDS, c.kind),
            c.unit.code if c.unit_id else "",
            c.project.code if c.project_id else "",
            c.resolved_on,
            c.note,
        ]


def task_rows(actor: Actor) -> Iterable[list]:
    today = timezone.localdate()
    rows = restrict(Task.objects.all(), actor).select_related(
        "org", "meeting", "subcommittee", "conclusion", "owner_org", "owner_unit"
    )
    for t in rows.prefetch_related("notes").order_by("org__path", "assigned_on", "pk"):
        state = task_state(t.deadline, t.done_on, today, t.status == Task.Status.CANCELLED)
        notes = "\n".join(f"{format_date_short(n.written_on)}: {n.text}" for n in t.notes.all())
        yield [
            t.org.code,
            t.meeting.held_on if t.meeting_id else None,
            word(MEETING_WORDS, t.meeting.kind) if t.meeting_id else "",
            t.conclusion.order if t.conclusion_id else None,
            t.subcommittee.name if t.subcommittee_id else "",
            t.title,
            t.owner_org.code if t.owner_org_id else "",
            t.owner_unit.code if t.owner_unit_id else "",
            t.owner_label,
            t.deadline,
            t.done_on,
            notes,
            STATE_LABELS[state],
            days_overdue(t.deadline, today) if state == "overdue" else None,
        ]


export.ROWS.update(
    programmes=programme_rows,
    projects=project_rows,
    activities=activity_rows,
    cases=case_rows,
    tasks=task_rows,
)
export.AUDIT_TYPES.update(
    programmes="outreach.programme",
    projects="outreach.project",
    activities="outreach.activity",
    cases="outreach.case",
    tasks="meetings.task",
)
export.WIDTHS.update(
    title=48, leaders=40, progress=48, description=40, unit_codes=24, project_codes=16
)

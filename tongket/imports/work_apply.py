"""Planning and applying imports of programmes, projects, activities, cases and tasks.

Each row is one call of an outreach or meetings service (audited, scoped), planned first: the
planner finds the organizations, units, programmes, meetings and posts the row names, checks
the actor may edit the organization, runs the checks the service would run (a neighbourhood
must exist on the visit's day, a deadline cannot fall before the meeting), and compares the row
with what is stored under its natural key. So the preview lists every problem before anything
is written, and the applier only calls the services, in one transaction (apply_import).

The services record; they do not edit. A row whose key is stored and whose other cells differ
is refused with the stored value named, except where a service carries the change: filling
`Ngày giải quyết` resolves a case (case_resolve); filling `Ngày hoàn thành` or adding a
progress line moves a task on (task_progress). Columns absent from the file are left alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.errors import PermissionDeniedError
from tongket.domain.errors import DomainError
from tongket.domain.outreach import check_activity_figures, check_case_dates
from tongket.domain.text import fold
from tongket.domain.vnformat import format_date_short
from tongket.imports import apply
from tongket.imports.kinds import display
from tongket.imports.work_kind import (
    BODY_WORDS,
    CASE_WORDS,
    MEETING_WORDS,
    ActivityRow,
    CaseRow,
    Note,
    ProgrammeRow,
    ProjectRow,
    TaskRow,
    activity_key,
    check_task_dates,
    word,
)
from tongket.meetings import services as meeting_services
from tongket.meetings.models import Meeting, SubCommittee, Task
from tongket.outreach import services as outreach_services
from tongket.outreach.models import Activity, Case, Programme, Project
from tongket.party.models import PartyOrg, Position
from tongket.registry.models import AdminUnit

# The column a service's refusal is about, per kind, so the user sees it on the right cell.
COMMON = {"permission.denied": "org_code"}
COLUMNS = {
    "programmes": {**COMMON, "programme.exists": "code", "outreach.required": "name"},
    "projects": {**COMMON, "project.exists": "code", "outreach.required": "name"},
    "activities": {
        **COMMON,
        "activity.unit_missing": "unit_codes",
        "activity.no_unit": "unit_codes",
        "activity.leader_not_in_post": "leaders",
        "activity.future": "held_on",
        "activity.programme_org": "programme_code",
        "activity.kind": "kind",
        "activity.body": "body",
    },
    "cases": {
        **COMMON,
        "case.future": "opened_on",
        "case.resolved_before_opened": "resolved_on",
        "activity.unit_missing": "unit_code",
        "case.kind": "kind",
        "outreach.required": "title",
    },
    "tasks": {
        **COMMON,
        "task.deadline_before_meeting": "deadline",
        "task.done_before_assigned": "done_on",
        "task.done_in_future": "done_on",
        "task.note_day": "progress",
        "task.note_empty": "progress",
        "task.conclusion": "conclusion",
        "task.no_owner": "owner_org_code",
        "meeting.required": "title",
    },
}


@dataclass
class _Step:
    """What applying one row does: nothing (unchanged), or a call of the services."""

    record: object
    action: str
    write: Callable[[], object] | None = None
    columns: dict[str, str] = field(default_factory=dict)  # error code → column, for this call


def _on(p, day: date) -> bool:
    """Whether a dated record (a post, a unit version) is valid on the day."""
    return p.valid_from <= day and (p.valid_to is None or day <= p.valid_to)


class _Planner:
    """What every kind needs: organizations and units by code, the right to edit, the
    comparison with a stored record. Subclasses plan one row in `row`."""

    kind = ""
    what = ""  # the record, in the messages: "chương trình"

    def __init__(self, plan: apply.ImportPlan, actor: Actor):
        self.plan, self.actor = plan, actor
        self.today = timezone.localdate()
        self.present = plan.mapped.present
        records = plan.records
        org_codes = {r.org_code for r in records}
        org_codes |= {getattr(r, "owner_org_code", "") for r in records} - {""}
        self.orgs = PartyOrg.objects.in_bulk(org_codes, field_name="code") if org_codes else {}
        self.units = apply._units_by_code({c for r in records for c in self.unit_codes(r)} - {""})
        self._may: dict[int, bool] = {}

    @staticmethod
    def unit_codes(r) -> tuple[str, ...]:
        return (
            *getattr(r, "unit_codes", ()),
            getattr(r, "unit_code", ""),
            getattr(r, "owner_unit_code", ""),
        )

    def run(self) -> None:
        sink = apply._Sink(self.plan, self.plan.errors, Counter())
        steps: list[_Step] = []
        for r in self.plan.records:
            try:
                step = self.row(r)
            except apply.Refused as problem:
                sink.error(r, problem.column, problem.message)
                continue
            except DomainError as exc:  # a check the service would make, made first
                column = (exc.details or {}).get("column") or COLUMNS[self.kind].get(
                    exc.code, "org_code"
                )
                sink.error(r, column, exc.message)
                continue
            self.plan.actions[r.row] = step.action
            steps.append(step)
        self.plan.work = steps

    def row(self, r) -> _Step:
        raise NotImplementedError

    # --- references ---------------------------------------------------------------------------
    def org(self, r, column: str = "org_code", code: str | None = None) -> PartyOrg:
        code = r.org_code if code is None else code
        org = self.orgs.get(code)
        if org is None:
            raise apply.Refused(column, _("Không có tổ chức đảng mã %(c)s.") % {"c": code})
        return org

    def editable(self, r) -> PartyOrg:
        """The row's organization, which the actor must be allowed to edit."""
        org = self.org(r)
        allowed = self._may.get(org.pk)
        if allowed is None:
            allowed = self._may[org.pk] = self.actor.can("edit", org.scope_target())
        if not allowed:
            raise apply.Refused("org_code", PermissionDeniedError().message)
        return org

    def unit(self, column: str, code: str) -> AdminUnit:
        unit = self.units.get(code)
        if unit is None:
            raise apply.Refused(
                column,
                _("Không có đơn vị mã %(c)s trong cơ sở dữ liệu (hãy nhập đơn vị trước).")
                % {"c": code},
            )
        return unit

    def same(self, r, pairs: dict[str, tuple[object, object]], shown: dict | None = None):
        """Refuses the row when a present column differs from the stored record's value."""
        for column, (stored, wanted) in pairs.items():
            if column in self.present and stored != wanted:
                value = (shown or {}).get(column, stored)
                raise apply.Refused(
                    column,
                    _(
                        "Đã có %(what)s này (%(key)s) với giá trị khác: đã lưu “%(v)s”. Tệp "
                        "nhập chỉ thêm mới, không sửa được bản đã ghi."
                    )
                    % {"what": self.what, "key": r.shown_key, "v": display(value) or _("trống")},
                )

    def step(self, r, action: str, write: Callable | None = None, **columns) -> _Step:
        return _Step(r, action, write, {**COLUMNS[self.kind], **columns})


# --- programmes and projects -------------------------------------------------------------------
class _Programmes(_Planner):
    kind, what = "programmes", "chương trình"

    def __init__(self, plan, actor):
        super().__init__(plan, actor)
        rows = Programme.objects.filter(org__in=self.orgs.values()).select_related("org")
        self.stored = {(p.org.code, p.code): p for p in rows}

    def row(self, r: ProgrammeRow) -> _Step:
        org = self.editable(r)
        found = self.stored.get(r.key)
        if found is None:
            write = partial(
                outreach_services.programme_create,
                actor=self.actor,
                org=org,
                code=r.code,
                name=r.name,
                started_on=r.started_on,
                description=r.description,
            )
            return self.step(r, apply.CREATE, write)
        self.same(
            r,
            {
                "name": (found.name, r.name),
                "started_on": (found.started_on, r.started_on),
                "description": (found.description, r.description),
            },
        )
        return self.step(r, apply.UNCHANGED)


class _Projects(_Planner):
    kind, what = "projects", "dự án"

    def __init__(self, plan, actor):
        super().__init__(plan, actor)
        rows = Project.objects.filter(org__in=self.orgs.values()).select_related("org")
        self.stored = {(p.org.code, p.code): p for p in rows.prefetch_related("units")}

    def row(self, r: ProjectRow) -> _Step:
        org = self.editable(r)
        units = [self.unit("unit_codes", c) for c in r.unit_codes]
        found = self.stored.get(r.key)
        if found is None:
            write = partial(
                outreach_services.project_create,
                actor=self.actor,
                org=org,
                code=r.code,
                name=r.name,
                units=units,
                note=r.note,
            )
            return self.step(r, apply.CREATE, write)
        stored_units = sorted(u.code for u in found.units.all())
        self.same(
            r,
            {
                "name": (found.name, r.name),
                "unit_codes": (stored_units, sorted(r.unit_codes)),
                "note": (found.note, r.note),
            },
            {"unit_codes": ";".join(stored_units)},
        )
        return self.step(r, apply.UNCHANGED)


# --- activities ----------------------------------------------------------------------------------
class _Activities(_Planner):
    kind, what = "activities", "hoạt động"

    def __init__(self, plan, actor):
        super().__init__(plan, actor)
        records: list[ActivityRow] = plan.records
        orgs = list(self.orgs.values())
        self.programmes = {(p.org_id, p.code): p for p in Programme.objects.filter(org__in=orgs)}
        self.projects = {(p.org_id, p.code): p for p in Project.objects.filter(org__in=orgs)}
        names = {leader.name for r in records for leader in r.leaders}
        self.posts: dict[str, list[Position]] = {}
        for p in Position.objects.filter(holder_name__in=names).order_by("valid_from", "pk"):
            self.posts.setdefault(p.holder_name, []).append(p)
        self.stored: dict[tuple, Activity] = {}
        days = [r.held_on for r in records]
        if days:
            rows = Activity.objects.filter(
                org__in=orgs, held_on__gte=min(days), held_on__lte=max(days)
            ).select_related("org", "programme")
            for a in rows.prefetch_related("units", "leaders", "projects").order_by("pk"):
                units = [u.code for u in a.units.all()]
                key = activity_key(a.org.code, a.held_on, a.kind, units, a.title)
                self.stored.setdefault(key, a)  # two alike stored: the row matches the first

    def row(self, r: ActivityRow) -> _Step:
        org = self.editable(r)
        programme = None
        if r.programme_code:
            programme = self.programmes.get((org.pk, r.programme_code))
            if programme is None:
                raise apply.Refused(
                    "programme_code",
                    _("%(o)s không có chương trình mã %(c)s (hãy nhập chương trình trước).")
                    % {"o": org.name, "c": r.programme_code},
                )
        units = [self.unit("unit_codes", c) for c in r.unit_codes]
        projects = [self.project(org, c) for c in r.project_codes]
        leaders = [self.leader(org, r.held_on, p.name, p.title) for p in r.leaders]
        found = self.stored.get(r.key)
        if found is not None:
            return self.compare(r, found, programme, leaders)
        # The service's own checks, so that the preview shows their refusals.
        outreach_services._check_day(r.held_on)
        outreach_services._check_units(units, r.held_on)
        outreach_services._check_leaders(leaders, r.held_on)
        try:
            check_activity_figures(r.households, r.people, r.amount, r.items)
        except DomainError as exc:
            raise apply.Refused("households", exc.message) from None
        write = partial(
            outreach_services.activity_record,
            actor=self.actor,
            org=org,
            kind=r.kind,
            held_on=r.held_on,
            units=units,
            programme=programme,
            title=r.title,
            body=r.body,
            leaders=leaders,
            projects=projects,
            households=r.households,
            people=r.people,
            items=r.items,
            amount=r.amount,
            note=r.note,
        )
        return self.step(r, apply.CREATE, write)

    def compare(self, r: ActivityRow, found: Activity, programme, leaders) -> _Step:
        stored_leaders = sorted(p.pk for p in found.leaders.all())
        stored_projects = sorted(p.code for p in found.projects.all())
        self.same(
            r,
            {
                "programme_code": (found.programme_id, programme.pk if programme else None),
                "body": (found.body, r.body),
                "leaders": (stored_leaders, sorted(p.pk for p in leaders)),
                "project_codes": (stored_projects, sorted(r.project_codes)),
                "households": (found.households, r.households),
                "people": (found.people, r.people),
                "items": (found.items, r.items),
                "amount": (found.amount, r.amount),
                "note": (found.note, r.note),
            },
            {
                "programme_code": found.programme.code if found.programme else "",
                "body": word(BODY_WORDS, found.body),
                "leaders": leaders_text(found),
                "project_codes": ";".join(stored_projects),
            },
        )
        return self.step(r, apply.UNCHANGED)

    def project(self, org: PartyOrg, code: str) -> Project:
        found = self.projects.get((org.pk, code))
        if found is None:
            raise apply.Refused(
                "project_codes",
                _("%(o)s không có dự án mã %(c)s (hãy nhập dự án trước).")
                % {"o": org.name, "c": code},
            )
        return found

    def leader(self, org: PartyOrg, day: date, name: str, title: str) -> Position:
        """The post a leader present held: by name and title, the one held on the day (else
        the service refuses it, naming the day); by name alone, the one post held that day."""
        posts = self.posts.get(name, [])
        if title:
            posts = [p for p in posts if fold(p.title) == fold(title)]
            if not posts:
                raise apply.Refused(
                    "leaders",
                    _("Danh sách chức vụ không có %(n)s với chức danh “%(t)s”.")
                    % {"n": name, "t": title},
                )
        held = [p for p in posts if _on(p, day)]
        in_org = [p for p in held if p.org_id == org.pk]
        if title:
            return (in_org or held or posts)[0]
        if not held:
            raise apply.Refused(
                "leaders",
                _("%(n)s không giữ chức vụ nào vào ngày %(d)s.")
                % {"n": name, "d": format_date_short(day)},
            )
        if len(held) > 1 and len(in_org) != 1:
            raise apply.Refused(
                "leaders",
                _("%(n)s giữ nhiều chức vụ vào ngày %(d)s (%(t)s): hãy ghi “Họ và tên, chức danh”.")
                % {"n": name, "d": format_date_short(day), "t": "; ".join(p.title for p in held)},
            )
        return (in_org or held)[0]


def leaders_text(activity: Activity) -> str:
    """The leaders present as the `Lãnh đạo tham dự` cell writes them."""
    return "; ".join(f"{p.holder_name}, {p.title}" for p in activity.leaders.all())


# --- cases ---------------------------------------------------------------------------------------
class _Cases(_Planner):
    kind, what = "cases", "vụ việc"

    def __init__(self, plan, actor):
        super().__init__(plan, actor)
        orgs = list(self.orgs.values())
        self.projects = {(p.org_id, p.code): p for p in Project.objects.filter(org__in=orgs)}
        rows = Case.objects.filter(org__in=orgs).select_related("org", "unit", "project")
        self.stored: dict[tuple, Case] = {}
        for c in rows.order_by("pk"):
            self.stored.setdefault((c.org.code, c.title, c.opened_on), c)

    def row(self, r: CaseRow) -> _Step:
        org = self.editable(r)
        unit = self.unit("unit_code", r.unit_code) if r.unit_code else None
        project = None
        if r.project_code:
            project = self.projects.get((org.pk, r.project_code))
            if project is None:
                raise apply.Refused(
                    "project_code",
                    _("%(o)s không có dự án mã %(c)s (hãy nhập dự án trước).")
                    % {"o": org.name, "c": r.project_code},
                )
        if r.resolved_on is not None and r.resolved_on > self.today:
            raise apply.Refused(
                "resolved_on",
                _("Ngày giải quyết %(d)s còn ở tương lai.")
                % {"d": format_date_short(r.resolved_on)},
            )
        found = self.stored.get(r.key)
        if found is not None:
            return self.compare(r, found, unit, project)
        check_case_dates(r.opened_on, r.resolved_on, self.today)
        if unit is not None:
            outreach_services._check_units([unit], r.opened_on)
        write = partial(
            outreach_services.case_open,
            actor=self.actor,
            org=org,
            kind=r.kind,
            title=r.title,
            opened_on=r.opened_on,
            unit=unit,
            project=project,
            resolved_on=r.resolved_on,
            note=r.note,
        )
        return self.step(r, apply.CREATE, write)

    def compare(self, r: CaseRow, found: Case, unit, project) -> _Step:
        self.same(
            r,
            {
                "kind": (found.kind, r.kind),
                "unit_code": (found.unit_id, unit.pk if unit else None),
                "project_code": (found.project_id, project.pk if project else None),
                "note": (found.note, r.note),
            },
            {
                "kind": word(CASE_WORDS, found.kind),
                "unit_code": found.unit.code if found.unit else "",
                "project_code": found.project.code if found.project else "",
            },
        )
        if r.resolved_on is None or found.resolved_on == r.resolved_on:
            return self.step(r, apply.UNCHANGED)  # an empty cell resolves nothing back
        if found.resolved_on is not None:
            self.same(r, {"resolved_on": (found.resolved_on, r.resolved_on)})
        write = partial(
            outreach_services.case_resolve, actor=self.actor, case=found, resolved_on=r.resolved_on
        )
        return self.step(r, apply.UPDATE, write, **{"case.future": "resolved_on"})


# --- tasks ---------------------------------------------------------------------------------------
class _Tasks(_Planner):
    kind, what = "tasks", "nhiệm vụ"

    def __init__(self, plan, actor):
        super().__init__(plan, actor)
        records: list[TaskRow] = plan.records
        orgs = [self.orgs[c] for c in {r.org_code for r in records} if c in self.orgs]
        self.meetings: dict[tuple, list[Meeting]] = {}
        for m in Meeting.objects.filter(org__in=orgs).select_related("org").order_by("pk"):
            self.meetings.setdefault((m.org_id, m.held_on, m.kind), []).append(m)
        self.subcommittees: dict[tuple, SubCommittee] = {}
        for s in SubCommittee.objects.filter(org__in=orgs).order_by("congress_number", "pk"):
            self.subcommittees[(s.org_id, fold(s.name))] = s  # the latest congress's
        rows = Task.objects.filter(org__in=orgs).select_related(
            "org", "meeting", "subcommittee", "conclusion", "owner_org", "owner_unit"
        )
        self.stored: dict[tuple, Task] = {}
        for t in rows.prefetch_related("notes").order_by("pk"):
            self.stored.setdefault(task_key(t), t)

    def row(self, r: TaskRow) -> _Step:
        org = self.editable(r)
        meeting = subcommittee = conclusion = None
        if r.subcommittee:
            subcommittee = self.subcommittees.get((org.pk, fold(r.subcommittee)))
            if subcommittee is None:
                raise apply.Refused(
                    "subcommittee",
                    _("%(o)s không có tiểu ban “%(n)s”.") % {"o": org.name, "n": r.subcommittee},
                )
            check_task_dates(r, subcommittee.established_on)
        else:
            meeting = self.meeting(org, r)
            if r.conclusion is not None:
                conclusion = next(
                    (c for c in meeting.conclusions.all() if c.order == r.conclusion), None
                )
                if conclusion is None:
                    raise apply.Refused(
                        "conclusion",
                        _("%(m)s không có kết luận số %(n)d.")
                        % {"m": meeting.title, "n": r.conclusion},
                    )
        owner_org = self.org(r, "owner_org_code", r.owner_org_code) if r.owner_org_code else None
        owner_unit = self.unit("owner_unit_code", r.owner_unit_code) if r.owner_unit_code else None
        for when in [n.on for n in r.progress] + [r.done_on]:
            if when is not None and when > self.today:
                column = "done_on" if when == r.done_on else "progress"
                raise apply.Refused(
                    column, _("Ngày %(d)s còn ở tương lai.") % {"d": format_date_short(when)}
                )
        found = self.stored.get(r.key)
        if found is not None:
            return self.compare(r, found, conclusion, owner_org, owner_unit)
        write = partial(
            self.assign,
            r,
            dict(
                actor=self.actor,
                title=r.title,
                deadline=r.deadline,
                meeting=meeting,
                subcommittee=subcommittee,
                conclusion=conclusion,
                owner_org=owner_org,
                owner_unit=owner_unit,
                owner_label=r.owner_label,
            ),
        )
        return self.step(r, apply.CREATE, write)

    def meeting(self, org: PartyOrg, r: TaskRow) -> Meeting:
        found = self.meetings.get((org.pk, r.meeting_on, r.meeting_kind), [])
        what = {
            "k": word(MEETING_WORDS, r.meeting_kind),
            "o": org.name,
            "d": format_date_short(r.meeting_on),
        }
        if not found:
            raise apply.Refused(
                "meeting_on",
                _("%(o)s không có %(k)s ngày %(d)s (hãy ghi hội nghị trước).") % what,
            )
        if len(found) > 1:
            raise apply.Refused(
                "meeting_kind",
                _("%(o)s có %(n)d cuộc %(k)s ngày %(d)s; không rõ nhiệm vụ thuộc cuộc nào.")
                % {**what, "n": len(found)},
            )
        return found[0]

    def compare(self, r: TaskRow, found: Task, conclusion, owner_org, owner_unit) -> _Step:
        self.same(
            r,
            {
                "conclusion": (found.conclusion_id, conclusion.pk if conclusion else None),
                "owner_org_code": (found.owner_org_id, owner_org.pk if owner_org else None),
                "owner_unit_code": (found.owner_unit_id, owner_unit.pk if owner_unit else None),
                "owner_label": (found.owner_label, r.owner_label),
                "deadline": (found.deadline, r.deadline),
            },
            {
                "conclusion": found.conclusion.order if found.conclusion else "",
                "owner_org_code": found.owner_org.code if found.owner_org else "",
                "owner_unit_code": found.owner_unit.code if found.owner_unit else "",
            },
        )
        stored_notes = {Note(n.written_on, n.text) for n in found.notes.all()}
        notes = [n for n in r.progress if n not in stored_notes]
        done = None
        if r.done_on is not None and r.done_on != found.done_on:
            if found.done_on is not None or found.status == Task.Status.CANCELLED:
                shown = found.get_status_display() if found.done_on is None else found.done_on
                self.same(r, {"done_on": (found.done_on, r.done_on)}, {"done_on": shown})
            done = r.done_on
        if not notes and done is None:
            return self.step(r, apply.UNCHANGED)
        return self.step(r, apply.UPDATE, partial(self.progress, found, notes, done))

    def assign(self, r: TaskRow, fields: dict) -> Task:
        task = meeting_services.task_assign(**fields)
        return self.progress(task, list(r.progress), r.done_on)

    def progress(self, task: Task, notes: list, done: date | None) -> Task:
        for note in sorted(notes):
            meeting_services.task_progress(actor=self.actor, task=task, on=note.on, text=note.text)
        if done is not None:
            meeting_services.task_progress(actor=self.actor, task=task, on=done, done=True)
        return task


def task_key(t: Task) -> tuple:
    """A stored task's natural key, as TaskRow.key reads it from a file."""
    if t.meeting_id:
        return (t.org.code, t.meeting.held_on, t.meeting.kind, "", t.title)
    return (t.org.code, None, "", t.subcommittee.name, t.title)


# --- applying ------------------------------------------------------------------------------------
def _apply(plan: apply.ImportPlan, actor: Actor, sink, progress) -> None:
    """Each planned row through its service, in a savepoint; a refusal lands on its cell."""
    if sink.errors or plan.work is None:
        return  # the planner found errors: nothing would be kept
    for step in apply._each(plan.work, progress):
        if sink.full():
            return
        if step.write is None:
            sink.counts[apply.UNCHANGED] += 1
            continue
        try:
            with transaction.atomic():
                step.write()
        except DomainError as exc:
            sink.error(step.record, step.columns.get(exc.code, "org_code"), exc.message)
            continue
        sink.counts[step.action] += 1


def _planner(cls: type[_Planner]) -> Callable[[apply.ImportPlan, Actor], None]:
    return lambda plan, actor: cls(plan, actor).run()


for _cls in (_Programmes, _Projects, _Activities, _Cases, _Tasks):
    apply.PLANNERS[_cls.kind] = _planner(_cls)
    apply.APPLIERS[_cls.kind] = _apply

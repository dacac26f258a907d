"""Writes of mass-mobilization work: programmes, projects, activities and citizens' cases.

Each function checks the actor's right on the organization, validates the input against the
dates it names (a neighbourhood must exist on the day it was visited; a leader must hold the
post that day), and writes audit rows in the same transaction. They take one record at a time
so that an import can call them row by row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_change, snapshot
from tongket.core.permissions import require
from tongket.domain.errors import DomainError
from tongket.domain.outreach import (
    check_activity_figures,
    check_case_dates,
    missing_units_message,
)
from tongket.domain.vnformat import format_date_short
from tongket.outreach.models import Activity, Case, Programme, Project
from tongket.party.models import PartyOrg, Position
from tongket.registry.models import AdminUnit, AdminUnitVersion


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _required(value: str, what: str) -> str:
    if not _clean(value):
        raise DomainError("outreach.required", _("Thiếu %(what)s.") % {"what": what})
    return _clean(value)


@transaction.atomic
def programme_create(
    *,
    actor: Actor,
    org: PartyOrg,
    code: str,
    name: str,
    started_on: date | None = None,
    description: str = "",
) -> Programme:
    """A programme of the organization; the same code twice is refused."""
    require(actor, "edit", org.scope_target())
    code, name = _required(code, _("mã chương trình")), _required(name, _("tên chương trình"))
    if Programme.objects.filter(org=org, code=code).exists():
        raise DomainError(
            "programme.exists", _("Chương trình mã %(c)s đã có.") % {"c": code}, {"code": code}
        )
    programme = Programme.objects.create(
        org=org, code=code, name=name, started_on=started_on, description=description
    )
    record_change(actor, "create", programme, after=snapshot(programme))
    return programme


@transaction.atomic
def project_create(
    *, actor: Actor, org: PartyOrg, code: str, name: str, units=(), note: str = ""
) -> Project:
    """A project mobilization work accompanies, with the units it touches."""
    require(actor, "edit", org.scope_target())
    code, name = _required(code, _("mã dự án")), _required(name, _("tên dự án"))
    if Project.objects.filter(org=org, code=code).exists():
        raise DomainError("project.exists", _("Dự án mã %(c)s đã có.") % {"c": code})
    project = Project.objects.create(org=org, code=code, name=name, note=note)
    project.units.set(list(units))
    record_change(
        actor, "create", project, after={**snapshot(project), "units": [u.code for u in units]}
    )
    return project


def units_missing_on(units: list[AdminUnit], day: date) -> list[AdminUnit]:
    """The units without a version valid on the day: they did not exist then."""
    alive = set(
        AdminUnitVersion.objects.filter(unit__in=units, valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .values_list("unit_id", flat=True)
    )
    return [u for u in units if u.pk not in alive]


def _check_units(units: list[AdminUnit], day: date) -> None:
    if not units:
        raise DomainError("activity.no_unit", _("Cần ghi ít nhất một đơn vị (khu phố, phường)."))
    if missing := units_missing_on(units, day):
        raise DomainError(
            "activity.unit_missing",
            missing_units_message([f"{u.name} ({u.code})" for u in missing], day),
            {"units": [u.code for u in missing], "day": str(day)},
        )


def _check_leaders(leaders: list[Position], day: date) -> None:
    """Each leader present must hold the post on the day."""
    for p in leaders:
        if p.valid_from > day or (p.valid_to and p.valid_to < day):
            raise DomainError(
                "activity.leader_not_in_post",
                _("%(who)s không giữ chức %(title)s vào ngày %(day)s.")
                % {"who": p.holder_name, "title": p.title, "day": format_date_short(day)},
            )


def _check_projects(projects: list[Project], org: PartyOrg) -> None:
    """A record of the organization follows only the organization's own projects (another
    office's project would show its work under the wrong committee)."""
    if other := [p for p in projects if p.org_id != org.pk]:
        raise DomainError(
            "activity.project_org",
            _("Dự án %(p)s không thuộc %(o)s.")
            % {"p": ", ".join(p.name for p in other), "o": org.name},
            {"projects": [p.code for p in other]},
        )


def _check_day(day: date) -> None:
    if day > timezone.localdate():
        raise DomainError(
            "activity.future",
            _("Ngày %(d)s còn ở tương lai: chỉ ghi hoạt động đã diễn ra.")
            % {"d": format_date_short(day)},
        )


@transaction.atomic
def activity_record(
    *,
    actor: Actor,
    org: PartyOrg,
    kind: str,
    held_on: date,
    units: list[AdminUnit],
    programme: Programme | None = None,
    title: str = "",
    body: str = "",
    leaders: list[Position] = (),
    projects: list[Project] = (),
    households: int | None = None,
    people: int | None = None,
    items: int | None = None,
    amount: Decimal | None = None,
    note: str = "",
) -> Activity:
    """One activity on a day, with the units it touched (each must exist that day) and the
    leaders present (each in post that day). Nothing is written when a check fails."""
    require(actor, "edit", org.scope_target())
    if kind not in Activity.Kind.values:
        raise DomainError("activity.kind", _("Hình thức không hợp lệ: %(v)s.") % {"v": kind})
    if body and body not in Position.Body.values:
        raise DomainError("activity.body", _("Cơ quan không hợp lệ: %(v)s.") % {"v": body})
    if programme is not None and programme.org_id != org.pk:
        raise DomainError(
            "activity.programme_org",
            _("Chương trình %(p)s không thuộc %(o)s.") % {"p": programme.name, "o": org.name},
        )
    projects = list(projects)
    _check_projects(projects, org)
    _check_day(held_on)
    units, leaders = list(units), list(leaders)
    _check_units(units, held_on)
    _check_leaders(leaders, held_on)
    check_activity_figures(households, people, amount, items)
    activity = Activity.objects.create(
        org=org,
        programme=programme,
        kind=kind,
        held_on=held_on,
        title=_clean(title),
        body=body,
        households=households,
        people=people,
        items=items,
        amount=amount,
        note=note,
    )
    activity.units.set(units)
    activity.leaders.set(leaders)
    activity.projects.set(projects)
    after = {
        **snapshot(activity),
        "units": [u.code for u in units],
        "leaders": [p.pk for p in leaders],
        "projects": [p.code for p in projects],
    }
    record_change(actor, "create", activity, after=after)
    return activity


@transaction.atomic
def case_open(
    *,
    actor: Actor,
    org: PartyOrg,
    kind: str,
    title: str,
    opened_on: date,
    unit: AdminUnit | None = None,
    project: Project | None = None,
    resolved_on: date | None = None,
    note: str = "",
) -> Case:
    """A petition or pending case received on a day (resolved already, when the office
    records it late)."""
    require(actor, "edit", org.scope_target())
    if kind not in Case.Kind.values:
        raise DomainError("case.kind", _("Loại vụ việc không hợp lệ: %(v)s.") % {"v": kind})
    title = _required(title, _("nội dung vụ việc"))
    _check_projects([project] if project is not None else [], org)
    check_case_dates(opened_on, resolved_on, timezone.localdate())
    if unit is not None:
        _check_units([unit], opened_on)
    case = Case.objects.create(
        org=org,
        kind=kind,
        title=title,
        opened_on=opened_on,
        resolved_on=resolved_on,
        status=Case.Status.RESOLVED if resolved_on else Case.Status.OPEN,
        unit=unit,
        project=project,
        note=note,
    )
    record_change(actor, "create", case, after=snapshot(case))
    return case


@transaction.atomic
def case_resolve(*, actor: Actor, case: Case, resolved_on: date, note: str = "") -> Case:
    """Marks a case resolved on a day (not before it was received, not in the future)."""
    require(actor, "edit", case.scope_target())
    if resolved_on > timezone.localdate():
        raise DomainError(
            "case.future",
            _("Ngày %(d)s còn ở tương lai.") % {"d": format_date_short(resolved_on)},
        )
    check_case_dates(case.opened_on, resolved_on, timezone.localdate())
    before = snapshot(case)
    case.resolved_on, case.status = resolved_on, Case.Status.RESOLVED
    if note:
        case.note = note
    case.save()
    record_change(actor, "update", case, before=before, after=snapshot(case))
    return case

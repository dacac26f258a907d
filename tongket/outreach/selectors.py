"""Reads of mass-mobilization work, scoped to the actor: coverage of a programme's visits over
the neighbourhoods that exist on a day, visits per week, the activities of a project, and the
backlog of citizens' cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from tongket.core.actor import Actor
from tongket.core.errors import NotFoundError
from tongket.core.permissions import restrict
from tongket.core.routers import reading_replica
from tongket.domain.outreach import (
    Backlog,
    Cadence,
    CaseDates,
    Coverage,
    backlog,
    cadence,
    coverage,
    format_coverage,
    format_coverage_share,
    visits_per_week,
)
from tongket.domain.text import vi_sort_string
from tongket.outreach.models import Activity, Case, Programme, Project
from tongket.party.models import PartyOrg
from tongket.registry.models import AdminUnit
from tongket.registry.selectors import subtree_on

NEIGHBOURHOOD = AdminUnit.Level.NEIGHBOURHOOD


def programmes_visible(actor: Actor) -> QuerySet[Programme]:
    return restrict(Programme.objects.select_related("org"), actor)


def programme_get(actor: Actor, pk: int) -> Programme:
    programme = programmes_visible(actor).filter(pk=pk).first()
    if programme is None:
        raise NotFoundError("chương trình")
    return programme


def programme_by_code(actor: Actor, org: PartyOrg, code: str) -> Programme:
    programme = programmes_visible(actor).filter(org=org, code=code).first()
    if programme is None:
        raise NotFoundError(f"chương trình mã {code} của {org.name}")
    return programme


def activities_visible(actor: Actor) -> QuerySet[Activity]:
    return restrict(Activity.objects.select_related("org", "programme"), actor)


@dataclass(frozen=True)
class Place:
    """A neighbourhood as the coverage page lists it, with the name it had on the day."""

    unit_id: int
    code: str
    name: str
    ward: str
    first_visit: date | None = None


@dataclass(frozen=True)
class CoverageReport:
    """A programme's visits over the neighbourhoods of the organization's area on a day."""

    programme: Programme
    org: PartyOrg
    on: date
    start: date
    body: str
    coverage: Coverage
    text: str  # "20/112 khu phố"
    share: str  # "17,86%"
    visited: list[Place]
    not_visited: list[Place]
    weeks: list[tuple[date, int]]
    cadence: Cadence
    visits: int


@reading_replica()
def coverage_report(
    actor: Actor,
    programme: Programme,
    on: date,
    body: str | None = None,
    start: date | None = None,
) -> CoverageReport:
    """Distinct neighbourhoods visited under the programme from `start` (the programme's
    start, else 1 January of the year) to `on`, over the neighbourhoods under the
    organization's unit that exist on `on`; `body` keeps the visits of one body only (the
    standing members, for F19)."""
    org = programme.org
    if org.unit_id is None:
        raise NotFoundError(f"đơn vị hành chính gắn với {org.name}")
    start = start or programme.started_on or date(on.year, 1, 1)
    snap = subtree_on(org.unit, on)
    existing = [n for n, v in snap.nodes.items() if v.level == NEIGHBOURHOOD]
    rows = activities_visible(actor).filter(
        programme=programme, kind=Activity.Kind.VISIT, held_on__gte=start, held_on__lte=on
    )
    if body:
        rows = rows.filter(body=body)
    first: dict[int, date] = {}
    for held_on, unit_id in rows.values_list("held_on", "units").order_by("held_on"):
        first.setdefault(unit_id, held_on)
    days = list(rows.values_list("held_on", flat=True))
    found = coverage(existing, first)

    def place(n: int) -> Place:
        v = snap.nodes[n]
        ward = snap.nodes[v.parent].name if v.parent in snap.nodes else ""
        return Place(n, v.code, v.name, ward, first.get(n))

    def order(p: Place):
        return (vi_sort_string(p.ward), p.code)

    return CoverageReport(
        programme=programme,
        org=org,
        on=on,
        start=start,
        body=body or "",
        coverage=found,
        text=format_coverage(found),
        share=format_coverage_share(found),
        visited=sorted((place(n) for n in found.visited), key=order),
        not_visited=sorted((place(n) for n in found.not_visited), key=order),
        weeks=visits_per_week(days, start, on),
        cadence=cadence(days, start, on),
        visits=len(days),
    )


def projects_visible(actor: Actor) -> QuerySet[Project]:
    return restrict(Project.objects.select_related("org").prefetch_related("units"), actor)


@dataclass(frozen=True)
class ProjectWork:
    """A project with the mobilization activities linked to it and the units they touched."""

    project: Project
    activities: list[Activity]
    units: list[str]
    households: int
    people: int


def project_work(actor: Actor, org: PartyOrg) -> list[ProjectWork]:
    """The organization's projects, each with its activities (oldest first)."""
    out = []
    for project in projects_visible(actor).filter(org__path__startswith=org.path):
        acts = list(
            activities_visible(actor)
            .filter(projects=project)
            .prefetch_related("units", "leaders")
            .order_by("held_on", "id")
        )
        touched = sorted({u.name for a in acts for u in a.units.all()}, key=vi_sort_string)
        out.append(
            ProjectWork(
                project,
                acts,
                touched,
                sum(a.households or 0 for a in acts),
                sum(a.people or 0 for a in acts),
            )
        )
    return out


def cases_visible(actor: Actor) -> QuerySet[Case]:
    return restrict(Case.objects.select_related("org", "unit"), actor)


def case_backlog(actor: Actor, org: PartyOrg, on: date) -> Backlog:
    """Cases of the organization's subtree still open on `on`, by age."""
    rows = cases_visible(actor).filter(org__path__startswith=org.path)
    return backlog(
        (CaseDates(pk, o, r) for pk, o, r in rows.values_list("pk", "opened_on", "resolved_on")),
        on,
    )

"""Builds the demo's meetings, tasks and mass-mobilization records from a scenario's `[work]`
tables, through the same services an office uses.

Records only: a meeting with its attendees and conclusions, the tasks they assign, visits,
projects and cases. No figure is stored: coverage ("20/112 khu phố"), the count of wards on a
meeting's day, the state of a task are computed by the selectors from these records.
"""

from __future__ import annotations

import random
from decimal import Decimal

from tongket.core.actor import Actor


def build_work(actor: Actor, spec: dict, orgs: dict, units: dict) -> None:
    """Loads the `[work]` tables of one scenario (nothing when it has none)."""
    if not spec:
        return
    from tongket.demo.build import _position, _term

    for row in spec.get("terms", []):
        _term(actor, row, orgs)
    for row in spec.get("positions", []):
        _position(actor, row, orgs, units)
    programmes = {
        (r["org"], r["code"]): _programme(actor, r, orgs) for r in spec.get("programmes", [])
    }
    projects = {r["code"]: _project(actor, r, orgs, units) for r in spec.get("projects", [])}
    for batch in spec.get("visits", []):
        _visits(actor, batch, orgs, units, programmes)
    for row in spec.get("activities", []):
        _activity(actor, row, orgs, units, programmes, projects)
    for row in spec.get("cases", []):
        _case(actor, row, orgs, units, projects)
    for row in spec.get("meetings", []):
        _meeting(actor, row, orgs, units)
    rng = random.Random(spec.get("seed", 0))
    for row in spec.get("subcommittees", []):
        _subcommittee(actor, row, orgs, units, rng)


def _programme(actor, row, orgs):
    from tongket.outreach.services import programme_create

    return programme_create(
        actor=actor,
        org=orgs[row["org"]],
        code=row["code"],
        name=row["name"],
        started_on=row.get("started_on"),
        description=row.get("description", ""),
    )


def _project(actor, row, orgs, units):
    from tongket.outreach.services import project_create

    return project_create(
        actor=actor,
        org=orgs[row["org"]],
        code=row["code"],
        name=row["name"],
        units=[units[c] for c in row.get("units", [])],
        note=row.get("note", ""),
    )


def _leaders(rows: list[dict]):
    from tongket.party.models import Position

    return [Position.objects.get(holder_name=r["holder"], title=r["title"]) for r in rows]


def _visits(actor, batch, orgs, units, programmes) -> None:
    """A batch of visits of one body under one programme: one activity per row."""
    from tongket.outreach.services import activity_record

    org = orgs[batch["org"]]
    for row in batch["rows"]:
        activity_record(
            actor=actor,
            org=org,
            programme=programmes[(batch["org"], batch["programme"])],
            kind="visit",
            held_on=row["on"],
            units=[units_by_code(units, row["unit"])],
            body=batch.get("body", ""),
            title=batch.get("title", ""),
        )


def units_by_code(units: dict, code: str):
    """Khu phố are created by the builder without passing through the `units` dict."""
    from tongket.registry.models import AdminUnit

    return units.get(code) or AdminUnit.objects.get(code=code)


def _activity(actor, row, orgs, units, programmes, projects) -> None:
    from tongket.outreach.services import activity_record

    programme = programmes.get((row["org"], row["programme"])) if row.get("programme") else None
    amount = row.get("amount")
    activity_record(
        actor=actor,
        org=orgs[row["org"]],
        programme=programme,
        kind=row["kind"],
        held_on=row["on"],
        units=[units_by_code(units, c) for c in row["units"]],
        title=row.get("title", ""),
        body=row.get("body", ""),
        leaders=_leaders(row.get("leaders", [])),
        projects=[projects[c] for c in row.get("projects", [])],
        households=row.get("households"),
        people=row.get("people"),
        items=row.get("items"),
        amount=Decimal(str(amount)) if amount is not None else None,
    )


def _case(actor, row, orgs, units, projects) -> None:
    from tongket.outreach.services import case_open

    case_open(
        actor=actor,
        org=orgs[row["org"]],
        kind=row["kind"],
        title=row["title"],
        opened_on=row["opened_on"],
        resolved_on=row.get("resolved_on"),
        unit=units_by_code(units, row["unit"]) if row.get("unit") else None,
        project=projects[row["project"]] if row.get("project") else None,
    )


def _meeting(actor, row, orgs, units) -> None:
    from tongket.meetings import services
    from tongket.party.models import Term

    org = orgs[row["org"]]
    term = Term.objects.get(org=org, number=row["term"]) if row.get("term") else None
    meeting = services.meeting_create(
        actor=actor,
        org=org,
        kind=row["kind"],
        held_on=row["held_on"],
        number=row.get("number"),
        term=term,
        period=row.get("period", ""),
        topic=row.get("topic", ""),
        time_of_day=row.get("time_of_day", ""),
        place=row.get("place", ""),
        agenda=row.get("agenda", ""),
        documents=row.get("documents", ""),
    )
    for person in row.get("attendees", []):
        services.attendee_add(
            actor=actor,
            meeting=meeting,
            holder_name=person["holder"],
            guest=person.get("guest", False),
            chairs=person.get("chairs", False),
        )
    for group in row.get("groups", []):
        services.attendee_group_add(
            actor=actor,
            meeting=meeting,
            title=group["title"],
            root=units[group["root"]],
            level=group["level"],
        )
    for item in row.get("conclusions", []):
        conclusion = services.conclusion_add(
            actor=actor, meeting=meeting, text=item["text"], given_by=item.get("given_by", "")
        )
        for task in item.get("tasks", []):
            _task(actor, task, orgs, units, meeting=meeting, conclusion=conclusion)


def _task(actor, row, orgs, units, **source) -> None:
    from tongket.meetings import services

    task = services.task_assign(
        actor=actor,
        title=row["title"],
        deadline=row.get("deadline"),
        owner_org=orgs[row["owner_org"]] if row.get("owner_org") else None,
        owner_unit=units[row["owner_unit"]] if row.get("owner_unit") else None,
        owner_label=row.get("owner_label", ""),
        **source,
    )
    for note in row.get("progress", []):
        services.task_progress(
            actor=actor,
            task=task,
            on=note["on"],
            text=note.get("text", ""),
            done=note.get("done", False),
        )


def _subcommittee(actor, row, orgs, units, rng) -> None:
    """A congress sub-committee with generated members (ILLUSTRATIVE names) and its tasks."""
    from tongket.demo.names import person_name
    from tongket.meetings import services

    sub = services.subcommittee_create(
        actor=actor,
        org=orgs[row["org"]],
        congress_number=row["congress"],
        term_start=row["term_start"],
        term_end=row["term_end"],
        name=row["name"],
        established_on=row["established_on"],
        decision=row.get("decision", ""),
        duties=row.get("duties", ""),
    )
    roles = ["head", "deputy"] + ["member"] * (row.get("members", 2) - 2)
    for role in roles:
        name = person_name(rng, rng.choice(["male", "female"]))
        services.subcommittee_member_add(actor=actor, subcommittee=sub, holder_name=name, role=role)
    for task in row.get("tasks", []):
        _task(actor, task, orgs, units, subcommittee=sub)

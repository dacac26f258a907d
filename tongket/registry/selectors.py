"""Reads of the unit registry, always through the actor's scope and always as of a day."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from tongket.core.actor import Actor
from tongket.core.errors import NotFoundError
from tongket.core.permissions import restrict
from tongket.core.revisions import cached
from tongket.core.tree_sql import subtree_snapshot
from tongket.domain.text import vi_sort_string
from tongket.domain.timeline import Edge, Snapshot, Version, holders_on, predecessors, successors
from tongket.registry.models import AdminUnit, AdminUnitVersion, UnitEvent, UnitLineage


def units_visible(actor: Actor) -> QuerySet[AdminUnit]:
    return restrict(AdminUnit.objects.select_related("parent"), actor)


def unit_get(actor: Actor, pk: int) -> AdminUnit:
    unit = units_visible(actor).filter(pk=pk).first()
    if unit is None:
        raise NotFoundError("đơn vị")
    return unit


def unit_by_code(actor: Actor, code: str) -> AdminUnit:
    unit = units_visible(actor).filter(code=code).first()
    if unit is None:
        raise NotFoundError(f"đơn vị mã {code}")
    return unit


def snapshot_on(day: date) -> Snapshot:
    """Every unit as it stood on `day`: one query, the tree built in memory and cached until
    a service changes the unit tree."""
    return cached("units", day, lambda: _build_snapshot(day))


def _build_snapshot(day: date) -> Snapshot:
    rows = AdminUnitVersion.objects.filter(valid_from__lte=day).exclude(valid_to__lt=day)
    fields = ("unit_id", "valid_from", "valid_to", "name", "level", "parent_id", "unit__code")
    return Snapshot((Version(*row) for row in rows.values_list(*fields)), day)


def subtree_on(root: AdminUnit, day: date) -> Snapshot:
    """The root and everything under it on the day (one recursive query)."""
    return subtree_snapshot(AdminUnitVersion, "unit", "level", root.pk, day)


def unit_counts(actor: Actor, root_code: str, day: date) -> Counter:
    """How many units of each level lie under the root on the day."""
    root = unit_by_code(actor, root_code)
    return subtree_on(root, day).count_by_level(root.pk)


@dataclass(frozen=True)
class TreeRow:
    depth: int
    code: str
    name: str
    level: str


def unit_tree(actor: Actor, root_code: str, day: date, depth: int = 99) -> list[TreeRow]:
    """The tree under the root as it stood on the day, with the names valid then."""
    root = unit_by_code(actor, root_code)
    snap = subtree_on(root, day)
    rows: list[TreeRow] = []

    def visit(node: int, level: int) -> None:
        v = snap.nodes[node]
        rows.append(TreeRow(level, v.code, v.name, v.level))
        if level < depth:
            for child in sorted(snap.children.get(node, ()), key=lambda n: snap.nodes[n].name):
                visit(child, level + 1)

    if root.pk in snap:
        visit(root.pk, 0)
    return rows


def _edges() -> list[Edge]:
    rows = UnitLineage.objects.values_list(
        "predecessor_id", "successor_id", "event__effective_on", "whole"
    )
    return [Edge(*row) for row in rows]


@dataclass(frozen=True)
class LineageStep:
    effective_on: date
    kind: str
    predecessor: str
    successor: str
    whole: bool
    basis: str


def unit_lineage(actor: Actor, code: str) -> tuple[list[LineageStep], list[LineageStep]]:
    """(what it came from, what it became), through chains, with the names valid then."""
    unit = unit_by_code(actor, code)
    edges = _edges()
    return _steps(predecessors(edges, unit.pk)), _steps(successors(edges, unit.pk))


def _steps(edges: list[Edge]) -> list[LineageStep]:
    if not edges:
        return []
    rows = UnitLineage.objects.select_related("event__basis").filter(
        predecessor_id__in={e.predecessor for e in edges},
        successor_id__in={e.successor for e in edges},
    )
    steps = []
    for row in rows:
        day = row.event.effective_on
        steps.append(
            LineageStep(
                day,
                row.event.kind,
                _name_on(row.predecessor_id, day, before=True),
                _name_on(row.successor_id, day),
                row.whole,
                row.event.basis.text,
            )
        )
    return sorted(set(steps), key=lambda s: (s.effective_on, s.predecessor, s.successor))


def _name_on(unit_id: int, day: date, before: bool = False) -> str:
    from tongket.domain.timeline import day_before

    when = day_before(day) if before else day
    version = (
        AdminUnitVersion.objects.filter(unit_id=unit_id, valid_from__lte=when)
        .exclude(valid_to__lt=when)
        .select_related("parent")
        .first()
    )
    if version is None:
        return AdminUnit.objects.get(pk=unit_id).name
    parent = AdminUnitVersion.objects.filter(unit=version.parent, valid_from__lte=when).exclude(
        valid_to__lt=when
    )
    parent_name = parent.values_list("name", flat=True).first() if version.parent_id else None
    return f"{version.name}, {parent_name}" if parent_name else version.name


def unit_holders(actor: Actor, code: str, day: date) -> list[str]:
    """The units that hold X's area on the day (X itself, or its successors then)."""
    unit = unit_by_code(actor, code)
    snap = snapshot_on(day)
    return [f"{snap.nodes[n].name}" for n in holders_on(_edges(), snap, unit.pk)]


def units_affected(actor: Actor, root_code: str, effective_on: date) -> list[str]:
    """The units under the root (on the day before) touched by events effective that day."""
    from tongket.domain.timeline import day_before

    root = unit_by_code(actor, root_code)
    before = set(subtree_on(root, day_before(effective_on)).nodes)
    touched = set()
    for event in UnitEvent.objects.filter(effective_on=effective_on).prefetch_related("edges"):
        for edge in event.edges.all():
            touched |= {edge.predecessor_id, edge.successor_id}
    return sorted(AdminUnit.objects.filter(pk__in=touched & before).values_list("code", flat=True))


@dataclass(frozen=True)
class Node:
    """A unit as the tree browser shows it on a day."""

    pk: int
    code: str
    name: str
    level: str
    children: int


def tree_level(actor: Actor, day: date, parent: AdminUnit | None = None) -> list[Node]:
    """The visible units directly under `parent` on the day (or the tops of the actor's
    visible forest), each with how many children it had that day."""
    snap = snapshot_on(day)
    visible = set(units_visible(actor).values_list("pk", flat=True))
    if parent is not None:
        ids = [n for n in snap.children.get(parent.pk, ()) if n in visible]
    else:
        ids = [n for n, v in snap.nodes.items() if n in visible and v.parent not in visible]
    nodes = [
        Node(
            n,
            snap.nodes[n].code,
            snap.nodes[n].name,
            snap.nodes[n].level,
            len(snap.children.get(n, ())),
        )
        for n in ids
    ]
    return sorted(nodes, key=lambda n: (UNIT_ORDER.get(n.level, 9), vi_sort_string(n.name)))


def unit_versions(actor: Actor, unit: AdminUnit) -> list[AdminUnitVersion]:
    return list(unit.versions.select_related("parent", "basis").order_by("valid_from"))


def unit_counts_on(actor: Actor, unit: AdminUnit, day: date) -> Counter:
    return subtree_on(unit, day).count_by_level(unit.pk)


UNIT_ORDER = {level: i for i, level in enumerate(AdminUnit.Level.values)}

"""Trees that change over time: dated versions, snapshots as of a day, and lineage.

A unit (or organization) has a stable identity and versions, each valid from one day to another
(both included; an open end is None). A snapshot is the set of versions valid on one day; it
answers "the tree under X on D" and "how many of each level". Reorganization events leave edges
predecessor → successor, which lineage walks forwards and backwards through chains.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tongket.domain.errors import DomainError
from tongket.domain.vnformat import format_date_short

# Levels of the unit tree, from the top; a child sits strictly below its parent.
UNIT_LEVELS = ("province", "district", "ward", "neighbourhood", "resident_group")
DISTRICT_LEVEL_ENDS = date(2025, 6, 30)  # two-tier local government from 1/7/2025


@dataclass(frozen=True)
class Version:
    """One dated state of a node: its name, level and parent on the days it covers."""

    node: int
    valid_from: date
    valid_to: date | None
    name: str
    level: str
    parent: int | None
    code: str = ""

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Edge:
    """A lineage edge left by an event: `successor` took over (all or part of) `predecessor`."""

    predecessor: int
    successor: int
    effective_on: date
    whole: bool = True


def _span(v: Version) -> str:
    end = format_date_short(v.valid_to) if v.valid_to else "…"
    return f"{format_date_short(v.valid_from)} – {end}"


def check_dates(v: Version) -> None:
    if v.valid_to is not None and v.valid_to < v.valid_from:
        raise DomainError(
            "version.dates",
            f"Ngày hết hiệu lực đứng trước ngày bắt đầu ({_span(v)}) của {v.name}.",
        )


def check_no_overlap(versions: Iterable[Version]) -> None:
    """Two versions of one node may not cover the same day."""
    by_node: dict[int, list[Version]] = defaultdict(list)
    for v in versions:
        check_dates(v)
        by_node[v.node].append(v)
    for rows in by_node.values():
        rows.sort(key=lambda v: v.valid_from)
        for before, after in zip(rows, rows[1:], strict=False):
            if before.valid_to is None or before.valid_to >= after.valid_from:
                raise DomainError(
                    "version.overlap",
                    f"Hai phiên bản của {after.name} trùng thời gian: {_span(before)} và "
                    f"{_span(after)}.",
                )


def check_level(
    child_level: str,
    parent_level: str | None,
    child_name: str,
    day: date,
    last_day: date | None = None,
) -> None:
    """A child must sit below its parent; no district exists after 30/6/2025."""
    if child_level not in UNIT_LEVELS:
        raise DomainError("unit.level", f"Cấp đơn vị không hợp lệ: {child_level}.")
    if child_level == "district" and (last_day is None or last_day > DISTRICT_LEVEL_ENDS):
        raise DomainError(
            "unit.district_ended",
            f"Cấp quận, huyện kết thúc ngày 30/06/2025: {child_name} phải có ngày hết hiệu lực "
            "không muộn hơn ngày đó.",
        )
    if child_level == "district" and day > DISTRICT_LEVEL_ENDS:
        raise DomainError(
            "unit.district_ended",
            f"Từ 01/7/2025 không còn cấp quận, huyện: {child_name} ({format_date_short(day)}).",
        )
    if parent_level is not None and UNIT_LEVELS.index(child_level) <= UNIT_LEVELS.index(
        parent_level
    ):
        raise DomainError(
            "unit.level",
            f"Không thể đặt {child_name} (cấp {child_level}) dưới một đơn vị cấp {parent_level}.",
        )


class Snapshot:
    """The versions valid on one day, indexed for tree questions."""

    def __init__(self, versions: Iterable[Version], day: date):
        self.day = day
        self.nodes: dict[int, Version] = {v.node: v for v in versions if v.valid_on(day)}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for v in self.nodes.values():
            self.children[v.parent].append(v.node)

    def __contains__(self, node: int) -> bool:
        return node in self.nodes

    def subtree(self, root: int) -> list[int]:
        """The root and everything under it on the day (empty when the root does not exist)."""
        if root not in self.nodes:
            return []
        found, stack = [], [root]
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(self.children.get(node, ()))
        return found

    def count_by_level(self, root: int) -> Counter:
        """How many nodes of each level lie under the root (the root itself not counted)."""
        return Counter(self.nodes[n].level for n in self.subtree(root) if n != root)

    def ancestors(self, node: int) -> list[int]:
        chain, seen = [], {node}
        while (parent := self.nodes[node].parent) is not None and parent in self.nodes:
            if parent in seen:
                raise DomainError("tree.cycle", "Cây đơn vị có vòng lặp.")
            chain.append(parent)
            seen.add(parent)
            node = parent
        return chain


def check_no_cycle(parent_of: dict[int, int | None], node: int, new_parent: int | None) -> None:
    """Refuses a parent that lies under the node itself (on the day the change takes effect)."""
    current = new_parent
    while current is not None:
        if current == node:
            raise DomainError(
                "tree.cycle", "Đơn vị cấp trên nằm trong chính đơn vị này (vòng lặp)."
            )
        current = parent_of.get(current)


def successors(edges: Iterable[Edge], node: int, since: date | None = None) -> list[Edge]:
    """Every edge forward from `node` through chains (old ward → merged ward → new ward)."""
    forward: dict[int, list[Edge]] = defaultdict(list)
    for e in edges:
        forward[e.predecessor].append(e)
    return _walk(forward, node, lambda e: e.successor, since)


def predecessors(edges: Iterable[Edge], node: int) -> list[Edge]:
    """Every edge backward from `node` through chains (what it was formed from)."""
    backward: dict[int, list[Edge]] = defaultdict(list)
    for e in edges:
        backward[e.successor].append(e)
    return _walk(backward, node, lambda e: e.predecessor, None)


def _walk(index, start, step, since) -> list[Edge]:
    found, queue, seen = [], [start], {start}
    while queue:
        node = queue.pop(0)
        for e in sorted(index.get(node, ()), key=lambda e: e.effective_on):
            if since is not None and e.effective_on <= since:
                continue
            found.append(e)
            if step(e) not in seen:
                seen.add(step(e))
                queue.append(step(e))
    return found


def holders_on(edges: Iterable[Edge], snapshot: Snapshot, node: int) -> list[int]:
    """The nodes that hold `node`'s area on the snapshot's day: itself if it still exists,
    else the successors at the end of every chain that exist that day."""
    if node in snapshot:
        return [node]
    chain = successors(edges, node)
    return sorted(
        {e.successor for e in chain if e.successor in snapshot and e.effective_on <= snapshot.day}
    )


def day_before(day: date) -> date:
    return day - timedelta(days=1)


def day_after(day: date) -> date:
    return day + timedelta(days=1)

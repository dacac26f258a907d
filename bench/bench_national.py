"""National unit data (issue 3): the full load, and the as-of tree of one province.

    .venv/bin/python -m bench.bench_national

Sets up Django (config.settings) on a fresh SQLite file in a temporary directory, migrates,
times `national_load`, then times the tree of Ho Chi Minh City (VN-P79) on 1/7/2025 and on
31/12/2024 the way the registry does it (tongket.registry.selectors.subtree_on: one recursive
SQL query over the versions valid that day) against a naive baseline measured in the same run
(one ORM query per node for its children on the day), and against the whole-country snapshot
(every version valid that day, the tree built in memory). Targets: load ≤ 60 s, tree ≤ 100 ms.
"""

from __future__ import annotations

import gc
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.summary import Ratio

ROOT = "VN-P79"
DAYS = (date(2025, 7, 1), date(2024, 12, 31))
REPEAT = 21
LOAD_TARGET_S = 60.0
TREE_TARGET_MS = 100.0


def _django(var: Path) -> None:
    """Points tongket at a scratch database before Django starts, then migrates it."""
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ["TONGKET_VAR_DIR"] = str(var)
        os.environ["TONGKET_DATABASE_URL"] = f"sqlite:///{var / 'bench.sqlite3'}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _verdict(value: float, target: float, unit: str) -> str:
    return f"target ≤ {target:.0f} {unit}: {'met' if value <= target else 'MISSED'}"


def _median_ms(func, repeat: int = REPEAT) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def tree_registry(root: int, day: date) -> list[int]:
    """What the registry does: one recursive query over the versions valid on the day."""
    from tongket.registry.models import AdminUnit
    from tongket.registry.selectors import subtree_on

    return list(subtree_on(AdminUnit(pk=root), day).nodes)


def tree_snapshot(root: int, day: date) -> list[int]:
    """Every version of the country valid on the day, the tree built in memory (uncached)."""
    from tongket.registry.selectors import _build_snapshot

    return _build_snapshot(day).subtree(root)


def tree_naive(root: int, day: date) -> list[int]:
    """The baseline: ask the database for the children of each node on the day, recursively."""
    from tongket.registry.models import AdminUnitVersion

    found = [root]

    def visit(node: int) -> None:
        rows = AdminUnitVersion.objects.filter(parent_id=node, valid_from__lte=day).exclude(
            valid_to__lt=day
        )
        for child in rows.values_list("unit_id", flat=True):
            found.append(child)
            visit(child)

    visit(root)
    return found


def run(ratios: list | None = None) -> list[tuple[str, str, str, str, str]]:
    from tongket.core.actor import Actor
    from tongket.registry.models import AdminUnit
    from tongket.registry.national import national_load

    rows = []
    actor = Actor.cli("bench")
    started = time.perf_counter()
    first = national_load(actor=actor)
    load_s = time.perf_counter() - started
    created = first.created
    rows.append(
        (
            "national_load (empty database)",
            "—",
            f"{created['units']} units, {created['versions']} versions, "
            f"{created['events']} events, {created['edges']} edges",
            f"{load_s:.1f} s",
            _verdict(load_s, LOAD_TARGET_S, "s"),
        )
    )
    started = time.perf_counter()
    again = national_load(actor=actor)
    rows.append(
        (
            "national_load again (nothing to write)",
            "—",
            "0 rows written" if not again.changed else "ROWS WRITTEN",
            f"{time.perf_counter() - started:.1f} s",
            "",
        )
    )

    gc.collect()
    root = AdminUnit.objects.values_list("pk", flat=True).get(code=ROOT)
    for day in DAYS:
        fast_ms, fast = _median_ms(lambda d=day: tree_registry(root, d))
        naive_ms, naive = _median_ms(lambda d=day: tree_naive(root, d), repeat=5)
        path_ms, by_path = _median_ms(lambda d=day: tree_snapshot(root, d))
        assert sorted(fast) == sorted(naive) == sorted(by_path), f"the trees differ on {day}"
        if ratios is not None:
            ratios.append(
                Ratio(
                    "national units",
                    f"as-of tree of {ROOT} on {day.isoformat()}",
                    fast_ms,
                    "one ORM query per node",
                    naive_ms,
                    target=TREE_TARGET_MS,
                )
            )
        rows.append(
            (
                f"as-of tree of {ROOT}: subtree_on (recursive SQL)",
                day.isoformat(),
                f"{len(fast)} units",
                f"{fast_ms:.1f} ms",
                _verdict(fast_ms, TREE_TARGET_MS, "ms"),
            )
        )
        rows.append(
            (
                "  baseline: one ORM query per node",
                day.isoformat(),
                f"{len(naive)} queries",
                f"{naive_ms:.1f} ms",
                f"registry is {naive_ms / fast_ms:.1f}× faster",
            )
        )
        rows.append(
            (
                "  whole-country snapshot, then the subtree",
                day.isoformat(),
                f"{len(by_path)} units",
                f"{path_ms:.1f} ms",
                f"{naive_ms / path_ms:.1f}× the baseline",
            )
        )
    return rows


def table(rows) -> str:
    head = ("Operation", "Day", "Size", "Time (median)", "Note")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> list[Ratio]:
    ratios: list[Ratio] = []
    with tempfile.TemporaryDirectory(prefix="tongket-bench-") as tmp:
        _django(Path(tmp))
        try:
            print("## National unit data (issue 3)\n")
            print(table(run(ratios)))
        finally:
            from django.db import connections

            connections.close_all()
    return ratios


if __name__ == "__main__":
    main()

"""The ratio table `make bench` prints at the end: one row per timed case of every benchmark.

Each bench module's `main()` returns a list of `Ratio` (or None while it has not been moved to
this protocol); `python -m bench` collects them and prints one table, so that a reader sees at a
glance which case is how many times faster than its baseline, and which targets are missed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ratio:
    """One timed case against the baseline measured in the same run.

    `value` and `baseline` are in the same `unit` (ms, s, req/s…); `higher_is_better` is set for
    throughputs, where the ratio is value ÷ baseline instead of baseline ÷ value. `target` is
    the goal for `value`, in the same unit, or None.
    """

    bench: str
    case: str
    value: float
    baseline_name: str
    baseline: float
    unit: str = "ms"
    target: float | None = None
    higher_is_better: bool = False

    @property
    def ratio(self) -> float:
        """How many times better than the baseline (below 1: slower than it)."""
        if self.higher_is_better:
            return self.value / self.baseline if self.baseline else float("inf")
        return self.baseline / self.value if self.value else float("inf")

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        met = self.value >= self.target if self.higher_is_better else self.value <= self.target
        sign = "≥" if self.higher_is_better else "≤"
        return f"{sign} {self.target:g} {self.unit}: {'met' if met else 'MISSED'}"


def _num(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def ratio_table(ratios: list[Ratio]) -> str:
    """A Markdown table of every ratio, in the order the benchmarks ran."""
    head = (
        "| benchmark | case | time | baseline | baseline ÷ time | target |\n"
        "|---|---|---|---|---|---|"
    )
    lines = [
        f"| {r.bench} | {r.case} | {_num(r.value)} {r.unit} | {r.baseline_name}: "
        f"{_num(r.baseline)} {r.unit} | {r.ratio:.1f}× | {r.verdict} |"
        for r in ratios
    ]
    return "\n".join([head, *lines])

"""Where a generation is: silent by default (benchmarks, tests); `tongket synth` draws bars on
stderr and writes one line per finished step, so that a long run's log tells how far it got."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field


class _Silent:
    def update(self, n: int = 1) -> None:
        pass


@dataclass
class Steps:
    """Collects what each step wrote: `counts[kind] = rows`, `seconds[step] = s`."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def bar(self, label: str, total: int):
        """A progress bar over `total` items (silent here)."""
        yield _Silent()

    def done(self, step: str, rows: int, seconds: float, **more: int) -> None:
        """A step finished: `rows` of its own kind and `more` of others."""
        self.counts[step] = self.counts.get(step, 0) + rows
        for kind, n in more.items():
            self.counts[kind] = self.counts.get(kind, 0) + n
        self.seconds[step] = self.seconds.get(step, 0.0) + seconds
        self.said(step, rows, seconds, more)

    def said(self, step: str, rows: int, seconds: float, more: dict[str, int]) -> None:
        """Hook for a visible log line."""

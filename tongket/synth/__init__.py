"""Synthetic data at a chosen scale, deterministic by seed, written through bulk inserts.

    from tongket.synth import SCALES, generate
    data = generate(SCALES["city"], seed=20261121)      # a city of 500,000 members

`generate` writes the organization tree and the members (tongket.synth.city), then five years
of evaluation results (tongket.synth.evaluations). The same scale and seed give the same rows.
Benchmarks use it (bench/); issue 7 adds the `tongket synth` command on top of SCALES.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongket.synth.city import City, generate_city
from tongket.synth.evaluations import YEARS, Written, generate_evaluations
from tongket.synth.scales import SCALES, Scale

__all__ = ["SCALES", "YEARS", "City", "Scale", "Synthetic", "Written", "generate"]


@dataclass
class Synthetic:
    city: City
    evaluations: Written | None

    @property
    def seconds(self) -> float:
        return self.city.seconds + (self.evaluations.seconds if self.evaluations else 0.0)


def generate(
    scale: Scale, seed: int, *, prefix: str = "SYN", evaluations: bool = True
) -> Synthetic:
    """Writes a synthetic city into an empty database (its keys start at 1)."""
    city = generate_city(scale, seed, prefix)
    return Synthetic(city, generate_evaluations(city) if evaluations else None)

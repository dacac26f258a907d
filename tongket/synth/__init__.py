"""Synthetic data at a chosen scale, deterministic by seed, written through bulk inserts.

    from tongket.synth import SCALES, generate
    data = generate(SCALES["city"], seed=20261121)      # a city of 500,000 members

`generate` writes, in one transaction, the administrative units and the organization tree
with the members (tongket.synth.units, tongket.synth.city), five years of evaluation results
(tongket.synth.evaluations), then the ward units' targets and actuals (tongket.synth.targets)
and the ward committees' outreach work (tongket.synth.outreach). The same scale and seed give
the same rows. Benchmarks use it (bench/); `tongket synth` runs it from the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tongket.synth.city import City, generate_city
from tongket.synth.evaluations import YEARS, Written, generate_evaluations
from tongket.synth.progress import Steps
from tongket.synth.scales import SCALES, Scale

__all__ = [
    "SCALES",
    "YEARS",
    "City",
    "Scale",
    "Steps",
    "Synthetic",
    "Written",
    "check_empty",
    "generate",
]


@dataclass
class Synthetic:
    city: City
    evaluations: Written | None
    targets: int = 0
    actuals: int = 0
    programmes: int = 0
    activities: int = 0
    extras_seconds: float = 0.0
    checks_seconds: float = 0.0
    steps: Steps = field(default_factory=Steps)

    @property
    def seconds(self) -> float:
        evaluations = self.evaluations.seconds if self.evaluations else 0.0
        return self.city.seconds + evaluations + self.extras_seconds + self.checks_seconds


def check_empty() -> None:
    """Refuses a database that holds organizations or members: the generator writes their
    keys from 1 and would collide with them (or mix invented people with real ones)."""
    from django.utils.translation import gettext as _

    from tongket.domain.errors import DomainError
    from tongket.party.models import Member, PartyOrg

    if PartyOrg.objects.exists() or Member.objects.exists():
        raise DomainError(
            "synth.not_empty",
            _(
                "Cơ sở dữ liệu đã có tổ chức đảng hoặc đảng viên; dữ liệu tổng hợp chỉ được "
                "ghi vào một cơ sở dữ liệu trống."
            ),
        )


def generate(
    scale: Scale,
    seed: int,
    *,
    prefix: str = "SYN",
    evaluations: bool = True,
    extras: bool = True,
    steps: Steps | None = None,
) -> Synthetic:
    """Writes a synthetic data set into an empty database (its keys start at 1), in one
    transaction: nothing stays when a step fails. `extras` adds targets and outreach."""
    import time

    from django.db import transaction

    from tongket.core.actor import Actor
    from tongket.evaluation.models import Evaluation
    from tongket.party.models import Member, Membership, MemberStatusPeriod
    from tongket.synth.bulk import deferred_checks
    from tongket.synth.outreach import write_outreach
    from tongket.synth.targets import write_targets

    steps = steps or Steps()
    with transaction.atomic():
        check_empty()
        with deferred_checks([Member, Membership, MemberStatusPeriod, Evaluation]):
            city = generate_city(scale, seed, prefix, steps)
            written = generate_evaluations(city, steps=steps) if evaluations else None
            started = time.perf_counter()
        data = Synthetic(city, written, steps=steps)
        data.checks_seconds = time.perf_counter() - started
        steps.done("checks", 0, data.checks_seconds)
        if extras:
            started = time.perf_counter()
            data.targets, data.actuals = write_targets(city, Actor.cli("synth"), steps)
            data.programmes, data.activities = write_outreach(city, steps)
            data.extras_seconds = time.perf_counter() - started
    return data

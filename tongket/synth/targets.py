"""Targets and actuals of the ward and commune units, five years of them, written in bulk.

Each ward committee's unit gets, for each year of YEARS and each indicator of INDICATORS, the
annual plan (set from the year before's result), the estimate for the first half-year and the
final figure for the year: the rows `target_set` and `actual_set` would write (the unit as
subject and as area, the span's or period's first and last days, the value at the column's
scale). Revenue and budget grow with a dip in 2021; poor households fall year after year.
The indicators are created through `indicator_create` when the catalogue lacks them.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tongket.synth.evaluations import YEARS
from tongket.synth.progress import Steps


@dataclass(frozen=True)
class Kind:
    """An indicator of the catalogue and how its synthetic figures move."""

    code: str
    name: str
    unit: str
    direction: str
    over_time: str
    median: float  # the 2019 figure of a typical ward
    sigma: float  # spread of that figure between wards
    growth: tuple[float, float]  # yearly change drawn between these
    whole: bool = False  # a count


INDICATORS = (
    Kind(
        "KT-DTBL",
        "Tổng doanh thu bán hàng hóa và dịch vụ",
        "tỷ đồng",
        "higher",
        "sum",
        3_000,
        0.8,
        (0.04, 0.14),
    ),
    Kind(
        "NS-THU", "Tổng thu ngân sách Nhà nước", "tỷ đồng", "higher", "sum", 250, 0.9, (0.02, 0.12)
    ),
    Kind(
        "KT-DNMOI",
        "Doanh nghiệp phát triển mới",
        "doanh nghiệp",
        "higher",
        "sum",
        60,
        0.7,
        (-0.1, 0.15),
        True,
    ),
    Kind(
        "XH-HONGHEO",
        "Hộ nghèo theo chuẩn thành phố",
        "hộ",
        "lower",
        "latest",
        120,
        0.8,
        (-0.35, -0.1),
        True,
    ),
)
DIP = {2020: -0.06, 2021: -0.1}  # the pandemic years: revenue and budget fall
SCALE = Decimal("0.0001")


def _indicators(actor) -> dict[str, object]:
    """The catalogue's indicators by code, the missing ones created through the service."""
    from tongket.targets.models import Indicator
    from tongket.targets.services import indicator_create

    known = {i.code: i for i in Indicator.objects.filter(code__in=[k.code for k in INDICATORS])}
    for k in INDICATORS:
        if k.code not in known:
            known[k.code] = indicator_create(
                actor=actor,
                code=k.code,
                name=k.name,
                unit=k.unit,
                direction=k.direction,
                over_time=k.over_time,
            )
    return known


def _value(k: Kind, x: float) -> Decimal:
    if k.whole:
        return Decimal(max(0, round(x))).quantize(SCALE)
    return Decimal(str(round(x, 2))).quantize(SCALE)


def _series(k: Kind, rng: random.Random) -> dict[int, tuple[float, float, float]]:
    """year → (plan, first half-year estimate, year's result) for one ward."""
    result = rng.lognormvariate(math.log(k.median), k.sigma)
    found = {}
    for year in YEARS:
        change = rng.uniform(*k.growth) + (DIP.get(year, 0.0) if k.direction == "higher" else 0)
        plan = result * (1 + (0.07 if k.direction == "higher" else -0.15))
        before, result = result, result * (1 + change)
        half = result * rng.uniform(0.44, 0.5) if k.over_time == "sum" else (before + result) / 2
        found[year] = (plan, half, result)
    return found


def write_targets(city, actor, steps: Steps) -> tuple[int, int]:
    """Writes the plans and actuals of every ward unit; returns (targets, actuals)."""
    from tongket.domain.periods import parse_period
    from tongket.synth.bulk import write_rows
    from tongket.targets.models import Actual, Target

    started = time.perf_counter()
    rng = random.Random(f"{city.seed}:targets")
    known = _indicators(actor)
    targets, actuals = [], []
    for ward in city.wards:
        unit, place = city.units[ward], city.place[ward]
        for k in INDICATORS:
            indicator = known[k.code].pk
            for year, (plan, half, result) in _series(k, rng).items():
                source = f"Nghị quyết Đảng bộ {place} về nhiệm vụ năm {year}"
                year_p, half_p = parse_period(str(year)), parse_period(f"{year}-H1")
                targets.append(
                    (indicator, unit, unit, _value(k, plan), source)
                    + (year_p.start, year_p.end, "plan", str(year))
                )
                for p, value, status in ((half_p, half, "estimate"), (year_p, result, "final")):
                    told = datetime.combine(p.end + timedelta(days=15), datetime.min.time(), UTC)
                    actuals.append(
                        (indicator, unit, unit, _value(k, value), f"Báo cáo của UBND {place}")
                        + (p.start, p.end, p.code, status, told)
                    )
    common = ("indicator_id", "unit_id", "area_id", "value", "source", "starts_on", "ends_on")
    n_targets = write_rows(Target, (*common, "kind", "span"), targets)
    n_actuals = write_rows(Actual, (*common, "period", "status", "updated_at"), actuals)
    steps.done("targets", n_targets, time.perf_counter() - started, actuals=n_actuals)
    return n_targets, n_actuals

"""Mass-mobilization work of the ward committees, five years of it, written in bulk.

Each ward committee runs the programme "Mỗi tuần một khu phố": its leaders visit one of the
ward's neighbourhoods on a working day, a few dozen times a year, as the standing members
(Thường trực), the standing committee (Ban Thường vụ) or without a named body; and a few
support activities a year (scholarships, house repairs) reach households of a neighbourhood.
These are the rows `activity_record` would accept: a kind and body of the model's choices,
held on a past day, touching neighbourhoods that exist that day, figures not negative.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from tongket.synth.evaluations import YEARS
from tongket.synth.progress import Steps

PROGRAMME = ("MTMKP", "Mỗi tuần một khu phố")
VISITS = (12, 40)  # per ward committee and year
SUPPORT = (1, 6)
BODIES = (("standing_members", 0.5), ("standing", 0.3), ("", 0.2))
SUPPORT_KINDS = ("scholarship", "house_repair", "livelihood")


def _working_day(rng: random.Random, year: int) -> date:
    """A day of the year from Monday to Friday (a weekend moves to the Monday after, or to
    the Friday before at the year's end)."""
    day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    if day.weekday() < 5:
        return day
    monday = day + timedelta(days=7 - day.weekday())
    return monday if monday.year == year else day - timedelta(days=day.weekday() - 4)


def _body(rng: random.Random) -> str:
    return rng.choices([b for b, _ in BODIES], [w for _, w in BODIES])[0]


def write_outreach(city, steps: Steps) -> tuple[int, int]:
    """Writes the programmes, the activities and the neighbourhoods they touched; returns
    (programmes, activities). The tables are empty: the organizations were too."""
    from tongket.outreach.models import Activity, Programme
    from tongket.synth.bulk import reset_sequences, write_rows

    started = time.perf_counter()
    rng = random.Random(f"{city.seed}:outreach")
    programmes = {ward: pk for pk, ward in enumerate(city.wards, start=1)}
    activities, touched = [], []
    for ward in city.wards:
        places = city.neighbourhoods[ward]
        for year in YEARS:
            for _ in range(rng.randint(*VISITS)):
                unit, name = rng.choice(places)
                pk = len(activities) + 1
                title = f"Thăm, làm việc tại {name}"
                activities.append(
                    (pk, ward, programmes[ward], "visit", _working_day(rng, year), title)
                    + (_body(rng), None, rng.randint(20, 150), None, None, "")
                )
                touched.append((pk, unit))
            for _ in range(rng.randint(*SUPPORT)):
                unit, name = rng.choice(places)
                pk, items = len(activities) + 1, rng.randint(2, 30)
                amount = Decimal(items * rng.randint(1, 60) * 1_000_000)
                kind = rng.choice(SUPPORT_KINDS)
                activities.append(
                    (pk, ward, None, kind, _working_day(rng, year), f"Hỗ trợ hộ dân tại {name}")
                    + ("", items, items * 4, items, amount, "")
                )
                touched.append((pk, unit))
    write_rows(
        Programme,
        ("id", "org_id", "code", "name", "started_on", "description"),
        ((pk, ward, *PROGRAMME, None, "") for ward, pk in programmes.items()),
    )
    write_rows(
        Activity,
        ("id", "org_id", "programme_id", "kind", "held_on", "title", "body")
        + ("households", "people", "items", "amount", "note"),
        activities,
    )
    write_rows(Activity.units.through, ("activity_id", "adminunit_id"), touched)
    reset_sequences([Programme, Activity])
    steps.done(
        "outreach", len(activities), time.perf_counter() - started, programmes=len(programmes)
    )
    return len(programmes), len(activities)

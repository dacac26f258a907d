"""The administrative units the synthetic committees are attached to, written in bulk.

A province unit for each province committee (for a city-sized set, one for the city the top
committee governs), a ward or commune unit for each ward committee, and its neighbourhoods
(khu phố in a ward, ấp in a commune), each with one version valid since 1/1/2000. Targets and
actuals are recorded on the ward units, outreach visits go to the neighbourhoods, and a grant
on a unit covers the committee attached to it. Keys follow whatever units the database
already holds (`units load-national` may have run); codes carry the data set's prefix.
"""

from __future__ import annotations

import math
import random
import time
from datetime import date

from tongket.synth.progress import Steps

UNITS_FROM = date(2000, 1, 1)
NEIGHBOURHOODS = (8, 0.5, 3, 40)  # median, lognormal sigma, fewest, most per ward


def neighbourhood_word(ward_name: str) -> str:
    return "Ấp" if ward_name.startswith("Xã ") else "Khu phố"


def write_units(city, steps: Steps) -> None:
    """Writes the units and fills `city.units` and `city.neighbourhoods`."""
    from tongket.core.revisions import bump
    from tongket.registry.models import AdminUnit, AdminUnitVersion
    from tongket.synth.bulk import next_id, reset_sequences, write_rows

    started = time.perf_counter()
    rng = random.Random(f"{city.seed}:units")
    rows = _plan(city, rng, next_id(AdminUnit))
    write_rows(
        AdminUnit,
        ("id", "code", "name", "path", "level", "parent_id"),
        ((r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows),
    )
    write_rows(
        AdminUnitVersion,
        ("unit_id", "valid_from", "valid_to", "name", "level", "parent_id", "official_code")
        + ("households", "population"),
        ((r[0], UNITS_FROM, None, r[2], r[4], r[5], "", r[6], r[7]) for r in rows),
    )
    reset_sequences([AdminUnit])
    bump("units")
    steps.done("units", len(rows), time.perf_counter() - started)


def _plan(city, rng: random.Random, first: int) -> list[tuple]:
    """Rows (id, code, name, path, level, parent, households, population), parents first."""
    rows, path, ids = [], {}, iter(range(first, first + 10**9))

    def add(name: str, level: str, parent: int | None, people: int | None) -> int:
        pk = next(ids)
        path[pk] = f"{path[parent] if parent else '/'}{pk}/"
        households = round(people / 3.6) if people else None
        code = f"{city.prefix}-U{pk:07d}"
        rows.append((pk, code, name, path[pk], level, parent, households, people))
        return pk

    roots = city.provinces or [city.top]
    for org in roots:
        city.units[org] = add(city.place[org], "province", None, None)
    median, sigma, fewest, most = NEIGHBOURHOODS
    for ward in city.wards:
        above = city.units[city.parent[ward][0][2]]
        people = round(rng.lognormvariate(math.log(30_000), 0.5))
        unit = city.units[ward] = add(city.place[ward], "ward", above, people)
        n = min(most, max(fewest, round(rng.lognormvariate(math.log(median), sigma))))
        word = neighbourhood_word(city.place[ward])
        city.neighbourhoods[ward] = []
        for j in range(1, n + 1):
            size = round(people / n * rng.uniform(0.6, 1.4))
            pk = add(f"{word} {j}", "neighbourhood", unit, size)
            city.neighbourhoods[ward].append((pk, f"{word} {j}, {city.place[ward]}"))
    return rows

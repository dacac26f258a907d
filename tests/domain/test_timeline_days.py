"""The neighbouring days that close and open dated versions (no database)."""

from __future__ import annotations

from datetime import date as D

import pytest

from tongket.domain.timeline import day_after, day_before

CASES = [
    (D(2025, 7, 1), D(2025, 6, 30), D(2025, 7, 2)),
    (D(2024, 3, 1), D(2024, 2, 29), D(2024, 3, 2)),  # leap year
    (D(2023, 3, 1), D(2023, 2, 28), D(2023, 3, 2)),
    (D(2024, 12, 31), D(2024, 12, 30), D(2025, 1, 1)),
    (D(2025, 1, 1), D(2024, 12, 31), D(2025, 1, 2)),
]


@pytest.mark.parametrize(("day", "before", "after"), CASES)
def test_day_before_and_after(day, before, after):
    assert day_before(day) == before
    assert day_after(day) == after
    assert day_after(day_before(day)) == day

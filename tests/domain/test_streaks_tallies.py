"""Streaks and tallies over plain rows (DOMAIN_RULES §9 item 14; SEED_FACTS F04–F07, F12)."""

import random

import pytest

from tongket.domain.errors import DomainError
from tongket.domain.evaluation import (
    Level,
    Tally,
    format_ratio,
    streak,
    streak_length,
    streak_lengths,
    tally,
)

E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED
FIVE = {2020: E, 2021: E, 2022: E, 2023: E, 2024: E}


# HTXSNV in each of N consecutive years ending with the award year; a missing year, a
# not-classified year (None) or a lower level breaks it (§9 item 14).
@pytest.mark.parametrize(
    "levels, end_year, years, expected",
    [
        (FIVE, 2024, 5, True),
        ({**FIVE, 2019: G}, 2024, 5, True),  # what came before the window does not matter
        ({k: v for k, v in FIVE.items() if k != 2022}, 2024, 5, False),  # 2022 missing
        ({**FIVE, 2022: None}, 2024, 5, False),  # 2022 not classified
        ({**FIVE, 2021: G}, 2024, 5, False),
        ({**FIVE, 2024: G}, 2024, 5, False),
        (FIVE, 2025, 5, False),  # the award year itself must be HTXSNV
        (FIVE, 2023, 5, False),  # 2019 is outside the record
        (FIVE, 2023, 4, True),
        ({2024: E}, 2024, 1, True),
        ({}, 2024, 1, False),
    ],
)
def test_streak(levels, end_year, years, expected):
    assert streak(levels, end_year, years) is expected


@pytest.mark.parametrize("years", [0, -5])
def test_streak_needs_a_positive_length(years):
    with pytest.raises(DomainError):
        streak(FIVE, 2024, years)


@pytest.mark.parametrize(
    "levels, end_year, length",
    [
        (FIVE, 2024, 5),
        ({**FIVE, 2022: None}, 2024, 2),
        ({**FIVE, 2024: C}, 2024, 0),
        ({**FIVE, 2018: E, 2019: E}, 2024, 7),
    ],
)
def test_streak_length(levels, end_year, length):
    assert streak_length(levels, end_year) == length


# Streak lengths for many subjects from query rows, with levels as stored code names.
def test_streak_lengths_from_rows():
    rows = [("m1", y, "excellent") for y in range(2020, 2025)]
    rows += [("m2", 2020, "excellent"), ("m2", 2021, None), ("m2", 2024, "excellent")]
    rows += [("m3", 2024, "good")]
    lengths = streak_lengths(rows, 2024)
    assert lengths == {"m1": 5, "m2": 1, "m3": 0}
    assert [sid for sid, n in lengths.items() if n >= 5] == ["m1"]


# A tally counts each level, the unclassified apart; total includes every row.
def test_tally():
    counts = tally([E, E, G, "good", C, N, None, "not_completed"])
    assert counts == Tally(
        total=8, excellent=2, good=2, completed=1, not_completed=2, unclassified=1
    )
    assert counts.classified == 7
    assert counts.count(E) == 2 and counts.count(None) == 1 and counts.count("good") == 2
    assert tally([]) == Tally()


def test_tally_refuses_unknown_levels():
    with pytest.raises(DomainError):
        tally([E, "great"])


# Tallies add up over organizations and subtract for the change against the previous year.
def test_tally_arithmetic():
    this_year = Tally(total=76, excellent=16, good=60)
    last_year = Tally(total=80, excellent=14, good=63, completed=3)
    assert this_year - last_year == Tally(total=-4, excellent=2, good=-3, completed=-3)
    assert this_year + last_year == Tally(total=156, excellent=30, good=123, completed=3)


# The "x/y" forms of the report, with Vietnamese thousands (F04, F07).
@pytest.mark.parametrize(
    "part, whole, text",
    [
        (16, 76, "16/76"),
        (72, 462, "72/462"),
        (1579, 10043, "1.579/10.043"),
        (0, 0, "0/0"),
    ],
)
def test_format_ratio(part, whole, text):
    assert format_ratio(part, whole) == text


# The seed's figures come out of a tally of rows: 16/76 grassroots organizations HTXSNV and
# 60 HTTNV (F04, F06), 1.579 and 8.464 members (F05, F06).
def test_seed_figures_from_rows():
    grassroots = tally([E] * 16 + [G] * 60)
    assert format_ratio(grassroots.excellent, grassroots.total) == "16/76"
    assert grassroots.good == 60
    members = tally([E] * 1579 + [G] * 8464)
    assert (members.excellent, members.good) == (1579, 8464)


# Property: the tally agrees with a brute-force count on random rows.
@pytest.mark.parametrize("seed", range(20))
def test_tally_matches_brute_force(seed):
    rng = random.Random(seed)
    rows = [rng.choice([E, G, C, N, None]) for _ in range(rng.randint(0, 300))]
    counts = tally(rows)
    assert counts.total == len(rows)
    for level in (E, G, C, N, None):
        assert counts.count(level) == sum(1 for r in rows if r == level)
    assert counts.classified == sum(1 for r in rows if r is not None)


# Property: streak_length is the number of trailing HTXSNV years, checked by brute force.
@pytest.mark.parametrize("seed", range(20))
def test_streak_matches_brute_force(seed):
    rng = random.Random(seed)
    levels = {y: rng.choice([E, E, E, G, None]) for y in range(2015, 2025) if rng.random() > 0.1}
    expected = 0
    for year in range(2024, 2014, -1):
        if levels.get(year) != E:
            break
        expected += 1
    assert streak_length(levels, 2024) == expected
    for years in range(1, 11):
        assert streak(levels, 2024, years) is (expected >= years)

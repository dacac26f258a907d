"""Reporting periods: parsing, bounds, labels and navigation."""

import pickle
from datetime import date

import pytest

from tongket.domain.errors import DomainError
from tongket.domain.periods import Period, elapsed_share, parse_period

# Every accepted spelling reaches one canonical code, kind and index.
PARSE_CASES = [
    ("2024", "2024", "year", 1),
    ("  2024 ", "2024", "year", 1),
    ("2024-H1", "2024-H1", "half", 1),
    ("2024-h2", "2024-H2", "half", 2),
    ("2024-Q1", "2024-Q1", "quarter", 1),
    ("2024-q4", "2024-Q4", "quarter", 4),
    ("2024-M1", "2024-M01", "month", 1),
    ("2024-M07", "2024-M07", "month", 7),
    ("2024-m12", "2024-M12", "month", 12),
    ("2024-07", "2024-M07", "month", 7),
    ("2024-12", "2024-M12", "month", 12),
    ("1930", "1930", "year", 1),
    ("2100-Q4", "2100-Q4", "quarter", 4),
]


@pytest.mark.parametrize(("text", "code", "kind", "index"), PARSE_CASES)
def test_parse_period_accepts(text, code, kind, index):
    period = parse_period(text)
    assert (period.code, period.kind, period.index) == (code, kind, index)
    assert parse_period(period.code) == period


# Each period starts on its first day and ends on its last, leap years included.
BOUNDS_CASES = [
    ("2024", date(2024, 1, 1), date(2024, 12, 31)),
    ("2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
    ("2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
    ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
    ("2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
    ("2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
    ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
    ("2024-M02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2023-M02", date(2023, 2, 1), date(2023, 2, 28)),
    ("2024-M04", date(2024, 4, 1), date(2024, 4, 30)),
]


@pytest.mark.parametrize(("text", "start", "end"), BOUNDS_CASES)
def test_period_bounds(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end, period.as_of) == (start, end, end)


# The Vietnamese wording printed in report titles.
LABEL_CASES = [
    ("2024", "năm 2024"),
    ("2024-H1", "6 tháng đầu năm 2024"),
    ("2024-H2", "6 tháng cuối năm 2024"),
    ("2024-Q1", "quý I năm 2024"),
    ("2024-Q2", "quý II năm 2024"),
    ("2024-Q3", "quý III năm 2024"),
    ("2024-Q4", "quý IV năm 2024"),
    ("2024-M07", "tháng 7 năm 2024"),
    ("2024-M12", "tháng 12 năm 2024"),
]


@pytest.mark.parametrize(("text", "label"), LABEL_CASES)
def test_label_vi(text, label):
    assert parse_period(text).label_vi == label


# previous() steps back one period of the same kind, crossing the year boundary;
# previous_year_same() is the "cùng kỳ" base.
NAVIGATION_CASES = [
    ("2024", "2023", "2023"),
    ("2024-H1", "2023-H2", "2023-H1"),
    ("2024-H2", "2024-H1", "2023-H2"),
    ("2024-Q1", "2023-Q4", "2023-Q1"),
    ("2024-Q3", "2024-Q2", "2023-Q3"),
    ("2024-M01", "2023-M12", "2023-M01"),
    ("2024-M07", "2024-M06", "2023-M07"),
]


@pytest.mark.parametrize(("text", "previous", "same_last_year"), NAVIGATION_CASES)
def test_navigation(text, previous, same_last_year):
    period = parse_period(text)
    assert period.previous().code == previous
    assert period.previous_year_same().code == same_last_year


# contains() includes both ends and nothing outside them.
CONTAINS_CASES = [
    ("2024-Q3", date(2024, 7, 1), True),
    ("2024-Q3", date(2024, 9, 30), True),
    ("2024-Q3", date(2024, 8, 15), True),
    ("2024-Q3", date(2024, 6, 30), False),
    ("2024-Q3", date(2024, 10, 1), False),
    ("2024", date(2023, 12, 31), False),
]


@pytest.mark.parametrize(("text", "day", "inside"), CONTAINS_CASES)
def test_contains(text, day, inside):
    assert parse_period(text).contains(day) is inside


# elapsed_share counts the day `on` itself and is clamped outside the period.
ELAPSED_CASES = [
    ("2024", date(2023, 12, 31), 0.0),
    ("2024", date(2024, 1, 1), 1 / 366),
    ("2024", date(2024, 6, 30), 182 / 366),
    ("2024", date(2024, 12, 31), 1.0),
    ("2024", date(2025, 3, 1), 1.0),
    ("2024-M04", date(2024, 4, 15), 0.5),
    ("2023-Q1", date(2023, 2, 14), 45 / 90),
]


@pytest.mark.parametrize(("text", "on", "share"), ELAPSED_CASES)
def test_elapsed_share(text, on, share):
    assert elapsed_share(parse_period(text), on) == pytest.approx(share)


# Anything outside the accepted forms or years is refused with a message naming the input.
BAD_PERIODS = [
    "2024-H3",
    "2024-H0",
    "2024-Q5",
    "2024-Q0",
    "2024-M13",
    "2024-M0",
    "2024-13",
    "2024-00",
    "2024-7",
    "2024-M123",
    "24",
    "abcd",
    "",
    "   ",
    "1929",
    "2101",
    "2024-X1",
    "2024 - Q1",
    "2024-Q1x",
    "２０２４",  # full-width digits
]


@pytest.mark.parametrize("text", BAD_PERIODS)
def test_parse_period_rejects(text):
    with pytest.raises(DomainError) as caught:
        parse_period(text)
    assert caught.value.code == "period.invalid"
    assert f'"{text}"' in caught.value.message
    assert str(caught.value) == caught.value.message


# Building a period directly enforces the same rules as parsing.
BAD_CONSTRUCTIONS = [
    ("week", 2024, 1, "week"),
    ("year", 1929, 1, "1929"),
    ("year", 2101, 1, "2101"),
    ("quarter", 2024, 5, "5"),
    ("month", 2024, 0, "0"),
]


@pytest.mark.parametrize(("kind", "year", "index", "shown"), BAD_CONSTRUCTIONS)
def test_period_of_rejects(kind, year, index, shown):
    with pytest.raises(DomainError) as caught:
        Period.of(kind, year, index)
    assert caught.value.code == "period.invalid"
    assert shown in caught.value.message


def test_previous_stops_at_the_earliest_year():
    # 1930 is the floor; stepping below it is an error, not a silent 1929 period.
    with pytest.raises(DomainError) as caught:
        parse_period("1930-Q1").previous()
    assert caught.value.code == "period.invalid"


def test_parse_period_rejects_non_text():
    with pytest.raises(DomainError) as caught:
        parse_period(2024)  # type: ignore[arg-type]
    assert caught.value.code == "period.invalid"


def test_domain_error_survives_pickling():
    # Errors may cross process boundaries (workers, task queues) intact.
    error = DomainError("period.invalid", "Kỳ sai", {"value": "x"})
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.message, copy.details) == ("period.invalid", "Kỳ sai", {"value": "x"})


def test_every_period_round_trips_and_tiles_the_year():
    # The periods of each kind cover the year exactly, back to back, and parse back to themselves.
    for kind, count in (("year", 1), ("half", 2), ("quarter", 4), ("month", 12)):
        periods = [Period.of(kind, 2024, i) for i in range(1, count + 1)]
        assert periods[0].start == date(2024, 1, 1)
        assert periods[-1].end == date(2024, 12, 31)
        for before, after in zip(periods, periods[1:], strict=False):
            assert (after.start - before.end).days == 1
            assert after.previous() == before
        assert all(parse_period(p.code) == p for p in periods)

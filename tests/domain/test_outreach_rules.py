"""Coverage, cadence and the case backlog, without a database."""

from datetime import date

import pytest

from tongket.domain.errors import DomainError
from tongket.domain.outreach import (
    CaseDates,
    age_bucket,
    backlog,
    cadence,
    case_age,
    check_activity_figures,
    check_case_dates,
    coverage,
    format_coverage,
    format_coverage_share,
    visits_per_week,
    week_start,
    weeks_between,
)

# Distinct units among those existing; repeats count once; units gone by the day do not count.
COVERAGE_CASES = [
    (range(1, 113), list(range(1, 21)), "20/112 khu phố", "17,86%"),
    (range(1, 113), [1, 1, 2, 2, 3], "3/112 khu phố", "2,68%"),
    (range(1, 5), [1, 2, 3, 4], "4/4 khu phố", "100%"),
    (range(1, 5), [9, 10], "0/4 khu phố", "0%"),
    ([], [1], "0/0 khu phố", "—"),
]


@pytest.mark.parametrize(("existing", "visited", "text", "share"), COVERAGE_CASES)
def test_coverage(existing, visited, text, share):
    c = coverage(existing, visited)
    assert format_coverage(c) == text
    assert format_coverage_share(c) == share
    assert set(c.visited) | set(c.not_visited) == set(existing)
    assert set(c.outside) == set(visited) - set(existing)


def test_coverage_share_is_none_without_a_denominator():
    assert coverage([], []).share is None


# Weeks run Monday to Sunday.
WEEK_CASES = [
    (date(2024, 7, 4), date(2024, 7, 1)),  # a Thursday
    (date(2024, 7, 1), date(2024, 7, 1)),  # a Monday
    (date(2024, 7, 7), date(2024, 7, 1)),  # a Sunday
    (date(2025, 1, 1), date(2024, 12, 30)),  # across the new year
]


@pytest.mark.parametrize(("day", "monday"), WEEK_CASES)
def test_week_start(day, monday):
    assert week_start(day) == monday


def test_weeks_between_counts_partial_weeks_and_refuses_a_reversed_span():
    assert len(weeks_between(date(2024, 1, 1), date(2024, 7, 4))) == 27
    with pytest.raises(DomainError) as err:
        weeks_between(date(2024, 7, 4), date(2024, 1, 1))
    assert err.value.code == "outreach.span"


# (visit days, start, end) -> weeks, weeks with a visit, longest run of empty weeks
CADENCE_CASES = [
    ([], date(2024, 7, 1), date(2024, 7, 21), 3, 0, 3),
    ([date(2024, 7, 2)], date(2024, 7, 1), date(2024, 7, 21), 3, 1, 2),
    ([date(2024, 7, 2), date(2024, 7, 16)], date(2024, 7, 1), date(2024, 7, 21), 3, 2, 1),
    ([date(2024, 7, 2), date(2024, 7, 3)], date(2024, 7, 1), date(2024, 7, 7), 1, 1, 0),
    ([date(2024, 6, 1)], date(2024, 7, 1), date(2024, 7, 7), 1, 0, 1),  # outside the span
]


@pytest.mark.parametrize(("days", "start", "end", "weeks", "with_visit", "gap"), CADENCE_CASES)
def test_cadence(days, start, end, weeks, with_visit, gap):
    c = cadence(days, start, end)
    assert (c.weeks, c.weeks_with_visit, c.longest_gap) == (weeks, with_visit, gap)
    assert c.weeks_without == weeks - with_visit


def test_visits_per_week_keeps_empty_weeks():
    series = visits_per_week(
        [date(2024, 7, 2), date(2024, 7, 3)], date(2024, 7, 1), date(2024, 7, 14)
    )
    assert series == [(date(2024, 7, 1), 2), (date(2024, 7, 8), 0)]


# Age of a case: to the day of resolution if resolved by then, else to the day asked.
AGE_CASES = [
    (CaseDates(1, date(2024, 1, 1)), date(2024, 1, 31), 30),
    (CaseDates(1, date(2024, 1, 1), date(2024, 1, 11)), date(2024, 7, 4), 10),
    (CaseDates(1, date(2024, 1, 1), date(2024, 9, 1)), date(2024, 7, 4), 185),
    (CaseDates(1, date(2024, 7, 5)), date(2024, 7, 4), 0),
]


@pytest.mark.parametrize(("case", "on", "days"), AGE_CASES)
def test_case_age(case, on, days):
    assert case_age(case, on) == days


BUCKET_CASES = [
    (0, "dưới 1 tháng"),
    (29, "dưới 1 tháng"),
    (30, "1 – 3 tháng"),
    (100, "3 – 12 tháng"),
    (365, "trên 1 năm"),
]


@pytest.mark.parametrize(("days", "label"), BUCKET_CASES)
def test_age_bucket(days, label):
    assert age_bucket(days) == label


def test_backlog_counts_open_cases_on_the_day():
    cases = [
        CaseDates(1, date(2023, 3, 1)),  # open for over a year
        CaseDates(2, date(2024, 5, 1), date(2024, 6, 1)),  # resolved before the day
        CaseDates(3, date(2024, 6, 20)),  # two weeks old
        CaseDates(4, date(2024, 6, 1), date(2024, 8, 1)),  # resolved only after the day
        CaseDates(5, date(2024, 8, 1)),  # not yet received on the day
    ]
    b = backlog(cases, date(2024, 7, 4))
    assert b.open_ids == (1, 3, 4)
    assert b.resolved == 1
    assert dict(b.by_age) == {
        "dưới 1 tháng": 1,
        "1 – 3 tháng": 1,
        "3 – 12 tháng": 0,
        "trên 1 năm": 1,
    }
    assert b.oldest_days == 491
    assert backlog([], date(2024, 7, 4)).oldest_days is None


# Bad dates of a case.
CASE_DATE_ERRORS = [
    (date(2024, 7, 1), date(2024, 6, 1), date(2024, 8, 1), "case.resolved_before_opened"),
    (date(2024, 9, 1), None, date(2024, 8, 1), "case.future"),
]


@pytest.mark.parametrize(("opened", "resolved", "today", "code"), CASE_DATE_ERRORS)
def test_case_dates_refused(opened, resolved, today, code):
    with pytest.raises(DomainError) as err:
        check_case_dates(opened, resolved, today)
    assert err.value.code == code


def test_negative_figures_refused():
    check_activity_figures(0, 0, 0)
    with pytest.raises(DomainError) as err:
        check_activity_figures(-1, None, None)
    assert err.value.code == "outreach.negative" and "số hộ" in err.value.message
    # Items handed over (scholarships, houses): a negative count would reach the database's
    # own check as a traceback.
    check_activity_figures(0, 0, 0, 0)
    with pytest.raises(DomainError) as err:
        check_activity_figures(None, None, None, -2)
    assert err.value.code == "outreach.negative" and "số suất" in err.value.message

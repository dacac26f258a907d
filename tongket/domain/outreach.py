"""Mass-mobilization arithmetic: coverage of neighbourhoods, the cadence of visits, and the
backlog of citizens' cases. Pure functions on plain values; no database.

Coverage counts distinct neighbourhoods visited among those that exist on the day of the
count ("20/112 khu phố"): a visit to a neighbourhood since dissolved does not count, because the
denominator is the neighbourhoods of the day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tongket.domain.errors import DomainError
from tongket.domain.vnformat import format_date_short, format_int, format_percent


@dataclass(frozen=True)
class Coverage:
    """Distinct visited units among those existing, and those not yet visited."""

    visited: tuple[int, ...]
    not_visited: tuple[int, ...]
    outside: tuple[int, ...]  # visited once, but not among the units of the day

    @property
    def count(self) -> int:
        return len(self.visited)

    @property
    def total(self) -> int:
        return len(self.visited) + len(self.not_visited)

    @property
    def share(self) -> float | None:
        """Visited over existing, or None when nothing exists to visit (not a zero)."""
        return self.count / self.total if self.total else None


def coverage(existing: Iterable[int], visited: Iterable[int]) -> Coverage:
    """Which of the `existing` units were visited (each counted once), which were not."""
    pool, seen = set(existing), set(visited)
    return Coverage(
        visited=tuple(sorted(pool & seen)),
        not_visited=tuple(sorted(pool - seen)),
        outside=tuple(sorted(seen - pool)),
    )


def format_coverage(c: Coverage, noun: str = "khu phố") -> str:
    """ "20/112 khu phố", the form the reviews print."""
    return f"{format_int(c.count)}/{format_int(c.total)} {noun}"


def format_coverage_share(c: Coverage) -> str:
    """ "17,86%" or "—" when there is nothing to cover."""
    return "—" if c.share is None else format_percent(c.share)


def week_start(day: date) -> date:
    """The Monday of the day's week (weeks run Monday to Sunday, as office calendars do)."""
    return day - timedelta(days=day.weekday())


def _check_span(start: date, end: date) -> None:
    if end < start:
        raise DomainError(
            "outreach.span",
            f"Ngày cuối ({format_date_short(end)}) đứng trước ngày đầu "
            f"({format_date_short(start)}).",
            {"start": str(start), "end": str(end)},
        )


def weeks_between(start: date, end: date) -> list[date]:
    """The Mondays of every week that overlaps [start, end]."""
    _check_span(start, end)
    first, weeks = week_start(start), []
    while first <= end:
        weeks.append(first)
        first += timedelta(days=7)
    return weeks


def visits_per_week(days: Iterable[date], start: date, end: date) -> list[tuple[date, int]]:
    """(Monday, visits that week) for every week of the span, empty weeks included."""
    counts = Counter(week_start(d) for d in days if start <= d <= end)
    return [(week, counts.get(week, 0)) for week in weeks_between(start, end)]


@dataclass(frozen=True)
class Cadence:
    """How regular the visits were: weeks in the span, weeks with none, the longest run."""

    weeks: int
    weeks_with_visit: int
    empty_weeks: tuple[date, ...]
    longest_gap: int  # consecutive weeks without a visit

    @property
    def weeks_without(self) -> int:
        return len(self.empty_weeks)


def cadence(days: Iterable[date], start: date, end: date) -> Cadence:
    """Weeks without a visit within [start, end] ("Mỗi tuần một khu phố" wants none)."""
    series = visits_per_week(days, start, end)
    empty = tuple(week for week, n in series if n == 0)
    longest = run = 0
    for _week, n in series:
        run = run + 1 if n == 0 else 0
        longest = max(longest, run)
    return Cadence(len(series), len(series) - len(empty), empty, longest)


# --- citizens' cases -----------------------------------------------------------------------
@dataclass(frozen=True)
class CaseDates:
    """A case as the backlog sees it: when it was opened and, if so, resolved."""

    id: int
    opened_on: date
    resolved_on: date | None = None


def check_case_dates(opened_on: date, resolved_on: date | None, today: date) -> None:
    """A case cannot be opened in the future nor resolved before it was opened."""
    if opened_on > today:
        raise DomainError(
            "case.future",
            f"Ngày tiếp nhận {format_date_short(opened_on)} còn ở tương lai.",
            {"opened_on": str(opened_on)},
        )
    if resolved_on is not None and resolved_on < opened_on:
        raise DomainError(
            "case.resolved_before_opened",
            f"Ngày giải quyết {format_date_short(resolved_on)} đứng trước ngày tiếp nhận "
            f"{format_date_short(opened_on)}.",
            {"opened_on": str(opened_on), "resolved_on": str(resolved_on)},
        )


def is_open_on(case: CaseDates, on: date) -> bool:
    return case.opened_on <= on and (case.resolved_on is None or case.resolved_on > on)


def case_age(case: CaseDates, on: date) -> int:
    """Days the case has been (or was, until resolved) waiting on `on`."""
    end = case.resolved_on if case.resolved_on and case.resolved_on <= on else on
    return max(0, (end - case.opened_on).days)


# Age buckets the reviews use: under a month, under three months, under a year, older.
AGE_BUCKETS = ((30, "dưới 1 tháng"), (90, "1 – 3 tháng"), (365, "3 – 12 tháng"))
OLDEST_BUCKET = "trên 1 năm"


def age_bucket(days: int) -> str:
    return next((label for limit, label in AGE_BUCKETS if days < limit), OLDEST_BUCKET)


@dataclass(frozen=True)
class Backlog:
    """Cases open on a day, by age bucket, with the oldest and those resolved so far."""

    on: date
    open_ids: tuple[int, ...]
    resolved: int
    by_age: tuple[tuple[str, int], ...]
    oldest_days: int | None

    @property
    def open(self) -> int:
        return len(self.open_ids)


def backlog(cases: Iterable[CaseDates], on: date) -> Backlog:
    """The backlog on `on`: cases opened by then and not resolved by then."""
    rows = [c for c in cases if c.opened_on <= on]
    still = [c for c in rows if is_open_on(c, on)]
    ages = [case_age(c, on) for c in still]
    counts = Counter(age_bucket(a) for a in ages)
    labels = [label for _limit, label in AGE_BUCKETS] + [OLDEST_BUCKET]
    return Backlog(
        on=on,
        open_ids=tuple(sorted(c.id for c in still)),
        resolved=len(rows) - len(still),
        by_age=tuple((label, counts.get(label, 0)) for label in labels),
        oldest_days=max(ages) if ages else None,
    )


# --- visits --------------------------------------------------------------------------------
def missing_units_message(names: list[str], day: date) -> str:
    """The message for units that did not exist on an activity's day."""
    return (
        f"Đơn vị không tồn tại vào ngày {format_date_short(day)}: {', '.join(names)}. "
        "Kiểm tra lại ngày hoặc đơn vị (khu phố có thể đã được sắp xếp lại)."
    )


def check_activity_figures(households, people, amount, items=None) -> None:
    """Households, people, items handed over and amounts are counts and sums: never
    negative."""
    figures = (
        ("số hộ", households),
        ("số người", people),
        ("số suất, căn, phương tiện", items),
        ("số tiền", amount),
    )
    for label, value in figures:
        if value is not None and value < 0:
            raise DomainError(
                "outreach.negative",
                f"Giá trị {label} không được âm: {value}.",
                {"field": label, "value": str(value)},
            )

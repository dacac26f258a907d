"""Party badges, Huy hiệu Đảng (DOMAIN_RULES §2.2, §2.3, §9 items 16–18).

Party age itself is tongket.domain.party.party_age (decision date, minus the gaps); here are
the milestones, the award days and the early awards.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date

from tongket.domain.evaluation.common import add_months
from tongket.domain.party import party_age

# HD 01-HD/TW 2021 [C]; there is no 35-year badge. Whether HD 06 (2025) changed the list is
# [U], but news of 2025–26 still shows the same badges.
MILESTONES = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
# The great anniversaries at which badges are awarded, as (month, day): 3/2, 19/5, 2/9, 7/11.
AWARD_DAYS = ((2, 3), (5, 19), (9, 2), (11, 7))

# Early awards [C]: a seriously ill member up to 12 months early for the 30–65-year badges and
# 24 months for the 70–90-year ones; a posthumous award up to 12 months early.
ILL_EARLY_MONTHS = 12
ILL_EARLY_MONTHS_FROM_70 = 24
POSTHUMOUS_EARLY_MONTHS = 12

AgeOn = Callable[[date], int | None]


def next_award_day(on: date) -> date:
    """The first award day on or after ``on``; after 7/11 it is 3/2 of the next year."""
    for month, day in AWARD_DAYS:
        candidate = date(on.year, month, day)
        if candidate >= on:
            return candidate
    month, day = AWARD_DAYS[0]
    return date(on.year + 1, month, day)


def early_months(milestone: int, seriously_ill: bool = False, posthumous: bool = False) -> int:
    """How many months before the milestone the badge may be awarded."""
    months = 0
    if seriously_ill:
        months = ILL_EARLY_MONTHS_FROM_70 if milestone >= 70 else ILL_EARLY_MONTHS
    if posthumous:
        months = max(months, POSTHUMOUS_EARLY_MONTHS)
    return months


def badges_due(
    age_on: AgeOn,
    awarded: Collection[int],
    on: date,
    seriously_ill: bool = False,
    posthumous: bool = False,
    died_on: date | None = None,
) -> list[int]:
    """Milestones due on ``on`` and not yet awarded, smallest first (§9 item 17).

    ``age_on(d)`` gives the whole years of party age on ``d`` (None while not official); see
    :func:`party_age_years`. A posthumous award is judged at ``died_on`` (else ``on``): the
    member must have been at most 12 months short of the milestone then. Exempted members
    are not excluded (§9 item 18). A member who passed several milestones without a badge
    gets each of them listed; each milestone is awarded once.
    """
    reference = died_on if posthumous and died_on is not None else on
    due = []
    for milestone in MILESTONES:
        if milestone in awarded:
            continue
        ahead = add_months(reference, early_months(milestone, seriously_ill, posthumous))
        years = age_on(ahead)
        if years is not None and years >= milestone:
            due.append(milestone)
    return due


def party_age_years(
    decided: date | None,
    admitted: date,
    confirmed: date | None,
    gaps: list[tuple[date, date]],
) -> AgeOn:
    """``age_on`` for one member from the facts of tongket.domain.party.party_age (§9 item 16).

    Ages on future days assume no new gap, which is what an early award looks ahead to.
    """

    def years_on(day: date) -> int | None:
        age = party_age(decided, admitted, confirmed, gaps, day)
        return None if age is None else age.years

    return years_on

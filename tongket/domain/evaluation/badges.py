"""Party badges, Huy hiệu Đảng (DOMAIN_RULES §2.2, §2.3, §9 items 16–18).

Party age itself is tongket.domain.party.party_age (decision date, minus the gaps); here are
the milestones, the award days and the early awards.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date

from tongket.domain.errors import DomainError
from tongket.domain.evaluation.common import add_months
from tongket.domain.party import party_age
from tongket.domain.vnformat import format_date_short

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


def check_badge_award(
    age_on: AgeOn,
    awarded: Collection[int],
    milestone: int,
    awarded_on: date,
    seriously_ill: bool = False,
    posthumous: bool = False,
    died_on: date | None = None,
) -> bool:
    """Whether a badge of ``milestone`` may be awarded on ``awarded_on`` (§9 item 17); returns
    True when the award is early (the party age falls short of the milestone that day).

    Refused, with the rule named: a milestone not in the list; one already awarded; a
    posthumous award for a member with no date of death, or before it; a party age short of
    the milestone beyond the early window (none unless seriously ill or posthumous: 12
    months, 24 for a seriously ill member's 70–90-year badge). A posthumous award is judged
    at the date of death.
    """
    if milestone not in MILESTONES:
        raise DomainError(
            "badge.milestone",
            f"Không có Huy hiệu {milestone} năm tuổi Đảng. Các mốc: "
            f"{', '.join(str(m) for m in MILESTONES)} năm (§9 mục 17).",
            {"value": milestone, "accepted": list(MILESTONES)},
        )
    if milestone in awarded:
        raise DomainError(
            "badge.duplicate",
            f"Đảng viên đã được trao Huy hiệu {milestone} năm tuổi Đảng: mỗi mốc chỉ trao một "
            "lần (§9 mục 17).",
            {"value": milestone},
        )
    reference = awarded_on
    if posthumous:
        if died_on is None:
            raise DomainError(
                "badge.posthumous",
                "Truy tặng chỉ cho đảng viên đã từ trần: hồ sơ chưa ghi ngày từ trần.",
            )
        if awarded_on < died_on:
            raise DomainError(
                "badge.posthumous",
                f"Ngày truy tặng ({format_date_short(awarded_on)}) trước ngày từ trần "
                f"({format_date_short(died_on)}).",
            )
        reference = died_on
    years = age_on(reference)
    if years is not None and years >= milestone:
        return False
    months = early_months(milestone, seriously_ill, posthumous)
    ahead = age_on(add_months(reference, months)) if months else None
    if ahead is not None and ahead >= milestone:
        return True
    raise DomainError(
        "badge.not_due",
        _not_due_message(milestone, years, months, reference, posthumous),
        {"value": milestone, "age": years},
    )


def _not_due_message(
    milestone: int, years: int | None, months: int, on: date, posthumous: bool
) -> str:
    when = "tại ngày từ trần" if posthumous else "vào ngày trao"
    if years is None:
        return f"Đảng viên chưa phải đảng viên chính thức {when}: chưa tính tuổi Đảng (§9 mục 16)."
    text = f"Tuổi Đảng {when} ({format_date_short(on)}) là {years} năm, chưa đủ {milestone} năm"
    if months:
        return text + f", kể cả khi trao sớm tối đa {months} tháng (§9 mục 17)."
    return text + (
        "; chỉ được trao sớm khi đảng viên bệnh nặng (tối đa 12 tháng, 24 tháng với huy hiệu "
        "70–90 năm) hoặc truy tặng (tối đa 12 tháng) (§9 mục 17)."
    )

"""Party badges and awarding bodies as tables (DOMAIN_RULES §2, §9 items 15–18)."""

from datetime import date, timedelta

import pytest

from tongket.domain.errors import DomainError
from tongket.domain.evaluation import add_months
from tongket.domain.evaluation.awards import (
    DEFAULT_CATEGORIES,
    awarding_bodies_either_side,
    awarding_body,
    category,
    check_streak_years,
)
from tongket.domain.evaluation.badges import (
    AWARD_DAYS,
    MILESTONES,
    badges_due,
    check_badge_award,
    early_months,
    next_award_day,
    party_age_years,
)

D = date
ON = D(2025, 9, 2)


def years_from(start: date):
    """A member official since ``start`` with no gap: party age from the decision date."""
    return party_age_years(decided=start, admitted=start, confirmed=start, gaps=[])


def shifted(day: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    """``day`` moved back by whole years and months (clamped), then by days."""
    return add_months(day, -(12 * years + months)) - timedelta(days=days)


# The milestone list (no 35-year badge) and the award days.
def test_constants():
    assert MILESTONES == (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
    assert AWARD_DAYS == ((2, 3), (5, 19), (9, 2), (11, 7))


# §9 item 17
# The next award day, on or after the given day; after 7/11 it rolls over to 3/2.
@pytest.mark.parametrize(
    "on, day",
    [
        (D(2025, 1, 1), D(2025, 2, 3)),
        (D(2025, 2, 3), D(2025, 2, 3)),
        (D(2025, 2, 4), D(2025, 5, 19)),
        (D(2025, 5, 19), D(2025, 5, 19)),
        (D(2025, 5, 20), D(2025, 9, 2)),
        (D(2025, 9, 3), D(2025, 11, 7)),
        (D(2025, 11, 7), D(2025, 11, 7)),
        (D(2025, 11, 8), D(2026, 2, 3)),
        (D(2025, 12, 31), D(2026, 2, 3)),
    ],
)
def test_next_award_day(on, day):
    assert next_award_day(on) == day


# §9 item 17
# Each milestone is due on the day it is reached, not the day before (§9 item 17).
@pytest.mark.parametrize("milestone", MILESTONES)
def test_each_milestone(milestone):
    lower = {m for m in MILESTONES if m < milestone}
    reached = years_from(shifted(ON, years=milestone))
    assert badges_due(reached, lower, ON) == [milestone]
    one_day_short = years_from(shifted(ON, years=milestone, days=-1))
    assert badges_due(one_day_short, lower, ON) == []


# §9 item 17
# Between milestones nothing is due; there is no 35-year badge.
@pytest.mark.parametrize("age", [29, 35, 39, 44, 91])
def test_between_milestones(age):
    awarded = {m for m in MILESTONES if m <= age}
    assert badges_due(years_from(shifted(ON, years=age)), awarded, ON) == []


# §9 item 17
# One badge per milestone; a member who passed several without a badge gets each listed.
@pytest.mark.parametrize(
    "age, awarded, due",
    [
        (30, {30}, []),
        (52, set(), [30, 40, 45, 50]),
        (52, {30, 40, 45}, [50]),
        (52, {30, 40, 45, 50}, []),
    ],
)
def test_once_per_milestone(age, awarded, due):
    assert badges_due(years_from(shifted(ON, years=age)), awarded, ON) == due


# §9 item 17
# Early awards for serious illness: 12 months for 30–65, 24 months for 70–90.
@pytest.mark.parametrize(
    "milestone, months_short, days_short, ill, due",
    [
        (30, 12, 0, True, True),
        (30, 12, 1, True, False),  # a day beyond 12 months early
        (30, 1, 0, False, False),  # not ill: not early at all
        (65, 12, 0, True, True),
        (65, 13, 0, True, False),
        (70, 24, 0, True, True),
        (70, 24, 1, True, False),
        (70, 13, 0, False, False),
        (90, 24, 0, True, True),
        (90, 25, 0, True, False),
    ],
)
def test_early_award_when_ill(milestone, months_short, days_short, ill, due):
    lower = {m for m in MILESTONES if m < milestone}
    start = shifted(ON, years=milestone, months=-months_short, days=-days_short)
    assert (badges_due(years_from(start), lower, ON, seriously_ill=ill) == [milestone]) is due


# §9 item 17
# Posthumous awards: up to 12 months early, judged at the date of death.
@pytest.mark.parametrize(
    "milestone, months_short_at_death, days_short, due",
    [
        (30, 12, 0, True),
        (30, 12, 1, False),
        (70, 12, 0, True),
        (70, 13, 0, False),  # the 24 months are for illness, not death
        (50, 0, 0, True),
    ],
)
def test_posthumous(milestone, months_short_at_death, days_short, due):
    died = D(2024, 3, 10)
    start = shifted(died, years=milestone, months=-months_short_at_death, days=-days_short)
    lower = {m for m in MILESTONES if m < milestone}
    # The award day is long after the death: the age at death decides, not the age on ON.
    got = badges_due(years_from(start), lower, ON, posthumous=True, died_on=died)
    assert (got == [milestone]) is due


@pytest.mark.parametrize(
    "milestone, ill, posthumous, months",
    [
        (30, False, False, 0),
        (65, True, False, 12),
        (70, True, False, 24),
        (90, False, True, 12),
        (70, True, True, 24),  # both: the longer one
    ],
)
def test_early_months(milestone, ill, posthumous, months):
    assert early_months(milestone, ill, posthumous) == months


# §9 item 16
# Party age comes from the decision date minus the gaps (§9 item 16), through party_age.
def test_party_age_with_gap_and_decision_date():
    gap = [(D(2000, 1, 1), D(2000, 12, 31))]  # a year struck off
    age_on = party_age_years(D(1995, 9, 2), D(1995, 9, 20), D(1996, 9, 20), gap)
    assert badges_due(age_on, set(), ON) == []  # 30 years from 1995, less a year: 29
    # the gap was 366 days (2000 is a leap year): the 30 years are full a day later
    assert badges_due(age_on, set(), D(2026, 9, 2)) == []
    assert badges_due(age_on, set(), D(2026, 9, 3)) == [30]
    # from the decision (2/9), not the ceremony (20/9)
    no_gap = party_age_years(D(1995, 9, 2), D(1995, 9, 20), D(1996, 9, 20), [])
    assert badges_due(no_gap, set(), ON) == [30]


def test_probationary_member_has_no_party_age():
    age_on = party_age_years(D(1990, 1, 1), D(1990, 1, 10), None, [])
    assert badges_due(age_on, set(), ON) == []


# §9 item 18
# Exempted members remain eligible (§9 item 18): badges_due has no exemption to look at, and
# an exempted member's party age runs on.
def test_exempted_members_remain_eligible():
    exempted_since_2015 = years_from(shifted(ON, years=40))
    assert badges_due(exempted_since_2015, {30}, ON) == [40]


# §9 item 15
# The awarding body by kind and date (§9 item 15): the district's standing committee until
# 30/6/2025, the ward's from 1/7/2025.
@pytest.mark.parametrize(
    "kind, decided, extra, body",
    [
        ("in_year", D(2024, 12, 20), {}, "Đảng ủy cơ sở"),
        ("in_year", D(2025, 12, 20), {"grassroots_kind": "grassroots_branch"}, "Chi bộ cơ sở"),
        ("five_years_certificate", D(2025, 1, 15), {}, "Ban Thường vụ Quận ủy"),
        ("five_years_certificate", D(2025, 6, 30), {}, "Ban Thường vụ Quận ủy"),
        ("five_years_certificate", D(2025, 7, 1), {}, "Ban Thường vụ Đảng ủy phường"),
        ("in_year_grassroots_org", D(2025, 6, 30), {}, "Ban Thường vụ Quận ủy"),
        ("in_year_grassroots_org", D(2025, 7, 1), {}, "Ban Thường vụ Đảng ủy phường"),
        ("five_years_merit", D(2025, 6, 30), {}, "Ban Thường vụ Thành ủy"),
        ("five_years_merit", D(2025, 7, 1), {}, "Ban Thường vụ Thành ủy"),
    ],
)
def test_awarding_body(kind, decided, extra, body):
    assert awarding_body(kind, decided, **extra) == body


@pytest.mark.parametrize("kind, decided", [("ten_years", D(2025, 1, 1)), ("in_year", "1/7/2025")])
def test_awarding_body_refused(kind, decided):
    with pytest.raises(DomainError):
        awarding_body(kind, decided)


@pytest.mark.parametrize(
    "kind, before, after",
    [
        ("five_years_certificate", "Ban Thường vụ Quận ủy", "Ban Thường vụ Đảng ủy phường"),
        ("in_year_grassroots_org", "Ban Thường vụ Quận ủy", "Ban Thường vụ Đảng ủy phường"),
        ("five_years_merit", "Ban Thường vụ Thành ủy", "Ban Thường vụ Thành ủy"),
    ],
)
def test_awarding_bodies_either_side_of_the_two_tier_government(kind, before, after):
    assert awarding_bodies_either_side(kind) == ((D(2025, 6, 30), before), (D(2025, 7, 1), after))


@pytest.mark.parametrize("years, ok", [(1, False), (2, True), (5, True), (10, True), (11, False)])
def test_streak_years_accepted(years, ok):
    if ok:
        assert check_streak_years(years) == years
    else:
        with pytest.raises(DomainError) as caught:
            check_streak_years(years)
        assert caught.value.code == "evaluation.streak" and str(years) in caught.value.message


# The default award categories: the three of §2.1 and the five fields of F14.
def test_default_categories():
    codes = [c.code for c in DEFAULT_CATEGORIES]
    assert codes[:3] == ["excellent_year", "exemplary_year", "excellent_5_years"]
    assert len(codes) == 8 and len(set(codes)) == 8
    assert category("excellent_5_years").streak_years == 5
    assert category("excellent_5_years").name == "Hoàn thành xuất sắc nhiệm vụ 5 năm liền"
    assert "tuyên giáo" in category("propaganda").name
    assert "văn phòng cấp ủy" in category("committee_office").name
    assert "kiểm tra, giám sát" in category("inspection").name
    assert "tham nhũng, tiêu cực" in category("anti_corruption").name
    assert "tổ chức xây dựng Đảng" in category("party_organization").name
    for item in DEFAULT_CATEGORIES:
        if item.body_kind:
            assert awarding_body(item.body_kind, D(2025, 1, 15))
    with pytest.raises(DomainError):
        category("sports")


# §9 item 17
# Awarding one badge: due on the day the party age reaches the milestone, not the day before;
# early only when seriously ill (12 months for 30–65, 24 for 70–90) or posthumous (12
# months, judged at the date of death); each milestone once; only the listed milestones.
AWARD_ON = D(2025, 2, 3)


@pytest.mark.parametrize(
    "milestone, short, facts, outcome",
    [
        (30, {}, {}, "on time"),
        (30, {"days": -1}, {}, "on time"),  # reached a day before the award day
        (30, {"days": 1}, {}, "badge.not_due"),  # a day short, not ill
        (30, {"months": 12}, {"seriously_ill": True}, "early"),
        (30, {"months": 12, "days": 1}, {"seriously_ill": True}, "badge.not_due"),
        (65, {"months": 12}, {"seriously_ill": True}, "early"),
        (65, {"months": 13}, {"seriously_ill": True}, "badge.not_due"),
        (70, {"months": 24}, {"seriously_ill": True}, "early"),
        (70, {"months": 24, "days": 1}, {"seriously_ill": True}, "badge.not_due"),
        (90, {"months": 24}, {"seriously_ill": True}, "early"),
        (90, {"months": 25}, {"seriously_ill": True}, "badge.not_due"),
        (70, {"months": 13}, {}, "badge.not_due"),  # 24 months only for the ill
        (35, {}, {}, "badge.milestone"),  # there is no 35-year badge
        (95, {}, {}, "badge.milestone"),
        (40, {}, {"awarded": {30, 40}}, "badge.duplicate"),
    ],
)
def test_check_badge_award(milestone, short, facts, outcome):
    awarded = facts.pop("awarded", {m for m in MILESTONES if m < milestone})
    start = shifted(AWARD_ON, years=milestone, months=-short.get("months", 0))
    start = start + timedelta(days=short.get("days", 0))
    age_on = years_from(start)
    if outcome in ("on time", "early"):
        early = check_badge_award(age_on, awarded, milestone, AWARD_ON, **facts)
        assert early is (outcome == "early")
        return
    with pytest.raises(DomainError) as caught:
        check_badge_award(age_on, awarded, milestone, AWARD_ON, **facts)
    assert caught.value.code == outcome and "§9" in caught.value.message


# §9 item 17 (posthumous)
@pytest.mark.parametrize(
    "months_short_at_death, days_short, died, outcome",
    [
        (0, 0, D(2024, 3, 10), "on time"),  # reached before death, awarded after
        (12, 0, D(2024, 3, 10), "early"),
        (12, 1, D(2024, 3, 10), "badge.not_due"),
        (0, 0, None, "badge.posthumous"),  # no date of death on record
        (0, 0, D(2025, 3, 1), "badge.posthumous"),  # awarded before the death
    ],
)
def test_check_posthumous_award(months_short_at_death, days_short, died, outcome):
    reference = died or D(2024, 3, 10)
    start = shifted(reference, years=30, months=-months_short_at_death, days=-days_short)
    args = (years_from(start), set(), 30, AWARD_ON)
    if outcome in ("on time", "early"):
        early = check_badge_award(*args, posthumous=True, died_on=died)
        assert early is (outcome == "early")
        return
    with pytest.raises(DomainError) as caught:
        check_badge_award(*args, posthumous=True, died_on=died)
    assert caught.value.code == outcome

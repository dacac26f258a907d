"""Commendations that follow the evaluations (DOMAIN_RULES §2.1, §9 items 14–15)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tongket.domain.errors import DomainError

# The two-tier local government: district committees end on 30/6/2025 (§0, §3.2).
TWO_TIER_FROM = date(2025, 7, 1)

AWARD_KINDS = ("in_year", "in_year_grassroots_org", "five_years_certificate", "five_years_merit")


def awarding_body(
    kind: str, decided_on: date, grassroots_kind: str = "grassroots_committee"
) -> str:
    """The body that signs an award of ``kind`` decided on ``decided_on`` (§9 item 15).

    - "in_year": giấy khen for a member (or a sub-branch) HTXSNV in the year, from its
      grassroots organization: "Đảng ủy cơ sở", or "Chi bộ cơ sở" when ``grassroots_kind``
      is "grassroots_branch" (HD 06-HD/TW 2025, khoản 19.2 [C]).
    - "in_year_grassroots_org": giấy khen for a grassroots organization in the year, from
      the standing committee directly above it; the seed article shows BTV Quận ủy awarding
      "15 tập thể HTXSNV năm 2024" [S].
    - "five_years_certificate": giấy khen for HTXSNV 5 năm liền, from the standing
      committee directly above the grassroots organization: BTV Quận ủy before 1/7/2025,
      BTV Đảng ủy phường from that day [C].
    - "five_years_merit": bằng khen for HTXSNV 5 năm liền, from BTV Thành ủy [C].
    """
    if not isinstance(decided_on, date):
        raise DomainError("award.date", f'Ngày quyết định không hợp lệ: "{decided_on}".')
    match kind:
        case "in_year":
            return "Chi bộ cơ sở" if grassroots_kind == "grassroots_branch" else "Đảng ủy cơ sở"
        case "in_year_grassroots_org" | "five_years_certificate":
            return _superior_standing_committee(decided_on)
        case "five_years_merit":
            return "Ban Thường vụ Thành ủy"
    raise DomainError(
        "award.kind",
        f'Loại khen thưởng không hợp lệ: "{kind}". Các loại: {", ".join(AWARD_KINDS)}.',
        {"value": kind, "accepted": list(AWARD_KINDS)},
    )


def awarding_bodies_either_side(kind: str) -> tuple[tuple[date, str], tuple[date, str]]:
    """The body that signs an award of ``kind`` decided on the last day of the districts and on
    the first day of the two-tier government, to show before a date is set: ((30/6/2025, body),
    (1/7/2025, body))."""
    last = TWO_TIER_FROM - timedelta(days=1)
    return (last, awarding_body(kind, last)), (TWO_TIER_FROM, awarding_body(kind, TWO_TIER_FROM))


# The streak lengths an eligibility list may be asked for by hand (CLI, API): one year is the
# year's own result, not a streak; the upper bound is the one those entry points always had.
STREAK_YEARS = range(2, 11)


def check_streak_years(years: int) -> int:
    """Refuses a streak length outside :data:`STREAK_YEARS`."""
    if years not in STREAK_YEARS:
        raise DomainError(
            "evaluation.streak",
            f"Số năm liền phải từ {STREAK_YEARS.start} đến {STREAK_YEARS.stop - 1}, "
            f"nhận được {years}.",
            {"value": years},
        )
    return years


def _superior_standing_committee(on: date) -> str:
    # The committee directly above a grassroots organization was the district's until the
    # districts ended; since then it is the ward's.
    return "Ban Thường vụ Quận ủy" if on < TWO_TIER_FROM else "Ban Thường vụ Đảng ủy phường"


@dataclass(frozen=True)
class AwardCategory:
    """A kind of commendation the office can grant; configurable, these are the defaults.

    ``body_kind`` is the :func:`awarding_body` kind when the body follows from the rules
    (None: set on each decision); ``streak_years`` is how many consecutive HTXSNV years
    eligibility needs (None: not drawn from a streak).
    """

    code: str
    name: str
    body_kind: str | None = None
    streak_years: int | None = None


# The first three come from §2.1; the field categories are those of the Bình Thạnh 2024
# review (SEED_FACTS F14), named as the article names them.
DEFAULT_CATEGORIES: tuple[AwardCategory, ...] = (
    AwardCategory("excellent_year", "Hoàn thành xuất sắc nhiệm vụ năm", "in_year", 1),
    AwardCategory("exemplary_year", "Hoàn thành xuất sắc nhiệm vụ tiêu biểu năm", "in_year"),
    AwardCategory(
        "excellent_5_years",
        "Hoàn thành xuất sắc nhiệm vụ 5 năm liền",
        "five_years_certificate",
        5,
    ),
    AwardCategory(
        "party_organization",
        "Hoàn thành xuất sắc nhiệm vụ trong công tác tổ chức xây dựng Đảng",
    ),
    AwardCategory(
        "committee_office",
        "Hoàn thành xuất sắc nhiệm vụ trong thực hiện công tác văn phòng cấp ủy",
    ),
    AwardCategory("inspection", "Hoàn thành xuất sắc nhiệm vụ công tác kiểm tra, giám sát"),
    AwardCategory(
        "anti_corruption", "Hoàn thành xuất sắc công tác phòng chống tham nhũng, tiêu cực"
    ),
    AwardCategory("propaganda", "Có thành tích xuất sắc trong công tác tuyên giáo"),
)


def category(code: str) -> AwardCategory:
    """The default category with this code."""
    for item in DEFAULT_CATEGORIES:
        if item.code == code:
            return item
    raise DomainError("award.category", f'Danh mục khen thưởng không hợp lệ: "{code}".')

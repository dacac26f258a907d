"""QĐ 132-QĐ/TW (08/3/2018) with HD 21-HD/BTCTW (18/10/2019): the years 2019–2022.

DOMAIN_RULES §1.2 ("common misreadings"), §1.5 and §9 items 5, 11 and 13. No scores.
"""

from __future__ import annotations

from decimal import Decimal

from tongket.domain.evaluation.common import (
    Context,
    Level,
    Result,
    RuleVersion,
    Subject,
    Violation,
    cap_level,
    check_discipline,
)

# 3 months of sick leave in the year, counted in days as the leave records are [C].
SICK_LEAVE_DAYS = 90

QUOTA_SOURCES = {
    "percentage": "HD 21 (2019): không vượt quá 20% số đảng viên được xếp loại HTTNV trong "
    "từng tổ chức cơ sở đảng — thuvienphapluat 4C187 [C]",
    "base": "HD 21 (2019): 20% của số HTTNV — thuvienphapluat 4C187 [C]",
    "scope": "HD 21 (2019): theo từng tổ chức cơ sở đảng (cán bộ lãnh đạo: theo chức danh "
    "tương đương ở mỗi cấp, ngành) — thuvienphapluat 4C187, thukyluat 309959 [C]",
    "exceptions": "Không thấy ngoại lệ trong nguồn; cấp có thẩm quyền quyết định [U]",
}


class HD21(RuleVersion):
    code = "QĐ132/HD21"
    title = "Quy định 132-QĐ/TW ngày 08/3/2018 và Hướng dẫn 21-HD/BTCTW ngày 18/10/2019"
    years = range(2019, 2023)
    # [C] thuvienphapluat 4BA5B: a member disciplined in the year is KHTNV; the source
    # names no self-discovery exception, so none is applied.
    self_discovery_exception = False
    # [C] luatvietnam, lawnet 114722: an organization under 6 months is not classified.
    org_under_6_months = True
    quota_defaults = {
        "percentage": Decimal("0.20"),
        "base": "good",
        "scope": "grassroots",
        "sources": QUOTA_SOURCES,
    }

    def level_checks(self, result: Result, subject: Subject, context: Context) -> list[Violation]:
        found = check_discipline(result, subject, context, self.self_discovery_exception)
        if subject.is_member:
            found += _sick_leave(result, subject)
            found += _ccvc(result, subject)
        return found


def _sick_leave(result: Result, subject: Subject) -> list[Violation]:
    """§9 item 11: 3 months of sick leave or more → at most HTNV (thukyluat 311008 [C])."""
    if subject.sick_leave_days < SICK_LEAVE_DAYS:
        return []
    return cap_level(
        result.level,
        Level.COMPLETED,
        "§9.11",
        "evaluation.sick_leave",
        f"{subject.display} nghỉ ốm {subject.sick_leave_days} ngày trong năm (từ 3 tháng trở lên)",
        subject.id,
    )


def _ccvc(result: Result, subject: Subject) -> list[Violation]:
    """§9 item 13 under HD 21: HTXSNV needs CCVC HTXSNV; CCVC KHTNV forces KHTNV [C]."""
    if not subject.is_ccvc or subject.ccvc_level is None:
        return []  # a missing CCVC rating is reported by the shared checks
    ccvc = subject.ccvc_level
    if ccvc is Level.NOT_COMPLETED:
        return cap_level(
            result.level,
            Level.NOT_COMPLETED,
            "§9.13",
            "evaluation.ccvc",
            f"{subject.display} được xếp loại CCVC {ccvc.label}",
            subject.id,
        )
    if result.level is Level.EXCELLENT and ccvc is not Level.EXCELLENT:
        return [
            Violation(
                "§9.13",
                "evaluation.ccvc",
                f"{subject.display} chỉ được xếp loại CCVC {ccvc.label}: muốn xếp loại "
                f"đảng viên {Level.EXCELLENT.label} phải có CCVC {Level.EXCELLENT.label}.",
                subject.id,
            )
        ]
    return []

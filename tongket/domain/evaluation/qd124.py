"""QĐ 124-QĐ/TW (04/10/2023) with HD 25-HD/BTCTW (10/11/2023): the years 2023 and 2024.

DOMAIN_RULES §1.2 and §9 items 5–6. No scores: criteria are graded, and the level follows.
"""

from __future__ import annotations

from decimal import Decimal

from tongket.domain.evaluation.common import (
    UNITS_DISCIPLINED_LIMIT,
    Context,
    Level,
    Result,
    RuleVersion,
    Subject,
    Violation,
    cap_level,
    check_collective_discipline,
    check_discipline,
    check_excellent_tasks,
)
from tongket.domain.vnformat import format_percent

# Individual HTXSNV: 100% of tasks on time, at least half of them exceeded (lawnet) [C].
EXCEEDED_FOR_EXCELLENT = Decimal("0.50")

QUOTA_SOURCES = {
    "percentage": "QĐ 124 (2023): số HTXSNV không vượt quá 20% số HTTNV — lawnet 126034 [C]",
    "base": "QĐ 124 (2023): 20% của số được xếp loại HTTNV — lawnet 126034 [C]",
    "scope": "QĐ 124 (2023): theo từng nhóm đối tượng có vị trí, vai trò, chức năng, nhiệm vụ "
    "tương đồng — lawnet 126034 [C]",
    "exceptions": "Cấp có thẩm quyền quyết định; ngoại lệ cụ thể không thấy trong nguồn [U]",
}


class QD124(RuleVersion):
    code = "QĐ124/HD25"
    title = "Quy định 124-QĐ/TW ngày 04/10/2023 và Hướng dẫn 25-HD/BTCTW ngày 10/11/2023"
    years = range(2023, 2025)
    # "Bị xử lý kỷ luật trong năm … trừ trường hợp tự phát hiện và khắc phục xong hậu quả":
    # [C] for collectives (xaydungchinhsach); whether it also covers individuals is [S].
    # Applied to both: the exception only works when the office records the flag, which
    # is an explicit, reviewable claim.
    self_discovery_exception = True
    # [C] for HD 21 only; kept (configurable per version, §9 item 10).
    org_under_6_months = True
    quota_defaults = {
        "percentage": Decimal("0.20"),
        "base": "good",
        "scope": "group",
        "sources": QUOTA_SOURCES,
    }

    def level_checks(self, result: Result, subject: Subject, context: Context) -> list[Violation]:
        found = check_discipline(result, subject, context, self.self_discovery_exception)
        if subject.is_member:
            found += check_excellent_tasks(result, subject, EXCEEDED_FOR_EXCELLENT, "§1.2")
        else:
            found += check_collective_discipline(result, subject)
            found += _unit_disciplined(result, subject)
        return found


def _unit_disciplined(result: Result, subject: Subject) -> list[Violation]:
    """§1.2 KHTNV trigger [C]: an affiliated unit disciplined in the year, unless the violation
    was self-discovered and remedied (then only HTXSNV is out, by the shared check)."""
    share = result.units_disciplined_share
    if not share or result.self_discovered or result.leadership_disciplined:
        return []
    if share > UNITS_DISCIPLINED_LIMIT:
        return []  # already KHTNV by §9.6, one finding is enough
    return cap_level(
        result.level,
        Level.NOT_COMPLETED,
        "§1.2",
        "evaluation.units_disciplined",
        f"Có đơn vị trực thuộc bị kỷ luật ({format_percent(share)}) và không thuộc trường hợp "
        "tự phát hiện, khắc phục xong hậu quả",
        subject.id,
    )

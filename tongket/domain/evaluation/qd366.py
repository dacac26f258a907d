"""QĐ 366-QĐ/TW (30/8/2025) with HD 43-HD/BTCTW (31/10/2025): the 2025 evaluation onward.

DOMAIN_RULES §1.3 and §9 items 3–6. A 100-point score: 30 general, 70 for task results.
"""

from __future__ import annotations

from decimal import Decimal

from tongket.domain.errors import DomainError
from tongket.domain.evaluation.common import (
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
    to_decimal,
)
from tongket.domain.periods import MAX_YEAR

# Điều 11 [C]: the lowest total of each level's band, best first.
SCORE_BANDS = (
    (Decimal(90), Level.EXCELLENT),
    (Decimal(70), Level.GOOD),
    (Decimal(50), Level.COMPLETED),
    (Decimal(0), Level.NOT_COMPLETED),
)
# HTXSNV: 100% of tasks on time with at least 30% exceeded, for every group [C].
EXCEEDED_FOR_EXCELLENT = Decimal("0.30")

QUOTA_SOURCES = {
    "percentage": "QĐ 366 (2025): tỷ lệ 20% CHƯA XÁC NHẬN từ văn bản gốc; NĐ 335/2025/NĐ-CP "
    "(công chức) giữ HTXSNV ≤ 20% số HTTNV [C] — cafef; đặt theo từng năm",
    "base": "NĐ 335/2025/NĐ-CP: 20% của số HTTNV [C]; với QĐ 366 [U]",
    "scope": "NĐ 335/2025/NĐ-CP: trong cùng cơ quan, nhóm có nhiệm vụ tương đồng [C]; "
    "với QĐ 366 [U]",
    "exceptions": "NĐ 335/2025/NĐ-CP: ngoại lệ cho đơn vị có thành tích nổi bật [C]; "
    "với QĐ 366 [U]",
}


class QD366(RuleVersion):
    code = "QĐ366/HD43"
    title = "Quy định 366-QĐ/TW ngày 30/8/2025 và Hướng dẫn 43-HD/BTCTW ngày 31/10/2025"
    years = range(2025, MAX_YEAR + 1)
    has_scores = True
    # The KHTNV triggers of QĐ 366 were not retrieved [U]. The nearest confirmed text,
    # NĐ 335/2025 (its civil-service counterpart), makes "disciplined in the year" KHTNV
    # with no self-discovery exception [C], so none is applied until HD 43 is read.
    self_discovery_exception = False
    # [U] for QĐ 366: kept from HD 21 until the text says otherwise (§9 item 10).
    org_under_6_months = True
    # HD 43 [C]: leaders are evaluated quarterly for Q1–Q3; Q4 is merged into the year-end
    # evaluation (laodong 1611165). QĐ 366 brought the quarter into scope (§1.3).
    quarterly = True
    quota_defaults = {
        "percentage": Decimal("0.20"),
        "base": "good",
        "scope": "group",
        "sources": QUOTA_SOURCES,
    }

    def highest_level_for_score(self, score: Decimal | int | float | None) -> Level | None:
        """§9 item 3: ≥ 90 HTXSNV; 70–89.99 HTTNV; 50–69.99 HTNV; < 50 KHTNV."""
        value = to_decimal(score, "Điểm")
        if value is None:
            return None
        if not Decimal(0) <= value <= Decimal(100):
            raise DomainError(
                "evaluation.number", f"Điểm phải nằm trong khoảng 0–100, nhận được {value}."
            )
        return next(level for low, level in SCORE_BANDS if value >= low)

    def level_checks(self, result: Result, subject: Subject, context: Context) -> list[Violation]:
        found = _score_checks(self, result, subject)
        found += check_excellent_tasks(result, subject, EXCEEDED_FOR_EXCELLENT, "§9.4")
        found += check_collective_discipline(result, subject)
        found += check_discipline(result, subject, context, self.self_discovery_exception)
        return found


def _score_checks(rule: QD366, result: Result, subject: Subject) -> list[Violation]:
    if result.score is None:
        return [
            Violation(
                "§9.3",
                "evaluation.score_missing",
                f"{subject.display}: từ năm 2025 phải ghi tổng điểm (thang 100) để xếp loại.",
                subject.id,
            )
        ]
    return cap_level(
        result.level,
        rule.highest_level_for_score(result.score),
        "§9.3",
        "evaluation.score_band",
        f"{subject.display} đạt {_points(result.score)} điểm",
        subject.id,
    )


def _points(score: Decimal) -> str:
    text = format(score.normalize(), "f")
    return text.replace(".", ",")

"""Annual evaluation and classification as pure rules (DOMAIN_RULES §1, §9 items 1–14).

The rulebook changed twice (§0), so every result is checked by the rule version of its year:
HD 21 for 2019–2022, QĐ 124/HD 25 for 2023–2024, QĐ 366/HD 43 from 2025. Each version is a
:class:`RuleVersion` with one interface: validate a result, validate a quota group, and give
the best level a score allows. This module is the public face and the registry of versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from tongket.domain.errors import DomainError
from tongket.domain.evaluation.common import (
    EXCLUSION_MONTHS,
    NOT_CLASSIFIED_LABEL,
    Context,
    Level,
    QuotaSettings,
    Result,
    RuleVersion,
    Subject,
    Tally,
    Unclassified,
    Violation,
    add_months,
    as_warnings,
    check_head,
    exclusion_reason,
    exclusion_reasons,
    format_ratio,
    has_errors,
    parse_level,
    quota_cap,
    quota_violations,
    tally,
)
from tongket.domain.evaluation.hd21 import HD21
from tongket.domain.evaluation.qd124 import QD124
from tongket.domain.evaluation.qd366 import QD366
from tongket.domain.text import fold

__all__ = [
    "EXCLUSION_MONTHS",
    "FIRST_YEAR",
    "NOT_CLASSIFIED_LABEL",
    "RULE_VERSIONS",
    "Context",
    "Level",
    "QuotaSettings",
    "Result",
    "RuleVersion",
    "Subject",
    "Tally",
    "Unclassified",
    "Violation",
    "add_months",
    "as_warnings",
    "check_head",
    "check_quarter",
    "check_rule_choice",
    "default_settings",
    "exclusion_reason",
    "exclusion_reasons",
    "format_ratio",
    "has_errors",
    "parse_level",
    "quota_cap",
    "quarter_end",
    "quota_violations",
    "rule_by_code",
    "rule_for_year",
    "streak",
    "streak_length",
    "streak_lengths",
    "tally",
]

RULE_VERSIONS: tuple[RuleVersion, ...] = (HD21(), QD124(), QD366())
# The first year the registry can judge: HD 21 dates from 18/10/2019. Earlier years were
# rated under QĐ 132/HD 16 with other labels (§1.1), which this package does not model.
FIRST_YEAR = RULE_VERSIONS[0].years.start


def rule_for_year(year: int) -> RuleVersion:
    """The rule version that governs the evaluation of ``year`` (§9 item 2)."""
    for rule in RULE_VERSIONS:
        if year in rule.years:
            return rule
    raise DomainError(
        "evaluation.year",
        f"Không có quy định xếp loại cho năm {year}: chỉ hỗ trợ từ năm {FIRST_YEAR} "
        f"đến năm {RULE_VERSIONS[-1].years.stop - 1}.",
        {"value": year},
    )


def _code_key(code: str) -> str:
    return "".join(ch for ch in fold(code) if ch.isalnum())


def rule_by_code(code: str) -> RuleVersion:
    """The version with this code; "QD124/HD25" and "qđ124-hd25" are read as "QĐ124/HD25"."""
    key = _code_key(code) if isinstance(code, str) else ""
    for rule in RULE_VERSIONS:
        if _code_key(rule.code) == key:
            return rule
    known = ", ".join(rule.code for rule in RULE_VERSIONS)
    raise DomainError(
        "evaluation.rule_version",
        f'Phiên bản quy định không hợp lệ: "{code}". Các phiên bản: {known}.',
        {"value": code, "accepted": known},
    )


def check_rule_choice(year: int, chosen_code: str, override_note: str = "") -> RuleVersion:
    """The version to record for ``year`` (§9 item 2): the year's own, or another one when
    an override note says why. Raises DomainError otherwise."""
    own = rule_for_year(year)
    chosen = rule_by_code(chosen_code)
    if chosen is not own and not (override_note or "").strip():
        raise DomainError(
            "evaluation.rule_version",
            f"Năm {year} áp dụng {own.code}; chọn {chosen.code} phải ghi rõ lý do.",
            {"year": year, "expected": own.code, "value": chosen.code},
        )
    return chosen


# ---- quarterly rounds (§1.3, HD 43) ------------------------------------------------------------

QUARTERS = range(1, 5)
YEAR_END_QUARTER = 4


def quarter_end(year: int, quarter: int) -> date:
    """The last day of the quarter: 31/3, 30/6, 30/9 or 31/12."""
    if quarter not in QUARTERS:
        raise DomainError(
            "evaluation.quarter",
            f"Quý không hợp lệ: {quarter}. Quý phải từ 1 đến 4.",
            {"value": quarter},
        )
    return add_months(date(year, 3 * quarter, 1), 1) - timedelta(days=1)


def check_quarter(rule: RuleVersion, year: int, quarter: int | None) -> None:
    """A quarterly round is allowed only where the year's rule evaluates leaders by quarter
    (QĐ 366/HD 43 from 2025), and only for Q1–Q3: Q4 is merged into the year-end evaluation.
    None (the annual round) is always allowed. Raises DomainError otherwise."""
    if quarter is None:
        return
    quarter_end(year, quarter)  # refuses a quarter outside 1–4
    if not rule.quarterly:
        raise DomainError(
            "evaluation.quarter",
            f"Năm {year} áp dụng {rule.code}, không đánh giá theo quý: chỉ mở được đợt "
            "đánh giá cả năm.",
            {"year": year, "rule": rule.code},
        )
    if quarter == YEAR_END_QUARTER:
        raise DomainError(
            "evaluation.quarter",
            f"Quý IV năm {year} được gộp vào đánh giá cuối năm (HD 43): mở đợt đánh giá năm "
            f"{year}, không mở đợt quý IV.",
            {"year": year, "value": quarter},
        )


def default_settings(year: int) -> QuotaSettings:
    """The quota defaults of the year's rule version, each with its source (§9 item 7)."""
    return rule_for_year(year).default_settings()


# ---- streaks (§9 item 14) ---------------------------------------------------------------------


def streak(levels_by_year: Mapping[int, Level | None], end_year: int, years: int = 5) -> bool:
    """HTXSNV in each of ``years`` consecutive years ending with ``end_year``; a missing year
    or a not-classified one (None) breaks the streak. For organizations, pass the years of
    "HTXSNV tiêu biểu" as Level.EXCELLENT."""
    if years < 1:
        raise DomainError("evaluation.streak", f"Số năm liền không hợp lệ: {years}.")
    return streak_length(levels_by_year, end_year) >= years


def streak_length(levels_by_year: Mapping[int, Level | None], end_year: int) -> int:
    """How many consecutive HTXSNV years end with ``end_year`` (0 if that year is not)."""
    length = 0
    while levels_by_year.get(end_year - length) == Level.EXCELLENT:
        length += 1
    return length


def streak_lengths(
    rows: Iterable[tuple[Any, int, Level | str | None]], end_year: int
) -> dict[Any, int]:
    """Streak length for every subject in plain (subject id, year, level) rows, such as a
    query returns; subjects with no HTXSNV in ``end_year`` get 0."""
    by_subject: dict[Any, dict[int, Level | None]] = {}
    for subject_id, year, level in rows:
        by_subject.setdefault(subject_id, {})[year] = None if level is None else Level(level)
    return {sid: streak_length(levels, end_year) for sid, levels in by_subject.items()}

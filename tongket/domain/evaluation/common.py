"""What every rule version shares: levels, subjects, results, findings, the quota and tallies.

DOMAIN_RULES §1 and §9 items 1–13. The version modules (hd21, qd124, qd366) only add what
differs between the regulations; everything here holds for all of them.
"""

from __future__ import annotations

import calendar
import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, ClassVar, Literal

from tongket.domain.errors import DomainError
from tongket.domain.text import fold
from tongket.domain.vnformat import format_date_short, format_int, format_percent, parse_number


class Level(StrEnum):
    """The four levels, unchanged from 2018 to 2025 (§1.1)."""

    EXCELLENT = "excellent"
    GOOD = "good"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"

    @property
    def rank(self) -> int:
        """4 for excellent down to 1 for not completed: a higher rank is a better level."""
        return _RANK[self]

    @property
    def label(self) -> str:
        return _LABEL[self]

    @property
    def abbreviation(self) -> str:
        return _ABBREVIATION[self]

    def above(self, other: Level) -> bool:
        return self.rank > other.rank


_RANK = {Level.EXCELLENT: 4, Level.GOOD: 3, Level.COMPLETED: 2, Level.NOT_COMPLETED: 1}
_LABEL = {
    Level.EXCELLENT: "Hoàn thành xuất sắc nhiệm vụ",
    Level.GOOD: "Hoàn thành tốt nhiệm vụ",
    Level.COMPLETED: "Hoàn thành nhiệm vụ",
    Level.NOT_COMPLETED: "Không hoàn thành nhiệm vụ",
}
_ABBREVIATION = {
    Level.EXCELLENT: "HTXSNV",
    Level.GOOD: "HTTNV",
    Level.COMPLETED: "HTNV",
    Level.NOT_COMPLETED: "KHTNV",
}
NOT_CLASSIFIED_LABEL = "Không xếp loại"


class Unclassified(StrEnum):
    """Why a subject has no level (§1.5, §9 items 9–10)."""

    EXEMPTED = "exempted"
    SUSPENDED = "suspended"
    ADMITTED_UNDER_6_MONTHS = "admitted_under_6_months"
    ORG_UNDER_6_MONTHS = "org_under_6_months"

    @property
    def label(self) -> str:
        return _UNCLASSIFIED_LABEL[self]


_UNCLASSIFIED_LABEL = {
    Unclassified.EXEMPTED: "Được miễn công tác và sinh hoạt đảng",
    Unclassified.SUSPENDED: "Bị đình chỉ sinh hoạt đảng",
    Unclassified.ADMITTED_UNDER_6_MONTHS: "Đảng viên mới kết nạp chưa đủ 6 tháng",
    Unclassified.ORG_UNDER_6_MONTHS: "Tổ chức mới thành lập chưa đủ 6 tháng",
}


def _word_key(text: str) -> str:
    # Accents, case, punctuation and "_" ignored: "not_completed", "HTXSNV." and
    # "hoàn thành tốt nhiệm vụ" all reduce to plain words.
    return re.sub(r"[\W_]+", " ", fold(text)).strip()


def _level_words() -> dict[str, Level | None]:
    words: dict[str, Level | None] = {}
    # Short forms without "nhiệm vụ" are how many branch files write the levels.
    short = {
        Level.EXCELLENT: "hoàn thành xuất sắc",
        Level.GOOD: "hoàn thành tốt",
        Level.COMPLETED: "hoàn thành",
        Level.NOT_COMPLETED: "không hoàn thành",
    }
    for level in Level:
        for spelling in (level.label, level.abbreviation, level.value, short[level]):
            words[_word_key(spelling)] = level
    for spelling in (NOT_CLASSIFIED_LABEL, "KXL", "unclassified", "not classified"):
        words[_word_key(spelling)] = None
    return words


_LEVEL_WORDS = _level_words()
_ACCEPTED_LEVELS = "HTXSNV, HTTNV, HTNV, KHTNV, các từ đầy đủ, excellent/good/… hoặc Không xếp loại"


def parse_level(text: str) -> Level | None:
    """Read a level as offices write it: full words, abbreviation or code name, accents and
    case ignored. "Không xếp loại" gives None (not classified); anything else is refused."""
    if isinstance(text, Level):
        return text
    key = _word_key(text) if isinstance(text, str) else ""
    if key not in _LEVEL_WORDS:
        raise DomainError(
            "evaluation.level",
            f'Mức xếp loại không hợp lệ: "{text}". Các dạng được chấp nhận: {_ACCEPTED_LEVELS}.',
            {"value": text, "accepted": _ACCEPTED_LEVELS},
        )
    return _LEVEL_WORDS[key]


def _as_level(value: Any) -> Level | None:
    if value is None or isinstance(value, Level):
        return value
    # The stored code name skips the folding: rows come by the thousand.
    if isinstance(value, str) and value in _CODE_NAMES:
        return Level(value)
    return parse_level(value)


_CODE_NAMES = frozenset(level.value for level in Level)


def to_decimal(value: Any, what: str) -> Decimal | None:
    """A score or share as an exact Decimal; floats go through str so 89.99 stays 89.99."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        return parse_number(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - str() of a number is always a literal
            pass
    raise DomainError("evaluation.number", f'{what} không hợp lệ: "{value}".', {"value": value})


def _check_range(value: Decimal | None, low: int, high: int, what: str) -> None:
    if value is not None and (not value.is_finite() or not low <= value <= high):
        raise DomainError(
            "evaluation.number",
            f"{what} phải nằm trong khoảng {low}–{high}, nhận được {value}.",
            {"value": str(value)},
        )


@dataclass(frozen=True)
class Subject:
    """Who is rated, with the facts the rules look at.

    ``temporary_host`` is true when the result is being entered by a branch where the member
    only holds temporary membership (sinh hoạt tạm thời): that branch may comment, not
    classify (§9 item 12). ``is_head_of`` is the id of the organization the member heads.
    ``maternity`` needs no check: the member is rated on the time actually worked (§1.5), and
    maternity leave is not sick leave.
    """

    id: Any
    kind: Literal["member", "org"] = "member"
    name: str = ""
    org_kind: str | None = None
    is_head_of: Any = None
    is_ccvc: bool = False
    ccvc_level: Level | None = None
    sick_leave_days: int = 0
    maternity: bool = False
    temporary_host: bool = False
    admitted_on: date | None = None
    established_on: date | None = None
    exempted: bool = False
    suspended: bool = False
    review_recorded: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("member", "org"):
            raise DomainError("evaluation.subject", f"Loại đối tượng không hợp lệ: {self.kind}.")
        object.__setattr__(self, "ccvc_level", _as_level(self.ccvc_level))

    @property
    def is_member(self) -> bool:
        return self.kind == "member"

    @property
    def display(self) -> str:
        word = "Đảng viên" if self.is_member else "Tổ chức"
        return f"{word} {self.name or f'#{self.id}'}"


@dataclass(frozen=True)
class Result:
    """One classification as entered, with the flags the rules need.

    Shares are fractions (0.30 for 30%); the score is out of 100 and only used by versions
    that score. ``discipline_id`` identifies the discipline decision so that one violation is
    counted in one year only.
    """

    subject_id: Any
    year: int
    level: Level | None
    unclassified: Unclassified | None = None
    score: Decimal | None = None
    tasks_on_time: bool = False
    share_exceeded: Decimal | None = None
    disciplined_in_year: bool = False
    discipline_id: Any = None
    self_discovered: bool = False
    units_disciplined_share: Decimal | None = None
    leadership_disciplined: bool = False
    rule_version: str = ""
    override_note: str = ""

    def __post_init__(self) -> None:
        level = _as_level(self.level)
        reason = None if self.unclassified is None else _as_reason(self.unclassified)
        if level is not None and reason is not None:
            raise DomainError(
                "evaluation.unclassified_reason",
                f"Kết quả vừa có mức {level.label} vừa có lý do không xếp loại ({reason.label}).",
            )
        score = to_decimal(self.score, "Điểm")
        share = to_decimal(self.share_exceeded, "Tỷ lệ vượt")
        units = to_decimal(self.units_disciplined_share, "Tỷ lệ đơn vị bị kỷ luật")
        _check_range(score, 0, 100, "Điểm")
        _check_range(share, 0, 1, "Tỷ lệ nhiệm vụ vượt")
        _check_range(units, 0, 1, "Tỷ lệ đơn vị trực thuộc bị kỷ luật")
        for name, value in (
            ("level", level),
            ("unclassified", reason),
            ("score", score),
            ("share_exceeded", share),
            ("units_disciplined_share", units),
        ):
            object.__setattr__(self, name, value)


def _as_reason(value: Any) -> Unclassified:
    try:
        return Unclassified(value)
    except ValueError:
        raise DomainError(
            "evaluation.unclassified_reason", f'Lý do không xếp loại không hợp lệ: "{value}".'
        ) from None


@dataclass(frozen=True)
class Violation:
    """One finding: the rule it breaks (e.g. "§9.3"), a stable code and a Vietnamese message.

    An "error" blocks approval; a "warning" is shown but does not. Group findings (the
    quota) carry ``group`` and no subject.
    """

    rule: str
    code: str
    message: str
    subject_id: Any = None
    severity: Literal["error", "warning"] = "error"
    group: str = ""


def as_warnings(violations: Iterable[Violation]) -> list[Violation]:
    """Archive results are recorded as decided: their findings are shown, never refused."""
    return [replace(v, severity="warning") for v in violations]


def has_errors(violations: Iterable[Violation]) -> bool:
    return any(v.severity == "error" for v in violations)


@dataclass(frozen=True)
class Context:
    """What one result is checked against beyond its own subject.

    - ``evaluation_date``: the day of the review; None means 31/12 of the result's year.
    - ``used_disciplines``: discipline ids that already made a result of another year KHTNV.
    - ``org_levels``: level of each organization in the same year, by id (None: the
      organization is not classified; a missing key: not rated yet). Heads need it.
    - ``archived``: a result imported from the archive; its findings become warnings.
    """

    evaluation_date: date | None = None
    used_disciplines: Collection[Any] = frozenset()
    org_levels: Mapping[Any, Level | None] = field(default_factory=dict)
    archived: bool = False


# ---- dates -------------------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """Same day ``months`` calendar months later; past the end of a short month, its last
    day (31/8 + 6 months = 28/2), the way a term counted in months ends (as probation does)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last))


EXCLUSION_MONTHS = 6


def exclusion_reasons(
    subject: Subject, evaluation_date: date, org_rule: bool = True
) -> list[Unclassified]:
    """Every reason why the subject may not be classified on ``evaluation_date`` (§9 items
    9–10). Six months are calendar months: admitted on 31/8, classified from 28/2 (29/2 in a
    leap year). ``org_rule`` off skips the new-organization rule where a version drops it."""
    reasons = []
    if subject.is_member:
        if subject.exempted:
            reasons.append(Unclassified.EXEMPTED)
        if subject.suspended:
            reasons.append(Unclassified.SUSPENDED)
        if _under_six_months(subject.admitted_on, evaluation_date):
            reasons.append(Unclassified.ADMITTED_UNDER_6_MONTHS)
    elif org_rule and _under_six_months(subject.established_on, evaluation_date):
        reasons.append(Unclassified.ORG_UNDER_6_MONTHS)
    return reasons


def exclusion_reason(
    subject: Subject, evaluation_date: date, org_rule: bool = True
) -> Unclassified | None:
    """The first reason of :func:`exclusion_reasons`, or None when the subject is classified."""
    reasons = exclusion_reasons(subject, evaluation_date, org_rule)
    return reasons[0] if reasons else None


def _under_six_months(start: date | None, on: date) -> bool:
    return start is not None and on < add_months(start, EXCLUSION_MONTHS)


# ---- single checks shared by the versions -----------------------------------------------------


def check_head(
    head_level: Level | None, org_level: Level | None, subject_id: Any = None
) -> list[Violation]:
    """§9 item 8: a head may not be rated above the organization he or she heads.

    Returns a list with one Violation, or an empty list. An unclassified head or
    organization leaves nothing to compare.
    """
    head, org = _as_level(head_level), _as_level(org_level)
    if head is None or org is None or not head.above(org):
        return []
    return [
        Violation(
            "§9.8",
            "evaluation.head",
            f"Người đứng đầu được xếp loại {head.label}, cao hơn mức {org.label} "
            "của tổ chức mình đứng đầu.",
            subject_id,
        )
    ]


def cap_level(
    level: Level, highest: Level, rule: str, code: str, why: str, subject_id: Any
) -> list[Violation]:
    """A Violation when ``level`` is above ``highest``; ``why`` says what sets the cap."""
    if not level.above(highest):
        return []
    return [
        Violation(
            rule,
            code,
            f"{why}: mức cao nhất được xếp là {highest.label}, không thể xếp {level.label}.",
            subject_id,
        )
    ]


def check_discipline(
    result: Result, subject: Subject, context: Context, self_discovery_allowed: bool
) -> list[Violation]:
    """§9 item 5: disciplined in the year → KHTNV, once per discipline decision."""
    if not result.disciplined_in_year or result.level is Level.NOT_COMPLETED:
        return []
    if result.discipline_id is not None and result.discipline_id in context.used_disciplines:
        return []  # "một vi phạm bị xử lý kỷ luật chỉ tính một lần khi xếp loại"
    if result.self_discovered and self_discovery_allowed:
        return []
    why = f"{subject.display} bị kỷ luật trong năm {result.year}"
    if result.self_discovered:
        why += " (quy định năm này không có ngoại lệ tự phát hiện, khắc phục)"
    return cap_level(
        result.level, Level.NOT_COMPLETED, "§9.5", "evaluation.discipline", why, subject.id
    )


UNITS_DISCIPLINED_LIMIT = Decimal("0.20")


def check_collective_discipline(result: Result, subject: Subject) -> list[Violation]:
    """§9 item 6 (QĐ 124 and later): leadership disciplined or more than 20% of the
    affiliated units disciplined → KHTNV; any of them → not HTXSNV (§9 item 4, §1.2)."""
    if subject.is_member or result.level is None:
        return []
    share = result.units_disciplined_share or Decimal(0)
    if result.leadership_disciplined or share > UNITS_DISCIPLINED_LIMIT:
        why = (
            "Tập thể lãnh đạo bị kỷ luật trong năm"
            if result.leadership_disciplined
            else f"{format_percent(share)} đơn vị trực thuộc bị kỷ luật (quá 20%)"
        )
        return cap_level(
            result.level,
            Level.NOT_COMPLETED,
            "§9.6",
            "evaluation.units_disciplined",
            why,
            subject.id,
        )
    if share > 0:
        return cap_level(
            result.level,
            Level.GOOD,
            "§9.4",
            "evaluation.units_disciplined",
            "Có đơn vị trực thuộc bị kỷ luật trong năm",
            subject.id,
        )
    return []


def check_excellent_tasks(
    result: Result, subject: Subject, min_share: Decimal, rule: str
) -> list[Violation]:
    """HTXSNV needs every task done on time and at least ``min_share`` of them exceeded."""
    if result.level is not Level.EXCELLENT:
        return []
    missing = []
    if not result.tasks_on_time:
        missing.append("hoàn thành 100% nhiệm vụ đúng tiến độ")
    if result.share_exceeded is None or result.share_exceeded < min_share:
        got = "chưa ghi" if result.share_exceeded is None else format_percent(result.share_exceeded)
        missing.append(f"ít nhất {format_percent(min_share)} nhiệm vụ vượt mức ({got})")
    if not missing:
        return []
    return [
        Violation(
            rule,
            "evaluation.excellent_flags",
            f"{subject.display} chưa đủ điều kiện {Level.EXCELLENT.label}: cần "
            + "; ".join(missing)
            + ".",
            subject.id,
        )
    ]


# ---- the quota --------------------------------------------------------------------------------

QuotaBase = Literal["good", "classified"]
QuotaScope = Literal["grassroots", "group", "committee"]
_BASE_WORDS = {"good": "số xếp loại HTTNV", "classified": "số được xếp loại"}
_SCOPE_WORDS = {
    "grassroots": "từng tổ chức cơ sở đảng",
    "group": "từng nhóm đối tượng tương đồng",
    "committee": "toàn bộ tổ chức đảng của đảng bộ",
}


@dataclass(frozen=True)
class QuotaSettings:
    """The quota of §9 item 7 as the office sets it for a year.

    The sources leave the percentage, base, scope and exceptions partly open, so each is a
    setting; ``sources`` says, per field, where its default comes from.
    ``exceptions`` are decision numbers of the competent level that lift a breach.
    """

    percentage: Decimal = Decimal("0.20")
    base: QuotaBase = "good"
    scope: QuotaScope = "grassroots"
    exceptions: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        percentage = to_decimal(self.percentage, "Tỷ lệ định mức")
        _check_range(percentage, 0, 1, "Tỷ lệ định mức")
        object.__setattr__(self, "percentage", percentage)
        if self.base not in _BASE_WORDS:
            raise DomainError("evaluation.quota_settings", f"Cơ sở tính không hợp lệ: {self.base}.")
        if self.scope not in _SCOPE_WORDS:
            raise DomainError("evaluation.quota_settings", f"Phạm vi không hợp lệ: {self.scope}.")

    @property
    def scope_label(self) -> str:
        return _SCOPE_WORDS[self.scope]


def quota_cap(good: int, classified: int, settings: QuotaSettings) -> int:
    """Most HTXSNV allowed: floor(percentage × base)."""
    base = good if settings.base == "good" else classified
    return int((settings.percentage * base).to_integral_value(rounding=ROUND_FLOOR))


def quota_violations(
    excellent: int,
    good: int,
    classified: int,
    settings: QuotaSettings,
    group_label: str = "",
    exceptions: Sequence[str] | None = None,
) -> list[Violation]:
    """§9 item 7 for one quota group: count_excellent ≤ floor(percentage × base).

    ``classified`` counts every classified subject of the group (excellent included, not the
    unclassified). A breach is one finding for the group: an error, or a warning naming the
    exception decision when one is attached (``exceptions``, else ``settings.exceptions``).
    """
    for count in (excellent, good, classified):
        if count < 0:
            raise DomainError("evaluation.quota", f"Số lượng không hợp lệ: {count}.")
    cap = quota_cap(good, classified, settings)
    if excellent <= cap:
        return []
    base = good if settings.base == "good" else classified
    group = group_label or "Nhóm"
    message = (
        f"{group}: {format_int(excellent)} {Level.EXCELLENT.abbreviation} vượt định mức "
        f"{format_percent(settings.percentage)} {_BASE_WORDS[settings.base]} "
        f"({format_int(base)}), tối đa {format_int(cap)}."
    )
    decisions = list(settings.exceptions if exceptions is None else exceptions)
    if decisions:
        message += f" Đã có quyết định cho phép vượt: {', '.join(decisions)}."
    return [
        Violation(
            "§9.7",
            "evaluation.quota",
            message,
            None,
            "warning" if decisions else "error",
            group_label,
        )
    ]


# ---- tallies ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Counts by level; ``total`` includes the unclassified."""

    total: int = 0
    excellent: int = 0
    good: int = 0
    completed: int = 0
    not_completed: int = 0
    unclassified: int = 0

    @property
    def classified(self) -> int:
        return self.total - self.unclassified

    def count(self, level: Level | None) -> int:
        return self.unclassified if level is None else getattr(self, Level(level).value)

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(self._row(), other._row(), strict=True)))

    def __sub__(self, other: Tally) -> Tally:
        """Change against another tally (e.g. the previous year); counts may go negative."""
        return Tally(*(a - b for a, b in zip(self._row(), other._row(), strict=True)))

    def _row(self) -> tuple[int, ...]:
        return (
            self.total,
            self.excellent,
            self.good,
            self.completed,
            self.not_completed,
            self.unclassified,
        )


def tally(levels: Iterable[Level | str | None]) -> Tally:
    """Count plain rows: each a Level, its code name, or None for not classified."""
    # Count the raw values first and read each distinct value once: rows come by the
    # hundred thousand, distinct values are five.
    counts = dict.fromkeys(("excellent", "good", "completed", "not_completed", "unclassified"), 0)
    total = 0
    for value, n in Counter(levels).items():
        total += n
        counts["unclassified" if value is None else _as_level(value).value] += n
    return Tally(total=total, **counts)


def format_ratio(part: int, whole: int) -> str:
    """ "x/y" as the reports print it: 1579, 10043 → "1.579/10.043"."""
    return f"{format_int(part)}/{format_int(whole)}"


# ---- the interface of a rule version ---------------------------------------------------------


class RuleVersion(ABC):
    """One regulation with its guide, for the years it governs.

    Subclasses set the class constants and add their own level checks in
    :meth:`level_checks`; the checks every version shares run here.
    """

    code: ClassVar[str]
    title: ClassVar[str]
    years: ClassVar[range]
    has_scores: ClassVar[bool] = False
    # Whether "self-discovered and remedied" lifts the discipline rule (§9 item 5).
    self_discovery_exception: ClassVar[bool] = False
    # Whether an organization under 6 months is left unclassified (§9 item 10).
    org_under_6_months: ClassVar[bool] = True
    # Whether leaders are also evaluated by quarter (Q1–Q3; Q4 is the year-end evaluation).
    quarterly: ClassVar[bool] = False
    quota_defaults: ClassVar[dict[str, Any]]

    def __repr__(self) -> str:
        return f"<RuleVersion {self.code}>"

    def default_settings(self) -> QuotaSettings:
        # A fresh copy each time: the office edits its settings, never the defaults.
        defaults = dict(self.quota_defaults)
        defaults["sources"] = dict(defaults.get("sources", {}))
        return QuotaSettings(**defaults)

    def highest_level_for_score(self, score: Decimal | int | float | None) -> Level | None:
        """The best level the score allows; None where the version has no scores."""
        return None

    def validate_result(
        self, result: Result, subject: Subject, context: Context | None = None
    ) -> list[Violation]:
        """Every finding on one result, errors and warnings, in rule order."""
        context = context or Context()
        found = self._record_checks(result)
        if result.level is None:
            found += self._unclassified_checks(result, subject, context)
        else:
            found += self._classified_checks(result, subject, context)
            found += self.level_checks(result, subject, context)
        return as_warnings(found) if context.archived else found

    @abstractmethod
    def level_checks(self, result: Result, subject: Subject, context: Context) -> list[Violation]:
        """The version's own rules for a result that has a level."""

    def validate_group(
        self,
        results: Iterable[Result],
        settings: QuotaSettings | None = None,
        group_label: str = "",
        exceptions: Sequence[str] | None = None,
    ) -> list[Violation]:
        """The quota over one group; unclassified results do not count (§9 item 9)."""
        counts = tally(r.level for r in results)
        return quota_violations(
            counts.excellent,
            counts.good,
            counts.classified,
            settings or self.default_settings(),
            group_label,
            exceptions,
        )

    # -- shared checks --

    def _record_checks(self, result: Result) -> list[Violation]:
        """§9 items 1–2: the version is recorded, and it is the year's unless overridden."""
        found = []
        if not result.rule_version:
            found.append(
                Violation(
                    "§9.1",
                    "evaluation.rule_version",
                    "Kết quả chưa ghi phiên bản quy định áp dụng.",
                    result.subject_id,
                )
            )
        elif result.rule_version != self.code:
            found.append(
                Violation(
                    "§9.1",
                    "evaluation.rule_version",
                    f"Kết quả ghi quy định {result.rule_version} nhưng đang được kiểm tra "
                    f"theo {self.code}.",
                    result.subject_id,
                )
            )
        if result.year not in self.years and not result.override_note.strip():
            found.append(
                Violation(
                    "§9.2",
                    "evaluation.rule_version",
                    f"Năm {result.year} không thuộc phạm vi áp dụng của {self.code}: "
                    "chọn quy định khác năm phải có ghi chú lý do.",
                    result.subject_id,
                )
            )
        return found

    def _evaluation_date(self, result: Result, context: Context) -> date:
        return context.evaluation_date or date(result.year, 12, 31)

    def _unclassified_checks(
        self, result: Result, subject: Subject, context: Context
    ) -> list[Violation]:
        """§9 items 9–10: "not classified" needs a reason the facts support."""
        if result.unclassified is None:
            return [
                Violation(
                    "§9.9",
                    "evaluation.unclassified_reason",
                    f"{subject.display}: không xếp loại phải ghi lý do.",
                    subject.id,
                )
            ]
        on = self._evaluation_date(result, context)
        if result.unclassified in exclusion_reasons(subject, on, self.org_under_6_months):
            return []
        return [
            Violation(
                "§9.9",
                "evaluation.unclassified_reason",
                f'{subject.display}: lý do không xếp loại "{result.unclassified.label}" '
                f"không đúng với hồ sơ tại ngày {format_date_short(on)}.",
                subject.id,
            )
        ]

    def _classified_checks(
        self, result: Result, subject: Subject, context: Context
    ) -> list[Violation]:
        found = []
        reason = exclusion_reason(
            subject, self._evaluation_date(result, context), self.org_under_6_months
        )
        if reason is not None:
            rule = "§9.10" if reason is Unclassified.ORG_UNDER_6_MONTHS else "§9.9"
            found.append(
                Violation(
                    rule,
                    "evaluation.excluded",
                    f"{subject.display} không được xếp loại năm {result.year}: {reason.label}.",
                    subject.id,
                )
            )
        if subject.is_member and subject.temporary_host:
            found.append(
                Violation(
                    "§9.12",
                    "evaluation.temporary_host",
                    f"{subject.display} sinh hoạt tạm thời: chỉ chi bộ sinh hoạt chính thức "
                    "được xếp loại, chi bộ nơi sinh hoạt tạm thời chỉ gửi nhận xét.",
                    subject.id,
                )
            )
        if not subject.review_recorded:
            found.append(
                Violation(
                    "§9.13",
                    "evaluation.review_missing",
                    f"{subject.display} chưa có biên bản kiểm điểm: chưa thể xếp loại.",
                    subject.id,
                )
            )
        if subject.is_member and subject.is_ccvc and subject.ccvc_level is None:
            found.append(
                Violation(
                    "§9.13",
                    "evaluation.ccvc_missing",
                    f"{subject.display} là cán bộ, công chức, viên chức: cần có kết quả xếp "
                    "loại CCVC trước khi xếp loại đảng viên.",
                    subject.id,
                )
            )
        found += self._head_checks(result, subject, context)
        return found

    def _head_checks(self, result: Result, subject: Subject, context: Context) -> list[Violation]:
        """§9 item 8: the head after the unit, and not above it. HD 21 states "not higher"
        [C]; for QĐ 124 only the order is confirmed and the cap is [U], kept for all."""
        if subject.is_head_of is None:
            return []
        if subject.is_head_of not in context.org_levels:
            return [
                Violation(
                    "§9.8",
                    "evaluation.head_order",
                    f"{subject.display} là người đứng đầu: tổ chức phải được xếp loại trước.",
                    subject.id,
                )
            ]
        return check_head(result.level, context.org_levels[subject.is_head_of], subject.id)

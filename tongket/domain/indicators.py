"""Indicators, targets and actuals: the arithmetic of a review's results and its words.

Pure functions on Decimals, dates and periods. Every ratio is either a value or an explicit
"no comparison" with its reason (a missing or zero base), never a crash and never a zero that
would read as "no growth". The sentences the reports print ("ước đạt 222.551 tỷ đồng, tăng
15,12% so cùng kỳ"; "đạt 44% kế hoạch năm") are built here from the computed values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum

from tongket.domain.errors import DomainError
from tongket.domain.periods import Period, parse_period
from tongket.domain.text import fold
from tongket.domain.vnformat import (
    _to_decimal,
    format_decimal,
    format_int,
    format_percent,
    parse_number,
)

# Enough digits that a ratio of two 20-digit figures keeps its meaning; reports round later.
PRECISION = 34


class Direction(StrEnum):
    """Whether more is better (revenue, new enterprises) or less (poor households)."""

    HIGHER = "higher"
    LOWER = "lower"


class Rule(StrEnum):
    """How an indicator's values combine: over periods of time, or over units of a tree."""

    SUM = "sum"  # flows: revenue, new enterprises, budget collected
    AVERAGE = "average"  # rates where a plain mean is the office's practice
    LATEST = "latest"  # stocks over time: poor households at the end of the period
    NONE = "none"  # may not be combined at all (most percentages)


class TargetKind(StrEnum):
    """Where a target comes from (GLOSSARY: chỉ tiêu, kế hoạch năm, dự toán năm)."""

    TERM = "term"  # chỉ tiêu Nghị quyết Đại hội, for the whole term (2020–2025)
    PLAN = "plan"  # kế hoạch năm
    ESTIMATE = "estimate"  # dự toán ngân sách năm


class Verdict(StrEnum):
    """Progress of an actual against a target at the point of time it describes."""

    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


VERDICT_VI = {
    Verdict.MET: "đã đạt",
    Verdict.ON_TRACK: "đúng tiến độ",
    Verdict.AT_RISK: "có nguy cơ chậm tiến độ",
    Verdict.BEHIND: "chậm tiến độ",
    Verdict.NOT_MET: "chưa đạt",
    Verdict.UNKNOWN: "chưa đủ số liệu để đánh giá",
}

TARGET_KIND_VI = {
    TargetKind.TERM: "chỉ tiêu Nghị quyết Đại hội",
    TargetKind.PLAN: "kế hoạch năm",
    TargetKind.ESTIMATE: "dự toán năm",
}

# How the reports join a share to the kind of target ("đạt 44% kế hoạch năm", "đạt tỷ lệ 56%
# so với dự toán năm").
_SHARE_TEMPLATE = {
    TargetKind.TERM: "đạt {p} chỉ tiêu Nghị quyết Đại hội",
    TargetKind.PLAN: "đạt {p} kế hoạch năm",
    TargetKind.ESTIMATE: "đạt {p} so với dự toán năm",
}

# --- progress thresholds -------------------------------------------------------------------
# "Pace" is the share of the target reached divided by the share of the target's time that has
# elapsed: 1 means exactly on the straight line from zero to the target. Mid-year reviews call
# a figure in line with the plan when it is within a few points of that line, so 95% of the
# pace counts as on track; under 80% the office flags it as behind ("chậm tiến độ"), and in
# between as at risk. These are the office's working conventions, not rules from a regulation.
ON_TRACK_PACE = Decimal("0.95")
AT_RISK_PACE = Decimal("0.80")
# The mirror for caps (less is better, summed over time, e.g. traffic accidents per year):
# up to 5% over the straight line is on track, up to 20% over is at risk, beyond that behind.
CAP_ON_TRACK_PACE = Decimal("1.05")
CAP_AT_RISK_PACE = Decimal("1.20")


# --- units of measure ----------------------------------------------------------------------
class UnitKind(StrEnum):
    AMOUNT = "amount"  # money or measures: decimals allowed
    COUNT = "count"  # things counted: whole numbers, never negative
    PERCENT = "percent"  # a rate typed in percent ("44%" or "44,0" both mean 44 %)


UNITS: dict[str, UnitKind] = {
    "tỷ đồng": UnitKind.AMOUNT,
    "triệu đồng": UnitKind.AMOUNT,
    "đồng": UnitKind.AMOUNT,
    "triệu USD": UnitKind.AMOUNT,
    "USD": UnitKind.AMOUNT,
    "ha": UnitKind.AMOUNT,
    "km": UnitKind.AMOUNT,
    "m²": UnitKind.AMOUNT,
    "doanh nghiệp": UnitKind.COUNT,
    "hộ": UnitKind.COUNT,
    "người": UnitKind.COUNT,
    "đảng viên": UnitKind.COUNT,
    "khu phố": UnitKind.COUNT,
    "tổ chức": UnitKind.COUNT,
    "lượt": UnitKind.COUNT,
    "căn": UnitKind.COUNT,
    "công trình": UnitKind.COUNT,
    "dự án": UnitKind.COUNT,
    "vụ": UnitKind.COUNT,
    "trường hợp": UnitKind.COUNT,
    "suất": UnitKind.COUNT,
    "%": UnitKind.PERCENT,
}
_UNIT_BY_KEY = {fold(name): name for name in UNITS} | {"m2": "m²", "phan tram": "%"}


def canonical_unit(text: str) -> str:
    """The catalogue's spelling of a unit of measure: "Ty dong" -> "tỷ đồng".

    Raises ``DomainError("unit.unknown")`` for a unit the catalogue does not know, so that a
    typo never becomes a second unit that no figure can be compared with.
    """
    key = fold(text or "")
    if key in _UNIT_BY_KEY:
        return _UNIT_BY_KEY[key]
    raise DomainError(
        "unit.unknown",
        f'Đơn vị tính không có trong danh mục: "{text}". Các đơn vị: {", ".join(UNITS)}.',
        {"value": text, "accepted": list(UNITS)},
    )


def check_unit(indicator_unit: str, given: str | None, what: str) -> None:
    """Refuses a figure stated in another unit than its indicator's (nothing is converted:
    "tỷ đồng" against "triệu đồng" is a thousandfold error, not a formatting choice)."""
    if given is None or not given.strip():
        return
    if fold(given) != fold(indicator_unit) and _canonical_or_none(given) != indicator_unit:
        raise DomainError(
            "unit.mismatch",
            f'{what} tính bằng "{given}", khác đơn vị tính của chỉ tiêu ("{indicator_unit}"). '
            "Hãy quy đổi về cùng đơn vị trước khi nhập.",
            {"value": given, "expected": indicator_unit},
        )


def _canonical_or_none(text: str) -> str | None:
    return _UNIT_BY_KEY.get(fold(text))


def parse_value(value: object, unit: str) -> Decimal:
    """A figure as typed (text in the Vietnamese way, or a number) in the indicator's unit.

    Percent indicators read "44%", "44,0" and 44 alike as 44 (percent). For any other unit a
    "%" means someone typed the share of target instead of the figure: refused, since the
    share is computed, never stored. Counts are whole and not negative; "44,0" for a count is
    refused too, because a comma in a count is usually a thousands separator typed the English
    way ("1,328"), which the Vietnamese form reads as a decimal.
    """
    kind = UNITS.get(unit, UnitKind.AMOUNT)
    text = value.strip() if isinstance(value, str) else None
    if text is not None:
        if not text:
            raise DomainError("value.empty", "Chưa nhập giá trị.", {"value": value})
        if "%" in text and kind is not UnitKind.PERCENT:
            raise DomainError(
                "value.percent",
                f'"{text}" là một tỷ lệ phần trăm, nhưng chỉ tiêu tính bằng {unit}. Hãy nhập số '
                "thực hiện (hoặc số chỉ tiêu); tỷ lệ đạt do phần mềm tính.",
                {"value": text, "unit": unit},
            )
        if kind is UnitKind.COUNT and "," in text:
            raise DomainError(
                "value.count_decimal",
                f'"{text}" có dấu phẩy thập phân, nhưng số {unit} là số nguyên. Viết hàng nghìn '
                'bằng dấu chấm (ví dụ "1.328").',
                {"value": text, "unit": unit},
            )
        number = parse_number(text)
    else:
        number = _to_decimal(value)  # refuses bools, None, NaN and other non-numbers
    if kind is UnitKind.COUNT:
        if number != number.to_integral_value() or number < 0:
            raise DomainError(
                "value.count",
                f'Số {unit} phải là số nguyên không âm: "{value}".',
                {"value": str(value), "unit": unit},
            )
        return number.quantize(Decimal(1))
    return number


# --- ratios --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ratio:
    """A computed ratio (0.44 for 44 %), or no value with the reason why."""

    value: Decimal | None
    reason: str = ""  # "no_actual", "no_target", "zero_target", "no_base", "zero_base", …
    message: str = ""  # the reason in Vietnamese, fit for a report

    @property
    def ok(self) -> bool:
        return self.value is not None


def _none(reason: str, message: str) -> Ratio:
    return Ratio(None, reason, message)


def _divide(a: Decimal, b: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return a / b


def _dec(x) -> Decimal | None:
    return None if x is None else _to_decimal(x)


def share_of_target(actual, target) -> Ratio:
    """actual ÷ target ("đạt 44% kế hoạch năm"); no value when either is missing or the
    target is zero or negative (a share of nothing says nothing)."""
    actual, target = _dec(actual), _dec(target)
    if actual is None:
        return _none("no_actual", "Chưa có số thực hiện.")
    if target is None:
        return _none("no_target", "Chưa có chỉ tiêu để so sánh.")
    if target == 0:
        return _none("zero_target", "Chỉ tiêu bằng 0; không tính tỷ lệ đạt.")
    if target < 0:
        return _none("negative_target", "Chỉ tiêu là số âm; không tính tỷ lệ đạt.")
    return Ratio(_divide(actual, target))


def growth(current, base) -> Ratio:
    """(current − base) ÷ base: growth over the same period of the previous year ("tăng
    15,12% so cùng kỳ"). No value when the base is missing, zero or negative."""
    current, base = _dec(current), _dec(base)
    if current is None:
        return _none("no_actual", "Chưa có số thực hiện của kỳ này.")
    if base is None:
        return _none("no_base", "Chưa có số liệu cùng kỳ năm trước để so sánh.")
    if base == 0:
        return _none(
            "zero_base", "Số liệu cùng kỳ năm trước bằng 0; không tính được tỷ lệ tăng, giảm."
        )
    if base < 0:
        return _none(
            "negative_base", "Số liệu cùng kỳ năm trước là số âm; không tính tỷ lệ tăng, giảm."
        )
    return Ratio(_divide(current - base, base))


def target_met(actual, target, direction: Direction) -> bool | None:
    """Whether the actual reaches the target in the indicator's direction (0 poor households
    against a target of 0 is met); None when either is missing."""
    actual, target = _dec(actual), _dec(target)
    if actual is None or target is None:
        return None
    return actual >= target if Direction(direction) is Direction.HIGHER else actual <= target


# --- spans of targets and progress over time -----------------------------------------------
@dataclass(frozen=True)
class Span:
    """What a target covers: a reporting period ("2024") or a term ("2021-2025")."""

    code: str
    start: date
    end: date
    label_vi: str
    is_term: bool = False


_TERM_RE = re.compile(r"([0-9]{4})\s*[-–]\s*([0-9]{4})")


def parse_span(text: str) -> Span:
    """A period code ("2024", "2024-H1") or a term of years ("2021-2025", "2020 – 2025").

    Raises ``DomainError("period.invalid")`` for anything else (2024-H3, 2024-Q5 …).
    """
    stripped = text.strip() if isinstance(text, str) else ""
    if match := _TERM_RE.fullmatch(stripped):
        first, last = int(match[1]), int(match[2])
        Period.of("year", first), Period.of("year", last)  # the same year bounds as periods
        if last <= first:
            raise DomainError(
                "period.invalid",
                f'Giai đoạn không hợp lệ: "{text}" (năm cuối phải sau năm đầu).',
                {"value": text},
            )
        return Span(
            f"{first}-{last}",
            date(first, 1, 1),
            date(last, 12, 31),
            f"giai đoạn {first} – {last}",
            True,
        )
    period = parse_period(text)
    return Span(period.code, period.start, period.end, period.label_vi)


def elapsed_fraction(start: date, end: date, on: date) -> Decimal:
    """Share of the days from ``start`` to ``end`` elapsed by ``on`` (inclusive), in [0, 1].

    The same rule as ``periods.elapsed_share``, for spans that are not one period (a term),
    and exact: 182/366 stays 182/366 until it is printed.
    """
    if on < start:
        return Decimal(0)
    if on >= end:
        return Decimal(1)
    return _divide(Decimal((on - start).days + 1), Decimal((end - start).days + 1))


def progress(
    actual, target, direction: Direction, elapsed: Decimal, cumulative: bool = True
) -> Verdict:
    """On track / at risk / behind, against the elapsed share of the target's time.

    ``cumulative`` is true for flows summed over time (revenue by mid-year against the year's
    plan); a stock or a rate (poor households, a percentage) is judged on its level only: met
    or not met.
    """
    actual, target = _dec(actual), _dec(target)
    if actual is None or target is None:
        return Verdict.UNKNOWN
    direction = Direction(direction)
    finished = elapsed >= 1
    if not cumulative or finished:
        return Verdict.MET if target_met(actual, target, direction) else Verdict.NOT_MET
    if direction is Direction.HIGHER and actual >= target:
        return Verdict.MET
    if elapsed <= 0 or target <= 0:
        return Verdict.UNKNOWN
    pace = _divide(_divide(actual, target), elapsed)
    if direction is Direction.HIGHER:
        if pace >= ON_TRACK_PACE:
            return Verdict.ON_TRACK
        return Verdict.AT_RISK if pace >= AT_RISK_PACE else Verdict.BEHIND
    if pace <= CAP_ON_TRACK_PACE:
        return Verdict.ON_TRACK
    return Verdict.AT_RISK if pace <= CAP_AT_RISK_PACE else Verdict.BEHIND


# --- aggregation ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Aggregate:
    """A combined value, with how many inputs it used and how many were missing."""

    value: Decimal | None
    used: int
    missing: int


def _combine(values: list[Decimal], rule: Rule) -> Decimal | None:
    if not values:
        return None
    total = sum(values, Decimal(0))
    return total if rule is Rule.SUM else _divide(total, Decimal(len(values)))


def _refuse(rule: Rule, where: str) -> DomainError:
    return DomainError(
        "indicator.not_aggregable",
        f"Chỉ tiêu này không được cộng gộp {where} (quy tắc: {rule.value}).",
        {"rule": rule.value, "where": where},
    )


def aggregate_up_tree(values: list, rule: Rule) -> Aggregate:
    """Combines the values of the units (or organizations) under one node: sum or average.

    "latest" is a rule over time and means nothing across units; "none" forbids combining.
    Missing values (None) are counted, not read as zero.
    """
    rule = Rule(rule)
    if rule in (Rule.LATEST, Rule.NONE):
        raise _refuse(rule, "theo cây đơn vị")
    present = [_to_decimal(v) for v in values if v is not None]
    return Aggregate(_combine(present, rule), len(present), len(values) - len(present))


def aggregate_over_time(points: list[tuple[Period, object]], rule: Rule) -> Aggregate:
    """Combines the values of periods that do not overlap (the caller picks them, e.g. with
    :func:`year_cover`): sum, average, or the value of the latest period."""
    rule = Rule(rule)
    if rule is Rule.NONE:
        raise _refuse(rule, "theo thời gian")
    ordered = sorted(points, key=lambda p: p[0].start)
    for (a, _va), (b, _vb) in zip(ordered, ordered[1:], strict=False):
        if b.start <= a.end:
            raise DomainError(
                "period.overlap",
                f"Các kỳ {a.code} và {b.code} chồng lên nhau; không cộng gộp được.",
                {"periods": [a.code, b.code]},
            )
    present = [(p, _to_decimal(v)) for p, v in ordered if v is not None]
    missing = len(ordered) - len(present)
    if rule is Rule.LATEST:
        value = present[-1][1] if present else None
        return Aggregate(value, 1 if present else 0, missing)
    return Aggregate(_combine([v for _p, v in present], rule), len(present), missing)


def year_cover(periods: list[Period], start: date, end: date) -> list[Period]:
    """Periods that tile the years from ``start`` to ``end`` without overlap: each year's
    full-year figure where there is one, else its longest year-to-date period (H1, Q1, a month
    from January). Used for cumulative progress over a term."""
    chosen = []
    for year in range(start.year, end.year + 1):
        of_year = [p for p in periods if p.year == year and p.start == date(year, 1, 1)]
        if of_year:
            chosen.append(max(of_year, key=lambda p: p.end))
    return chosen


# --- words and numbers for the reports -----------------------------------------------------
def format_value(value, unit: str) -> str:
    """A figure with its unit as the reports print it: "222.551 tỷ đồng", "10.793,7 tỷ đồng",
    "1.328 doanh nghiệp", "44%"."""
    number = _to_decimal(value)
    exponent = number.normalize().as_tuple().exponent
    places = min(max(0, -exponent), 4) if isinstance(exponent, int) else 0
    text = format_int(number) if places == 0 else format_decimal(number, places)
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def share_phrase(ratio: Ratio, kind: TargetKind) -> str:
    """ "đạt 44% kế hoạch năm"; the reason in words when there is no share."""
    if not ratio.ok:
        return ratio.message
    return _SHARE_TEMPLATE[TargetKind(kind)].format(p=format_percent(ratio.value))


def growth_phrase(ratio: Ratio) -> str:
    """ "tăng 15,12% so cùng kỳ", "giảm 3,4% so cùng kỳ", "bằng cùng kỳ"; the reason in words
    when there is no comparison."""
    if not ratio.ok:
        return ratio.message
    text = format_percent(abs(ratio.value))
    if text == "0%":
        return "bằng cùng kỳ"
    return f"{'tăng' if ratio.value > 0 else 'giảm'} {text} so cùng kỳ"


def status_word(status: str) -> str:
    """ "ước đạt" for an estimate, "đạt" for a final figure."""
    return "ước đạt" if status == "estimate" else "đạt"


def verdict_label(verdict: Verdict) -> str:
    return VERDICT_VI[Verdict(verdict)]


def result_sentence(
    name: str,
    period_label: str,
    actual,
    unit: str,
    status: str,
    clauses: list[str],
) -> str:
    """ "Tổng doanh thu … 6 tháng đầu năm 2024 ước đạt 222.551 tỷ đồng, tăng 15,12% so cùng
    kỳ": the indicator, the period, the figure and the computed clauses, in that order."""
    head = f"{name} {period_label}"
    if actual is None:
        return f"{head}: chưa có số thực hiện"
    return ", ".join([f"{head} {status_word(status)} {format_value(actual, unit)}", *clauses])


# --- enumerations as typed (imports, forms) ------------------------------------------------
# Vietnamese words, abbreviations and code names, as INTERCHANGE's common rules ask; matched
# after folding (case and diacritics).
STATUS_WORDS = {
    "estimate": ["ước", "ước tính", "ước đạt", "ước thực hiện", "estimate"],
    "final": ["chính thức", "thực hiện", "final"],
}
KIND_WORDS = {
    TargetKind.TERM: ["chỉ tiêu Nghị quyết", "chỉ tiêu Nghị quyết Đại hội", "nhiệm kỳ", "term"],
    TargetKind.PLAN: ["kế hoạch năm", "kế hoạch", "plan"],
    TargetKind.ESTIMATE: ["dự toán năm", "dự toán", "estimate"],
}
DIRECTION_WORDS = {
    Direction.HIGHER: ["càng cao càng tốt", "cao", "higher"],
    Direction.LOWER: ["càng thấp càng tốt", "thấp", "lower"],
}
RULE_WORDS = {
    Rule.SUM: ["cộng dồn", "tổng", "sum"],
    Rule.AVERAGE: ["bình quân", "trung bình", "average"],
    Rule.LATEST: ["lấy số cuối kỳ", "cuối kỳ", "latest"],
    Rule.NONE: ["không cộng gộp", "none"],
}


def read_choice(text: str, words: dict, what: str) -> str:
    """The code name of an enumeration typed in any of its accepted spellings.

    Raises ``DomainError("choice.invalid")`` listing the accepted words.
    """
    key = fold(str(text or ""))
    for code, spellings in words.items():
        if key in {fold(s) for s in spellings}:
            return str(code)
    accepted = ", ".join(spellings[0] for spellings in words.values())
    raise DomainError(
        "choice.invalid",
        f'{what} không hợp lệ: "{text}" (chọn một trong: {accepted}).',
        {"value": text, "accepted": accepted},
    )

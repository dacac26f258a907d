"""Indicators: shares, growth, progress, aggregation and the words of the reports (no DB)."""

import random
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from tongket.domain.errors import DomainError
from tongket.domain.indicators import (
    KIND_WORDS,
    STATUS_WORDS,
    Rule,
    Verdict,
    aggregate_over_time,
    aggregate_up_tree,
    canonical_unit,
    check_unit,
    elapsed_fraction,
    format_value,
    growth,
    growth_phrase,
    parse_span,
    parse_value,
    progress,
    read_choice,
    result_sentence,
    share_of_target,
    share_phrase,
    target_met,
    year_cover,
)
from tongket.domain.periods import elapsed_share, parse_period

D = Decimal

# Share of target: a ratio where both figures exist and the target is positive; otherwise no
# value with the reason, never a zero.
SHARE_CASES = [
    (1328, 3018, "0.440026507621"),
    (2918, 5211, "0.559969295721"),
    (0, 100, "0"),
    (150, 100, "1.5"),
    (D("10793.7"), D("10793.7"), "1"),
    (None, 100, "no_actual"),
    (5, None, "no_target"),
    (0, 0, "zero_target"),
    (5, 0, "zero_target"),
    (5, -1, "negative_target"),
]


@pytest.mark.parametrize(("actual", "target", "expected"), SHARE_CASES)
def test_share_of_target(actual, target, expected):
    ratio = share_of_target(actual, target)
    if expected[0].isdigit():
        assert ratio.ok and round(ratio.value, 12) == D(expected)
    else:
        assert (ratio.value, ratio.reason) == (None, expected) and ratio.message


# Growth over the same period of the previous year; the reasons when there is no base.
GROWTH_CASES = [
    (222551, 193322, "tăng 15,12% so cùng kỳ"),
    (2918, 2500, "tăng 16,72% so cùng kỳ"),
    (90, 100, "giảm 10% so cùng kỳ"),
    (100, 100, "bằng cùng kỳ"),
    (D("100.001"), 100, "bằng cùng kỳ"),  # rounds to 0,00 %
    (5, None, "Chưa có số liệu cùng kỳ năm trước để so sánh."),
    (5, 0, "Số liệu cùng kỳ năm trước bằng 0; không tính được tỷ lệ tăng, giảm."),
    (5, -3, "Số liệu cùng kỳ năm trước là số âm; không tính tỷ lệ tăng, giảm."),
    (None, 5, "Chưa có số thực hiện của kỳ này."),
]


@pytest.mark.parametrize(("current", "base", "phrase"), GROWTH_CASES)
def test_growth_and_its_phrase(current, base, phrase):
    assert growth_phrase(growth(current, base)) == phrase


def test_growth_reasons_are_codes():
    assert growth(5, None).reason == "no_base"
    assert growth(5, 0).reason == "zero_base"
    assert growth(None, 5).reason == "no_actual"
    assert growth(5, 0).value is None  # never a zero that would read as "no growth"


# Property: on random data, share and growth equal a direct computation in exact fractions,
# and a missing or zero base always gives no value with a reason.
def _random_figure(rng):
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.2:
        return 0
    if roll < 0.6:
        return rng.randint(-(10**6), 10**9)
    return D(rng.randint(-(10**8), 10**12)).scaleb(-rng.randint(0, 4))


def test_share_and_growth_match_a_direct_computation_on_random_data():
    rng = random.Random(20240704)
    checked = {"share": 0, "growth": 0, "none": 0}
    for _i in range(5000):
        a, b = _random_figure(rng), _random_figure(rng)
        share, change = share_of_target(a, b), growth(a, b)
        if a is None or b is None or b <= 0:
            assert share.value is None and share.reason and share.message
            assert change.value is None and change.reason and change.message
            checked["none"] += 1
            continue
        exact_share = Fraction(a) / Fraction(b)
        exact_growth = (Fraction(a) - Fraction(b)) / Fraction(b)
        assert abs(Fraction(share.value) - exact_share) <= abs(exact_share) * Fraction(1, 10**30)
        assert abs(Fraction(change.value) - exact_growth) <= Fraction(1, 10**30) * max(
            1, abs(exact_growth)
        )
        checked["share"] += 1
        checked["growth"] += 1
    assert min(checked.values()) > 500  # each branch was really exercised


# Whether the target is met depends on the direction: 0 poor households against 0 is met.
MET_CASES = [
    (1328, 3018, "higher", False),
    (3018, 3018, "higher", True),
    (0, 0, "lower", True),
    (3, 0, "lower", False),
    (None, 0, "lower", None),
]


@pytest.mark.parametrize(("actual", "target", "direction", "met"), MET_CASES)
def test_target_met(actual, target, direction, met):
    assert target_met(actual, target, direction) is met


YEAR = (date(2024, 1, 1), date(2024, 12, 31))
MID = elapsed_fraction(*YEAR, date(2024, 6, 30))  # 182/366

# Progress against the elapsed share: pace = share ÷ elapsed; ≥ 0,95 on track, ≥ 0,80 at risk.
PROGRESS_CASES = [
    (1328, 3018, "higher", MID, True, Verdict.AT_RISK),  # 44 % at 49,7 %: pace 0,885
    (2918, 5211, "higher", MID, True, Verdict.ON_TRACK),  # 56 % at 49,7 %
    (1000, 3018, "higher", MID, True, Verdict.BEHIND),  # 33 %: pace 0,67
    (3100, 3018, "higher", MID, True, Verdict.MET),  # already over the year's plan
    (2900, 3018, "higher", D(1), True, Verdict.NOT_MET),  # the year is over
    (40, 100, "lower", MID, True, Verdict.ON_TRACK),  # a cap, under the straight line
    (55, 100, "lower", MID, True, Verdict.AT_RISK),  # 10,6 % over the line
    (70, 100, "lower", MID, True, Verdict.BEHIND),
    (0, 0, "lower", MID, False, Verdict.MET),  # a stock: judged on its level
    (12, 0, "lower", MID, False, Verdict.NOT_MET),
    (None, 100, "higher", MID, True, Verdict.UNKNOWN),
    (5, 100, "higher", D(0), True, Verdict.UNKNOWN),  # nothing elapsed yet
]


@pytest.mark.parametrize(("a", "t", "direction", "elapsed", "flow", "verdict"), PROGRESS_CASES)
def test_progress(a, t, direction, elapsed, flow, verdict):
    assert progress(a, t, direction, elapsed, flow) is verdict


def test_elapsed_fraction_agrees_with_elapsed_share_of_periods():
    period = parse_period("2024")
    for day in (date(2023, 12, 31), date(2024, 1, 1), date(2024, 6, 30), date(2025, 1, 1)):
        exact = elapsed_fraction(period.start, period.end, day)
        assert abs(float(exact) - elapsed_share(period, day)) < 1e-12


# Spans of targets: a period code or a term of years; bad spans are refused.
SPAN_CASES = [
    ("2024", "2024", date(2024, 1, 1), date(2024, 12, 31), False),
    ("2021-2025", "2021-2025", date(2021, 1, 1), date(2025, 12, 31), True),
    ("2020 – 2025", "2020-2025", date(2020, 1, 1), date(2025, 12, 31), True),
    ("2024-h1", "2024-H1", date(2024, 1, 1), date(2024, 6, 30), False),
]


@pytest.mark.parametrize(("text", "code", "start", "end", "term"), SPAN_CASES)
def test_parse_span(text, code, start, end, term):
    span = parse_span(text)
    assert (span.code, span.start, span.end, span.is_term) == (code, start, end, term)


@pytest.mark.parametrize("text", ["2024-H3", "2024-Q5", "2025-2021", "2021-2021", "20-25", ""])
def test_parse_span_refuses(text):
    with pytest.raises(DomainError) as err:
        parse_span(text)
    assert err.value.code == "period.invalid"


# Aggregation up the tree: sum or average of what exists; latest and none are refused.
def test_aggregate_up_tree():
    total = aggregate_up_tree([1, 2, None, D("3.5")], Rule.SUM)
    assert (total.value, total.used, total.missing) == (D("6.5"), 3, 1)
    assert aggregate_up_tree([1, 2, None], Rule.AVERAGE).value == D("1.5")
    assert aggregate_up_tree([None, None], Rule.SUM).value is None  # not a zero
    for rule in (Rule.LATEST, Rule.NONE):
        with pytest.raises(DomainError) as err:
            aggregate_up_tree([1, 2], rule)
        assert err.value.code == "indicator.not_aggregable"


def _points(*pairs):
    return [(parse_period(code), value) for code, value in pairs]


def test_aggregate_over_time():
    quarters = _points(("2024-Q1", 10), ("2024-Q2", 20), ("2024-Q3", None))
    total = aggregate_over_time(quarters, Rule.SUM)
    assert (total.value, total.used, total.missing) == (D(30), 2, 1)
    assert aggregate_over_time(quarters, Rule.AVERAGE).value == D(15)
    assert aggregate_over_time(_points(("2023", 12), ("2024", 0)), Rule.LATEST).value == 0
    with pytest.raises(DomainError) as err:
        aggregate_over_time(_points(("2024-H1", 1), ("2024-Q2", 1)), Rule.SUM)
    assert err.value.code == "period.overlap"
    with pytest.raises(DomainError):
        aggregate_over_time(quarters, Rule.NONE)


def test_year_cover_takes_full_years_or_the_longest_year_to_date():
    periods = [
        parse_period(c) for c in ("2021", "2022", "2022-H1", "2023-Q1", "2023-H1", "2023-Q2")
    ]
    chosen = year_cover(periods, date(2021, 1, 1), date(2023, 6, 30))
    assert [p.code for p in chosen] == ["2021", "2022", "2023-H1"]


# Units of measure: one spelling per unit; a figure in another unit is refused.
def test_units():
    assert canonical_unit("Ty dong") == "tỷ đồng"
    assert canonical_unit("m2") == "m²"
    check_unit("tỷ đồng", "TỶ ĐỒNG", "Chỉ tiêu")
    check_unit("tỷ đồng", None, "Chỉ tiêu")
    with pytest.raises(DomainError) as err:
        check_unit("tỷ đồng", "triệu đồng", "Chỉ tiêu")
    assert err.value.code == "unit.mismatch" and "triệu đồng" in err.value.message
    with pytest.raises(DomainError) as err:
        canonical_unit("thùng")
    assert err.value.code == "unit.unknown"


# Values as typed: a percentage typed where a figure is expected is refused; a percent
# indicator reads "44%" and "44,0" alike.
VALUE_CASES = [
    ("222.551", "tỷ đồng", D(222551)),
    ("10.793,7", "tỷ đồng", D("10793.7")),
    ("44,0", "tỷ đồng", D("44.0")),
    (D("10793.7"), "tỷ đồng", D("10793.7")),
    ("1.328", "doanh nghiệp", D(1328)),
    (1328, "doanh nghiệp", D(1328)),
    ("44%", "%", D(44)),
    ("44,0", "%", D(44)),
    (44, "%", D(44)),
]


@pytest.mark.parametrize(("typed", "unit", "value"), VALUE_CASES)
def test_parse_value(typed, unit, value):
    assert parse_value(typed, unit) == value


VALUE_ERRORS = [
    ("44%", "doanh nghiệp", "value.percent"),
    ("44%", "tỷ đồng", "value.percent"),
    ("44,0", "doanh nghiệp", "value.count_decimal"),
    ("1,328", "hộ", "value.count_decimal"),
    (D("2.5"), "hộ", "value.count"),
    (-1, "hộ", "value.count"),
    ("", "hộ", "value.empty"),
    ("x", "tỷ đồng", "number.invalid"),
    (True, "tỷ đồng", "number.invalid"),
    (None, "tỷ đồng", "number.invalid"),
]


@pytest.mark.parametrize(("typed", "unit", "code"), VALUE_ERRORS)
def test_parse_value_refuses(typed, unit, code):
    with pytest.raises(DomainError) as err:
        parse_value(typed, unit)
    assert err.value.code == code and err.value.message


# The words and number forms of the reports.
FORMAT_CASES = [
    (222551, "tỷ đồng", "222.551 tỷ đồng"),
    (D("10793.7000"), "tỷ đồng", "10.793,7 tỷ đồng"),
    (D("1328.0000"), "doanh nghiệp", "1.328 doanh nghiệp"),
    (0, "hộ", "0 hộ"),
    (D("44.5"), "%", "44,5%"),
]


@pytest.mark.parametrize(("value", "unit", "text"), FORMAT_CASES)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


def test_share_phrases_by_kind():
    assert share_phrase(share_of_target(1328, 3018), "plan") == "đạt 44% kế hoạch năm"
    assert share_phrase(share_of_target(2918, 5211), "estimate") == "đạt 56% so với dự toán năm"
    assert share_phrase(share_of_target(63, 100), "term") == "đạt 63% chỉ tiêu Nghị quyết Đại hội"
    assert share_phrase(share_of_target(0, 0), "term") == "Chỉ tiêu bằng 0; không tính tỷ lệ đạt."


def test_result_sentence():
    sentence = result_sentence(
        "Tổng doanh thu bán hàng hóa và dịch vụ",
        "6 tháng đầu năm 2024",
        222551,
        "tỷ đồng",
        "estimate",
        [growth_phrase(growth(222551, 193322))],
    )
    assert sentence == (
        "Tổng doanh thu bán hàng hóa và dịch vụ 6 tháng đầu năm 2024 ước đạt 222.551 tỷ đồng, "
        "tăng 15,12% so cùng kỳ"
    )
    assert (
        result_sentence("X", "năm 2024", None, "hộ", "", []) == "X năm 2024: chưa có số thực hiện"
    )


# Enumerations as typed in a file: Vietnamese words, abbreviations, code names, any case.
CHOICE_CASES = [
    ("Ước đạt", STATUS_WORDS, "estimate"),
    ("uoc thuc hien", STATUS_WORDS, "estimate"),
    ("CHÍNH THỨC", STATUS_WORDS, "final"),
    ("final", STATUS_WORDS, "final"),
    ("Dự toán", KIND_WORDS, "estimate"),
    ("kế hoạch năm", KIND_WORDS, "plan"),
    ("nhiệm kỳ", KIND_WORDS, "term"),
]


@pytest.mark.parametrize(("text", "words", "code"), CHOICE_CASES)
def test_read_choice(text, words, code):
    assert read_choice(text, words, "Loại") == code


def test_read_choice_refuses_with_the_accepted_words():
    with pytest.raises(DomainError) as err:
        read_choice("đoán", STATUS_WORDS, "Tình trạng số liệu")
    assert err.value.code == "choice.invalid" and "ước, chính thức" in err.value.message

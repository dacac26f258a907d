"""Vietnamese number and date forms."""

import random
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tongket.domain.errors import DomainError
from tongket.domain.vnformat import (
    format_date_long,
    format_date_short,
    format_decimal,
    format_int,
    format_percent,
    parse_date,
    parse_number,
)

# Whole numbers use "." between thousands, with the sign in front.
INT_CASES = [
    (0, "0"),
    (7, "7"),
    (999, "999"),
    (1000, "1.000"),
    (1579, "1.579"),
    (222551, "222.551"),
    (1234567, "1.234.567"),
    (-1234, "-1.234"),
    (Decimal("2918"), "2.918"),
    (2918.0, "2.918"),
]


@pytest.mark.parametrize(("value", "text"), INT_CASES)
def test_format_int(value, text):
    assert format_int(value) == text


# Decimals: comma before the fraction, dot between thousands, half-up rounding on the
# decimal value as written (not on the binary float).
DECIMAL_CASES = [
    (10793.7, 1, "10.793,7"),
    (2918, 0, "2.918"),
    (0.125, 2, "0,13"),
    (2.675, 2, "2,68"),  # float 2.675 is 2.67499... in binary; str() keeps 2.675
    (0.05, 1, "0,1"),
    (0.04, 1, "0,0"),
    (-0.04, 1, "0,0"),  # rounds to zero: no misleading minus sign
    (-0.05, 1, "-0,1"),  # half-up means away from zero
    (1234.5, 0, "1.235"),
    (-1234.5, 0, "-1.235"),
    (12, 2, "12,00"),
    (Decimal("1579.25"), 1, "1.579,3"),
    (1000000, 1, "1.000.000,0"),
    (999.96, 1, "1.000,0"),  # rounding carries into a new thousands group
]


@pytest.mark.parametrize(("value", "places", "text"), DECIMAL_CASES)
def test_format_decimal(value, places, text):
    assert format_decimal(value, places) == text


def test_format_decimal_defaults_to_one_place():
    assert format_decimal(3) == "3,0"


# Percentages: the ratio times 100; trim drops trailing zeros of the fraction only.
PERCENT_CASES = [
    (0.1512, 2, True, "15,12%"),
    (0.44, 0, True, "44%"),
    (0.56, 2, True, "56%"),
    (0.56, 2, False, "56,00%"),
    (0.151, 2, True, "15,1%"),
    (0.151, 2, False, "15,10%"),
    (1, 2, True, "100%"),
    (12.5, 1, True, "1.250%"),
    (0.001235, 2, True, "0,12%"),  # 0.1235% -> half-up to 0,12 (3rd digit 3)
    (0.001255, 3, True, "0,126%"),
    (Decimal("0.5"), 2, True, "50%"),
    (-0.05, 1, True, "-5%"),
    (0, 2, True, "0%"),
]


@pytest.mark.parametrize(("ratio", "places", "trim", "text"), PERCENT_CASES)
def test_format_percent(ratio, places, trim, text):
    assert format_percent(ratio, places, trim) == text


# Numbers that cannot be formatted are refused, naming the value.
BAD_FORMAT_INPUTS = [
    (format_percent, None, "None"),
    (format_decimal, "12", "12"),
    (format_decimal, True, "True"),
    (format_decimal, float("nan"), "nan"),
    (format_decimal, float("inf"), "inf"),
    (format_int, 12.5, "12.5"),
    (format_int, Decimal("1.1"), "1.1"),
    (format_int, None, "None"),
]


@pytest.mark.parametrize(("func", "value", "shown"), BAD_FORMAT_INPUTS)
def test_format_rejects(func, value, shown):
    with pytest.raises(DomainError) as caught:
        func(value)
    assert caught.value.code == "number.invalid"
    assert shown in caught.value.message


def test_format_decimal_rejects_negative_places():
    with pytest.raises(DomainError) as caught:
        format_decimal(1.5, -1)
    assert caught.value.code == "number.invalid"
    assert "-1" in caught.value.message


# Long dates (36-HD/VPTW): day always two digits, month padded only for January and February.
LONG_DATE_CASES = [
    (date(2025, 2, 5), "ngày 05 tháng 02 năm 2025"),
    (date(2018, 4, 3), "ngày 03 tháng 4 năm 2018"),
    (date(2018, 2, 20), "ngày 20 tháng 02 năm 2018"),
    (date(2024, 3, 14), "ngày 14 tháng 3 năm 2024"),
    (date(2025, 1, 15), "ngày 15 tháng 01 năm 2025"),
    (date(2025, 12, 1), "ngày 01 tháng 12 năm 2025"),
    (date(2025, 10, 31), "ngày 31 tháng 10 năm 2025"),
    (datetime(2025, 2, 5, 14, 30), "ngày 05 tháng 02 năm 2025"),
]


@pytest.mark.parametrize(("day", "text"), LONG_DATE_CASES)
def test_format_date_long(day, text):
    assert format_date_long(day) == text


# Short dates are always dd/mm/yyyy.
SHORT_DATE_CASES = [
    (date(2025, 2, 5), "05/02/2025"),
    (date(2025, 12, 31), "31/12/2025"),
    (date(1930, 2, 3), "03/02/1930"),
]


@pytest.mark.parametrize(("day", "text"), SHORT_DATE_CASES)
def test_format_date_short(day, text):
    assert format_date_short(day) == text


@pytest.mark.parametrize("func", [format_date_long, format_date_short])
def test_format_date_rejects_non_dates(func):
    with pytest.raises(DomainError) as caught:
        func("2025-02-05")
    assert caught.value.code == "date.invalid"
    assert "2025-02-05" in caught.value.message


# Every accepted date spelling, with or without padding and surrounding spaces.
PARSE_DATE_CASES = [
    ("05/02/2025", date(2025, 2, 5)),
    ("5/2/2025", date(2025, 2, 5)),
    ("  05/02/2025 ", date(2025, 2, 5)),
    ("05-02-2025", date(2025, 2, 5)),
    ("05.02.2025", date(2025, 2, 5)),
    ("2025-02-05", date(2025, 2, 5)),
    ("29/02/2024", date(2024, 2, 29)),
    ("31/12/1999", date(1999, 12, 31)),
]


@pytest.mark.parametrize(("text", "day"), PARSE_DATE_CASES)
def test_parse_date(text, day):
    assert parse_date(text) == day


# Wrong shapes and impossible days are refused, showing the value and the accepted forms.
BAD_DATES = [
    "31/02/2024",
    "29/02/2023",
    "00/01/2024",
    "01/13/2024",
    "2024-02-30",
    "05/02/25",
    "05/02-2025",  # mixed separators
    "2025/02/05",
    "05 02 2025",
    "ngày 05 tháng 02 năm 2025",
    "abc",
    "",
]


@pytest.mark.parametrize("text", BAD_DATES)
def test_parse_date_rejects(text):
    with pytest.raises(DomainError) as caught:
        parse_date(text)
    assert caught.value.code == "date.invalid"
    assert f'"{text}"' in caught.value.message
    assert "dd/mm/yyyy" in caught.value.message


# Vietnamese and plain number spellings, including the dot ambiguity: a dot before exactly
# three digits (with a proper leading group) separates thousands, otherwise it is a decimal point.
PARSE_NUMBER_CASES = [
    ("1.579", Decimal("1579")),
    ("222.551", Decimal("222551")),
    ("1.234.567", Decimal("1234567")),
    ("10.793,7", Decimal("10793.7")),
    ("15,12", Decimal("15.12")),
    ("0,5", Decimal("0.5")),
    ("44%", Decimal("44")),
    ("15,12%", Decimal("15.12")),
    ("44 %", Decimal("44")),
    ("1579", Decimal("1579")),
    ("10793.7", Decimal("10793.7")),
    ("10793.75", Decimal("10793.75")),
    ("1.5790", Decimal("1.579")),  # four digits after the dot: a decimal point
    ("0.125", Decimal("0.125")),  # a thousands group never follows a lone 0
    ("12345.678", Decimal("12345.678")),  # not a valid grouping, so a decimal point
    ("-1.234", Decimal("-1234")),
    ("+7", Decimal("7")),
    ("\u22123,5", Decimal("-3.5")),  # typographic minus sign
    ("  2.918 ", Decimal("2918")),
    ("0", Decimal("0")),
]


@pytest.mark.parametrize(("text", "value"), PARSE_NUMBER_CASES)
def test_parse_number(text, value):
    assert parse_number(text) == value


# Garbage and malformed groupings are refused, naming the value.
BAD_NUMBERS = [
    "",
    "abc",
    "1,2,3",
    "1.2.3",
    "1.57,5",  # bad thousands group before a decimal comma
    "12.3456,7",
    "1.",
    ".5",
    ",5",
    "1,",
    "1 579",
    "--1",
    "12a",
    "%",
    "44%%",
    "１２",  # full-width digits
]


@pytest.mark.parametrize("text", BAD_NUMBERS)
def test_parse_number_rejects(text):
    with pytest.raises(DomainError) as caught:
        parse_number(text)
    assert caught.value.code == "number.invalid"
    assert f'"{text}"' in caught.value.message


def test_parse_number_rejects_non_text():
    with pytest.raises(DomainError) as caught:
        parse_number(12)  # type: ignore[arg-type]
    assert caught.value.code == "number.invalid"


def _round_half_up(x: float, places: int) -> Decimal:
    return Decimal(str(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def test_property_number_round_trip():
    # Whatever format_decimal prints, parse_number reads back as the half-up rounded value.
    rng = random.Random(20250205)
    for _ in range(2000):
        match rng.randrange(3):
            case 0:  # wide range of magnitudes
                x = rng.uniform(-1e9, 1e9)
            case 1:  # small values around zero
                x = rng.uniform(-10, 10)
            case _:  # two decimals, so one in ten is a half-way case such as 12.25 or -3.05
                x = rng.randint(-(10**6), 10**6) / 100
        assert parse_number(format_decimal(x, 1)) == _round_half_up(x, 1), x


def test_property_date_round_trip():
    # Every date printed short reads back as itself.
    rng = random.Random(1930)
    low, high = date(1930, 1, 1).toordinal(), date(2100, 12, 31).toordinal()
    for _ in range(2000):
        day = date.fromordinal(rng.randint(low, high))
        assert parse_date(format_date_short(day)) == day

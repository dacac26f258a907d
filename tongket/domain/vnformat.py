"""Vietnamese number and date forms, as printed in official reports.

Numbers use "." between thousands and "," before decimals ("10.793,7"); long dates follow
Hướng dẫn 36-HD/VPTW ("ngày 05 tháng 02 năm 2025").
"""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from tongket.domain.errors import DomainError

Number = int | float | Decimal

_DATE_FORMS = "dd/mm/yyyy (ví dụ 05/02/2025), d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy hoặc yyyy-mm-dd"

# The same separator must be used twice: "05/02-2025" is more likely a typo than a date.
_DMY_RE = re.compile(r"(?P<d>[0-9]{1,2})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4})")
_YMD_RE = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")

# A thousands group never starts with 0, so "0.125" stays a decimal fraction.
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
_PLAIN = re.compile(r"[0-9]+")
_DOT_DECIMAL = re.compile(r"[0-9]+\.[0-9]+")
_NUMBER_RE = re.compile(r"(?P<sign>[+-]?)(?P<int>[0-9][0-9.]*)(?:,(?P<frac>[0-9]+))?\s*%?")


def _bad_number(value: object, hint: str = "") -> DomainError:
    message = f'Số không hợp lệ: "{value}".'
    if hint:
        message = f"{message} {hint}"
    return DomainError("number.invalid", message, {"value": value})


def _to_decimal(x: Number) -> Decimal:
    """Exact decimal value of ``x``; floats go through ``str`` so 0.125 stays 0.125."""
    # bool is an int subclass, but True is never a figure in a report.
    if isinstance(x, bool) or not isinstance(x, int | float | Decimal):
        raise _bad_number(x, "Cần một giá trị số.")
    value = Decimal(str(x)) if isinstance(x, float) else Decimal(x)
    if not value.is_finite():
        raise _bad_number(x, "Cần một giá trị số hữu hạn.")
    return value


def _group(digits: str) -> str:
    return f"{int(digits):,}".replace(",", ".")


def format_int(n: Number) -> str:
    """Whole number with "." between thousands: 222551 -> "222.551".

    Refuses non-integral values rather than rounding them silently; use
    :func:`format_decimal` with ``places=0`` for that.
    """
    value = _to_decimal(n)
    if value != value.to_integral_value():
        raise _bad_number(n, "Cần một số nguyên; hãy dùng format_decimal để làm tròn.")
    text = _group(str(abs(int(value))))
    return f"-{text}" if value < 0 else text


def format_decimal(x: Number, places: int = 1) -> str:
    """Number rounded half-up to ``places`` decimals, "10.793,7" style."""
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise DomainError(
            "number.invalid",
            f'Số chữ số thập phân không hợp lệ: "{places}".',
            {"value": places},
        )
    value = _to_decimal(x)
    with localcontext() as ctx:
        # Enough precision that quantize never fails on large figures.
        ctx.prec = max(28, value.adjusted() + places + 2)
        rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    int_part, _, frac_part = format(abs(rounded), "f").partition(".")
    text = _group(int_part)
    if places:
        text = f"{text},{frac_part}"
    # "-0,0" would read as a loss where there is none.
    return f"-{text}" if rounded < 0 else text


def format_percent(ratio: Number, places: int = 2, trim: bool = True) -> str:
    """A ratio as a percentage: 0.1512 -> "15,12%"; with ``trim``, 0.56 -> "56%"."""
    if ratio is None:
        raise DomainError("number.invalid", 'Tỷ lệ không hợp lệ: "None".', {"value": None})
    text = format_decimal(_to_decimal(ratio).scaleb(2), places)
    if trim and "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text}%"


def _check_date(d: object) -> date:
    if not isinstance(d, date):
        raise DomainError("date.invalid", f'Ngày không hợp lệ: "{d}".', {"value": d})
    return d


def format_date_long(d: date) -> str:
    """Date in the Party document form: "ngày 05 tháng 02 năm 2025".

    Hướng dẫn 36-HD/VPTW pads days below 10 and months 1 and 2 only ("tháng 01", "tháng 02",
    but "tháng 3"), so that a handwritten digit cannot be added in front of them.
    """
    d = _check_date(d)
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def format_date_short(d: date) -> str:
    """Date as "dd/mm/yyyy": 5 February 2025 -> "05/02/2025"."""
    d = _check_date(d)
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def parse_date(text: str) -> date:
    """Read "dd/mm/yyyy", "d/m/yyyy" (also with "-" or "."), or "yyyy-mm-dd".

    Raises ``DomainError("date.invalid")`` for other forms and impossible dates.
    """
    stripped = text.strip() if isinstance(text, str) else ""
    match = _DMY_RE.fullmatch(stripped) or _YMD_RE.fullmatch(stripped)
    if match is not None:
        try:
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            pass  # e.g. 31/02/2024: right shape, no such day; reported below.
    raise DomainError(
        "date.invalid",
        f'Ngày không hợp lệ: "{text}". Các dạng được chấp nhận: {_DATE_FORMS}.',
        {"value": text, "accepted": _DATE_FORMS},
    )


def parse_number(text: str) -> Decimal:
    """Read a number written the Vietnamese way ("10.793,7", "1.579", "44%") or plainly.

    A comma is the decimal mark. Without a comma, dots that form proper thousands groups
    ("1.579", "1.579.000") are separators; a single dot otherwise is a decimal point
    ("10793.7", "0.125"). A trailing "%" is dropped: "44%" -> 44.
    """
    if not isinstance(text, str):
        raise _bad_number(text)
    # Word processors often turn "-" into a true minus sign.
    match = _NUMBER_RE.fullmatch(text.strip().replace("\u2212", "-"))
    if match is None:
        raise _bad_number(text)
    int_part, frac = match["int"], match["frac"]
    if _PLAIN.fullmatch(int_part) or _GROUPED.fullmatch(int_part):
        digits = int_part.replace(".", "")
    elif frac is None and _DOT_DECIMAL.fullmatch(int_part):
        digits, frac = int_part.split(".")
    else:
        raise _bad_number(text)
    literal = f"{match['sign']}{digits}.{frac}" if frac is not None else f"{match['sign']}{digits}"
    try:
        return Decimal(literal)
    except InvalidOperation as exc:  # pragma: no cover - the regexes only let digits through
        raise _bad_number(text) from exc

"""Reporting periods: a year, a half-year, a quarter or a month."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from tongket.domain.errors import DomainError

# The Party was founded in 1930, so no record or report can be older; 2100 is a sanity cap
# that still catches typos such as "20244".
MIN_YEAR = 1930
MAX_YEAR = 2100

# kind -> number of months in one period of that kind.
_SPAN_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}

_KIND_VI = {"year": "năm", "half": "6 tháng", "quarter": "quý", "month": "tháng"}

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

# Case is folded to upper before matching; [0-9] rather than \d so that other scripts'
# digits are refused.
_PERIOD_RE = re.compile(
    r"(?P<year>[0-9]{4})"
    r"(?:-(?:H(?P<half>[0-9])|Q(?P<quarter>[0-9])|M(?P<month>[0-9]{1,2})|(?P<bare>[0-9]{2})))?"
)

_ACCEPTED_FORMS = "2024, 2024-H1, 2024-Q3, 2024-M7, 2024-07"


def _invalid(message: str, value: object) -> DomainError:
    return DomainError("period.invalid", message, {"value": value, "accepted": _ACCEPTED_FORMS})


@dataclass(frozen=True)
class Period:
    """A calendar reporting period; build it with :meth:`Period.of` or :func:`parse_period`."""

    code: str
    kind: str
    year: int
    index: int
    start: date
    end: date

    @classmethod
    def of(cls, kind: str, year: int, index: int = 1) -> "Period":
        """Build the period of ``kind`` number ``index`` (1-based) in ``year``."""
        span = _SPAN_MONTHS.get(kind)
        if span is None:
            raise _invalid(f'Loại kỳ báo cáo không hợp lệ: "{kind}".', kind)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise _invalid(f"Năm {year} nằm ngoài khoảng cho phép ({MIN_YEAR}–{MAX_YEAR}).", year)
        if not 1 <= index <= 12 // span:
            raise _invalid(
                f"Số thứ tự {index} không hợp lệ cho kỳ {_KIND_VI[kind]} (từ 1 đến {12 // span}).",
                index,
            )
        first_month = (index - 1) * span + 1
        last_month = index * span
        last_day = calendar.monthrange(year, last_month)[1]
        suffix = {"year": "", "half": f"-H{index}", "quarter": f"-Q{index}"}.get(
            kind, f"-M{index:02d}"
        )
        return cls(
            code=f"{year}{suffix}",
            kind=kind,
            year=year,
            index=index,
            start=date(year, first_month, 1),
            end=date(year, last_month, last_day),
        )

    def __str__(self) -> str:
        return self.code

    @property
    def as_of(self) -> date:
        """The reference date of the period's figures ("số liệu tính đến"): its last day."""
        return self.end

    @property
    def days(self) -> int:
        """Number of calendar days in the period."""
        return (self.end - self.start).days + 1

    @property
    def label_vi(self) -> str:
        """Vietnamese wording as used in report titles, e.g. "quý III năm 2024"."""
        match self.kind:
            case "year":
                return f"năm {self.year}"
            case "half":
                part = "đầu" if self.index == 1 else "cuối"
                return f"6 tháng {part} năm {self.year}"
            case "quarter":
                return f"quý {_ROMAN[self.index]} năm {self.year}"
            case _:
                return f"tháng {self.index} năm {self.year}"

    def previous_year_same(self) -> "Period":
        """The same period one year earlier, the base of "so với cùng kỳ"."""
        return Period.of(self.kind, self.year - 1, self.index)

    def previous(self) -> "Period":
        """The period of the same kind immediately before this one."""
        if self.index > 1:
            return Period.of(self.kind, self.year, self.index - 1)
        return Period.of(self.kind, self.year - 1, 12 // _SPAN_MONTHS[self.kind])

    def contains(self, d: date) -> bool:
        """Whether ``d`` falls within the period, both ends included."""
        return self.start <= d <= self.end


def parse_period(text: str) -> Period:
    """Read a period code such as "2024", "2024-H1", "2024-Q3", "2024-M7" or "2024-07".

    Case and surrounding whitespace are ignored. Raises ``DomainError("period.invalid")``.
    """
    if not isinstance(text, str):
        raise _invalid(f'Kỳ báo cáo không hợp lệ: "{text}".', text)
    match = _PERIOD_RE.fullmatch(text.strip().upper())
    if match is None:
        raise _invalid(
            f'Kỳ báo cáo không hợp lệ: "{text}". Các dạng được chấp nhận: {_ACCEPTED_FORMS}.',
            text,
        )
    year = int(match["year"])
    kind, index = _kind_and_index(match)
    try:
        return Period.of(kind, year, index)
    except DomainError as exc:
        # Name the text the user typed, not only the number that was out of range.
        raise _invalid(f'Kỳ báo cáo không hợp lệ: "{text}". {exc.message}', text) from exc


def _kind_and_index(match: re.Match[str]) -> tuple[str, int]:
    for kind in ("half", "quarter", "month"):
        if match[kind] is not None:
            return kind, int(match[kind])
    if match["bare"] is not None:
        return "month", int(match["bare"])
    return "year", 1


def elapsed_share(period: Period, on: date) -> float:
    """Fraction of the period's days elapsed by ``on`` (inclusive), clamped to [0, 1].

    Used to judge progress against a yearly target: by 30 June about half of the year is gone.
    """
    if on < period.start:
        return 0.0
    if on >= period.end:
        return 1.0
    return ((on - period.start).days + 1) / period.days

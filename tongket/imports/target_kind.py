"""The `indicators`, `targets` and `actuals` kinds of docs/INTERCHANGE-targets.md: pure mapping.

Enumerations are read with the same words the targets services accept
(`tongket.domain.indicators.read_choice`), periods and spans with the domain's parsers, so a
cell is refused here with the message the service would give. A figure is kept as typed: how
"44%" or "44,0" reads depends on the indicator's unit, which only the database knows, so
`target_apply` parses it. Natural keys: the indicator's code; (indicator, organization or unit,
kind, span) for a target; (indicator, organization or unit, period) for an actual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from tongket.domain.errors import DomainError
from tongket.domain.indicators import (
    DIRECTION_WORDS,
    KIND_WORDS,
    RULE_WORDS,
    STATUS_WORDS,
    Rule,
    TargetKind,
    canonical_unit,
    parse_span,
    read_choice,
)
from tongket.domain.periods import parse_period
from tongket.imports.kinds import Column, Kind, _cell_error, _row_error, code, register, text

# The word each code name is written with in an export (the first the import accepts, or the
# plainer one where the first is an abbreviation).
STATUS_EXPORT = {"estimate": "ước tính", "final": "chính thức"}


def _domain(read):
    """A converter from a domain reader: an empty cell is "", a refusal is the cell's error."""

    def convert(value):
        raw = text(value, 60)
        if not raw:
            return ""
        try:
            return read(raw)
        except DomainError as exc:
            raise _cell_error(exc.message, exc.code) from None

    return convert


def _choice(words: dict, what: str):
    # `what` names the column in the domain's message, which is not translated either.
    return _domain(lambda raw: read_choice(raw, words, what))


def figure(value):
    """A figure as typed: text (trimmed) or a number cell, read later in the indicator's unit."""
    if isinstance(value, bool):
        raise _cell_error(_("Cần một số, không phải %(v)s.") % {"v": value})
    if isinstance(value, int | float | Decimal):
        return value
    return text(value, 60)


def _text300(value) -> str:
    return text(value, 300)


def _duplicates(records: list, column: str, message: str) -> list[tuple[int, str, str]]:
    """Rows whose key an earlier row of the file has already."""
    first: dict[tuple, int] = {}
    found = []
    for r in records:
        if (seen := first.setdefault(r.key, r.row)) != r.row:
            found.append((r.row, column, message % {"n": seen}))
    return found


# --- indicators -----------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of the catalogue as written in an `indicators` file."""

    row: int
    code: str
    name: str
    unit: str
    direction: str = ""
    over_time: str = ""
    up_tree: str = ""
    companion_code: str = ""
    note: str = ""

    @property
    def key(self) -> tuple:
        return (self.code,)

    def fields(self) -> dict:
        """The stored fields the row means (the services' defaults for empty cells)."""
        return {
            "name": self.name,
            "unit": self.unit,
            "direction": self.direction or "higher",
            "over_time": self.over_time or Rule.SUM.value,
            "up_tree": self.up_tree or Rule.SUM.value,
            "companion_code": self.companion_code,
            "note": self.note,
        }


def _build_indicator(row: int, values: dict) -> IndicatorRow:
    record = IndicatorRow(row=row, **values)
    if record.up_tree == Rule.LATEST.value:
        raise _row_error(
            "up_tree",
            _('"Lấy số cuối kỳ" chỉ áp dụng theo thời gian, không áp dụng khi cộng các đơn vị.'),
        )
    if record.companion_code == record.code:
        raise _row_error("companion_code", _("Chỉ tiêu không thể đi kèm chính nó."))
    return record


def _check_indicators(records: list[IndicatorRow]) -> list[tuple[int, str, str]]:
    return _duplicates(records, "code", _("Trùng mã chỉ tiêu với dòng %(n)d."))


INDICATORS = register(
    Kind(
        name="indicators",
        label="danh mục chỉ tiêu",
        sheets=("indicators", "chỉ tiêu", "danh mục chỉ tiêu"),
        columns=(
            Column("code", "Mã chỉ tiêu", required=True, key=True, convert=code),
            Column("name", "Tên chỉ tiêu", required=True, convert=_text300),
            Column("unit", "Đơn vị tính", required=True, convert=_domain(canonical_unit)),
            Column(
                "direction",
                "Chiều đánh giá",
                convert=_choice(DIRECTION_WORDS, "Chiều đánh giá"),
            ),
            Column(
                "over_time",
                "Cộng gộp theo thời gian",
                convert=_choice(RULE_WORDS, "Cách cộng gộp theo thời gian"),
            ),
            Column(
                "up_tree",
                "Cộng gộp theo đơn vị",
                convert=_choice(RULE_WORDS, "Cách cộng gộp theo đơn vị"),
            ),
            Column("companion_code", "Mã chỉ tiêu đi kèm", convert=code),
            Column("note", "Ghi chú", convert=_text300),
        ),
        build=_build_indicator,
        check_file=_check_indicators,
    )
)


# --- targets and actuals --------------------------------------------------------------------
_TERM = re.compile(r"[0-9]{4}-[0-9]{4}")  # a term's code as parse_span writes it


def _span(raw: str) -> str:
    return parse_span(raw).code


def _period(raw: str) -> str:
    return parse_period(raw).code


@dataclass(frozen=True)
class FigureRow:
    """A target or an actual as written in a file: about one organization or one unit."""

    row: int
    indicator_code: str
    value: object
    org_code: str = ""
    unit_code: str = ""
    unit_of_measure: str = ""
    source: str = ""

    @property
    def subject_column(self) -> str:
        return "org_code" if self.org_code else "unit_code"


@dataclass(frozen=True)
class TargetRow(FigureRow):
    kind: str = ""
    span: str = ""

    @property
    def key(self) -> tuple:
        return (self.indicator_code, self.org_code, self.unit_code, self.kind, self.span)


@dataclass(frozen=True)
class ActualRow(FigureRow):
    period: str = ""
    status: str = ""

    @property
    def key(self) -> tuple:
        return (self.indicator_code, self.org_code, self.unit_code, self.period)


def _one_subject(record: FigureRow) -> None:
    if bool(record.org_code) == bool(record.unit_code):
        raise _row_error(
            "org_code",
            _(
                "Cần đúng một trong hai cột “Mã tổ chức” (số liệu của tổ chức đảng) và “Mã đơn "
                "vị hành chính” (của đơn vị hành chính)."
            ),
        )


def _build_target(row: int, values: dict) -> TargetRow:
    record = TargetRow(row=row, **values)
    _one_subject(record)
    term = _TERM.fullmatch(record.span) is not None
    if record.kind == TargetKind.TERM and not term:
        raise _row_error(
            "span",
            _('Chỉ tiêu Nghị quyết Đại hội cần một giai đoạn nhiều năm, ví dụ "2020-2025".'),
        )
    if record.kind != TargetKind.TERM and (term or len(record.span) != 4):
        raise _row_error(
            "span",
            _('Kế hoạch năm và dự toán năm cần một năm, ví dụ "2024"; "%(s)s" không phải năm.')
            % {"s": record.span},
        )
    return record


def _build_actual(row: int, values: dict) -> ActualRow:
    record = ActualRow(row=row, **values)
    _one_subject(record)
    return record


def _duplicate() -> str:
    return _("Trùng với dòng %(n)d: cùng chỉ tiêu, cùng đối tượng và cùng kỳ.")


def _check_targets(records: list[TargetRow]) -> list[tuple[int, str, str]]:
    return _duplicates(records, "span", _duplicate())


def _check_actuals(records: list[ActualRow]) -> list[tuple[int, str, str]]:
    return _duplicates(records, "period", _duplicate())


def _figure_columns(*middle: Column) -> tuple[Column, ...]:
    return (
        Column("indicator_code", "Mã chỉ tiêu", required=True, key=True, convert=code),
        Column("org_code", "Mã tổ chức", key=True, convert=code),
        Column("unit_code", "Mã đơn vị hành chính", key=True, convert=code),
        *middle,
        Column("unit_of_measure", "Đơn vị tính", convert=lambda v: text(v, 40)),
        Column("source", "Nguồn", convert=_text300),
    )


TARGETS = register(
    Kind(
        name="targets",
        label="chỉ tiêu, kế hoạch, dự toán",
        sheets=("targets", "chỉ tiêu kế hoạch", "kế hoạch"),
        columns=_figure_columns(
            Column(
                "kind",
                "Loại chỉ tiêu",
                required=True,
                key=True,
                convert=_choice(KIND_WORDS, "Loại chỉ tiêu"),
            ),
            Column(
                "span",
                "Kỳ, giai đoạn",
                required=True,
                key=True,
                convert=_domain(_span),
                spellings=("Giai đoạn", "Năm"),
            ),
            Column("value", "Giá trị", required=True, convert=figure),
        ),
        build=_build_target,
        check_file=_check_targets,
        failed_key="",
    )
)

ACTUALS = register(
    Kind(
        name="actuals",
        label="số thực hiện",
        sheets=("actuals", "số thực hiện", "thực hiện"),
        columns=_figure_columns(
            Column(
                "period",
                "Kỳ báo cáo",
                required=True,
                key=True,
                convert=_domain(_period),
                spellings=("Kỳ",),
            ),
            Column("value", "Giá trị", required=True, convert=figure),
            Column(
                "status",
                "Tình trạng",
                required=True,
                convert=_choice(STATUS_WORDS, "Tình trạng số liệu"),
                spellings=("Tình trạng số liệu",),
            ),
        ),
        build=_build_actual,
        check_file=_check_actuals,
        failed_key="",
    )
)

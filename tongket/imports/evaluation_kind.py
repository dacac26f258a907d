"""The `evaluations` kind of INTERCHANGE.md: annual classification results, pure mapping.

One kind reads both sheets: a row with a `Số thẻ đảng viên` is a member's result, a row without
one is an organization's result (`Mã tổ chức` then required). So a workbook with a sheet for
organizations and one for members, two files, or one CSV with both kinds of rows all read the
same way. The natural key is (year, card number) for members and (year, organization code) for
organizations.

The contract's five columns are enough for a file from another office. The optional columns
after them (score, the flags the rules read, review date, deciding body, decision) carry what
§9 of DOMAIN_RULES needs, and are what the export writes, so an export re-imports unchanged.
A row with a decision number (or `Kết quả lưu trữ` = có) is a result "as decided": recorded
even where today's rules would refuse it, its findings shown as warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from tongket.domain.errors import DomainError
from tongket.domain.evaluation import Unclassified, parse_level
from tongket.domain.periods import MAX_YEAR, MIN_YEAR
from tongket.domain.text import fold
from tongket.imports.kinds import (
    Column,
    Kind,
    _cell_error,
    _number,
    _row_error,
    card,
    code,
    day,
    display,
    register,
    text,
)

UNCLASSIFIED = "unclassified"  # what the level column gives for "Không xếp loại"

# Words of the note that name why a result is "Không xếp loại" (compared after fold()).
# The member and organization readings of "chưa đủ 6 tháng" differ, so they are told apart
# by the kind of row.
_REASON_WORDS = (
    ("mien", Unclassified.EXEMPTED),
    ("dinh chi", Unclassified.SUSPENDED),
    ("exempted", Unclassified.EXEMPTED),
    ("suspended", Unclassified.SUSPENDED),
)
_UNDER_6_MONTHS = ("chua du 6 thang", "duoi 6 thang", "under_6_months")
_YES = {"co", "x", "yes", "true", "1", "dung", "dat"}
_NO = {"khong", "no", "false", "0", "sai", "chua"}


def year(value) -> int | None:
    raw = display(value).strip()
    if not raw:
        return None
    # isascii: "²" and other digits int() does not read are refused like any other word.
    if not (raw.isascii() and raw.isdigit()) or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise _cell_error(
            _("Năm không hợp lệ: “%(v)s” (từ %(a)d đến %(b)d).")
            % {"v": raw, "a": MIN_YEAR, "b": MAX_YEAR}
        )
    return int(raw)


def level(value) -> str:
    raw = text(value, 60)
    if not raw:
        return ""
    try:
        found = parse_level(raw)
    except DomainError as exc:
        raise _cell_error(exc.message, exc.code) from None
    return UNCLASSIFIED if found is None else found.value


def yes_no(value) -> bool | None:
    """`Có`/`Không` as offices write them (x, 1, yes…); empty is "not given"."""
    if isinstance(value, bool):
        return value
    raw = fold(display(value)).strip()
    if not raw:
        return None
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise _cell_error(_("Cần “Có” hoặc “Không”: “%(v)s”.") % {"v": display(value)})


def score(value) -> Decimal | None:
    number = _number(value)
    if number is None:
        return None
    if not 0 <= number <= 100:
        raise _cell_error(_("Điểm phải từ 0 đến 100: %(v)s.") % {"v": display(value)})
    return number.quantize(Decimal("0.01"))


def share(value) -> Decimal | None:
    """A share as a fraction: "44%", "44", "44,5" are percent; a number up to 1 (what Excel
    gives for a cell formatted as percent) is already a fraction."""
    raw = display(value).strip()
    if not raw:
        return None
    percent = raw.endswith("%")
    number = _number(raw.rstrip("%").strip()) if percent else _number(value)
    if number is None:
        return None
    if percent or number > 1:
        number = number / 100
    if not 0 <= number <= 1:
        raise _cell_error(_("Tỷ lệ phải từ 0%% đến 100%%: %(v)s.") % {"v": raw})
    return number.normalize()


@dataclass(slots=True)
class EvaluationRow:
    """One result as written in an `evaluations` file."""

    row: int
    year: int
    level: str  # a Level's code name, or UNCLASSIFIED
    org_code: str = ""
    card_number: str = ""
    name: str = ""
    note: str = ""
    score: Decimal | None = None
    tasks_on_time: bool | None = None
    share_exceeded: Decimal | None = None
    reviewed_on: date | None = None
    deciding_body: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    archived: bool | None = None
    sheet: str = ""
    unclassified: str = ""

    @property
    def is_member(self) -> bool:
        return bool(self.card_number)

    @property
    def key(self) -> tuple:
        if self.is_member:
            return ("member", self.year, self.card_number)
        return ("org", self.year, self.org_code)

    @property
    def as_decided(self) -> bool:
        """Recorded as decided (an archive): its rule findings are warnings, never refusals."""
        return self.archived if self.archived is not None else bool(self.decision_number)


def unclassified_reason(note: str, is_member: bool) -> str:
    """The reason a "Không xếp loại" row gives in its note, as an Unclassified code."""
    words = fold(note).strip()
    if words in {r.value for r in Unclassified}:
        return words
    for word, reason in _REASON_WORDS:
        if word in words:
            return reason.value
    if any(w in words for w in _UNDER_6_MONTHS):
        if is_member:
            return Unclassified.ADMITTED_UNDER_6_MONTHS.value
        return Unclassified.ORG_UNDER_6_MONTHS.value
    accepted = "; ".join(r.label for r in Unclassified)
    raise _row_error(
        "note",
        _("“Không xếp loại” cần ghi lý do ở cột Ghi chú (một trong: %(r)s).") % {"r": accepted},
    )


def _build(row: int, values: dict) -> EvaluationRow:
    result = EvaluationRow(row=row, **values)
    if not result.card_number and not result.org_code:
        raise _row_error(
            "org_code",
            _("Cần “Số thẻ đảng viên” (kết quả của đảng viên) hoặc “Mã tổ chức” (của tổ chức)."),
        )
    if result.level == UNCLASSIFIED:
        result.unclassified = unclassified_reason(result.note, result.is_member)
    return result


def _check(records: list[EvaluationRow]) -> list[tuple[int, str, str]]:
    """One result per subject and year in a file."""
    first: dict[tuple, int] = {}
    found = []
    for r in records:
        if (seen := first.setdefault(r.key, r.row)) != r.row:
            column = "card_number" if r.is_member else "org_code"
            found.append(
                (
                    r.row,
                    column,
                    _("Trùng kết quả với dòng %(n)d (cùng năm, cùng đối tượng).") % {"n": seen},
                )
            )
    return found


def _text300(value) -> str:
    return text(value, 300)


COLUMNS = (
    Column("year", "Năm", required=True, key=True, convert=year),
    Column("org_code", "Mã tổ chức", key=True, convert=code),
    Column("card_number", "Số thẻ đảng viên", key=True, convert=card),
    Column("name", "Tên", convert=text, spellings=("Họ và tên", "Tên tổ chức", "full_name")),
    Column("level", "Xếp loại", required=True, convert=level),
    Column("note", "Ghi chú", convert=_text300),
    Column("score", "Điểm", convert=score),
    Column("tasks_on_time", "Hoàn thành nhiệm vụ đúng hạn", convert=yes_no),
    Column("share_exceeded", "Tỷ lệ vượt (%)", convert=share, spellings=("Tỷ lệ vượt",)),
    Column("reviewed_on", "Ngày kiểm điểm", convert=day),
    Column("deciding_body", "Cấp quyết định", convert=text),
    Column("decision_number", "Số quyết định", convert=code),
    Column("decision_date", "Ngày quyết định", convert=day),
    Column("archived", "Kết quả lưu trữ", convert=yes_no),
)

EVALUATIONS = register(
    Kind(
        name="evaluations",
        label="Kết quả đánh giá, xếp loại",
        columns=COLUMNS,
        build=_build,
        check_file=_check,
        sheets=("Tổ chức", "Đảng viên", "orgs", "members"),
        failed_key="",
        all_sheets=True,
    )
)

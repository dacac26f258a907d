"""The kinds of docs/INTERCHANGE-work.md: programmes, projects, activities, cases and tasks.

Pure mapping, as in kinds.py: the columns of each kind, a plain record per row, and the checks
that need the whole file (one row per natural key). Everything that needs the database (the
organizations and units named, the posts held on a day, what is stored already) is in
work_apply.

Natural keys: a programme or a project by (organization, code); an activity by (organization,
day, kind, units, content), as it has no code of its own; a case by (organization, content,
day received); a task by (assigning organization, its meeting's day and kind or its
sub-committee, the task's wording).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from tongket.domain.errors import DomainError
from tongket.domain.meetings import check_deadline, check_done
from tongket.domain.vnformat import format_date_short, parse_date
from tongket.imports.kinds import (
    Column,
    Kind,
    _cell_error,
    _number,
    _row_error,
    code,
    codes,
    day,
    display,
    enumeration,
    register,
    text,
    word,
)

# --- words of the enumerations (the first is what the export writes: the model's label) -----
ACTIVITY_WORDS = {
    "visit": ("Thăm, làm việc", "thăm", "làm việc", "thăm hỏi"),
    "residents_meeting": (
        "Tiếp xúc, đối thoại với Nhân dân",
        "tiếp xúc",
        "đối thoại",
        "tiếp xúc, đối thoại",
    ),
    "scholarship": ("Trao học bổng", "học bổng"),
    "house_repair": ("Sửa chữa, xây nhà", "sửa nhà", "xây nhà", "sửa chữa nhà"),
    "livelihood": ("Trao phương tiện sinh kế", "sinh kế", "phương tiện sinh kế"),
    "loan": ("Hỗ trợ vay vốn", "vay vốn"),
}
BODY_WORDS = {
    "executive": ("Ban Chấp hành", "BCH"),
    "standing": ("Ban Thường vụ", "BTV"),
    "standing_members": ("Thường trực", "TT"),
    "people_committee": ("Ủy ban nhân dân", "UBND"),
    "people_council": ("Hội đồng nhân dân", "HĐND"),
    "inspection": ("Ủy ban Kiểm tra", "UBKT"),
}
CASE_WORDS = {
    "petition": ("Kiến nghị, phản ánh", "kiến nghị", "phản ánh"),
    "pending": ("Vụ việc tồn đọng", "tồn đọng", "vụ việc tồn đọng, phức tạp"),
}
MEETING_WORDS = {
    "congress": ("Đại hội", "đại hội đại biểu"),
    "plenum": ("Hội nghị Ban Chấp hành", "Ban Chấp hành", "BCH", "hội nghị BCH"),
    "standing": ("Hội nghị Ban Thường vụ", "Ban Thường vụ", "BTV", "hội nghị BTV"),
    "year_end": ("Hội nghị tổng kết", "tổng kết"),
    "mid_year": ("Hội nghị sơ kết", "sơ kết"),
    "thematic": ("Hội nghị chuyên đề", "chuyên đề"),
}


# --- cell conversions -------------------------------------------------------------------------
def clean(value) -> str:
    """Text with its whitespace collapsed, as the services store it (part of natural keys)."""
    return " ".join(text(value, 300).split())


def _long(value) -> str:
    return text(value, 2000)


def _note(value) -> str:
    return text(value, 300)


def _figure(value) -> Decimal | None:
    """A count or a sum: "12.345", "12345", "44,0" or a number cell; never a percentage."""
    raw = display(value).strip()
    if raw.endswith("%"):
        raise _cell_error(
            _("Cột này ghi một số lượng, không phải tỷ lệ: “%(v)s”.") % {"v": raw}, "cell.percent"
        )
    number = _number(value)
    if number is not None and number < 0:
        raise _cell_error(_("Không được âm: %(v)s.") % {"v": raw}, "cell.negative")
    return number


def whole(value) -> int | None:
    """A whole number ≥ 0: households, people, items, a conclusion's number."""
    number = _figure(value)
    if number is None:
        return None
    if number != number.to_integral_value() or number > 2_000_000_000:
        raise _cell_error(
            _("Cần một số nguyên không âm: “%(v)s” (đọc được %(n)s).")
            % {"v": display(value), "n": _shown(number)}
        )
    return int(number)


def money(value) -> Decimal | None:
    """An amount in đồng: "150.000.000", "150000000", "150.000.000,0"; no fraction of a đồng
    (the decimal comma is read as such, so "1.234,5" is 1234,5 đồng and refused)."""
    number = _figure(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise _cell_error(
            _("Số tiền tính bằng đồng, không có phần lẻ: “%(v)s” (đọc được %(n)s đồng).")
            % {"v": display(value), "n": _shown(number)}
        )
    if number >= Decimal(10) ** 18:
        raise _cell_error(_("Số tiền quá lớn: %(v)s.") % {"v": display(value)})
    return number.quantize(Decimal(1))


def _shown(number: Decimal) -> str:
    return format(number.normalize(), "f").replace(".", ",")


@dataclass(frozen=True, slots=True, order=True)
class Leader:
    """A leader present, as the `Lãnh đạo tham dự` cell names them."""

    name: str
    title: str = ""

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


@dataclass(frozen=True, slots=True, order=True)
class Note:
    """A dated progress line of a task."""

    on: date
    text: str

    def __str__(self) -> str:
        return f"{format_date_short(self.on)}: {self.text}"


def leaders(value) -> tuple[Leader, ...]:
    """`Họ và tên, chức danh` separated by `;`; the title may be left out when the person
    held one post that day."""
    found: list[Leader] = []
    for part in display(value).replace("\n", ";").split(";"):
        part = " ".join(text(part, 300).split())
        if not part:
            continue
        name, _comma, title = part.partition(",")
        leader = Leader(name.strip(), title.strip())
        if leader not in found:
            found.append(leader)
    return tuple(found)


def progress_notes(value) -> tuple[Note, ...]:
    """Dated notes, one per line (not split on `;`: a note may hold one):
    `dd/mm/yyyy: nội dung`."""
    found: list[Note] = []
    for line in display(value).splitlines():
        line = " ".join(text(line, 2000).split())
        if not line:
            continue
        head, colon, rest = line.partition(":")
        try:
            when = parse_date(head) if colon else None
        except DomainError:
            when = None
        if when is None or not rest.strip():
            raise _cell_error(
                _("Mỗi dòng tiến độ ghi “dd/mm/yyyy: nội dung”, không phải “%(v)s”.") % {"v": line}
            )
        found.append(Note(when, rest.strip()))
    return tuple(found)


def computed(value) -> None:
    """A column the export computes (a task's state as of the export day): not read."""
    return None


def _duplicates(records: list, column: str) -> list[tuple[int, str, str]]:
    first: dict[tuple, int] = {}
    found = []
    for r in records:
        if (seen := first.setdefault(r.key, r.row)) != r.row:
            found.append(
                (
                    r.row,
                    column,
                    _("Trùng với dòng %(n)d (cùng khóa: %(k)s).") % {"n": seen, "k": r.shown_key},
                )
            )
    return found


def _key_text(*parts) -> str:
    return " · ".join(display(p) for p in parts if p not in ("", None, ()))


# --- programmes --------------------------------------------------------------------------------
@dataclass(slots=True)
class ProgrammeRow:
    row: int
    org_code: str
    code: str
    name: str
    started_on: date | None = None
    description: str = ""

    @property
    def key(self) -> tuple:
        return (self.org_code, self.code)

    @property
    def shown_key(self) -> str:
        return _key_text(self.org_code, self.code)


PROGRAMMES = register(
    Kind(
        name="programmes",
        label="chương trình dân vận",
        sheets=("programmes", "chương trình"),
        columns=(
            Column("org_code", "Mã tổ chức", required=True, key=True, convert=code),
            Column("code", "Mã chương trình", required=True, key=True, convert=code),
            Column("name", "Tên chương trình", required=True, convert=clean),
            Column("started_on", "Bắt đầu từ", convert=day),
            Column("description", "Mô tả", convert=_long),
        ),
        build=lambda row, values: ProgrammeRow(row=row, **values),
        check_file=lambda records: _duplicates(records, "code"),
        failed_key="",
    )
)


# --- projects ----------------------------------------------------------------------------------
@dataclass(slots=True)
class ProjectRow:
    row: int
    org_code: str
    code: str
    name: str
    unit_codes: tuple[str, ...] = ()
    note: str = ""

    @property
    def key(self) -> tuple:
        return (self.org_code, self.code)

    @property
    def shown_key(self) -> str:
        return _key_text(self.org_code, self.code)


PROJECTS = register(
    Kind(
        name="projects",
        label="dự án",
        sheets=("projects", "dự án"),
        columns=(
            Column("org_code", "Mã tổ chức", required=True, key=True, convert=code),
            Column("code", "Mã dự án", required=True, key=True, convert=code),
            Column("name", "Tên dự án", required=True, convert=clean),
            Column("unit_codes", "Mã đơn vị", convert=codes),
            Column("note", "Ghi chú", convert=_note),
        ),
        build=lambda row, values: ProjectRow(row=row, **values),
        check_file=lambda records: _duplicates(records, "code"),
        failed_key="",
    )
)


# --- activities --------------------------------------------------------------------------------
@dataclass(slots=True)
class ActivityRow:
    row: int
    org_code: str
    held_on: date
    kind: str
    unit_codes: tuple[str, ...]
    title: str = ""
    programme_code: str = ""
    body: str = ""
    leaders: tuple[Leader, ...] = ()
    project_codes: tuple[str, ...] = ()
    households: int | None = None
    people: int | None = None
    items: int | None = None
    amount: Decimal | None = None
    note: str = ""

    @property
    def key(self) -> tuple:
        return activity_key(self.org_code, self.held_on, self.kind, self.unit_codes, self.title)

    @property
    def shown_key(self) -> str:
        return _key_text(
            self.org_code,
            self.held_on,
            word(ACTIVITY_WORDS, self.kind),
            ";".join(self.unit_codes),
            self.title,
        )


def activity_key(org_code: str, held_on: date, kind: str, unit_codes, title: str) -> tuple:
    """The natural key of an activity: the units in any order."""
    return (org_code, held_on, kind, tuple(sorted(unit_codes)), title)


ACTIVITIES = register(
    Kind(
        name="activities",
        label="hoạt động dân vận",
        sheets=("activities", "hoạt động"),
        columns=(
            Column("org_code", "Mã tổ chức", required=True, key=True, convert=code),
            Column("programme_code", "Mã chương trình", convert=code),
            Column("held_on", "Ngày", required=True, key=True, convert=day),
            Column(
                "kind",
                "Hình thức",
                required=True,
                key=True,
                convert=enumeration(ACTIVITY_WORDS, "Hình thức"),
            ),
            Column("unit_codes", "Mã đơn vị", required=True, key=True, convert=codes),
            Column("title", "Nội dung", key=True, convert=clean),
            Column(
                "body", "Cơ quan thực hiện", convert=enumeration(BODY_WORDS, "Cơ quan thực hiện")
            ),
            Column("leaders", "Lãnh đạo tham dự", convert=leaders),
            Column("project_codes", "Mã dự án", convert=codes),
            Column("households", "Số hộ", convert=whole),
            Column("people", "Số người", convert=whole),
            Column("items", "Số suất", convert=whole),
            Column("amount", "Số tiền (đồng)", convert=money, spellings=("Số tiền",)),
            Column("note", "Ghi chú", convert=_note),
        ),
        build=lambda row, values: ActivityRow(row=row, **values),
        check_file=lambda records: _duplicates(records, "title"),
        failed_key="",
    )
)


# --- cases -------------------------------------------------------------------------------------
@dataclass(slots=True)
class CaseRow:
    row: int
    org_code: str
    title: str
    opened_on: date
    kind: str
    unit_code: str = ""
    project_code: str = ""
    resolved_on: date | None = None
    note: str = ""

    @property
    def key(self) -> tuple:
        return (self.org_code, self.title, self.opened_on)

    @property
    def shown_key(self) -> str:
        return _key_text(self.org_code, self.title, self.opened_on)


def _build_case(row: int, values: dict) -> CaseRow:
    record = CaseRow(row=row, **values)
    if record.resolved_on is not None and record.resolved_on < record.opened_on:
        raise _row_error(
            "resolved_on",
            _("Ngày giải quyết %(r)s đứng trước ngày tiếp nhận %(o)s.")
            % {
                "r": format_date_short(record.resolved_on),
                "o": format_date_short(record.opened_on),
            },
        )
    return record


CASES = register(
    Kind(
        name="cases",
        label="kiến nghị, vụ việc",
        sheets=("cases", "vụ việc", "kiến nghị"),
        columns=(
            Column("org_code", "Mã tổ chức", required=True, key=True, convert=code),
            Column("title", "Nội dung", required=True, key=True, convert=clean),
            Column("opened_on", "Ngày tiếp nhận", required=True, key=True, convert=day),
            Column("kind", "Loại", required=True, convert=enumeration(CASE_WORDS, "Loại")),
            Column("unit_code", "Mã đơn vị", convert=code),
            Column("project_code", "Mã dự án", convert=code),
            Column("resolved_on", "Ngày giải quyết", convert=day),
            Column("note", "Ghi chú", convert=_note),
        ),
        build=_build_case,
        check_file=lambda records: _duplicates(records, "title"),
        failed_key="",
    )
)


# --- tasks -------------------------------------------------------------------------------------
@dataclass(slots=True)
class TaskRow:
    row: int
    org_code: str
    title: str
    meeting_on: date | None = None
    meeting_kind: str = ""
    conclusion: int | None = None
    subcommittee: str = ""
    owner_org_code: str = ""
    owner_unit_code: str = ""
    owner_label: str = ""
    deadline: date | None = None
    done_on: date | None = None
    progress: tuple[Note, ...] = ()

    @property
    def key(self) -> tuple:
        return (self.org_code, self.meeting_on, self.meeting_kind, self.subcommittee, self.title)

    @property
    def shown_key(self) -> str:
        return _key_text(
            self.org_code,
            self.meeting_on,
            word(MEETING_WORDS, self.meeting_kind),
            self.subcommittee,
            self.title,
        )


def _build_task(row: int, values: dict) -> TaskRow:
    values.pop("state", None)
    values.pop("overdue_days", None)
    record = TaskRow(row=row, **values)
    by_meeting = record.meeting_on is not None or bool(record.meeting_kind)
    if by_meeting and record.subcommittee:
        raise _row_error(
            "subcommittee",
            _("Nhiệm vụ được giao từ một hội nghị hoặc một tiểu ban, không phải cả hai."),
        )
    if not by_meeting and not record.subcommittee:
        raise _row_error(
            "meeting_on",
            _("Cần “Ngày họp” và “Loại hội nghị” (nhiệm vụ do hội nghị giao) hoặc “Tiểu ban”."),
        )
    if by_meeting and record.meeting_on is None:
        raise _row_error("meeting_on", _("Cần ghi ngày họp của hội nghị giao nhiệm vụ."))
    if by_meeting and not record.meeting_kind:
        raise _row_error("meeting_kind", _("Cần ghi loại hội nghị giao nhiệm vụ."))
    if record.conclusion is not None and not by_meeting:
        raise _row_error("conclusion", _("Chỉ nhiệm vụ do hội nghị giao mới có kết luận số."))
    if not record.owner_org_code and not record.owner_unit_code:
        raise _row_error(
            "owner_org_code",
            _("Cần “Mã tổ chức chủ trì” hoặc “Mã đơn vị chủ trì” thực hiện nhiệm vụ."),
        )
    if record.meeting_on is not None:
        check_task_dates(record, record.meeting_on)
    return record


def check_task_dates(record: TaskRow, assigned_on: date) -> None:
    """The checks of the services, against the day the task was assigned (the meeting's,
    known from the row; a sub-committee's day is checked once it is found)."""
    try:
        check_deadline(assigned_on, record.deadline)
    except DomainError as exc:
        raise _row_error("deadline", exc.message) from None
    try:
        check_done(assigned_on, record.done_on, date.max)
    except DomainError as exc:
        raise _row_error("done_on", exc.message) from None
    for note in record.progress:
        if note.on < assigned_on:
            raise _row_error(
                "progress",
                _("Ngày tiến độ %(d)s đứng trước ngày giao nhiệm vụ %(a)s.")
                % {"d": format_date_short(note.on), "a": format_date_short(assigned_on)},
            )


TASKS = register(
    Kind(
        name="tasks",
        label="nhiệm vụ được giao",
        sheets=("tasks", "nhiệm vụ"),
        columns=(
            Column("org_code", "Mã tổ chức", required=True, key=True, convert=code),
            Column("meeting_on", "Ngày họp", key=True, convert=day),
            Column(
                "meeting_kind",
                "Loại hội nghị",
                key=True,
                convert=enumeration(MEETING_WORDS, "Loại hội nghị"),
            ),
            Column("conclusion", "Kết luận số", convert=whole),
            Column("subcommittee", "Tiểu ban", key=True, convert=clean),
            Column("title", "Nhiệm vụ", required=True, key=True, convert=clean),
            Column("owner_org_code", "Mã tổ chức chủ trì", convert=code),
            Column("owner_unit_code", "Mã đơn vị chủ trì", convert=code),
            Column("owner_label", "Tên đơn vị chủ trì", convert=clean),
            Column("deadline", "Hạn hoàn thành", convert=day),
            Column("done_on", "Ngày hoàn thành", convert=day),
            Column("progress", "Tiến độ", convert=progress_notes),
            # Written by the export as of its day; an import does not read them.
            Column("state", "Tình trạng", convert=computed),
            Column("overdue_days", "Số ngày quá hạn", convert=computed),
        ),
        build=_build_task,
        check_file=lambda records: _duplicates(records, "title"),
        failed_key="",
    )
)

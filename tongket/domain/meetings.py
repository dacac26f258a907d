"""Meetings and the tasks they assign: titles in the form Party documents print them, the
checks on dates, and where a task stands on a day (done, overdue, due soon). Pure; no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tongket.domain.errors import DomainError
from tongket.domain.periods import parse_period
from tongket.domain.roman import roman
from tongket.domain.vnformat import format_date_short

KINDS = ("congress", "plenum", "standing", "year_end", "mid_year", "thematic")


@dataclass(frozen=True)
class MeetingHead:
    """What a meeting's title is made of."""

    kind: str
    org_name: str  # "Đảng bộ Quận 3"
    number: int | None = None  # plenum number, congress number
    term_number: int | None = None
    term_start: int | None = None
    term_end: int | None = None
    period: str = ""  # "2024", "2024-H1": the period a review covers
    topic: str = ""  # "công tác xây dựng Đảng, xây dựng chính quyền, công tác dân vận"


def _term(head: MeetingHead) -> str:
    if head.term_number is None:
        return ""
    return f" khóa {roman(head.term_number)} nhiệm kỳ {head.term_start} - {head.term_end}"


def meeting_title(head: MeetingHead) -> str:
    """The title as written in the documents:

    plenum    "Hội nghị lần thứ 25 Ban Chấp hành Đảng bộ Quận 3 khóa XII nhiệm kỳ 2020 - 2025"
    congress  "Đại hội đại biểu Đảng bộ Quận 3 lần thứ XIII, nhiệm kỳ 2025 - 2030"
    year_end  "Hội nghị tổng kết <topic> năm 2024 và triển khai nhiệm vụ năm 2025"
    mid_year  "Hội nghị sơ kết <topic> 6 tháng đầu năm 2024 …"
    """
    topic = head.topic or "công tác"
    match head.kind:
        case "plenum":
            return f"Hội nghị lần thứ {head.number} Ban Chấp hành {head.org_name}{_term(head)}"
        case "congress":
            span = f", nhiệm kỳ {head.term_start} - {head.term_end}" if head.term_start else ""
            return f"Đại hội đại biểu {head.org_name} lần thứ {roman(head.number)}{span}"
        case "standing":
            number = f" lần thứ {head.number}" if head.number else ""
            return f"Hội nghị Ban Thường vụ {head.org_name}{number}" + (
                f" về {head.topic}" if head.topic else ""
            )
        case "year_end":
            year = parse_period(head.period).year
            return f"Hội nghị tổng kết {topic} năm {year} và triển khai nhiệm vụ năm {year + 1}"
        case "mid_year":
            period = parse_period(head.period)
            return (
                f"Hội nghị sơ kết {topic} {period.label_vi} và triển khai nhiệm vụ "
                f"6 tháng cuối năm {period.year}"
            )
        case _:
            return f"Hội nghị chuyên đề {topic}"


def check_head(head: MeetingHead, held_on: date) -> None:
    """What a meeting of each kind needs: a plenum its number and term, a review its period;
    the meeting's day must fall within its term's years."""
    if head.kind not in KINDS:
        raise DomainError(
            "meeting.kind", f'Loại hội nghị không hợp lệ: "{head.kind}".', {"value": head.kind}
        )
    if head.kind in ("plenum", "congress") and not (head.number and head.number > 0):
        raise DomainError("meeting.number", "Hội nghị Ban Chấp hành và đại hội cần số lần thứ.")
    if head.number is not None and head.number < 1:
        raise DomainError(
            "meeting.number",
            f"Số lần thứ của hội nghị phải là số dương: {head.number}.",
            {"value": head.number},
        )
    if head.period:  # any kind may name the period it covers; it must be one that exists
        parse_period(head.period)
    if head.kind == "plenum" and head.term_number is None:
        raise DomainError("meeting.term", "Hội nghị Ban Chấp hành cần ghi khóa, nhiệm kỳ.")
    if head.kind in ("year_end", "mid_year"):
        period = parse_period(head.period or "?")
        if head.kind == "mid_year" and period.kind != "half":
            raise DomainError(
                "meeting.period",
                f'Hội nghị sơ kết cần một kỳ 6 tháng (ví dụ 2024-H1), không phải "{head.period}".',
            )
    in_term = head.term_start is None or head.term_start <= held_on.year <= head.term_end
    if head.kind == "plenum" and not in_term:
        raise DomainError(
            "meeting.outside_term",
            f"Ngày {format_date_short(held_on)} nằm ngoài nhiệm kỳ "
            f"{head.term_start} - {head.term_end}.",
        )


# --- tasks ---------------------------------------------------------------------------------
STATES = ("done", "done_late", "overdue", "due_soon", "open", "cancelled")
STATE_LABELS = {
    "done": "Đã hoàn thành",
    "done_late": "Hoàn thành trễ hạn",
    "overdue": "Quá hạn",
    "due_soon": "Sắp đến hạn",
    "open": "Đang thực hiện",
    "cancelled": "Đã hủy",
}
DUE_SOON_DAYS = 7
# The reminder looks at most a quarter ahead: beyond that "due soon" lists the whole plan.
MAX_SOON_DAYS = 90


def check_deadline(meeting_day: date, deadline: date | None) -> None:
    """A task cannot be due before the meeting that assigned it."""
    if deadline is not None and deadline < meeting_day:
        raise DomainError(
            "task.deadline_before_meeting",
            f"Hạn hoàn thành {format_date_short(deadline)} đứng trước ngày giao nhiệm vụ "
            f"{format_date_short(meeting_day)}.",
            {"deadline": str(deadline), "assigned_on": str(meeting_day)},
        )


def check_done(assigned_on: date, done_on: date | None, today: date) -> None:
    """A task is done after it was assigned and not in the future."""
    if done_on is None:
        return
    if done_on < assigned_on:
        raise DomainError(
            "task.done_before_assigned",
            f"Ngày hoàn thành {format_date_short(done_on)} đứng trước ngày giao "
            f"{format_date_short(assigned_on)}.",
        )
    if done_on > today:
        raise DomainError(
            "task.done_in_future", f"Ngày hoàn thành {format_date_short(done_on)} còn ở tương lai."
        )


def task_state(
    deadline: date | None,
    done_on: date | None,
    on: date,
    cancelled: bool = False,
    soon_days: int = DUE_SOON_DAYS,
) -> str:
    """Where a task stands on `on`: done (on time or late), overdue, due within `soon_days`,
    or open. A task done after `on` was still open on `on`."""
    if cancelled:
        return "cancelled"
    if done_on is not None and done_on <= on:
        return "done_late" if deadline and done_on > deadline else "done"
    if deadline is None:
        return "open"
    if deadline < on:
        return "overdue"
    return "due_soon" if (deadline - on).days <= soon_days else "open"


def days_overdue(deadline: date | None, on: date) -> int:
    return max(0, (on - deadline).days) if deadline else 0


@dataclass(frozen=True)
class TaskDates:
    """A task as the digest sees it."""

    id: int
    deadline: date | None
    done_on: date | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class Digest:
    """The daily reminder: tasks overdue (longest first) and due soon (nearest first)."""

    on: date
    overdue: tuple[int, ...]
    due_soon: tuple[int, ...]


def check_soon_days(days: int) -> None:
    """How far ahead the reminder looks: from 0 (today only) to MAX_SOON_DAYS days."""
    if not 0 <= days <= MAX_SOON_DAYS:
        raise DomainError(
            "tasks.days",
            f"Số ngày sắp đến hạn phải từ 0 đến {MAX_SOON_DAYS}: {days}.",
            {"value": days, "max": MAX_SOON_DAYS},
        )


def digest(tasks: Iterable[TaskDates], on: date, soon_days: int = DUE_SOON_DAYS) -> Digest:
    check_soon_days(soon_days)
    rows = list(tasks)
    state = {t.id: task_state(t.deadline, t.done_on, on, t.cancelled, soon_days) for t in rows}
    by_deadline = sorted(rows, key=lambda t: (t.deadline or date.max, t.id))
    return Digest(
        on=on,
        overdue=tuple(t.id for t in by_deadline if state[t.id] == "overdue"),
        due_soon=tuple(t.id for t in by_deadline if state[t.id] == "due_soon"),
    )

"""Meeting titles, the checks on a meeting's head, and where a task stands, without a database."""

from datetime import date

import pytest

from tongket.domain.errors import DomainError
from tongket.domain.meetings import (
    MeetingHead,
    TaskDates,
    check_deadline,
    check_done,
    check_head,
    check_soon_days,
    days_overdue,
    digest,
    meeting_title,
    task_state,
)

# Titles as the documents print them (F01, F16; the congress of F18).
TITLE_CASES = [
    (
        MeetingHead("plenum", "Đảng bộ Quận 3", 25, 12, 2020, 2025),
        "Hội nghị lần thứ 25 Ban Chấp hành Đảng bộ Quận 3 khóa XII nhiệm kỳ 2020 - 2025",
    ),
    (
        MeetingHead("congress", "Đảng bộ Quận 3", 13, term_start=2025, term_end=2030),
        "Đại hội đại biểu Đảng bộ Quận 3 lần thứ XIII, nhiệm kỳ 2025 - 2030",
    ),
    (
        MeetingHead(
            "year_end",
            "Đảng bộ quận Bình Thạnh",
            period="2024",
            topic="công tác xây dựng Đảng, xây dựng chính quyền, công tác dân vận",
        ),
        "Hội nghị tổng kết công tác xây dựng Đảng, xây dựng chính quyền, công tác dân vận năm "
        "2024 và triển khai nhiệm vụ năm 2025",
    ),
    (
        MeetingHead("mid_year", "Đảng bộ Quận 3", period="2024-H1"),
        "Hội nghị sơ kết công tác 6 tháng đầu năm 2024 và triển khai nhiệm vụ 6 tháng cuối năm "
        "2024",
    ),
    (
        MeetingHead("standing", "Quận ủy Quận 3", 7),
        "Hội nghị Ban Thường vụ Quận ủy Quận 3 lần thứ 7",
    ),
    (MeetingHead("thematic", "X", topic="chuyển đổi số"), "Hội nghị chuyên đề chuyển đổi số"),
]


@pytest.mark.parametrize(("head", "title"), TITLE_CASES)
def test_meeting_title(head, title):
    assert meeting_title(head) == title


# What each kind needs; a plenum outside its term's years.
HEAD_ERRORS = [
    (MeetingHead("party", "X"), date(2024, 1, 1), "meeting.kind"),
    (MeetingHead("plenum", "X", None, 12, 2020, 2025), date(2024, 1, 1), "meeting.number"),
    (MeetingHead("plenum", "X", 25), date(2024, 1, 1), "meeting.term"),
    (MeetingHead("plenum", "X", 25, 12, 2020, 2025), date(2026, 1, 1), "meeting.outside_term"),
    (MeetingHead("year_end", "X", period="năm ngoái"), date(2025, 1, 1), "period.invalid"),
    (MeetingHead("mid_year", "X", period="2024"), date(2024, 7, 1), "meeting.period"),
    (MeetingHead("congress", "X", 0), date(2024, 7, 1), "meeting.number"),
    # Any kind: a number below 1 (the column is positive: it would be a database error), a
    # period that does not exist (stored as typed, it would show as garbage).
    (MeetingHead("standing", "X", -1), date(2024, 7, 1), "meeting.number"),
    (MeetingHead("standing", "X", 0), date(2024, 7, 1), "meeting.number"),
    (MeetingHead("thematic", "X", period="2024-H3"), date(2024, 7, 1), "period.invalid"),
]


@pytest.mark.parametrize(("head", "day", "code"), HEAD_ERRORS)
def test_check_head_refuses(head, day, code):
    with pytest.raises(DomainError) as err:
        check_head(head, day)
    assert err.value.code == code


def test_check_head_accepts_the_seed_meetings():
    check_head(MeetingHead("plenum", "X", 25, 12, 2020, 2025), date(2024, 7, 4))
    check_head(MeetingHead("year_end", "X", period="2024"), date(2025, 1, 15))


def test_deadline_before_the_meeting_is_refused():
    check_deadline(date(2024, 7, 4), date(2024, 7, 4))
    check_deadline(date(2024, 7, 4), None)
    with pytest.raises(DomainError) as err:
        check_deadline(date(2024, 7, 4), date(2024, 7, 3))
    assert err.value.code == "task.deadline_before_meeting"
    assert "03/07/2024" in err.value.message and "04/07/2024" in err.value.message


DONE_ERRORS = [
    (date(2024, 7, 4), date(2024, 7, 1), date(2024, 8, 1), "task.done_before_assigned"),
    (date(2024, 7, 4), date(2024, 9, 1), date(2024, 8, 1), "task.done_in_future"),
]


@pytest.mark.parametrize(("assigned", "done", "today", "code"), DONE_ERRORS)
def test_check_done_refuses(assigned, done, today, code):
    with pytest.raises(DomainError) as err:
        check_done(assigned, done, today)
    assert err.value.code == code


D = date(2025, 3, 1)
# (deadline, done_on, on, cancelled) -> state
STATE_CASES = [
    (date(2025, 2, 3), date(2025, 2, 3), D, False, "done"),
    (date(2025, 2, 3), date(2025, 2, 10), D, False, "done_late"),
    (date(2025, 2, 3), None, D, False, "overdue"),
    (date(2025, 2, 3), date(2025, 3, 5), D, False, "overdue"),  # done only after the day asked
    (date(2025, 3, 5), None, D, False, "due_soon"),
    (date(2025, 3, 8), None, D, False, "due_soon"),  # seven days away
    (date(2025, 3, 9), None, D, False, "open"),
    (D, None, D, False, "due_soon"),  # due today is not yet overdue
    (None, None, D, False, "open"),
    (date(2025, 2, 3), None, D, True, "cancelled"),
]


@pytest.mark.parametrize(("deadline", "done", "on", "cancelled", "state"), STATE_CASES)
def test_task_state(deadline, done, on, cancelled, state):
    assert task_state(deadline, done, on, cancelled) == state


def test_days_overdue():
    assert days_overdue(date(2025, 2, 3), D) == 26
    assert days_overdue(date(2025, 3, 3), D) == 0
    assert days_overdue(None, D) == 0


def test_digest_orders_overdue_and_due_soon_by_deadline():
    tasks = [
        TaskDates(1, date(2025, 3, 4)),
        TaskDates(2, date(2025, 2, 3)),
        TaskDates(3, date(2025, 1, 20)),
        TaskDates(4, date(2025, 2, 3), date(2025, 2, 3)),
        TaskDates(5, date(2025, 3, 2)),
        TaskDates(6, date(2025, 4, 30)),
        TaskDates(7, date(2025, 1, 1), cancelled=True),
    ]
    d = digest(tasks, D)
    assert d.overdue == (3, 2)
    assert d.due_soon == (5, 1)
    assert digest(tasks, D, soon_days=60).due_soon == (5, 1, 6)


@pytest.mark.parametrize(
    ("days", "ok"), [(0, True), (7, True), (90, True), (-1, False), (91, False)]
)
def test_how_far_ahead_the_digest_looks(days, ok):
    if ok:
        check_soon_days(days)
        assert digest([TaskDates(1, date(2025, 3, 1))], date(2025, 3, 1), days).due_soon == (1,)
        return
    with pytest.raises(DomainError) as err:
        digest([], date(2025, 3, 1), days)
    assert err.value.code == "tasks.days" and str(days) in err.value.message

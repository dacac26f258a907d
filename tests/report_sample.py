"""A hand-built ReportDocument for the renderer tests (DOCX, PDF), which never read the database.

Its figures are invented for layout tests and are not those of the seed documents; the
paragraphs still print them through `facts_of`, as the narrative does, so that a figure in the
text is a `Span` naming its key.
"""

from __future__ import annotations

import datetime as dt

from tongket.reports.document import (
    Chart,
    Heading,
    Paragraph,
    ReportDocument,
    Section,
    Signature,
    Span,
    Table,
)
from tongket.reports.facts import facts_of
from tongket.reports.figures import EvaluationFigures, LevelCounts, ReviewFigures, StreakCounts

ISSUER = "QUẬN ỦY BÌNH THẠNH"
SUPERIOR = "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH"
NUMBER = "Số 07-BC/QU"
PLACE_DATE = "Bình Thạnh, ngày 15 tháng 01 năm 2025"
SUMMARY = "tổng kết công tác xây dựng Đảng năm 2024, phương hướng nhiệm vụ năm 2025"


def sample_figures() -> ReviewFigures:
    evaluation = EvaluationFigures(
        year=2024,
        grassroots=LevelCounts(30, 7, 20, 2, 1, 0),
        sub_branches=LevelCounts(210, 40, 150, 15, 3, 2),
        members=LevelCounts(4321, 612, 3400, 250, 9, 50),
        streaks=StreakCounts(5, 2, 48),
    )
    return ReviewFigures(
        org="DB-MAU",
        org_name="Đảng bộ quận Mẫu",
        period="2024",
        period_label="năm 2024",
        as_of=dt.date(2024, 12, 31),
        in_progress=False,
        evaluation=evaluation,
        units=None,
        awards=(),
    )


def _paragraph(facts, *parts) -> Paragraph:
    """Words as str, figures as keys in braces: ("có ", "{evaluation.members.excellent}")."""
    spans = []
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            key = part[1:-1]
            spans.append(Span(facts[key].text, figure=key))
        else:
            spans.append(Span(part))
    return Paragraph(tuple(spans))


def _evaluation_section(facts, n: int) -> Section:
    e = "evaluation"
    paragraphs = (
        _paragraph(
            facts,
            "Qua đánh giá xếp loại, năm 2024 có ",
            f"{{{e}.grassroots.excellent}}",
            "/",
            f"{{{e}.grassroots.total}}",
            " tổ chức cơ sở đảng, ",
            f"{{{e}.members.excellent}}",
            " đảng viên hoàn thành xuất sắc nhiệm vụ; ",
            f"{{{e}.grassroots.good}}",
            " tổ chức cơ sở đảng, ",
            f"{{{e}.members.good}}",
            " đảng viên hoàn thành tốt nhiệm vụ.",
        ),
        _paragraph(
            facts,
            "Ban Thường vụ tặng giấy khen cho ",
            f"{{{e}.streaks.orgs}}",
            " tập thể và ",
            f"{{{e}.streaks.members}}",
            " đảng viên hoàn thành xuất sắc nhiệm vụ ",
            f"{{{e}.streaks.years}}",
            " năm liền.",
        ),
    )
    table = Table(
        title=f"Bảng {n}. Kết quả xếp loại chất lượng năm 2024",
        header=("Đối tượng", "Tổng số", "Xuất sắc", "Tốt", "Hoàn thành", "Không hoàn thành"),
        rows=tuple(
            (
                label,
                *(
                    facts[f"{e}.{group}.{level}"].text
                    for level in ("total", "excellent", "good", "completed", "not_completed")
                ),
            )
            for group, label in (
                ("grassroots", "Tổ chức cơ sở đảng"),
                ("sub_branches", "Chi bộ trực thuộc"),
                ("members", "Đảng viên"),
            )
        ),
        note="Số liệu tính đến ngày 31/12/2024.",
    )
    counts = sample_figures().evaluation.grassroots
    chart = Chart(
        key=f"chart-{n}",
        title=f"Biểu đồ {n}. Xếp loại tổ chức cơ sở đảng năm 2024",
        labels=("Hoàn thành xuất sắc", "Hoàn thành tốt", "Hoàn thành", "Không hoàn thành"),
        series=(
            (
                "Tổ chức cơ sở đảng",
                (counts.excellent, counts.good, counts.completed, counts.not_completed),
            ),
        ),
    )
    return Section(
        key=f"evaluation-{n}",
        number=f"{n}.",
        title="Kết quả đánh giá, xếp loại chất lượng",
        blocks=(*paragraphs, table, chart),
    )


FILLER = (
    "Công tác tổ chức xây dựng Đảng được tập trung nâng cao năng lực lãnh đạo, sức chiến đấu, "
    "đổi mới phương thức lãnh đạo, phong cách, lề lối làm việc của các cấp ủy, tổ chức đảng."
)


def sample_document(repeat: int = 1) -> ReportDocument:
    """The sample report; `repeat` > 1 gives a longer body (for timing a district-size one)."""
    figures = sample_figures()
    facts = facts_of(figures)
    subsections = tuple(_evaluation_section(facts, n) for n in range(1, repeat + 1))
    building = Section(
        key="party",
        number="I.",
        title="CÔNG TÁC XÂY DỰNG ĐẢNG",
        blocks=tuple(Paragraph((Span(FILLER),)) for _ in range(repeat)),
        subsections=subsections,
    )
    tasks = Section(
        key="tasks",
        number="II.",
        title="PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025",
        blocks=(
            Paragraph((Span("Tiếp tục thực hiện tốt công tác xây dựng Đảng & chính quyền."),)),
        ),
    )
    return ReportDocument(
        figures=figures,
        heading=Heading(
            superior=SUPERIOR,
            issuer=ISSUER,
            number=NUMBER,
            place_date=PLACE_DATE,
            title="BÁO CÁO",
            summary=SUMMARY,
        ),
        sections=(building, tasks),
        signature=Signature(on_behalf="T/M BAN THƯỜNG VỤ", title="BÍ THƯ", name="Nguyễn Văn Mẫu"),
        recipients=("Ban Thường vụ Thành ủy,", "Các đồng chí Quận ủy viên,", "Lưu Văn phòng."),
    )

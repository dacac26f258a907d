"""The narrative written from hand-built figures (no database): the seed's own forms, zero and
many, comparisons with the previous year, missing sections said instead of zeros, and every
printed figure tied to its key so that an edited draft keeps it linked to the records."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from tongket.reports.assemble import _parse
from tongket.reports.document import Paragraph
from tongket.reports.facts import facts_of
from tongket.reports.figures import (
    AwardFigures,
    CoverageFigures,
    EvaluationFigures,
    IndicatorFigures,
    LevelCounts,
    MemberFigures,
    ReviewFigures,
    StreakCounts,
    UnitChange,
    UnitFigures,
)
from tongket.reports.narrative import sections_of

D = dt.date


def _levels(total, excellent=0, good=0, completed=0, not_completed=0, unclassified=0):
    return LevelCounts(total, excellent, good, completed, not_completed, unclassified)


def _evaluation(previous=True, not_completed=0):
    before = EvaluationFigures(
        2023,
        _levels(76, 13, 63),
        _levels(462, 51, 411),
        _levels(9750, 1170, 8580),
        StreakCounts(0, 0, 0),
    )
    return EvaluationFigures(
        2024,
        _levels(76, 16, 60 - not_completed, not_completed=not_completed),
        _levels(462, 72, 390),
        _levels(10058, 1579, 8464),
        StreakCounts(5, 3, 143),
        before if previous else None,
    )


def _units():
    ward = {"ward": 20, "neighbourhood": 271, "resident_group": 0}
    return UnitFigures(
        "BT",
        "Quận Bình Thạnh",
        D(2024, 12, 31),
        ward,
        {"ward": 20, "neighbourhood": 89, "resident_group": 1508},
        (
            UnitChange(
                D(2024, 4, 13),
                ("Nghị quyết 11/NQ-HĐND ngày 14/3/2024",),
                {"ward": 20, "neighbourhood": 89, "resident_group": 1508},
                ward,
                89,
            ),
            UnitChange(
                D(2025, 1, 1),
                ("Nghị quyết 1278/NQ-UBTVQH15",),
                ward,
                {**ward, "ward": 15},
                12,
            ),
        ),
    )


def _indicator(
    code, name, unit, actual, status="final", target=None, share=None, growth=None, s=""
):
    return IndicatorFigures(
        code,
        name,
        unit,
        Decimal(actual),
        status,
        target,
        "plan" if target else "",
        share,
        growth,
        "",
        s,
    )


def figures(**changes) -> ReviewFigures:
    base = ReviewFigures(
        org="DB-BT",
        org_name="Đảng bộ quận Bình Thạnh",
        period="2024",
        period_label="năm 2024",
        as_of=D(2024, 12, 31),
        in_progress=False,
        evaluation=_evaluation(),
        units=_units(),
        awards=(
            AwardFigures(
                "excellent_5_years",
                "Hoàn thành xuất sắc nhiệm vụ 5 năm liền",
                "125-QĐ/QU",
                "Ban Thường vụ Quận ủy",
                D(2025, 1, 10),
                3,
                143,
            ),
            AwardFigures(
                "exemplary_year",
                "Hoàn thành xuất sắc nhiệm vụ tiêu biểu năm",
                "126-QĐ/QU",
                "Ban Thường vụ Quận ủy",
                D(2025, 1, 10),
                2,
                0,
            ),
        ),
        indicators=(
            _indicator(
                "KT-DTBL",
                "Tổng doanh thu",
                "tỷ đồng",
                222551,
                "estimate",
                growth=Decimal("0.151193"),
                s="Tổng doanh thu 6 tháng đầu năm 2024 ước đạt 222.551 tỷ đồng, "
                "tăng 15,12% so cùng kỳ",
            ),
            _indicator(
                "KT-DNMOI",
                "Doanh nghiệp mới",
                "doanh nghiệp",
                1328,
                target=Decimal(3018),
                share=Decimal("0.440027"),
                s="Doanh nghiệp mới 6 tháng đầu năm 2024 đạt 1.328 doanh nghiệp, đạt 44% kế hoạch "
                "năm, vốn đăng ký 10.793,7 tỷ đồng",
            ),
            _indicator("KT-VON", "Vốn đăng ký", "tỷ đồng", "10793.7", s="Vốn đăng ký đạt 10.793,7"),
        ),
        outreach=(
            CoverageFigures("Mỗi tuần một khu phố", "MTMKP", 20, 112, "standing_members", 21),
        ),
        members=MemberFigures(9750, 10058, 308),
    )
    return replace(base, **changes)


def section(f, key):
    return next(s for s in sections_of(f, "Quận ủy Bình Thạnh", "Quận ủy") if s.key == key)


def text(f, key):
    return "\n".join(p.text for p in section(f, key).paragraphs)


def test_evaluation_in_the_seed_form():
    assert (
        "năm 2024 có 16/76 chi, đảng bộ, 1.579 đảng viên hoàn thành xuất sắc nhiệm vụ; "
        "60 chi, đảng bộ, 8.464 đảng viên hoàn thành tốt nhiệm vụ; "
        "72/462 chi bộ trực thuộc đảng bộ cơ sở hoàn thành xuất sắc nhiệm vụ"
    ) in text(figures(), "party")


def test_no_one_below_the_bar_is_said_and_a_count_is_named_when_there_is_one():
    assert "không có tổ chức cơ sở đảng, đảng viên nào không hoàn thành nhiệm vụ" in text(
        figures(), "party"
    )
    worse = text(figures(evaluation=_evaluation(not_completed=1)), "party")
    assert "1 chi, đảng bộ không hoàn thành nhiệm vụ" in worse
    assert "không có tổ chức" not in worse


def test_the_previous_year_is_compared_where_it_exists():
    said = text(figures(), "party")
    assert (
        "So với năm 2023, số chi, đảng bộ hoàn thành xuất sắc nhiệm vụ tăng 3 (từ 13 lên 16)"
        in said
    )
    assert "số đảng viên hoàn thành xuất sắc nhiệm vụ tăng 409 (từ 1.170 lên 1.579)" in said
    alone = text(figures(evaluation=_evaluation(previous=False)), "party")
    assert "So với năm" not in alone


def test_streaks_and_members():
    said = text(figures(), "party")
    assert (
        "Có 3 tập thể, 143 đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền (2020 - 2024)." in said
    )
    assert "có 10.058 đảng viên; trong kỳ kết nạp 308 đảng viên mới, tăng 308 đảng viên" in said
    none = text(figures(members=MemberFigures(10, 10, 0)), "party")
    assert "trong kỳ chưa kết nạp đảng viên mới." in none


def test_a_missing_section_says_why_and_prints_no_zeros():
    reason = "Chưa có kết quả đánh giá, xếp loại năm 2024."
    f = figures(
        evaluation=None, awards=(), missing=(reason, "Chưa có quyết định khen thưởng nào trong kỳ.")
    )
    party = section(f, "party")
    assert reason in [p.text for p in party.paragraphs]
    assert not [b for b in party.blocks if not isinstance(b, Paragraph)]  # no table of zeros
    assert text(f, "awards") == "Chưa có quyết định khen thưởng nào trong kỳ."


def test_reorganizations_in_the_seed_form():
    said = text(figures(), "government")
    assert (
        "trước khi sắp xếp quận có 89 khu phố, 1.508 tổ dân phố; sau sắp xếp quận có 271 khu phố"
        in said
    )
    assert (
        "có 12 phường thuộc diện sắp xếp; trước khi sắp xếp quận có 20 phường; "
        "sau sắp xếp quận có 15 phường" in said
    )


def test_outreach_and_indicators_in_the_seed_form():
    assert "Thường trực Quận ủy đã đến thăm 20/112 khu phố" in text(figures(), "mobilization")
    economy = text(figures(), "economy")
    assert "222.551 tỷ đồng, tăng 15,12% so cùng kỳ" in economy
    assert "đạt 1.328 doanh nghiệp, đạt 44% kế hoạch năm, vốn đăng ký 10.793,7 tỷ đồng" in economy
    # The companion figure is said once, inside the sentence it belongs to.
    assert economy.count("10.793,7") == 1


def test_awards_name_the_year_and_the_streak_span():
    said = text(figures(), "awards")
    assert "3 tập thể, 143 đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền (2020 - 2024)" in said
    assert "2 tập thể hoàn thành xuất sắc nhiệm vụ tiêu biểu năm 2024" in said


@pytest.mark.parametrize("key", ["party", "government", "mobilization", "economy", "awards"])
def test_every_printed_figure_is_tied_to_its_key(key):
    f = figures()
    facts = facts_of(f)
    spans = [s for p in section(f, key).paragraphs for s in p.spans if s.figure]
    assert spans
    for s in spans:
        assert facts[s.figure].text == s.text
    # The editable form names the keys, and reads back to the same words and figures.
    for p in section(f, key).paragraphs:
        assert _parse(p.source, facts).text == p.text

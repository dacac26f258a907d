"""Fact check of a hand-written draft (pure rules): which digits are figures, how they are read,
and how each is placed against facts: matched, differs (only on a clear context), unplaced."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tongket.domain.factcheck import (
    DIFFERS,
    MATCHED,
    UNPLACED,
    check,
    extract,
    norm,
    overlap,
    same_value,
)


@dataclass(frozen=True)
class F:
    """A fact as `tongket.reports.facts.Fact` has it (the domain needs only these fields)."""

    key: str
    value: Decimal
    text: str
    label: str
    percent: bool = False


def facts(*rows) -> dict[str, F]:
    out = {}
    for key, value, label, *percent in rows:
        v = Decimal(str(value))
        out[key] = F(key, v, str(value), label, bool(percent))
    return out


# Facts shaped like those of the demo review (keys and labels as tongket.reports.facts writes).
BT = facts(
    ("evaluation.grassroots.total", 76, "tổ chức cơ sở đảng năm 2024: tổng số"),
    ("evaluation.grassroots.excellent", 16, "tổ chức cơ sở đảng năm 2024: hoàn thành xuất sắc"),
    ("evaluation.grassroots.good", 60, "tổ chức cơ sở đảng năm 2024: hoàn thành tốt nhiệm vụ"),
    ("evaluation.sub_branches.total", 462, "chi bộ trực thuộc năm 2024: tổng số"),
    ("evaluation.sub_branches.excellent", 72, "chi bộ trực thuộc năm 2024: hoàn thành xuất sắc"),
    ("evaluation.members.total", 10058, "đảng viên năm 2024: tổng số"),
    ("evaluation.members.excellent", 1579, "đảng viên năm 2024: hoàn thành xuất sắc"),
    ("evaluation.members.good", 8464, "đảng viên năm 2024: hoàn thành tốt nhiệm vụ"),
    ("evaluation.members.unclassified", 15, "đảng viên năm 2024: không xếp loại"),
    ("evaluation.streaks.years", 5, "số năm liền hoàn thành xuất sắc nhiệm vụ"),
    ("evaluation.streaks.orgs", 3, "tập thể hoàn thành xuất sắc 5 năm liền"),
    ("evaluation.streaks.members", 143, "đảng viên xuất sắc 5 năm liền"),
    ("evaluation.previous.members.total", 9750, "đảng viên năm 2023: tổng số"),
    ("evaluation.previous.members.excellent", 1170, "đảng viên năm 2023: hoàn thành xuất sắc"),
    ("units.ward", 20, "số phường cuối kỳ"),
    ("units.at_start.neighbourhood", 89, "số khu phố đầu kỳ"),
    ("units.changes.1.before.neighbourhood", 89, "số khu phố trước sắp xếp (13/04/2024)"),
    ("units.changes.1.after.neighbourhood", 271, "số khu phố sau sắp xếp (13/04/2024)"),
    ("units.changes.1.before.ward", 20, "số phường trước sắp xếp (13/04/2024)"),
    ("units.changes.1.after.ward", 20, "số phường sau sắp xếp (13/04/2024)"),
    ("units.changes.2.before.ward", 20, "số phường trước sắp xếp (01/01/2025)"),
    ("units.changes.2.after.ward", 15, "số phường sau sắp xếp (01/01/2025)"),
    ("units.changes.2.affected", 12, "đơn vị thuộc diện sắp xếp (01/01/2025)"),
    ("awards.excellent_year.orgs", 15, "Hoàn thành xuất sắc nhiệm vụ năm: tập thể"),
    (
        "awards.party_organization.orgs",
        14,
        "Hoàn thành xuất sắc nhiệm vụ trong công tác tổ chức xây dựng Đảng: tập thể",
    ),
    (
        "awards.anti_corruption.orgs",
        15,
        "Hoàn thành xuất sắc công tác phòng chống tham nhũng, tiêu cực: tập thể",
    ),
    ("awards.propaganda.orgs", 15, "Có thành tích xuất sắc trong công tác tuyên giáo: tập thể"),
)
Q3 = facts(
    ("meeting.number", 25, "hội nghị lần thứ"),
    ("units.neighbourhood", 112, "số khu phố cuối kỳ"),
    ("indicators.KT-DNMOI.actual", 1328, "Doanh nghiệp phát triển mới (doanh nghiệp)"),
    ("indicators.KT-DNMOI.target", 3018, "Doanh nghiệp phát triển mới: chỉ tiêu"),
    (
        "indicators.KT-DNMOI.share_of_target",
        "0.4400265076",
        "Doanh nghiệp phát triển mới: tỷ lệ",
        True,
    ),
    ("indicators.KT-DTBL.actual", 222551, "Tổng doanh thu bán hàng hóa và dịch vụ (tỷ đồng)"),
    (
        "indicators.KT-DTBL.growth_yoy",
        "0.1511933458",
        "Tổng doanh thu bán hàng hóa và dịch vụ: so cùng kỳ",
        True,
    ),
    ("indicators.NS-THU.actual", 2918, "Tổng thu ngân sách Nhà nước (tỷ đồng)"),
    ("outreach.MTMKP.all.covered", 20, "Mỗi tuần một khu phố: khu phố đã đến"),
    ("outreach.MTMKP.all.of", 112, "Mỗi tuần một khu phố: tổng số khu phố"),
    ("outreach.MTMKP.standing_members.covered", 20, "Mỗi tuần một khu phố: khu phố đã đến"),
    ("outreach.MTMKP.standing_members.of", 112, "Mỗi tuần một khu phố: tổng số khu phố"),
)


def placed(text: str, known=BT) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(f.figure.text, f.status, f.keys) for f in check(text, known).findings]


def only(text: str, known=BT):
    found = check(text, known).findings
    assert len(found) == 1, [(f.figure.text, f.status) for f in found]
    return found[0]


# --- reading figures ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "values", "places"),
    [
        ("có 1.579 đảng viên", "number", ("1579",), 0),
        ("vốn 10.793,7 tỷ đồng", "number", ("10793.7",), 1),
        ("đạt 222.551 tỷ đồng", "number", ("222551",), 0),
        ("tăng 15,12% so cùng kỳ", "percent", ("15.12",), 2),
        ("đạt 44% kế hoạch", "percent", ("44",), 0),
        ("đạt 44 % kế hoạch", "percent", ("44",), 0),
        ("có 16/76 chi, đảng bộ", "pair", ("16", "76"), 0),
        ("đã đến thăm 20/112 khu phố", "pair", ("20", "112"), 0),
        ("đã đến thăm 4/7 khu phố", "pair", ("4", "7"), 0),
        ("có 15 tập thể", "number", ("15",), 0),
        ("toàn quận 12 phường", "number", ("12",), 0),
        ("Hội nghị lần thứ 25 Ban Chấp hành", "ordinal", ("25",), 0),
    ],
)
def test_figures_are_read_the_vietnamese_way(text, kind, values, places):
    figures, skipped = extract(text)
    assert len(figures) == 1 and not skipped
    f = figures[0]
    assert (f.kind, f.values, f.places) == (kind, tuple(Decimal(v) for v in values), places)
    assert text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Nghị quyết số 11/NQ-HĐND ngày 14/3/2024", ["document", "date"]),
        ("Chỉ thị 35-CT/ TW và Chỉ thị số 35-CT/TW", ["document", "document"]),
        ("Nghị quyết số 98/2023/QH15", ["document"]),
        ("Quy định số 144-QĐ/TW", ["document"]),
        ("triển khai Nghị quyết 98 của Quốc hội; Kết luận 21 của Trung ương", ["document"] * 2),
        ("Chiều 4/7, Quận ủy", ["date"]),
        ("hội nghị họp 4/7 vừa qua", ["date"]),
        ("ngày 21 tháng 7 năm 2024", ["date", "date", "year"]),
        ("(30/4/1975 - 30/4/2025)", ["date", "date"]),
        ("giai đoạn 2023 - 2030, năm học 2024 – 2025", ["year"] * 4),
        ("Đảng bộ Quận 3 và đường 3/2", ["name", "name"]),
        ("6 tháng đầu năm", ["period"]),
        ("Đại hội lần thứ XIII, khóa XII", ["ordinal", "ordinal"]),
    ],
)
def test_what_only_looks_like_a_figure_is_set_aside_and_counted(text, kinds):
    figures, skipped = extract(text)
    assert figures == []
    assert [s.kind for s in skipped] == kinds


def test_each_figure_keeps_its_place_and_about_sixty_characters_around_it():
    text = "x" * 100 + " có 1.579 đảng viên " + "y" * 100 + "\ndòng sau"
    (f,), _ = extract(text)
    assert text[f.start : f.end] == "1.579"
    assert len(f.before) == 60 and f.before.endswith(" có ")
    assert len(f.after) == 60 and f.after.startswith(" đảng viên")
    assert "dòng sau" not in f.context  # the context stays on its line


def test_words_compare_across_tone_placements_and_case():
    assert norm("Hoá, THUỶ, Uỷ ban") == norm("hóa, thủy, ủy ban")
    assert overlap("Tổng doanh thu bán hàng hóa", "TỔNG DOANH THU BÁN HÀNG HOÁ tăng") == 1.0
    assert overlap("Tổng thu ngân sách", "doanh thu bán hàng") < 0.5


@pytest.mark.parametrize(
    ("written", "places", "value", "percent", "same"),
    [
        ("15.12", 2, "0.1511933458", True, True),
        ("15.11", 2, "0.1511933458", True, False),
        ("44", 0, "0.4400265076", True, True),
        ("56", 0, "0.5599692957", True, True),
        ("55", 0, "0.5599692957", True, False),
        ("1579", 0, "1579", False, True),
        ("1597", 0, "1579", False, False),
        ("10793.7", 1, "10793.7", False, True),
        ("10794", 0, "10793.7", False, True),  # printed with fewer decimals, rounded half-up
        ("10793.8", 1, "10793.7", False, False),
    ],
)
def test_a_value_is_compared_as_rounded_in_the_text(written, places, value, percent, same):
    fact = F("k", Decimal(value), "", "", percent)
    assert same_value(Decimal(written), places, fact) is same


# --- placing figures ----------------------------------------------------------------------------
EVALUATION = (
    "Qua đánh giá xếp loại, năm 2024 quận có 16/76 chi, đảng bộ, 1.579 đảng viên hoàn thành xuất "
    "sắc nhiệm vụ; 60 chi, đảng bộ, 8.464 đảng viên hoàn thành tốt nhiệm vụ; 72/462 chi bộ trực "
    "thuộc đảng bộ cơ sở hoàn thành xuất sắc nhiệm vụ."
)


def test_a_list_sharing_one_predicate_is_placed_by_noun_and_level():
    assert placed(EVALUATION) == [
        ("16/76", MATCHED, ("evaluation.grassroots.excellent", "evaluation.grassroots.total")),
        ("1.579", MATCHED, ("evaluation.members.excellent",)),
        ("60", MATCHED, ("evaluation.grassroots.good",)),
        ("8.464", MATCHED, ("evaluation.members.good",)),
        ("72/462", MATCHED, ("evaluation.sub_branches.excellent", "evaluation.sub_branches.total")),
    ]


def test_a_wrong_figure_in_a_clear_context_differs_with_both_values():
    text = EVALUATION.replace("16/76", "17/76").replace("1.579", "1.597")
    result = check(text, BT)
    assert [(f.figure.text, f.expected, f.keys[0]) for f in result.differs] == [
        ("17/76", "16/76", "evaluation.grassroots.excellent"),
        ("1.597", "1579", "evaluation.members.excellent"),
    ]
    assert len(result.matched) == 3


def test_the_year_named_chooses_between_this_year_and_the_year_before():
    text = "Năm 2023 có 1.170 đảng viên hoàn thành xuất sắc nhiệm vụ."
    assert only(text).keys == ("evaluation.previous.members.excellent",)
    wrong_year = only("Năm 2022 có 1.579 đảng viên hoàn thành xuất sắc nhiệm vụ.")
    assert wrong_year.status == UNPLACED  # no fact of 2022: not claimed as 2024's


def test_before_and_after_a_reorganization_choose_the_side_and_the_change():
    text = (
        "Trước khi sắp xếp lại khu phố, quận có 89 khu phố, sau sắp xếp quận có 271 khu phố. "
        "Quận có 12 phường thuộc diện phải sắp xếp; trước khi sắp xếp quận có 20 phường, sau "
        "sắp xếp quận có 15 phường."
    )
    assert placed(text) == [
        ("89", MATCHED, ("units.changes.1.before.neighbourhood",)),
        ("271", MATCHED, ("units.changes.1.after.neighbourhood",)),
        ("12", MATCHED, ("units.changes.2.affected",)),
        # change 2 is the one where the wards changed (20 → 15), change 1 left them at 20
        ("20", MATCHED, ("units.changes.2.before.ward",)),
        ("15", MATCHED, ("units.changes.2.after.ward",)),
    ]


def test_units_affected_need_words_saying_so():
    assert only("Quận có 12 phường.").status == UNPLACED


def test_award_categories_are_told_apart_by_their_names():
    text = (
        "Ban Thường vụ tặng giấy khen cho 3 tập thể, 143 đảng viên hoàn thành xuất sắc nhiệm vụ "
        "5 năm liền (2020 - 2024); 15 tập thể hoàn thành xuất sắc nhiệm vụ năm 2024; 15 tập thể "
        "hoàn thành xuất sắc công tác phòng chống tham nhũng, tiêu cực và 15 tập thể có thành "
        "tích xuất sắc trong công tác tuyên giáo năm 2024."
    )
    assert placed(text) == [
        ("3", MATCHED, ("evaluation.streaks.orgs",)),
        ("143", MATCHED, ("evaluation.streaks.members",)),
        ("5", MATCHED, ("evaluation.streaks.years",)),
        ("15", MATCHED, ("awards.excellent_year.orgs",)),
        ("15", MATCHED, ("awards.anti_corruption.orgs",)),
        ("15", MATCHED, ("awards.propaganda.orgs",)),
    ]


def test_a_figure_equal_to_another_category_differs_from_its_own():
    # 15 is the count of another award; the words name this one, which has 14.
    text = (
        "Tặng giấy khen cho 15 tập thể hoàn thành xuất sắc nhiệm vụ trong công tác tổ chức xây "
        "dựng Đảng."
    )
    f = only(text)
    assert (f.status, f.keys, f.expected) == (DIFFERS, ("awards.party_organization.orgs",), "14")


@pytest.mark.parametrize(
    "text",
    [
        "kỷ niệm 95 năm Ngày thành lập Đảng",  # nothing counts years
        "có 1.579 người dự",  # same value as a fact, but nothing says it is that fact
        "Quận có 17 tập thể.",  # no award, no category: not "differs" on a hunch
        "Tặng giấy khen cho 13 tập thể.",  # an award, but which one? several fit equally
    ],
)
def test_a_weak_or_ambiguous_context_leaves_the_figure_unplaced(text):
    assert only(text).status == UNPLACED


def test_the_figures_of_a_mid_year_review_are_placed():
    text = (
        "Chiều 4/7, Quận ủy Quận 3 tổ chức Hội nghị lần thứ 25 Ban Chấp hành khóa XII. "
        "Thường trực Quận ủy đã đến thăm 20/112 khu phố. Tổng doanh thu bán hàng hóa và dịch vụ "
        "6 tháng đầu năm ước đạt 222.551 tỷ đồng, tăng 15,12% so cùng kỳ năm trước; có 1.328 "
        "doanh nghiệp phát triển mới (đạt 44% kế hoạch năm). Tổng thu ngân sách Nhà nước là "
        "2.918 tỷ đồng."
    )
    assert placed(text, Q3) == [
        ("25", MATCHED, ("meeting.number",)),
        (
            "20/112",
            MATCHED,
            ("outreach.MTMKP.standing_members.covered", "outreach.MTMKP.standing_members.of"),
        ),
        ("222.551", MATCHED, ("indicators.KT-DTBL.actual",)),
        ("15,12%", MATCHED, ("indicators.KT-DTBL.growth_yoy",)),
        ("1.328", MATCHED, ("indicators.KT-DNMOI.actual",)),
        ("44%", MATCHED, ("indicators.KT-DNMOI.share_of_target",)),
        ("2.918", MATCHED, ("indicators.NS-THU.actual",)),
    ]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("25", "26", "meeting.number"),
        ("15,12%", "15,21%", "indicators.KT-DTBL.growth_yoy"),
        ("44%", "45%", "indicators.KT-DNMOI.share_of_target"),
        ("2.918", "2.981", "indicators.NS-THU.actual"),
        ("20/112", "21/112", "outreach.MTMKP.standing_members.covered"),
    ],
)
def test_changed_mid_year_figures_differ(old, new, key):
    text = (
        "Hội nghị lần thứ 25 Ban Chấp hành. Thường trực Quận ủy đã đến thăm 20/112 khu phố. "
        "Tổng doanh thu bán hàng hóa và dịch vụ tăng 15,12% so cùng kỳ năm trước; có 1.328 doanh "
        "nghiệp phát triển mới (đạt 44% kế hoạch năm). Tổng thu ngân sách Nhà nước là 2.918 tỷ "
        "đồng."
    ).replace(old, new)
    result = check(text, Q3)
    assert [(f.figure.text, f.keys[0]) for f in result.differs] == [(new, key)]


def test_growth_and_share_of_target_are_not_confused():
    # "so cùng kỳ" is a growth; no growth of enterprises is known, so 44% stays unplaced.
    text = "Có 1.328 doanh nghiệp phát triển mới, tăng 44% so cùng kỳ."
    assert [(f.figure.text, f.status) for f in check(text, Q3).findings] == [
        ("1.328", MATCHED),
        ("44%", UNPLACED),
    ]


def test_the_check_is_deterministic_and_in_reading_order():
    first = check(EVALUATION, BT)
    assert first == check(EVALUATION, BT)
    assert [f.figure.start for f in first.findings] == sorted(
        f.figure.start for f in first.findings
    )
    reordered = dict(reversed(list(BT.items())))
    assert [f.keys for f in check(EVALUATION, reordered).findings] == [
        f.keys for f in first.findings
    ]

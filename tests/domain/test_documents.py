"""The names and lines of a Party document (HD 36-HD/VPTW, DOMAIN_RULES §6.1) from the names
of organizations and units."""

import pytest

from tongket.domain.documents import (
    committee_of,
    document_number,
    next_period,
    place_of,
    recipients,
    summary_line,
    unit_word,
)
from tongket.domain.periods import parse_period


# Who issues: a district's committee is the Quận ủy, a city's the Thành ủy, a ward's or a
# grassroots committee's the Đảng ủy, and a branch issues as itself.
@pytest.mark.parametrize(
    ("name", "kind", "issuer", "code", "collective"),
    [
        ("Đảng bộ quận Bình Thạnh", "party_committee", "Quận ủy Bình Thạnh", "QU", "BAN THƯỜNG VỤ"),
        ("Đảng bộ Quận 3", "party_committee", "Quận ủy Quận 3", "QU", "BAN THƯỜNG VỤ"),
        ("Đảng bộ huyện Củ Chi", "party_committee", "Huyện ủy Củ Chi", "HU", "BAN THƯỜNG VỤ"),
        (
            "Đảng bộ Thành phố Hồ Chí Minh",
            "party_committee",
            "Thành ủy Thành phố Hồ Chí Minh",
            "TU",
            "BAN THƯỜNG VỤ",
        ),
        (
            "Đảng bộ tỉnh Đồng Nai",
            "party_committee",
            "Tỉnh ủy tỉnh Đồng Nai",
            "TU",
            "BAN THƯỜNG VỤ",
        ),
        (
            "Đảng bộ phường Gia Định",
            "party_committee",
            "Đảng ủy phường Gia Định",
            "ĐU",
            "BAN THƯỜNG VỤ",
        ),
        ("Đảng bộ Phường 17", "grassroots_committee", "Đảng ủy Phường 17", "ĐU", "ĐẢNG ỦY"),
        ("Chi bộ Khu phố 1", "sub_branch", "Chi bộ Khu phố 1", "CB", "CHI BỘ"),
        (
            "Chi bộ Trường THPT Gia Định",
            "grassroots_branch",
            "Chi bộ Trường THPT Gia Định",
            "CB",
            "CHI BỘ",
        ),
    ],
)
def test_the_issuing_committee(name, kind, issuer, code, collective):
    c = committee_of(name, kind)
    assert (c.name, c.code, c.collective) == (issuer, code, collective)


# The place of the date line drops the level word, except for a numbered unit.
@pytest.mark.parametrize(
    ("unit", "place"),
    [
        ("Quận Bình Thạnh", "Bình Thạnh"),
        ("Quận 3", "Quận 3"),
        ("Phường Gia Định", "Gia Định"),
        ("Phường 17", "Phường 17"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("Thủ Đức", "Thủ Đức"),
    ],
)
def test_the_place_of_the_date_line(unit, place):
    assert place_of(unit) == place


@pytest.mark.parametrize(
    ("unit", "word"),
    [
        ("Quận Bình Thạnh", "quận"),
        ("Quận 3", "quận"),
        ("Phường 17", "phường"),
        ("Thủ Đức", "Thủ Đức"),
    ],
)
def test_a_unit_is_called_by_its_level_word(unit, word):
    assert unit_word(unit) == word


def test_the_number_has_a_hyphen_before_the_type_and_no_colon():
    qu = committee_of("Đảng bộ Quận 3", "party_committee")
    assert document_number(12, qu) == "Số 12-BC/QU"
    # Until the office numbers it, the number is a gap to write in.
    assert document_number(None, qu).startswith("Số ") and document_number(None, qu).endswith(
        "-BC/QU"
    )
    assert ":" not in document_number(None, qu)


@pytest.mark.parametrize(
    ("period", "following"),
    [("2024", "2025"), ("2024-H1", "2024-H2"), ("2024-H2", "2025-H1"), ("2024-Q4", "2025-Q1")],
)
def test_the_next_period(period, following):
    assert next_period(parse_period(period)).code == following


def test_a_year_is_summed_up_and_a_half_year_reviewed():
    topic = "công tác xây dựng Đảng"
    assert summary_line(parse_period("2024"), topic) == (
        "tổng kết công tác xây dựng Đảng năm 2024 và phương hướng, nhiệm vụ năm 2025"
    )
    assert summary_line(parse_period("2024-H1"), topic) == (
        "sơ kết công tác xây dựng Đảng 6 tháng đầu năm 2024 "
        "và phương hướng, nhiệm vụ 6 tháng cuối năm 2024"
    )


def test_recipients_report_upwards_and_end_with_the_file_copy():
    qu = committee_of("Đảng bộ quận Bình Thạnh", "party_committee")
    tu = committee_of("Đảng bộ Thành phố Hồ Chí Minh", "party_committee")
    lines = recipients(qu, tu)
    assert lines[0] == "- Ban Thường vụ Thành ủy Thành phố Hồ Chí Minh (để báo cáo),"
    assert "- Các đồng chí Quận ủy viên," in lines
    assert lines[-1] == "- Lưu Văn phòng Quận ủy."
    branch = recipients(committee_of("Chi bộ Khu phố 1", "sub_branch"), None)
    assert branch[-1] == "- Lưu Chi bộ."

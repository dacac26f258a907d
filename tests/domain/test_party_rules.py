"""Party structure and membership rules as tables (DOMAIN_RULES §2.3, §4.1, §9 items 16–22)."""

from datetime import date

import pytest

from tongket.domain.errors import DomainError
from tongket.domain.party import (
    check_member_dates,
    check_one_place,
    check_org_parent,
    party_age,
    probation_end,
    structure_flags,
)
from tongket.domain.roman import roman

D = date


# Which kind may sit under which (§4.1).
@pytest.mark.parametrize(
    "kind, parent, ok",
    [
        ("party_committee", None, True),
        ("party_committee", "party_committee", True),
        ("grassroots_committee", "party_committee", True),
        ("grassroots_branch", "party_committee", True),
        ("sub_branch", "grassroots_committee", True),
        ("sub_branch", "sub_committee", True),
        ("sub_committee", "grassroots_committee", True),
        ("sub_branch", "grassroots_branch", False),  # a chi bộ cơ sở has no sub-branches
        ("sub_branch", "party_committee", False),
        ("grassroots_committee", "grassroots_committee", False),
        ("grassroots_branch", None, False),
        ("sub_committee", "party_committee", False),
    ],
)
def test_org_parent_kinds(kind, parent, ok):
    if ok:
        check_org_parent(kind, parent, "X")
    else:
        with pytest.raises(DomainError) as caught:
            check_org_parent(kind, parent, "X")
        assert caught.value.code == "org.parent_kind" and "X" in caught.value.message


# Structural flags (§9 item 22): findings, not refusals.
@pytest.mark.parametrize(
    "kind, official, total, codes",
    [
        ("sub_branch", 2, 5, {"org.too_few"}),
        ("sub_branch", 3, 3, set()),
        ("grassroots_branch", 25, 31, {"org.branch_large"}),
        ("grassroots_branch", 29, 29, set()),
        ("grassroots_committee", 20, 29, {"org.committee_small"}),
        ("grassroots_committee", 40, 45, set()),
        ("party_committee", 0, 0, set()),
    ],
)
def test_structure_flags(kind, official, total, codes):
    assert {f.code for f in structure_flags(kind, "X", official, total)} == codes


# Member dates: each broken rule refused with its code.
TODAY = D(2026, 11, 21)


@pytest.mark.parametrize(
    "birth, admitted, confirmed, decided, code",
    [
        (D(1990, 1, 1), D(2015, 1, 1), D(2016, 1, 1), D(2014, 12, 20), None),
        (D(1990, 1, 1), D(2027, 1, 1), None, None, "date.future"),
        (D(2027, 1, 1), D(2015, 1, 1), None, None, "date.future"),
        (D(1990, 1, 1), D(1989, 1, 1), None, None, "member.dates"),
        (D(1990, 1, 1), D(2015, 1, 1), D(2014, 1, 1), None, "member.dates"),  # official < admitted
        (D(1990, 1, 1), D(2015, 1, 1), None, D(2015, 2, 1), "member.dates"),  # decision after
    ],
)
def test_member_dates(birth, admitted, confirmed, decided, code):
    if code is None:
        check_member_dates(birth, admitted, confirmed, decided, TODAY)
    else:
        with pytest.raises(DomainError) as caught:
            check_member_dates(birth, admitted, confirmed, decided, TODAY)
        assert caught.value.code == code


def test_one_official_place_at_a_time():
    check_one_place([(D(2010, 1, 1), D(2015, 5, 31), "A"), (D(2015, 6, 1), None, "B")], "Ánh")
    with pytest.raises(DomainError) as caught:
        check_one_place([(D(2010, 1, 1), None, "A"), (D(2015, 6, 1), None, "B")], "Ánh")
    assert caught.value.code == "member.two_places" and "01/06/2015" in caught.value.message


# Party age (§2.3): from the decision, minus gaps; only for official members.
@pytest.mark.parametrize(
    "decided, admitted, confirmed, gaps, on, years",
    [
        (D(1994, 11, 20), D(1994, 12, 1), D(1995, 12, 1), [], D(2024, 11, 20), 30),
        (D(1994, 11, 20), D(1994, 12, 1), D(1995, 12, 1), [], D(2024, 11, 18), 29),
        (None, D(1994, 12, 1), D(1995, 12, 1), [], D(2024, 12, 1), 30),  # no decision: card date
        # 731 days struck off push the 30th anniversary 731 days later (to 2/3/2022)
        (
            D(1990, 3, 1),
            D(1990, 3, 10),
            D(1991, 3, 10),
            [(D(2000, 1, 1), D(2001, 12, 31))],
            D(2022, 3, 1),
            29,
        ),
        (
            D(1990, 3, 1),
            D(1990, 3, 10),
            D(1991, 3, 10),
            [(D(2000, 1, 1), D(2001, 12, 31))],
            D(2022, 3, 2),
            30,
        ),
        (D(2024, 1, 1), D(2024, 1, 5), None, [], D(2024, 12, 31), None),  # probationary
    ],
)
def test_party_age(decided, admitted, confirmed, gaps, on, years):
    age = party_age(decided, admitted, confirmed, gaps, on)
    assert (age.years if age else None) == years


def test_probation_ends_twelve_months_after_the_ceremony():
    assert probation_end(D(2023, 5, 19)) == D(2024, 5, 19)
    assert probation_end(D(2024, 2, 29)) == D(2025, 2, 28)


@pytest.mark.parametrize("n, text", [(1, "I"), (4, "IV"), (12, "XII"), (13, "XIII"), (25, "XXV")])
def test_roman(n, text):
    assert roman(n) == text


# §9 item 8: who heads an organization, from the title of a post.
@pytest.mark.parametrize(
    ("title", "head"),
    [
        ("Bí thư Chi bộ Khu phố 1", True),
        ("BÍ THƯ ĐẢNG ỦY", True),
        ("  bí thư", True),
        ("Phó Bí thư Thường trực Quận ủy", False),
        ("Chủ tịch UBND phường", False),
        ("Ủy viên Ban Thường vụ, Bí thư Chi bộ", False),
        ("", False),
    ],
)
def test_is_head_title(title, head):
    from tongket.domain.party import is_head_title

    assert is_head_title(title) is head

"""Evaluation rules by version, as tables (DOMAIN_RULES §1, §9 items 1–6, 8–13)."""

from datetime import date
from decimal import Decimal

import pytest

from tongket.domain.errors import DomainError
from tongket.domain.evaluation import (
    Context,
    Level,
    Result,
    Subject,
    Unclassified,
    add_months,
    check_head,
    check_quarter,
    check_rule_choice,
    exclusion_reason,
    exclusion_reasons,
    has_errors,
    parse_level,
    quarter_end,
    rule_by_code,
    rule_for_year,
)

D = date
E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED
HD21, QD124, QD366 = "QĐ132/HD21", "QĐ124/HD25", "QĐ366/HD43"


def member(**facts) -> Subject:
    """A member with a review on record and nothing else special."""
    facts.setdefault("review_recorded", True)
    return Subject(id=facts.pop("id", 1), name="Nguyễn Văn A", **facts)


def org(**facts) -> Subject:
    facts.setdefault("review_recorded", True)
    return Subject(id=facts.pop("id", 100), kind="org", name="Chi bộ 1", **facts)


def result(year: int, level, **flags) -> Result:
    """A result recorded under its year's own version, unless told otherwise."""
    flags.setdefault("rule_version", rule_for_year(year).code)
    return Result(subject_id=flags.pop("subject_id", 1), year=year, level=level, **flags)


def check(year: int, level, subject: Subject | None = None, context=None, **flags) -> set[str]:
    """Codes of the errors found on one result under its year's version."""
    found = rule_for_year(year).validate_result(
        result(year, level, **flags), subject or member(), context
    )
    return {v.code for v in found if v.severity == "error"}


# An excellent 2025 result that meets every condition, to vary one flag at a time.
FULL_2025 = {"score": 95, "tasks_on_time": True, "share_exceeded": Decimal("0.30")}


# The four levels: order, labels and abbreviations (§1.1).
def test_levels_order_and_words():
    assert [lv.rank for lv in (E, G, C, N)] == [4, 3, 2, 1]
    assert E.above(G) and not N.above(C)
    assert [lv.abbreviation for lv in Level] == ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
    assert E.label == "Hoàn thành xuất sắc nhiệm vụ"
    assert N.label == "Không hoàn thành nhiệm vụ"
    assert Unclassified.EXEMPTED.label.startswith("Được miễn")


# Reading a level: Vietnamese words, abbreviations and code names, accents and case ignored.
@pytest.mark.parametrize(
    "text, level",
    [
        ("Hoàn thành xuất sắc nhiệm vụ", E),
        ("hoan thanh xuat sac nhiem vu", E),
        ("  HTXSNV ", E),
        ("htxsnv", E),
        ("excellent", E),
        ("Hoàn thành tốt nhiệm vụ", G),
        ("HTTNV", G),
        ("Hoàn thành tốt", G),
        ("good", G),
        ("HOÀN THÀNH NHIỆM VỤ", C),
        ("HTNV", C),
        ("completed", C),
        ("Không hoàn thành nhiệm vụ", N),
        ("KHTNV", N),
        ("not_completed", N),
        ("NOT COMPLETED", N),
        ("Không xếp loại", None),
        ("khong xep loai", None),
        (E, E),
    ],
)
def test_parse_level(text, level):
    assert parse_level(text) is level


# Unknown level words are refused with the value named (issue 4, bad input).
@pytest.mark.parametrize(
    "text", ["Xuất sắc lắm", "HTXS", "", "   ", None, 4, "trong sạch vững mạnh"]
)
def test_parse_level_unknown(text):
    with pytest.raises(DomainError) as caught:
        parse_level(text)
    assert caught.value.code == "evaluation.level"
    assert f'"{text}"' in caught.value.message


# §9 item 2
# The version by year (§9 item 2), with every boundary between versions.
@pytest.mark.parametrize(
    "year, code",
    [
        (2019, HD21),
        (2020, HD21),
        (2022, HD21),
        (2023, QD124),
        (2024, QD124),
        (2025, QD366),
        (2026, QD366),
        (2100, QD366),
    ],
)
def test_rule_for_year(year, code):
    assert rule_for_year(year).code == code


@pytest.mark.parametrize("year", [2018, 1990, 2101])
def test_rule_for_year_refused(year):
    with pytest.raises(DomainError) as caught:
        rule_for_year(year)
    assert caught.value.code == "evaluation.year" and str(year) in caught.value.message


# §9 item 2
# Choosing another version than the year's needs an override note (§9 item 2).
@pytest.mark.parametrize(
    "year, chosen, note, expected",
    [
        (2022, HD21, "", HD21),
        (2023, QD124, "", QD124),
        (2024, "qd124-hd25", "", QD124),  # written loosely, still the year's own version
        (2025, QD366, "", QD366),
        (2023, HD21, "", None),  # 2022 → 2023: the old guide needs a reason
        (2023, HD21, "Kế hoạch của Quận ủy áp dụng HD 21", HD21),
        (2025, QD124, "   ", None),  # 2024 → 2025: a blank note is no note
        (2025, QD124, "Xếp loại trước khi có HD 43", QD124),
        (2022, QD366, "", None),
        (2018, HD21, "Lưu trữ", "year"),  # before 2019 nothing can be chosen
        (2024, "QĐ200/HD99", "x", "code"),
    ],
)
def test_check_rule_choice(year, chosen, note, expected):
    if expected in (None, "year", "code"):
        with pytest.raises(DomainError) as caught:
            check_rule_choice(year, chosen, note)
        assert caught.value.code == (
            "evaluation.year" if expected == "year" else "evaluation.rule_version"
        )
    else:
        assert check_rule_choice(year, chosen, note).code == expected


def test_rule_by_code_accepts_codes_without_accents():
    assert rule_by_code("QD366/HD43").code == QD366
    assert rule_by_code("qđ132 hd21").code == HD21


# §9 item 1
# The record: a rule version is stored, and it is the year's unless overridden (§9 items 1–2).
@pytest.mark.parametrize(
    "year, validator_year, recorded, note, codes",
    [
        (2024, 2024, QD124, "", set()),
        (2024, 2024, "", "", {"evaluation.rule_version"}),  # no version recorded
        (2024, 2024, HD21, "", {"evaluation.rule_version"}),  # recorded ≠ checked
        (2023, 2022, HD21, "", {"evaluation.rule_version"}),  # 2023 under HD 21, no note
        (2023, 2022, HD21, "Theo kế hoạch cũ", set()),
    ],
)
def test_record_checks(year, validator_year, recorded, note, codes):
    found = rule_for_year(validator_year).validate_result(
        result(year, G, rule_version=recorded, override_note=note), member()
    )
    assert {v.code for v in found} == codes
    assert all(v.rule in ("§9.1", "§9.2") for v in found)


# §9 item 3
# QĐ 366 score bands (§9 item 3), at every edge.
@pytest.mark.parametrize(
    "score, highest",
    [
        (0, N),
        (Decimal("49.99"), N),
        (50, C),
        (Decimal("69.99"), C),
        (70, G),
        (Decimal("89.99"), G),
        (90, E),
        (100, E),
        (89.99, G),  # a float is read through its text, not its binary value
        ("69,99", C),  # and a Vietnamese decimal comma is understood
    ],
)
def test_score_bands(score, highest):
    assert rule_for_year(2025).highest_level_for_score(score) is highest


@pytest.mark.parametrize("year", [2019, 2022, 2023, 2024])
def test_versions_without_scores(year):
    assert rule_for_year(year).highest_level_for_score(95) is None


@pytest.mark.parametrize("score", [-1, Decimal("100.01"), 150])
def test_score_out_of_range(score):
    with pytest.raises(DomainError):
        rule_for_year(2025).highest_level_for_score(score)
    with pytest.raises(DomainError):
        Result(1, 2025, G, score=score)


# §9 item 3
# A level above what the score allows is rejected; a lower one is allowed (§9 item 3).
@pytest.mark.parametrize(
    "score, level, ok",
    [
        (Decimal("89.99"), E, False),
        (90, E, True),
        (Decimal("69.99"), G, False),
        (70, G, True),
        (Decimal("49.99"), C, False),
        (50, C, True),
        (Decimal("49.99"), N, True),
        (95, G, True),  # lower than the score allows: other reasons may hold it back
        (30, E, False),
    ],
)
def test_score_band_validation(score, level, ok):
    flags = {**FULL_2025, "score": score}
    codes = check(2025, level, **flags)
    assert ("evaluation.score_band" not in codes) is ok
    assert codes <= {"evaluation.score_band"}


def test_score_required_from_2025_only():
    assert check(2025, G, score=None) == {"evaluation.score_missing"}
    assert check(2024, G) == set()  # no score before 2025
    assert check(2024, G, score=40) == set()  # and a stray score is not judged


# §9 item 4
# HTXSNV under QĐ 366 needs tasks on time and ≥ 30% exceeded (§9 item 4).
@pytest.mark.parametrize(
    "tasks_on_time, share, ok",
    [
        (True, Decimal("0.30"), True),
        (True, Decimal("1"), True),
        (True, Decimal("0.29"), False),
        (False, Decimal("0.50"), False),
        (True, None, False),  # the flag must be recorded
    ],
)
def test_qd366_excellent_flags(tasks_on_time, share, ok):
    codes = check(2025, E, score=92, tasks_on_time=tasks_on_time, share_exceeded=share)
    assert (codes == set()) is ok
    assert codes <= {"evaluation.excellent_flags"}


def test_qd366_excellent_flags_only_for_excellent():
    assert check(2025, G, score=80) == set()


# §9 item 4, 6
# Collectives under QĐ 366: no disciplined unit or leader for HTXSNV (§9 item 4); leadership
# disciplined or more than 20% of units → KHTNV (§9 item 6).
@pytest.mark.parametrize(
    "level, units, leadership, ok",
    [
        (E, None, False, True),
        (E, Decimal("0"), False, True),
        (E, Decimal("0.05"), False, False),
        (G, Decimal("0.05"), False, True),
        (G, Decimal("0.20"), False, True),  # exactly 20% is not "more than 20%"
        (G, Decimal("0.21"), False, False),
        (C, Decimal("0.21"), False, False),
        (N, Decimal("0.21"), False, True),
        (E, None, True, False),
        (C, None, True, False),
        (N, None, True, True),
    ],
)
def test_qd366_collective_discipline(level, units, leadership, ok):
    codes = check(
        2025,
        level,
        org(),
        **{**FULL_2025, "score": 95},
        units_disciplined_share=units,
        leadership_disciplined=leadership,
    )
    assert (codes == set()) is ok
    assert codes <= {"evaluation.units_disciplined"}


# §9 item 4 (its QĐ 124 form, §1.2)
# QĐ 124: an individual's HTXSNV needs all tasks on time and ≥ 50% exceeded (§1.2).
@pytest.mark.parametrize(
    "tasks_on_time, share, ok",
    [
        (True, Decimal("0.50"), True),
        (True, Decimal("0.49"), False),
        (True, Decimal("0.30"), False),  # enough under QĐ 366, not under QĐ 124
        (False, Decimal("0.80"), False),
        (True, None, False),
    ],
)
def test_qd124_individual_excellent(tasks_on_time, share, ok):
    codes = check(2024, E, tasks_on_time=tasks_on_time, share_exceeded=share)
    assert (codes == set()) is ok


# §9 item 6
# QĐ 124 collectives: discipline of units or leadership (§9 item 6, §1.2).
@pytest.mark.parametrize(
    "level, units, leadership, self_discovered, ok",
    [
        (E, None, False, False, True),  # collectives need no share-exceeded flag under QĐ 124
        (E, Decimal("0.10"), False, True, False),  # any disciplined unit rules out HTXSNV
        (G, Decimal("0.10"), False, True, True),  # self-discovered and remedied: HTTNV allowed
        (G, Decimal("0.10"), False, False, False),  # otherwise a disciplined unit → KHTNV
        (N, Decimal("0.10"), False, False, True),
        (G, Decimal("0.25"), False, True, False),  # > 20% → KHTNV even if self-discovered
        (N, Decimal("0.25"), False, True, True),
        (C, None, True, True, False),  # leadership disciplined → KHTNV
        (N, None, True, False, True),
    ],
)
def test_qd124_collective_discipline(level, units, leadership, self_discovered, ok):
    codes = check(
        2024,
        level,
        org(),
        units_disciplined_share=units,
        leadership_disciplined=leadership,
        self_discovered=self_discovered,
    )
    assert (codes == set()) is ok
    assert codes <= {"evaluation.units_disciplined"}


def test_qd124_one_finding_per_collective_breach():
    found = rule_for_year(2024).validate_result(
        result(2024, G, units_disciplined_share=Decimal("0.30")), org()
    )
    assert [v.rule for v in found] == ["§9.6"]


# §9 item 5
# Disciplined in the year → KHTNV, with the self-discovery exception only where the version
# allows it (§9 item 5): HD 21 no, QĐ 124 yes, QĐ 366 no.
@pytest.mark.parametrize(
    "year, level, self_discovered, ok",
    [
        (2022, G, False, False),
        (2022, C, True, False),
        (2022, N, False, True),
        (2023, G, False, False),
        (2024, G, True, True),
        (2024, C, True, True),
        (2025, C, False, False),
        (2025, G, True, False),
        (2025, N, False, True),
    ],
)
def test_discipline_by_version(year, level, self_discovered, ok):
    flags = {"score": 75, "tasks_on_time": True} if year >= 2025 else {}
    codes = check(year, level, disciplined_in_year=True, self_discovered=self_discovered, **flags)
    assert ("evaluation.discipline" not in codes) is ok


# §9 item 5
# One violation counts once: a decision that already made another year KHTNV is not a reason again.
@pytest.mark.parametrize(
    "used, discipline_id, ok",
    [
        ({"KL-12/2021"}, "KL-12/2021", True),
        ({"KL-12/2021"}, "KL-03/2022", False),
        (set(), "KL-12/2021", False),
        ({"KL-12/2021"}, None, False),  # an unnamed decision cannot be matched
    ],
)
def test_discipline_counts_once(used, discipline_id, ok):
    context = Context(used_disciplines=used)
    codes = check(2022, G, context=context, disciplined_in_year=True, discipline_id=discipline_id)
    assert ("evaluation.discipline" not in codes) is ok


# §9 item 11
# Sick leave of 3 months or more caps at HTNV under HD 21 only (§9 item 11).
@pytest.mark.parametrize(
    "year, days, level, ok",
    [
        (2021, 89, G, True),
        (2021, 90, G, False),
        (2021, 90, E, False),
        (2021, 90, C, True),
        (2021, 200, N, True),
        (2023, 120, G, True),  # not confirmed for QĐ 124: not applied
        (2025, 120, G, True),
    ],
)
def test_sick_leave(year, days, level, ok):
    flags = {"score": 80} if year >= 2025 else {}
    codes = check(year, level, member(sick_leave_days=days), **flags)
    assert ("evaluation.sick_leave" not in codes) is ok


def test_maternity_leave_is_not_sick_leave():
    assert check(2021, G, member(maternity=True)) == set()


# §9 item 13
# CCVC under HD 21: HTXSNV needs CCVC HTXSNV, CCVC KHTNV forces KHTNV (§9 item 13).
@pytest.mark.parametrize(
    "year, ccvc, level, codes",
    [
        (2020, E, E, set()),
        (2020, G, E, {"evaluation.ccvc"}),
        (2020, G, G, set()),
        (2020, N, C, {"evaluation.ccvc"}),
        (2020, N, N, set()),
        (2024, G, E, {"evaluation.excellent_flags"}),  # the CCVC rule is HD 21's only
        (2020, None, G, {"evaluation.ccvc_missing"}),  # no CCVC rating yet: not final
        (2024, None, G, {"evaluation.ccvc_missing"}),
        (2025, None, G, {"evaluation.ccvc_missing"}),
    ],
)
def test_ccvc(year, ccvc, level, codes):
    flags = {"score": 80} if year >= 2025 else {}
    assert check(year, level, member(is_ccvc=True, ccvc_level=ccvc), **flags) == codes


# §9 item 12
# Only the official branch classifies a temporarily hosted member (§9 item 12, all versions).
@pytest.mark.parametrize("year", [2019, 2023, 2025])
def test_temporary_host(year):
    flags = {"score": 80} if year >= 2025 else {}
    found = rule_for_year(year).validate_result(
        result(year, G, **flags), member(temporary_host=True)
    )
    assert [(v.rule, v.code) for v in found] == [("§9.12", "evaluation.temporary_host")]


# §9 item 13
# No final level without the review record (§9 item 13).
@pytest.mark.parametrize("year", [2020, 2024, 2025])
def test_review_record_required(year):
    flags = {"score": 80} if year >= 2025 else {}
    no_review = Subject(id=1, name="B")
    assert check(year, G, no_review, **flags) == {"evaluation.review_missing"}
    assert check(year, G, org(review_recorded=False), **flags) == {"evaluation.review_missing"}


# §9 item 8
# Head rule (§9 item 8): not above the organization headed; rated after it.
@pytest.mark.parametrize(
    "head, unit, ok",
    [
        (E, E, True),
        (G, E, True),
        (E, G, False),
        (G, C, False),
        (C, N, False),
        (N, N, True),
        (None, G, True),
        (E, None, True),  # an unclassified organization leaves nothing to compare
    ],
)
def test_check_head(head, unit, ok):
    found = check_head(head, unit, 7)
    assert (found == []) is ok
    if not ok:
        assert found[0].rule == "§9.8" and found[0].subject_id == 7
        assert head.label in found[0].message and unit.label in found[0].message


@pytest.mark.parametrize(
    "org_levels, codes",
    [
        ({}, {"evaluation.head_order"}),  # the unit has no result yet
        ({100: G}, set()),
        ({100: C}, {"evaluation.head"}),
        ({100: None}, set()),
    ],
)
def test_head_in_validation(org_levels, codes):
    context = Context(org_levels=org_levels)
    assert check(2023, G, member(is_head_of=100), context) == codes


# §9 item 9, 10
# Six months, in calendar months, on both sides of the boundary (§9 items 9–10).
@pytest.mark.parametrize(
    "start, months, end",
    [
        (D(2024, 6, 30), 6, D(2024, 12, 30)),
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),  # leap year
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 10, 31), 6, D(2025, 4, 30)),
        (D(2024, 11, 15), 3, D(2025, 2, 15)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
    ],
)
def test_add_months(start, months, end):
    assert add_months(start, months) == end


# §9 item 9
@pytest.mark.parametrize(
    "admitted, on, excluded",
    [
        (D(2024, 6, 30), D(2024, 12, 30), False),  # exactly 6 months: classified
        (D(2024, 6, 30), D(2024, 12, 29), True),
        (D(2024, 7, 1), D(2024, 12, 31), True),
        (D(2024, 6, 30), D(2024, 12, 31), False),
        (D(2024, 8, 31), D(2025, 2, 27), True),
        (D(2024, 8, 31), D(2025, 2, 28), False),  # 31st of a month → last day of February
        (D(2023, 8, 31), D(2024, 2, 28), True),
        (D(2023, 8, 31), D(2024, 2, 29), False),
        (D(2024, 10, 31), D(2025, 4, 29), True),
        (D(2024, 10, 31), D(2025, 4, 30), False),
        (None, D(2024, 12, 31), False),
    ],
)
def test_new_member_exclusion(admitted, on, excluded):
    reason = exclusion_reason(member(admitted_on=admitted), on)
    assert (reason is Unclassified.ADMITTED_UNDER_6_MONTHS) is excluded
    assert reason is None or excluded


# §9 item 10
@pytest.mark.parametrize(
    "established, on, org_rule, excluded",
    [
        (D(2024, 6, 30), D(2024, 12, 30), True, False),
        (D(2024, 7, 1), D(2024, 12, 31), True, True),
        (D(2024, 8, 31), D(2025, 2, 27), True, True),
        (D(2024, 8, 31), D(2025, 2, 28), True, False),
        (D(2024, 7, 1), D(2024, 12, 31), False, False),  # a version may drop the rule
    ],
)
def test_new_org_exclusion(established, on, org_rule, excluded):
    reason = exclusion_reason(org(established_on=established), on, org_rule)
    assert (reason is Unclassified.ORG_UNDER_6_MONTHS) is excluded


# §9 item 9
@pytest.mark.parametrize(
    "facts, reasons",
    [
        ({"exempted": True}, [Unclassified.EXEMPTED]),
        ({"suspended": True}, [Unclassified.SUSPENDED]),
        (
            {"exempted": True, "admitted_on": D(2024, 10, 1)},
            [Unclassified.EXEMPTED, Unclassified.ADMITTED_UNDER_6_MONTHS],
        ),
        ({"established_on": D(2024, 10, 1)}, []),  # an organization's date means nothing here
        ({}, []),
    ],
)
def test_member_exclusions(facts, reasons):
    assert exclusion_reasons(member(**facts), D(2024, 12, 31)) == reasons


# §9 item 9, 10
# A classified result for an excluded subject, and "not classified" without a sound reason.
EXCLUDED, REASON = {"evaluation.excluded"}, {"evaluation.unclassified_reason"}
U = Unclassified


@pytest.mark.parametrize(
    "subject, level, reason, context, codes",
    [
        (member(exempted=True), G, None, None, EXCLUDED),
        (member(suspended=True), C, None, None, EXCLUDED),
        (member(admitted_on=D(2024, 7, 1)), G, None, None, EXCLUDED),
        # the default evaluation date is 31/12: admitted on 30/6 counts 6 months
        (member(admitted_on=D(2024, 6, 30)), G, None, None, set()),
        # an earlier evaluation date is respected
        (member(admitted_on=D(2024, 6, 30)), G, None, Context(D(2024, 12, 20)), EXCLUDED),
        (org(established_on=D(2024, 9, 1)), G, None, None, EXCLUDED),
        (member(exempted=True), None, U.EXEMPTED, None, set()),
        (member(exempted=True), None, "exempted", None, set()),
        (member(), None, None, None, REASON),
        (member(), None, U.SUSPENDED, None, REASON),
        (member(exempted=True), None, U.SUSPENDED, None, REASON),
        (org(established_on=D(2024, 9, 1)), None, U.ORG_UNDER_6_MONTHS, None, set()),
        # a new member is still reviewed but not classified: no review record is demanded
        (Subject(1, admitted_on=D(2024, 9, 1)), None, U.ADMITTED_UNDER_6_MONTHS, None, set()),
    ],
)
def test_exclusion_in_validation(subject, level, reason, context, codes):
    assert check(2024, level, subject, context, unclassified=reason) == codes


def test_excluded_org_names_item_10():
    found = rule_for_year(2020).validate_result(result(2020, G), org(established_on=D(2020, 10, 1)))
    assert [v.rule for v in found] == ["§9.10"]


# Archive imports: findings are shown as warnings, never refused (issue 4).
def test_archived_results_only_warn():
    found = rule_for_year(2022).validate_result(
        result(2022, E, disciplined_in_year=True),
        member(sick_leave_days=100),
        Context(archived=True),
    )
    assert {v.code for v in found} == {"evaluation.discipline", "evaluation.sick_leave"}
    assert not has_errors(found)


# Malformed input is refused when the result is built.
@pytest.mark.parametrize(
    "fields",
    [
        {"level": G, "unclassified": Unclassified.EXEMPTED},  # both a level and a reason
        {"level": G, "share_exceeded": 30},  # a percentage where a fraction is expected
        {"level": G, "units_disciplined_share": Decimal("1.5")},
        {"level": G, "score": "abc"},
        {"level": G, "score": True},
        {"level": "tốt lắm"},
        {"level": None, "unclassified": "on leave"},
    ],
)
def test_malformed_result(fields):
    with pytest.raises(DomainError):
        Result(subject_id=1, year=2024, **fields)


def test_subject_kind_checked():
    with pytest.raises(DomainError):
        Subject(1, kind="person")


# The bad inputs of issue 4 that pure rules can judge: each names the rule it breaks.
def test_issue_4_bad_inputs():
    with pytest.raises(DomainError) as caught:
        parse_level("Xuất sắc")
    assert "Xuất sắc" in caught.value.message

    score = rule_for_year(2025).validate_result(
        result(2025, E, score=Decimal("85.5"), tasks_on_time=True, share_exceeded=1), member()
    )
    assert [(v.rule, v.severity) for v in score] == [("§9.3", "error")]
    assert "85,5 điểm" in score[0].message and "Hoàn thành tốt nhiệm vụ" in score[0].message

    disciplined = rule_for_year(2024).validate_result(
        result(2024, C, disciplined_in_year=True), member()
    )
    assert [v.rule for v in disciplined] == ["§9.5"]
    assert "Nguyễn Văn A" in disciplined[0].message and "kỷ luật" in disciplined[0].message

    head = rule_for_year(2024).validate_result(
        result(2024, G), member(is_head_of=100), Context(org_levels={100: C})
    )
    assert [v.rule for v in head] == ["§9.8"]
    assert "người đứng đầu" in head[0].message.lower()


# §9 item 2
# The year boundaries between versions, as days: a review held on 31/12 of one year and one
# held on 1/1 of the next judge different years, so different versions.
@pytest.mark.parametrize(
    "day, code",
    [
        (D(2022, 12, 31), HD21),
        (D(2023, 1, 1), QD124),
        (D(2024, 12, 31), QD124),
        (D(2025, 1, 1), QD366),
    ],
)
def test_version_boundaries_by_day(day, code):
    assert rule_for_year(day.year).code == code
    assert check_rule_choice(day.year, code).code == code


# §9 item 2 (QĐ 366 scope, §1.3)
# Quarterly rounds: only where the year's version evaluates by quarter (from 2025), Q1–Q3
# only; Q4 is merged into the year-end evaluation. The annual round (None) is always allowed.
@pytest.mark.parametrize(
    "year, quarter, refusal",
    [
        (2022, None, None),
        (2022, 1, "không đánh giá theo quý"),
        (2023, 3, "không đánh giá theo quý"),
        (2024, 3, "không đánh giá theo quý"),  # 31/12/2024: still QĐ 124
        (2025, 1, None),  # 1/1/2025: QĐ 366
        (2025, 2, None),
        (2025, 3, None),
        (2025, 4, "gộp vào đánh giá cuối năm"),
        (2026, 4, "gộp vào đánh giá cuối năm"),
        (2025, 0, "Quý không hợp lệ"),
        (2025, 5, "Quý không hợp lệ"),
    ],
)
def test_check_quarter(year, quarter, refusal):
    rule = rule_for_year(year)
    assert rule.quarterly is (rule.code == QD366)
    if refusal is None:
        check_quarter(rule, year, quarter)
        return
    with pytest.raises(DomainError) as caught:
        check_quarter(rule, year, quarter)
    assert caught.value.code == "evaluation.quarter" and refusal in caught.value.message


# The day a quarterly round is judged on: the last day of the quarter.
@pytest.mark.parametrize(
    "year, quarter, day",
    [
        (2025, 1, D(2025, 3, 31)),
        (2025, 2, D(2025, 6, 30)),
        (2025, 3, D(2025, 9, 30)),
        (2025, 4, D(2025, 12, 31)),
        (2028, 1, D(2028, 3, 31)),
    ],
)
def test_quarter_end(year, quarter, day):
    assert quarter_end(year, quarter) == day

"""The HTXSNV quota as tables (DOMAIN_RULES §1.2, §1.3, §9 items 7 and 9)."""

from decimal import Decimal

import pytest

from tongket.domain.errors import DomainError
from tongket.domain.evaluation import (
    Level,
    QuotaSettings,
    Result,
    default_settings,
    quota_cap,
    quota_violations,
    rule_for_year,
)

E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED
GOOD_BASE = QuotaSettings()
ALL_BASE = QuotaSettings(base="classified")


# The cap is floor(percentage × base): exact 20%, one over, and the floor on small groups.
@pytest.mark.parametrize(
    "excellent, good, classified, settings, breach",
    [
        (12, 60, 72, GOOD_BASE, False),  # exactly 20% of the good
        (13, 60, 73, GOOD_BASE, True),  # one over
        (0, 4, 4, GOOD_BASE, False),
        (1, 4, 5, GOOD_BASE, True),  # floor(0.8) = 0: four good allow no excellent
        (1, 5, 6, GOOD_BASE, False),
        (1, 9, 10, GOOD_BASE, False),
        (2, 9, 11, GOOD_BASE, True),  # floor(1.8) = 1
        (2, 10, 12, GOOD_BASE, False),
        (0, 0, 0, GOOD_BASE, False),
        (1, 0, 1, GOOD_BASE, True),
        # the base "classified" counts every classified subject, excellent included
        (16, 60, 76, GOOD_BASE, True),  # Bình Thạnh 2024 grassroots against the good: 27%
        (15, 60, 76, ALL_BASE, False),  # floor(15.2) = 15
        (16, 60, 80, ALL_BASE, False),
        (16, 60, 79, ALL_BASE, True),  # floor(15.8) = 15
        # another percentage, as the office may set it
        (15, 60, 75, QuotaSettings(percentage=Decimal("0.25")), False),
        (16, 60, 76, QuotaSettings(percentage="0,25"), True),
    ],
)
def test_quota_edges(excellent, good, classified, settings, breach):
    found = quota_violations(excellent, good, classified, settings, "Chi bộ 1")
    assert bool(found) is breach
    assert quota_cap(good, classified, settings) >= excellent or breach


# Published figures (issue 4): members of Bình Thạnh 2024 are within 20%; other committees
# publish members beyond it, so the base, scope and exceptions must be settings.
@pytest.mark.parametrize(
    "excellent, good, cap, breach",
    [
        (1579, 8464, 1692, False),
        (58, 252, 50, True),
    ],
)
def test_published_figures(excellent, good, cap, breach):
    assert quota_cap(good, excellent + good, GOOD_BASE) == cap
    assert bool(quota_violations(excellent, good, excellent + good, GOOD_BASE)) is breach


# A breach is one finding about the group, an error naming the figures.
def test_breach_is_one_group_finding():
    found = quota_violations(16, 60, 76, GOOD_BASE, "Đảng bộ quận Bình Thạnh — cơ sở")
    assert len(found) == 1
    finding = found[0]
    assert (finding.rule, finding.code, finding.severity) == ("§9.7", "evaluation.quota", "error")
    assert finding.subject_id is None and finding.group.startswith("Đảng bộ quận")
    assert "16 HTXSNV" in finding.message and "20%" in finding.message
    assert "(60)" in finding.message and "tối đa 12" in finding.message


def test_breach_message_uses_vietnamese_thousands():
    (finding,) = quota_violations(2000, 8464, 10464, GOOD_BASE)
    assert "2.000 HTXSNV" in finding.message and "8.464" in finding.message


# An attached exception decision turns the breach into a warning that names it.
@pytest.mark.parametrize(
    "settings, exceptions",
    [
        (QuotaSettings(exceptions=["125-QĐ/QU"]), None),
        (GOOD_BASE, ["125-QĐ/QU"]),
    ],
)
def test_exception_lifts_breach(settings, exceptions):
    (finding,) = quota_violations(16, 60, 76, settings, "Nhóm A", exceptions)
    assert finding.severity == "warning" and "125-QĐ/QU" in finding.message


def test_explicit_empty_exceptions_override_settings():
    settings = QuotaSettings(exceptions=["125-QĐ/QU"])
    (finding,) = quota_violations(16, 60, 76, settings, "Nhóm B", exceptions=[])
    assert finding.severity == "error"


# validate_group counts levels and leaves the unclassified out of the base (§9 item 9).
def results(counts: dict) -> list[Result]:
    rows = []
    for level, n in counts.items():
        reason = "exempted" if level is None else None
        rows += [Result(len(rows) + i, 2024, level, unclassified=reason) for i in range(n)]
    return rows


@pytest.mark.parametrize(
    "counts, settings, breach",
    [
        ({E: 2, G: 10, None: 5}, GOOD_BASE, False),
        ({E: 3, G: 10, None: 5}, GOOD_BASE, True),
        # base classified: 13 classified → cap 2; counting the 5 unclassified would allow 3
        ({E: 3, G: 10, None: 5}, ALL_BASE, True),
        ({E: 3, G: 10, C: 2, None: 5}, ALL_BASE, False),
        ({E: 1, N: 4}, GOOD_BASE, True),
    ],
)
def test_validate_group(counts, settings, breach):
    found = rule_for_year(2024).validate_group(results(counts), settings, "Nhóm")
    assert bool(found) is breach


def test_validate_group_defaults_to_the_year_settings():
    assert rule_for_year(2024).validate_group(results({E: 3, G: 10})) != []
    assert rule_for_year(2024).validate_group(results({E: 2, G: 10})) == []


# Defaults per year, each with its source, across the version boundaries.
@pytest.mark.parametrize(
    "year, scope, source_word",
    [
        (2019, "grassroots", "HD 21"),
        (2022, "grassroots", "HD 21"),
        (2023, "group", "QĐ 124"),
        (2024, "group", "QĐ 124"),
        (2025, "group", "QĐ 366"),
    ],
)
def test_default_settings(year, scope, source_word):
    settings = default_settings(year)
    assert settings.percentage == Decimal("0.20") and settings.base == "good"
    assert settings.scope == scope and settings.exceptions == []
    assert set(settings.sources) == {"percentage", "base", "scope", "exceptions"}
    assert source_word in settings.sources["percentage"]


def test_unconfirmed_2025_quota_says_so():
    assert "CHƯA XÁC NHẬN" in default_settings(2025).sources["percentage"]


def test_default_settings_are_fresh_copies():
    default_settings(2024).sources["percentage"] = "edited"
    default_settings(2024).exceptions.append("1-QĐ")
    assert default_settings(2024).sources["percentage"] != "edited"
    assert default_settings(2024).exceptions == []


def test_default_settings_before_2019_refused():
    with pytest.raises(DomainError):
        default_settings(2018)


# Bad settings and counts are refused.
@pytest.mark.parametrize(
    "fields",
    [
        {"percentage": 20},  # a percent where a fraction is expected
        {"percentage": -0.1},
        {"base": "all"},
        {"scope": "city"},
    ],
)
def test_bad_settings(fields):
    with pytest.raises(DomainError):
        QuotaSettings(**fields)


def test_negative_counts_refused():
    with pytest.raises(DomainError):
        quota_violations(-1, 5, 4, GOOD_BASE)


def test_scope_label():
    assert QuotaSettings(scope="committee").scope_label == "toàn bộ tổ chức đảng của đảng bộ"

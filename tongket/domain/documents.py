"""Names and lines of a Party document (Hướng dẫn 36-HD/VPTW, DOMAIN_RULES.md §6.1), derived from
the names of organizations and units: who issues it, its number, its place, its summary line,
who signs for whom and who receives it. Pure: the caller passes names valid on the day."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tongket.domain.evaluation.common import NOT_CLASSIFIED_LABEL, Level
from tongket.domain.periods import Period

# The words of a report. Levels inside a sentence, in lower case ("… hoàn thành xuất sắc
# nhiệm vụ"), and abbreviated in table headers, from the evaluation rules' own labels.
LEVEL_PHRASES = {lv.value: lv.label[:1].lower() + lv.label[1:] for lv in Level} | {
    "unclassified": NOT_CLASSIFIED_LABEL.lower()
}
LEVEL_ABBREVIATIONS = {lv.value: lv.abbreviation for lv in Level} | {
    "unclassified": NOT_CLASSIFIED_LABEL
}
UNIT_NOUNS = {"ward": "phường", "neighbourhood": "khu phố", "resident_group": "tổ dân phố"}
# The bodies that visit neighbourhoods and hold posts (Position.Body), as a report names them.
BODY_NOUNS = {
    "executive": "Ban Chấp hành",
    "standing": "Ban Thường vụ",
    "standing_members": "Thường trực",
    "people_committee": "Ủy ban nhân dân",
    "people_council": "Hội đồng nhân dân",
    "inspection": "Ủy ban Kiểm tra",
}

# Level words a unit's name starts with; a numbered unit keeps its word ("Quận 3").
_UNIT_WORDS = ("thành phố", "tỉnh", "quận", "huyện", "thị xã", "phường", "xã", "thị trấn")


@dataclass(frozen=True)
class Committee:
    """The body that issues an organization's documents: "Quận ủy Bình Thạnh", code "QU"."""

    name: str
    code: str  # the issuer part of "Số 12-BC/QU"
    short: str  # "Quận ủy": used in "Các đồng chí Quận ủy viên", "Lưu Văn phòng Quận ủy"
    collective: str  # who signs "T/M …": "BAN THƯỜNG VỤ", "ĐẢNG ỦY", "CHI BỘ"


def _split_unit(rest: str) -> tuple[str, str]:
    """("quận", "Bình Thạnh") from "quận Bình Thạnh"; ("", rest) without a level word."""
    low = rest.lower()
    for word in _UNIT_WORDS:
        if low.startswith(word + " "):
            return word, rest[len(word) + 1 :]
    return "", rest


def unit_word(unit_name: str) -> str:
    """How a report calls a unit after naming it once: "quận" for "Quận Bình Thạnh" and
    "Quận 3", "phường" for "Phường 17"; a name without a level word stays as it is."""
    word, _name = _split_unit(unit_name)
    return word or unit_name


def committee_of(org_name: str, kind: str) -> Committee:
    """The issuing committee of an organization, from its name and kind.

    "Đảng bộ quận Bình Thạnh" → Quận ủy Bình Thạnh (QU); "Đảng bộ Quận 3" → Quận ủy Quận 3;
    "Đảng bộ Thành phố Hồ Chí Minh" → Thành ủy Thành phố Hồ Chí Minh (TU); "Đảng bộ phường
    Gia Định" → Đảng ủy phường Gia Định (ĐU); a branch issues as itself (CB)."""
    if kind in ("grassroots_branch", "sub_branch"):
        return Committee(org_name, "CB", "Chi bộ", "CHI BỘ")
    rest = re.sub(r"^Đảng bộ\s+", "", org_name, flags=re.IGNORECASE)
    word, name = _split_unit(rest)
    numbered = name[:1].isdigit()
    label = f"{word.capitalize()} {name}" if numbered else name
    if word in ("quận", "huyện", "thị xã"):
        short = f"{word.capitalize()} ủy"
        code = {"quận": "QU", "huyện": "HU", "thị xã": "TXU"}[word]
        return Committee(f"{short} {label}", code, short, "BAN THƯỜNG VỤ")
    if word in ("thành phố", "tỉnh"):
        short = "Thành ủy" if word == "thành phố" else "Tỉnh ủy"
        return Committee(f"{short} {rest}", "TU", short, "BAN THƯỜNG VỤ")
    collective = "BAN THƯỜNG VỤ" if kind == "party_committee" else "ĐẢNG ỦY"
    return Committee(f"Đảng ủy {rest}", "ĐU", "Đảng ủy", collective)


def place_of(unit_name: str) -> str:
    """The place in the date line: "Bình Thạnh" from "Quận Bình Thạnh", but "Quận 3"."""
    word, name = _split_unit(unit_name)
    if not word or name[:1].isdigit():
        return unit_name
    return name


def document_number(number: int | None, committee: Committee) -> str:
    """ "Số 12-BC/QU"; blanks where the office will write the number when it issues."""
    return f"Số {number if number else ' ' * 6}-BC/{committee.code}"


def next_period(period: Period) -> Period:
    """The period after this one, of the same kind (2024 → 2025, 2024-H1 → 2024-H2)."""
    per_year = {"year": 1, "half": 2, "quarter": 4, "month": 12}[period.kind]
    if period.index < per_year:
        return Period.of(period.kind, period.year, period.index + 1)
    return Period.of(period.kind, period.year + 1, 1)


def summary_line(period: Period, topic: str) -> str:
    """The summary under "BÁO CÁO": "tổng kết …" for a year, "sơ kết …" for part of one."""
    verb = "tổng kết" if period.kind == "year" else "sơ kết"
    return (
        f"{verb} {topic} {period.label_vi} và phương hướng, nhiệm vụ {next_period(period).label_vi}"
    )


def recipients(committee: Committee, superior: Committee | None) -> tuple[str, ...]:
    """ "Nơi nhận": the committee above (to report to), its own members, the file copy."""
    lines = []
    if superior is not None:
        lines.append(f"- Ban Thường vụ {superior.name} (để báo cáo),")
    if committee.code == "CB":
        lines.append("- Đảng viên trong chi bộ,")
        lines.append("- Lưu Chi bộ.")
        return tuple(lines)
    lines.append(f"- Các đồng chí {committee.short} viên,")
    lines.append("- Các tổ chức cơ sở đảng trực thuộc,")
    lines.append(f"- Lưu Văn phòng {committee.short}.")
    return tuple(lines)

"""Rules of party structure and membership (DOMAIN_RULES §2.3, §4.1, §9 items 16, 19–22)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tongket.domain.errors import DomainError
from tongket.domain.text import fold
from tongket.domain.vnformat import format_date_short

# Which kinds may sit directly under which (None: a top organization).
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    "party_committee": {None, "party_committee"},
    "grassroots_committee": {"party_committee"},
    "grassroots_branch": {"party_committee"},
    "sub_committee": {"grassroots_committee"},
    "sub_branch": {"grassroots_committee", "sub_committee"},
}
KIND_WORDS = {
    "party_committee": "đảng bộ",
    "grassroots_committee": "đảng bộ cơ sở",
    "grassroots_branch": "chi bộ cơ sở",
    "sub_committee": "đảng bộ bộ phận",
    "sub_branch": "chi bộ trực thuộc",
}
MIN_OFFICIAL = 3  # a branch or grassroots organization needs at least 3 official members
COMMITTEE_THRESHOLD = 30  # 30 members and more: a grassroots committee, else a branch


def check_org_parent(kind: str, parent_kind: str | None, name: str) -> None:
    """A sub-branch sits under a grassroots or sub committee, and so on (§4.1)."""
    if kind not in ALLOWED_PARENTS:
        raise DomainError("org.kind", f"Loại tổ chức không hợp lệ: {kind}.")
    if parent_kind not in ALLOWED_PARENTS[kind]:
        under = KIND_WORDS.get(parent_kind, "cấp cao nhất") if parent_kind else "cấp cao nhất"
        raise DomainError(
            "org.parent_kind",
            f"Không thể đặt {KIND_WORDS[kind]} {name} dưới {under}.",
        )


@dataclass(frozen=True)
class OrgFlag:
    """A structural finding that needs a look or a written exception; not a refusal."""

    code: str
    message: str


def structure_flags(kind: str, name: str, official: int, total: int) -> list[OrgFlag]:
    """Flags of §9 item 22 for one organization with its member counts."""
    flags = []
    if (
        kind in ("grassroots_branch", "sub_branch", "grassroots_committee")
        and official < MIN_OFFICIAL
    ):
        flags.append(
            OrgFlag(
                "org.too_few",
                f"{name} có {official} đảng viên chính thức (< {MIN_OFFICIAL}).",
            )
        )
    if kind == "grassroots_branch" and total >= COMMITTEE_THRESHOLD:
        flags.append(
            OrgFlag(
                "org.branch_large",
                f"{name} là chi bộ cơ sở có {total} đảng viên (≥ {COMMITTEE_THRESHOLD}): "
                "cần cấp trên đồng ý bằng văn bản.",
            )
        )
    if kind == "grassroots_committee" and total < COMMITTEE_THRESHOLD:
        flags.append(
            OrgFlag(
                "org.committee_small",
                f"{name} là đảng bộ cơ sở có {total} đảng viên (< {COMMITTEE_THRESHOLD}): "
                "cần cấp trên đồng ý bằng văn bản.",
            )
        )
    return flags


def check_member_dates(
    birth: date, admitted: date, confirmed: date | None, decided: date | None, today: date
) -> None:
    """Dates a member record must respect, each refused with the rule it breaks."""
    for label, value in (("Ngày sinh", birth), ("Ngày vào Đảng", admitted)):
        if value > today:
            raise DomainError("date.future", f"{label} ở tương lai: {format_date_short(value)}.")
    if admitted <= birth:
        raise DomainError("member.dates", "Ngày vào Đảng phải sau ngày sinh.")
    if confirmed and confirmed < admitted:
        raise DomainError(
            "member.dates",
            f"Ngày chính thức ({format_date_short(confirmed)}) đứng trước ngày vào Đảng "
            f"({format_date_short(admitted)}).",
        )
    if decided and decided > admitted:
        raise DomainError("member.dates", "Quyết định kết nạp phải có trước lễ kết nạp.")


def probation_end(admitted: date) -> date:
    """The day probation ends: 12 months from the ceremony (§9 item 19)."""
    try:
        return admitted.replace(year=admitted.year + 1)
    except ValueError:  # 29/2 → 28/2 of the next year
        return admitted.replace(year=admitted.year + 1, day=28)


@dataclass(frozen=True)
class PartyAge:
    years: int
    days: int  # total days counted


def party_age(
    decided: date | None,
    admitted: date,
    confirmed: date | None,
    gaps: list[tuple[date, date]],
    on: date,
) -> PartyAge | None:
    """Party age on `on` (§2.3, §9 item 16): days from the admission decision (else the
    ceremony), minus the days of every gap (struck off, expelled, lost contact, transfer gap);
    None while the member is not official."""
    if confirmed is None or confirmed > on:
        return None
    start = decided or admitted
    counted = (on - start).days + 1
    for gap_start, gap_end in _merge(gaps):
        first, last = max(gap_start, start), min(gap_end, on)
        if first <= last:
            counted -= (last - first).days + 1
    counted = max(counted, 0)
    return PartyAge(years=_whole_years(start, on, counted), days=counted)


def _merge(gaps: list[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for first, last in sorted(gaps):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _whole_years(start: date, on: date, counted: int) -> int:
    """Whole years in `counted` days: the calendar years from start, shortened by the gaps."""
    missing = (on - start).days + 1 - counted
    end = on - timedelta(days=missing)
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(years, 0)


def check_one_place(periods: list[tuple[date, date | None, str]], name: str) -> None:
    """A member belongs to one official organization at a time (§9 item 21).

    `periods` are (from, to, organization name) of the official memberships.
    """
    rows = sorted(periods, key=lambda p: p[0])
    for (_start_a, end_a, org_a), (start_b, _end_b, org_b) in zip(rows, rows[1:], strict=False):
        if end_a is None or end_a >= start_b:
            raise DomainError(
                "member.two_places",
                f"{name} sinh hoạt chính thức ở hai tổ chức cùng ngày {format_date_short(start_b)}"
                f" ({org_a} và {org_b}).",
            )


def is_head_title(title: str) -> bool:
    """Whether a post's title makes its holder the head (người đứng đầu) of the organization:
    its secretary ("Bí thư Chi bộ…"), not a deputy ("Phó Bí thư…") (§9 item 8)."""
    return fold(title).startswith("bi thu")

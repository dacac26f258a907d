"""Every figure of a `ReviewFigures` under a stable key, with its printed Vietnamese form.

The narrative prints figures through these keys (so an edited draft keeps `{key}` placeholders
linked to the records), and the fact check matches the numbers of a draft against them.
Keys read like paths: "evaluation.members.excellent", "units.changes.1.after.ward",
"indicators.KT-DTBL.growth_yoy", "outreach.MTMKP.standing_members.covered".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tongket.domain.documents import LEVEL_PHRASES, UNIT_NOUNS
from tongket.domain.vnformat import format_decimal, format_int, format_percent
from tongket.reports.figures import LEVELS, ReviewFigures

RATIOS = ("share_of_target", "growth_yoy")


@dataclass(frozen=True)
class Fact:
    """One figure: its key, exact value, printed form and what it counts (in Vietnamese)."""

    key: str
    value: Decimal
    text: str
    label: str
    percent: bool = False  # the value is a ratio, printed as a percentage


def printed(value: Decimal | int, percent: bool = False) -> str:
    """The report's form: "1.579", "10.793,7", "15,12%" (two decimals at most, trimmed)."""
    if percent:
        return format_percent(value, places=2, trim=True)
    value = Decimal(value)
    if value == value.to_integral_value():
        return format_int(value)
    return format_decimal(value, places=min(2, max(1, -value.normalize().as_tuple().exponent)))


def facts_of(figures: ReviewFigures) -> dict[str, Fact]:
    """Every figure of the review under its key, in a stable order."""
    found: dict[str, Fact] = {}

    def add(key: str, value, label: str, percent: bool = False) -> None:
        if value is None or isinstance(value, bool):
            return
        value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        found[key] = Fact(key, value, printed(value, percent), label, percent)

    if figures.evaluation is not None:
        _evaluation(add, "evaluation", figures.evaluation)
    if figures.members is not None:
        m = figures.members
        for name in ("at_start", "at_end", "admitted"):
            add(f"members.{name}", getattr(m, name), _MEMBER_LABELS[name])
        # Differences are printed without their sign ("tăng 308"): the words carry it.
        add("members.change", abs(m.at_end - m.at_start), "chênh lệch đảng viên so với đầu kỳ")
    if figures.units is not None:
        _units(add, figures.units)
    if figures.meeting is not None:
        add("meeting.number", figures.meeting.number, "hội nghị lần thứ")
    for a in figures.awards:
        add(f"awards.{a.category}.orgs", a.orgs, f"{a.name}: tập thể")
        add(f"awards.{a.category}.members", a.members, f"{a.name}: cá nhân")
    for i in figures.indicators:
        add(f"indicators.{i.code}.actual", i.actual, f"{i.name} ({i.unit})")
        add(f"indicators.{i.code}.target", i.target, f"{i.name}: chỉ tiêu")
        add(f"indicators.{i.code}.share_of_target", i.share_of_target, f"{i.name}: tỷ lệ", True)
        add(f"indicators.{i.code}.growth_yoy", i.growth_yoy, f"{i.name}: so cùng kỳ", True)
    for o in figures.outreach:
        key = f"outreach.{o.code}.{o.body or 'all'}"
        add(f"{key}.covered", o.covered, f"{o.programme}: khu phố đã đến")
        add(f"{key}.of", o.of, f"{o.programme}: tổng số khu phố")
        add(f"{key}.visits", o.visits, f"{o.programme}: lượt")
    return found


_MEMBER_LABELS = {
    "at_start": "đảng viên đầu kỳ",
    "at_end": "đảng viên cuối kỳ",
    "admitted": "đảng viên kết nạp trong kỳ",
}
_GROUP_LABELS = {
    "grassroots": "tổ chức cơ sở đảng",
    "sub_branches": "chi bộ trực thuộc",
    "members": "đảng viên",
}
_LEVEL_LABELS = {"total": "tổng số", **LEVEL_PHRASES, "missing": "chưa có kết quả"}
_UNIT_LABELS = UNIT_NOUNS


def _evaluation(add, prefix: str, e) -> None:
    for group, label in _GROUP_LABELS.items():
        counts = getattr(e, group)
        for level in ("total", *LEVELS, "missing"):
            add(
                f"{prefix}.{group}.{level}",
                getattr(counts, level),
                f"{label} năm {e.year}: {_LEVEL_LABELS[level]}",
            )
    if e.streaks.years:
        s = e.streaks
        add(f"{prefix}.streaks.years", s.years, "số năm liền hoàn thành xuất sắc nhiệm vụ")
        add(f"{prefix}.streaks.orgs", s.orgs, f"tập thể hoàn thành xuất sắc {s.years} năm liền")
        add(f"{prefix}.streaks.members", s.members, f"đảng viên xuất sắc {s.years} năm liền")
    if e.previous is not None:
        _evaluation(add, f"{prefix}.previous", e.previous)
        for group, label in _GROUP_LABELS.items():
            now, before = getattr(e, group).excellent, getattr(e.previous, group).excellent
            add(
                f"{prefix}.change.{group}.excellent",
                abs(now - before),
                f"chênh lệch {label} hoàn thành xuất sắc nhiệm vụ so với năm {e.previous.year}",
            )


def _units(add, u) -> None:
    for level, word in _UNIT_LABELS.items():
        add(f"units.{level}", u.counts.get(level), f"số {word} cuối kỳ")
        add(f"units.at_start.{level}", u.at_start.get(level), f"số {word} đầu kỳ")
    for n, change in enumerate(u.changes, start=1):
        day = change.effective_on.strftime("%d/%m/%Y")
        for side, when in (("before", "trước"), ("after", "sau")):
            for level, word in _UNIT_LABELS.items():
                add(
                    f"units.changes.{n}.{side}.{level}",
                    getattr(change, side).get(level),
                    f"số {word} {when} sắp xếp ({day})",
                )
        add(f"units.changes.{n}.affected", change.affected, f"đơn vị thuộc diện sắp xếp ({day})")


def fact_keys(figures: ReviewFigures) -> set[str]:
    """The placeholders an edited draft may use."""
    return set(facts_of(figures))

"""Fact check of a hand-written review: every figure of the text against the record's figures.

Pure rules, no database. `extract` finds the figures a draft writes ("16/76", "1.579",
"10.793,7", "15,12%", "lần thứ 25") and sets aside what only looks like one (dates, years,
document numbers, unit names, "6 tháng đầu năm", roman ordinals). `check` places each figure
against the facts of the records (`tongket.reports.facts`: key, value, printed text, Vietnamese
label) by value and by the words around it:

- matched: a fact with the same value fits the words best;
- differs: the words point clearly at one fact (what is counted, at which level, which year,
  before or after a reorganization, which award or indicator) and its value is another one;
- unplaced: anything else. Nothing is called wrong on a hunch: a weak or ambiguous context
  leaves the figure unplaced, for a person to look at.

The score of a fact for a figure adds evidence (the counted noun, the level, the side of a
reorganization, words of the fact's label found near the figure); a word that rules the fact
out (another level, another year, another noun) removes it. The order of the facts breaks ties,
so the same text and facts always give the same answer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from tongket.domain.errors import DomainError
from tongket.domain.vnformat import parse_number

CONTEXT = 60  # characters of text kept on each side of a figure
MIN_EVIDENCE = 3  # below this a fact is not considered at all
STRONG = 6  # "differs" needs at least this: the noun plus two qualifiers
MATCHED, DIFFERS, UNPLACED = "matched", "differs", "unplaced"

# Weights of the evidence (integers, so ties are exact).
W_SUBJECT = 4  # the counted noun ("đảng viên", "khu phố", "tỷ đồng", "%") fits
W_QUALIFIER = 2  # a level, a streak, a marker of the fact's kind
W_SIDE = 3  # "trước/sau sắp xếp" fits the side of a reorganization
W_NAME = 4  # the whole name of an award or indicator is near the figure


class FactLike(Protocol):
    """What the check needs of a fact (`tongket.reports.facts.Fact` has it)."""

    key: str
    value: Decimal
    text: str
    label: str
    percent: bool


@dataclass(frozen=True)
class Figure:
    """A figure as written: `kind` is number, pair ("16/76"), percent or ordinal ("lần thứ
    25"); `values` holds one value, or two for a pair; `places` the decimals written."""

    text: str
    start: int
    end: int
    kind: str
    values: tuple[Decimal, ...]
    places: int
    before: str  # the text before it, up to CONTEXT characters of its line
    after: str
    noun: str = ""  # what it counts, as written right after it ("chi, đảng bộ")

    @property
    def context(self) -> str:
        return f"{self.before}{self.text}{self.after}"


@dataclass(frozen=True)
class Skipped:
    """Something written with digits that is not a figure of the review."""

    text: str
    start: int
    kind: str  # date, year, document, name, period, ordinal


@dataclass(frozen=True)
class Finding:
    """Where a figure was placed; `keys` has one key per value (two for a pair), `expected`
    is the records' printed form of those facts ("16/76")."""

    figure: Figure
    status: str
    keys: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    expected: str = ""
    alternatives: tuple[str, ...] = ()  # other facts that fit as well (same score)


@dataclass(frozen=True)
class CheckResult:
    """Every figure of a text with its place, and what was set aside as not a figure."""

    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]

    def of(self, status: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == status)

    @property
    def matched(self) -> tuple[Finding, ...]:
        return self.of(MATCHED)

    @property
    def differs(self) -> tuple[Finding, ...]:
        return self.of(DIFFERS)

    @property
    def unplaced(self) -> tuple[Finding, ...]:
        return self.of(UNPLACED)


# --- words ------------------------------------------------------------------------------------
_TONES = {
    "a": dict(zip("áàảãạ", "óòỏõọ", strict=True)),
    "e": dict(zip("éèẻẽẹ", "óòỏõọ", strict=True)),
    "y": dict(zip("ýỳỷỹỵ", "úùủũụ", strict=True)),
}
_OLD_TONE = re.compile(r"([ou])([áàảãạéèẻẽẹýỳỷỹỵ])(?!\w)")


def _tone(m: re.Match) -> str:
    first, marked = m.group(1), m.group(2)
    for bare, moved in _TONES.items():
        if marked in moved and (first, bare) in (("o", "a"), ("o", "e"), ("u", "y")):
            return moved[marked] + bare
    return m.group(0)


def norm(text: str) -> str:
    """Lower case, composed, one tone placement ("hoá" = "hóa", "uỷ" = "ủy"), one space."""
    text = unicodedata.normalize("NFC", text).lower()
    text = _OLD_TONE.sub(_tone, text)
    return re.sub(r"\s+", " ", text)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", norm(text))


def _bigrams(text: str) -> set[tuple[str, str]]:
    words = _words(text)
    return set(zip(words, words[1:], strict=False)) or {(w, "") for w in words}


def overlap(name: str, text: str) -> float:
    """Share of the name's word pairs found in the text (1.0: the whole name is there)."""
    wanted = _bigrams(name)
    if not wanted:
        return 0.0
    found = _bigrams(text) | {(w, "") for w in _words(text)}
    return len(wanted & found) / len(wanted)


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


# --- extraction -------------------------------------------------------------------------------
_CHUNK = re.compile(r"(?<![\w.,/-])\d+(?:[.,/]\d+)*")
_CODE_AFTER = re.compile(r"\s*[-/]\s*[A-ZĐÂĂÊÔƠƯ]")
_DOC_BEFORE = re.compile(
    r"(nghị quyết|chỉ thị|kết luận|quy định|quyết định|thông báo|hướng dẫn|công văn|thông tư|"
    r"nghị định|tờ trình|văn bản|điều|khoản|luật)( số)? ?$"
)
_NAME_BEFORE = re.compile(r"(^|[^\w])(quận|phường|xã|khu phố|ấp|tổ|thôn|đường|số nhà) ?$")
_DATE_BEFORE = re.compile(r"(^|[^\w])(ngày|sáng|chiều|tối|trưa|đêm|hôm|tháng) ?$")
_DATE_AFTER = re.compile(r"^ ?(vừa qua|tới|hằng năm|hàng năm)")
_WEEKDAY_BEFORE = re.compile(r"(?<!lần )thứ ?$")
_ORDINAL_BEFORE = re.compile(r"lần thứ ?$")
_PERIOD_AFTER = re.compile(r"^ ?tháng (đầu|cuối|năm)")
_ROMAN = re.compile(r"(?i:lần thứ|khóa|khoá|nhiệm kỳ|quý)\s+([IVXLC]+)\b")


def extract(text: str) -> tuple[list[Figure], list[Skipped]]:
    """Every figure of the text, in reading order, and the digits that are not figures."""
    text = unicodedata.normalize("NFC", text)
    figures: list[Figure] = []
    skipped = [Skipped(m.group(0), m.start(), "ordinal") for m in _ROMAN.finditer(text)]
    for m in _CHUNK.finditer(text):
        raw, start, end = m.group(0), m.start(), m.end()
        near_before = norm(text[max(0, start - 25) : start])
        near_after = norm(text[end : end + 25])
        kind = _not_a_figure(raw, near_before, near_after, text[end : end + 4])
        if kind:
            skipped.append(Skipped(raw, start, kind))
            continue
        found = _figure(text, raw, start, end, near_before)
        if found is None:
            skipped.append(Skipped(raw, start, "unreadable"))
        else:
            figures.append(found)
    skipped.sort(key=lambda s: s.start)
    return figures, skipped


def _not_a_figure(raw: str, before: str, after: str, raw_after: str) -> str:
    """Why the digits are not a figure ("" when they are one)."""
    if _CODE_AFTER.match(raw_after) or _DOC_BEFORE.search(before):
        return "document"
    if _NAME_BEFORE.search(before) and not _COUNT_NOUN_AFTER.match(after):
        return "name"  # "Quận 3", "Phường 5", "đường 3/2"; not "toàn quận 12 phường"
    parts = raw.split("/")
    if len(parts) >= 3 or re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", raw):
        return "date"
    if (
        len(parts) == 2
        and _is_day_month(parts)
        and (_DATE_BEFORE.search(before) or _DATE_AFTER.match(after))
    ):
        return "date"
    if len(parts) == 1:
        if _DATE_BEFORE.search(before) or _WEEKDAY_BEFORE.search(before):
            return "date"
        if re.fullmatch(r"(19|20)\d\d", raw) and not _COUNT_NOUN_AFTER.match(after):
            return "year"
        if _PERIOD_AFTER.match(after):
            return "period"
    return ""


def _is_day_month(parts: list[str]) -> bool:
    return all(p.isdigit() for p in parts) and 1 <= int(parts[0]) <= 31 and 1 <= int(parts[1]) <= 12


def _figure(text: str, raw: str, start: int, end: int, before: str) -> Figure | None:
    percent = re.match(r"\s?%", text[end : end + 2])
    shown_end = end + percent.end() if percent else end
    try:
        values = tuple(parse_number(p) for p in raw.split("/"))
    except DomainError:
        return None
    if percent and len(values) == 1:
        kind = "percent"
    elif len(values) == 2 and not percent:
        kind = "pair"
    elif len(values) == 1:
        kind = "ordinal" if _ORDINAL_BEFORE.search(before) else "number"
    else:
        return None
    places = max(max(-v.as_tuple().exponent, 0) for v in values)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", shown_end)
    line_end = len(text) if line_end < 0 else line_end
    return Figure(
        text=text[start:shown_end],
        start=start,
        end=shown_end,
        kind=kind,
        values=values,
        places=places,
        before=text[max(line_start, start - CONTEXT) : start],
        after=text[shown_end : min(line_end, shown_end + CONTEXT)],
    )


# --- the scene around a figure ----------------------------------------------------------------
STATIC_NOUNS = (
    ("chi bộ trực thuộc", "sub_branches"),
    ("chi bộ cơ sở", "grassroots"),
    ("chi, đảng bộ", "grassroots"),
    ("chi bộ, đảng bộ", "grassroots"),
    ("tổ chức cơ sở đảng", "grassroots"),
    ("tổ chức đảng", "grassroots"),
    ("đảng bộ cơ sở", "grassroots"),
    ("cơ sở đảng", "grassroots"),
    ("chi bộ", "sub_branches"),
    ("đảng viên", "person"),
    ("cá nhân", "person"),
    ("đồng chí", "person"),
    ("tập thể", "collective"),
    ("tổ dân phố", "resident_group"),
    ("khu phố", "neighbourhood"),
    ("phường", "ward"),
    ("đơn vị hành chính", "unit"),
    ("đơn vị", "unit"),
    ("năm liền", "streak_years"),
    ("năm", "years"),
    ("lượt", "visits"),
)
# A number followed by one of these counts something, even after "quận" or looking like a year.
_COUNTED = "|".join(re.escape(w) for w, _s in STATIC_NOUNS if w != "năm")
_COUNT_NOUN_AFTER = re.compile(rf"^ ?({_COUNTED}|hộ|người|doanh nghiệp|tỷ|triệu)(?!\w)")
UNIT_LEVELS = ("ward", "neighbourhood", "resident_group")
LEVEL_PHRASES = (
    ("không hoàn thành nhiệm vụ", "not_completed"),
    ("hoàn thành xuất sắc", "excellent"),
    ("htxsnv", "excellent"),
    ("hoàn thành tốt nhiệm vụ", "good"),
    ("httnv", "good"),
    ("hoàn thành nhiệm vụ", "completed"),
    ("htnv", "completed"),
    ("không xếp loại", "unclassified"),
    ("chưa xếp loại", "unclassified"),
    ("chưa có kết quả", "missing"),
)
# Bodies of an organization that visit ("Thường trực Quận ủy đã đến thăm 20/112 khu phố"),
# by the codes of PartyBody (tongket/party/models.py), longest words first.
BODY_WORDS = (
    ("ban thường vụ", "standing"),
    ("thường trực", "standing_members"),
    ("ban chấp hành", "executive"),
    ("ủy ban kiểm tra", "inspection"),
    ("ủy ban nhân dân", "people_committee"),
    ("ubnd", "people_committee"),
    ("hội đồng nhân dân", "people_council"),
    ("hđnd", "people_council"),
)
AWARD_WORDS = r"khen|tặng|trao|thưởng|danh hiệu|biểu dương"
EVALUATION_WORDS = r"đánh giá|xếp loại"
SIDE = re.compile(r"(trước|sau)( khi)? (sắp xếp|sáp nhập|điều chỉnh|thành lập)")
AFFECTED = r"thuộc diện|phải sắp xếp|bị ảnh hưởng"
START_WORDS = r"đầu kỳ|đầu năm"
END_WORDS = r"cuối kỳ|hiện có|hiện nay|đến nay|cuối năm"
PLAN_WORDS = r"kế hoạch|chỉ tiêu|dự toán|mục tiêu"
GROWTH_WORDS = r"cùng kỳ|năm trước|tăng|giảm"
VISIT_WORDS = r"thăm|đến|làm việc|tiếp xúc"


@dataclass(frozen=True)
class Scene:
    """What the words around a figure say: the noun counted, the level, year, side of a
    reorganization, and the stretches of text the names of facts are looked for in."""

    subject: str | None
    noun: str
    level: str | None
    year: int | None
    side: str | None
    streak: bool
    lead: str  # the clause up to the figure
    predicate: str  # after the figure, through a list sharing one predicate
    sentence: str  # the sentence up to the figure
    whole: str  # the whole sentence

    def says(self, pattern: str, where: str = "whole") -> bool:
        return _has(pattern, getattr(self, where))


def _bounds(text: str, pos: int) -> tuple[int, int]:
    """The sentence around pos: up to ".!?" before a space, or a line break."""
    ends = re.compile(r"[.!?…](?=\s)|\n")
    start = max((m.end() for m in ends.finditer(text, 0, pos)), default=0)
    after = ends.search(text, pos)
    return start, after.start() if after else len(text)


def _noun(after: str, nouns) -> tuple[str, str | None]:
    head = norm(after).lstrip()
    for words, subject in nouns:
        if head.startswith(words) and not re.match(r"\w", head[len(words) : len(words) + 1]):
            return words, subject
    return "", None


def _level(text: str) -> str | None:
    hits = [(text.find(p), -len(p), level) for p, level in LEVEL_PHRASES if p in text]
    return min(hits)[2] if hits else None


def scenes(text: str, figures: list[Figure], nouns) -> list[Scene]:
    """The scene of every figure (the figures' neighbours bound the predicates)."""
    text = unicodedata.normalize("NFC", text)
    return [_scene(text, figures, i, nouns) for i in range(len(figures))]


def _scene(text: str, figures: list[Figure], i: int, nouns) -> Scene:
    f = figures[i]
    s_start, s_end = _bounds(text, f.start)
    c_start = max(s_start, text.rfind(";", s_start, f.start) + 1)
    c_end = text.find(";", f.end, s_end)
    c_end = s_end if c_end < 0 else c_end
    noun, subject = ("%", "percent") if f.kind == "percent" else _noun(text[f.end : c_end], nouns)
    if f.kind == "ordinal":
        noun, subject = "lần thứ", "meeting"
    predicate = norm(text[f.end : _predicate_end(text, figures, i, c_end, nouns)])
    sentence = norm(text[s_start : f.start])
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", sentence)]
    later = re.search(r"năm ((?:19|20)\d\d)(?!\d)", predicate)
    sides = SIDE.findall(sentence)
    return Scene(
        subject=subject,
        noun=noun,
        level=_level(predicate),
        year=years[-1] if years else (int(later.group(1)) if later else None),
        side={"trước": "before", "sau": "after"}[sides[-1][0]] if sides else None,
        streak="năm liền" in predicate or subject == "streak_years",
        lead=norm(text[c_start : f.start]),
        predicate=predicate,
        sentence=sentence,
        whole=norm(text[s_start:s_end]),
    )


def _predicate_end(text: str, figures: list[Figure], i: int, c_end: int, nouns) -> int:
    """Where the words about figure i end: at the next figure of the clause, unless the words
    between are only its noun ("16/76 chi, đảng bộ, 1.579 đảng viên hoàn thành …" share one
    predicate), and through a following "5 năm liền" that qualifies it."""
    end, j = c_end, i + 1
    while j < len(figures) and figures[j].start < c_end:
        between = norm(text[figures[j - 1].end : figures[j].start])
        noun, _subject = _noun(between, nouns)
        rest = between.strip()[len(noun) :]
        if re.fullmatch(r"[\s,()]*(và|cùng)?[\s,()]*", rest):
            j += 1  # only a noun in between: the list goes on
            continue
        end = figures[j].start
        break
    while j < len(figures) and figures[j].start < c_end and end == figures[j].start:
        noun, _subject = _noun(text[figures[j].end : c_end], nouns)
        if noun not in ("năm liền", "năm"):
            break
        j += 1
        end = figures[j].start if j < len(figures) and figures[j].start < c_end else c_end
    return end


# --- facts ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Profile:
    """What a fact counts, read from its key (a stable path) and its label."""

    family: str  # eval, streak, members, units, change, affected, meeting, award, indicator,
    #              outreach, other
    part: str  # the last part of the key: a level, "orgs", "actual", "covered", …
    subject: str | None
    year: int | None = None
    side: str | None = None
    changed: bool = False
    streak: bool = False
    name: str = ""  # the name of the award, indicator or programme
    body: str = ""  # outreach: the visiting body ("all" for every visit)
    previous: bool = False  # the year before the review's ("evaluation.previous.…")


def profile(fact: FactLike, facts: dict[str, FactLike]) -> Profile:
    parts = fact.key.split(".")
    head, last = parts[0], parts[-1]
    if head == "evaluation":
        return _evaluation_profile(fact, parts)
    if head == "members":
        return Profile("members", last, "person")
    if head == "units":
        return _unit_profile(parts, facts)
    if head == "meeting":
        return Profile("meeting", last, "meeting")
    if head == "awards":
        name = fact.label.rsplit(":", 1)[0]
        subject = {"orgs": "collective", "members": "person"}.get(last)
        return Profile("award", last, subject, streak="năm liền" in norm(name), name=name)
    if head == "indicators":
        return _indicator_profile(fact, parts, facts)
    if head == "outreach" and len(parts) == 4:
        subject = "visits" if last == "visits" else "neighbourhood"
        name = fact.label.rsplit(":", 1)[0]
        return Profile("outreach", last, subject, name=name, body=parts[2])
    return Profile("other", last, None)


def _evaluation_profile(fact: FactLike, parts: list[str]) -> Profile:
    last = parts[-1]
    if "streaks" in parts:
        subject = {"years": "streak_years", "orgs": "collective", "members": "person"}.get(last)
        return Profile("streak", last, subject, streak=True)
    group = parts[-2]
    subject = {"members": "person"}.get(group, group)
    year = re.search(r"năm ((?:19|20)\d\d)", fact.label)
    return Profile(
        "eval",
        last,
        subject,
        year=int(year.group(1)) if year else None,
        previous="previous" in parts,
    )


def _unit_profile(parts: list[str], facts: dict[str, FactLike]) -> Profile:
    last = parts[-1]
    if parts[1] != "changes":
        return Profile("units", "start" if parts[1] == "at_start" else "end", last)
    if last == "affected":
        return Profile("affected", last, "unit")
    other = {"before": "after", "after": "before"}[parts[3]]
    twin = facts.get(".".join([*parts[:3], other, last]))
    mine = facts[".".join(parts)].value
    changed = twin is not None and twin.value != mine
    return Profile("change", last, last, side=parts[3], changed=changed)


def _indicator_profile(fact: FactLike, parts: list[str], facts: dict[str, FactLike]) -> Profile:
    last = parts[-1]
    name = fact.label.rsplit(":", 1)[0]
    if last in ("share_of_target", "growth_yoy"):
        return Profile("indicator", last, "percent", name=name)
    # The unit is printed in the actual's label only: "Tổng thu ngân sách Nhà nước (tỷ đồng)".
    actual = facts.get(".".join([*parts[:-1], "actual"]))
    unit = re.search(r" ?\(([^()]*)\)$", actual.label) if actual else None
    if last == "actual" and unit:
        name = fact.label[: unit.start()]
    return Profile("indicator", last, "u:" + norm(unit.group(1)) if unit else None, name=name)


def nouns_of(profiles: dict[str, Profile]):
    """The static nouns and the indicators' units ("tỷ đồng", "doanh nghiệp"), longest first."""
    units = {p.subject[2:] for p in profiles.values() if p.subject and p.subject.startswith("u:")}
    found = list(STATIC_NOUNS) + [(u, "u:" + u) for u in units if u]
    return sorted(found, key=lambda n: -len(n[0]))


def _subject_fits(said: str | None, fact: str | None) -> bool:
    if said is None or said == fact:
        return True
    units = ("unit", *UNIT_LEVELS)
    return said in units and fact in units and "unit" in (said, fact)


# --- scoring ----------------------------------------------------------------------------------
def score(scene: Scene, fact: FactLike, p: Profile, role: str = "single") -> int | None:
    """How well the fact fits the words around the figure; None when the words rule it out.
    `role` is "num" or "den" for the two halves of a pair ("16/76"), else "single"."""
    if (scene.subject == "percent") != bool(fact.percent):
        return None
    if not _subject_fits(scene.subject, p.subject):
        return None
    base = W_SUBJECT if scene.subject and p.subject else 0
    if scene.subject == "percent":
        base = W_QUALIFIER  # every ratio is a percentage: the sign alone says little
    rule = _RULES.get(p.family)
    extra = rule(scene, p, role) if rule else None
    return None if extra is None else base + extra


def _eval_rule(scene: Scene, p: Profile, role: str) -> int | None:
    if scene.streak:
        return None
    points = 0
    if role == "den" or (role == "single" and scene.level is None):
        if p.part != "total":
            return None
    elif scene.level != p.part:
        return None
    else:
        points += W_QUALIFIER
    if scene.year is not None and p.year is not None:
        if scene.year != p.year:
            return None
        points += 1
    elif p.previous:
        points -= 2  # the year before is meant only when the text names it
    return points + (1 if scene.says(EVALUATION_WORDS) else 0)


def _streak_rule(scene: Scene, p: Profile, role: str) -> int | None:
    if not scene.streak or role == "den":
        return None
    return W_QUALIFIER + (1 if scene.says(AWARD_WORDS) or scene.says(EVALUATION_WORDS) else 0)


def _members_rule(scene: Scene, p: Profile, role: str) -> int | None:
    if scene.level or scene.streak or role != "single":
        return None
    if p.part == "admitted":
        return W_SIDE if scene.says("kết nạp") else None
    words = START_WORDS if p.part == "at_start" else END_WORDS
    return W_QUALIFIER if scene.says(words, "sentence") else 0


def _units_rule(scene: Scene, p: Profile, role: str) -> int | None:
    if role != "single" or scene.says(AFFECTED, "predicate"):
        return None
    if (p.part, scene.side) in (("end", "before"), ("start", "after")):
        return None
    words = START_WORDS if p.part == "start" else END_WORDS
    return W_QUALIFIER if scene.says(words, "sentence") else 0


def _change_rule(scene: Scene, p: Profile, role: str) -> int | None:
    if role != "single" or scene.says(AFFECTED, "predicate"):
        return None
    if scene.side is None:
        points = -1
    elif scene.side == p.side:
        points = W_SIDE
    else:
        return None
    return points + (1 if p.changed else 0)


def _affected_rule(scene: Scene, p: Profile, role: str) -> int | None:
    return W_SIDE if role == "single" and scene.says(AFFECTED, "predicate") else None


def _meeting_rule(scene: Scene, p: Profile, role: str) -> int | None:
    if role != "single":
        return None
    return W_QUALIFIER if _has(r"hội nghị (\w+ )?lần thứ ?$", scene.lead) else 0


def _award_rule(scene: Scene, p: Profile, role: str) -> int | None:
    if role == "den" or not scene.says(AWARD_WORDS) or scene.streak != p.streak:
        return None
    points = 1 + (W_QUALIFIER if p.streak else 0)
    return points + _half_up(W_NAME * overlap(p.name, scene.predicate))


def _indicator_rule(scene: Scene, p: Profile, role: str) -> int | None:
    name = _half_up(W_NAME * overlap(p.name, scene.lead + " " + scene.predicate))
    name = name if name >= W_NAME // 2 else 0
    tail = " ".join(scene.lead.split()[-4:])
    head = " ".join(scene.predicate.split()[:5])
    plan = _has(PLAN_WORDS, head) or (_has(PLAN_WORDS, tail) and p.part != "growth_yoy")
    growth = _has(GROWTH_WORDS, head) or _has(r"tăng|giảm", tail)
    if p.part == "share_of_target":
        return None if growth and not plan else name + (W_QUALIFIER if plan else 0)
    if p.part == "growth_yoy":
        return None if plan and not growth else name + (W_QUALIFIER if growth else 0)
    if p.part == "target":
        return name + W_QUALIFIER if (role == "den" or _has(PLAN_WORDS, tail)) else None
    if p.part == "actual" and role == "den":
        return None
    return None if _has(PLAN_WORDS, tail) else name


def _outreach_rule(scene: Scene, p: Profile, role: str) -> int | None:
    wanted = {"covered": ("num", "single"), "of": ("den", "single"), "visits": ("single",)}
    if role not in wanted.get(p.part, ()):
        return None
    bodies = {code for words, code in BODY_WORDS if words in scene.sentence}
    if p.body == "all":
        points = -1 if bodies else 0
    elif p.body in bodies:
        points = W_QUALIFIER
    elif bodies:
        return None
    else:
        points = -1
    points += 1 if scene.says(VISIT_WORDS, "sentence") else 0
    return points + _half_up(2 * overlap(p.name, scene.whole))


_RULES = {
    "eval": _eval_rule,
    "streak": _streak_rule,
    "members": _members_rule,
    "units": _units_rule,
    "change": _change_rule,
    "affected": _affected_rule,
    "meeting": _meeting_rule,
    "award": _award_rule,
    "indicator": _indicator_rule,
    "outreach": _outreach_rule,
}


def _half_up(x: float) -> int:
    return int(Decimal(str(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- values -----------------------------------------------------------------------------------
def same_value(written: Decimal, places: int, fact: FactLike) -> bool:
    """The written value is the fact's, rounded as written: "15,12%" = 0.151193; "44%" =
    0.440027; "10.794" = 10793.7 (a draft may print fewer decimals, never other digits)."""
    value = Decimal(fact.value) * 100 if fact.percent else Decimal(fact.value)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent <= places:
        return value == written
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == written


# --- placing ----------------------------------------------------------------------------------
Option = tuple[int, tuple[FactLike, ...]]  # a score and the fact(s): one, or two for a pair


def check(text: str, facts: dict[str, FactLike]) -> CheckResult:
    """Every figure of the text placed against the facts (matched / differs / unplaced)."""
    figures, skipped = extract(text)
    profiles = {key: profile(fact, facts) for key, fact in facts.items()}
    nouns = nouns_of(profiles)
    findings = []
    for figure, scene in zip(figures, scenes(text, figures, nouns), strict=True):
        noun_figure = _with_noun(figure, scene)
        options = _options(noun_figure, scene, facts, profiles)
        findings.append(_place(noun_figure, options))
    return CheckResult(tuple(findings), tuple(skipped))


def _with_noun(figure: Figure, scene: Scene) -> Figure:
    return replace(figure, noun=scene.noun)


def _options(figure: Figure, scene: Scene, facts, profiles) -> list[Option]:
    found: list[Option] = []
    if figure.kind == "pair":
        for num, den in _pairs(facts):
            a = score(scene, facts[num], profiles[num], "num")
            b = score(scene, facts[den], profiles[den], "den")
            if a is not None and b is not None and a >= MIN_EVIDENCE:
                found.append((a, (facts[num], facts[den])))
        return found
    for key, fact in facts.items():
        s = score(scene, fact, profiles[key])
        if s is not None and s >= MIN_EVIDENCE:
            found.append((s, (fact,)))
    return found


def _pairs(facts) -> list[tuple[str, str]]:
    """Facts that are written as "x/y": a level over the total, visited over existing
    neighbourhoods, an actual over its target."""
    pairs = []
    for key in facts:
        base, _dot, last = key.rpartition(".")
        other = {"covered": "of", "actual": "target"}.get(last)
        if key.startswith("evaluation.") and last not in ("total", "years", "orgs", "members"):
            other = "total"
        if other and f"{base}.{other}" in facts:
            pairs.append((key, f"{base}.{other}"))
    return pairs


def _equal(figure: Figure, facts: tuple[FactLike, ...]) -> bool:
    return all(same_value(v, figure.places, f) for v, f in zip(figure.values, facts, strict=True))


def _place(figure: Figure, options: list[Option]) -> Finding:
    if not options:
        return Finding(figure, UNPLACED)
    best = max(s for s, _f in options)
    top = [f for s, f in options if s == best]
    equal_top = [f for f in top if _equal(figure, f)]
    if equal_top:
        return _finding(figure, MATCHED, equal_top)
    values = {tuple(x.value for x in f) for f in top}
    if best >= STRONG and len(values) == 1:
        return _finding(figure, DIFFERS, top)
    # Facts of the same value that fit less well than another: shown, not claimed.
    near = [f for _s, f in sorted(options, key=lambda o: -o[0]) if _equal(figure, f)]
    return Finding(figure, UNPLACED, alternatives=tuple(f[0].key for f in near[:3]))


def _finding(figure: Figure, status: str, chosen: list[tuple[FactLike, ...]]) -> Finding:
    first = chosen[0]
    return Finding(
        figure,
        status,
        keys=tuple(f.key for f in first),
        labels=tuple(f.label for f in first),
        expected="/".join(f.text for f in first),
        alternatives=tuple(f[0].key for f in chosen[1:]),
    )

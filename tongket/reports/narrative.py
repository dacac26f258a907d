"""The Vietnamese narrative of a review, written from its figures only (pure: no database).

Each section is a function of `ReviewFigures` that returns paragraphs whose figures are `Span`s
naming their key in `facts_of(figures)`, plus the tables and charts of that section. A section
without records says so in one sentence (the reason from `figures.missing`) rather than
printing zeros as if they were results. Numbers and dates take the forms of the published
reviews: "16/76 chi, đảng bộ", "1.579 đảng viên", "15,12%", "ngày 15/01/2025".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tongket.domain.documents import BODY_NOUNS, LEVEL_PHRASES, UNIT_NOUNS, unit_word
from tongket.domain.vnformat import format_date_short
from tongket.reports.document import Chart, Paragraph, Section, Span, Table
from tongket.reports.facts import Fact, facts_of, printed
from tongket.reports.figures import LevelCounts, ReviewFigures

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


class Writer:
    """Builds paragraphs of words and figures: `w.say("có ", ("evaluation.…", …))`."""

    def __init__(self, facts: dict[str, Fact]):
        self.facts = facts

    def has(self, key: str) -> bool:
        return key in self.facts

    def value(self, key: str):
        fact = self.facts.get(key)
        return fact.value if fact else None

    def para(self, *parts) -> Paragraph:
        """Words as strings, figures as their keys wrapped in a 1-tuple: ("key",)."""
        spans = []
        for part in parts:
            if isinstance(part, tuple):
                fact = self.facts[part[0]]
                spans.append(Span(fact.text, fact.key))
            elif part:
                spans.append(Span(part))
        return Paragraph(_merge(spans))

    def link(self, text: str, keys: Iterable[str]) -> Paragraph:
        """A sentence written elsewhere (an indicator's), with its figures tied to their keys."""
        by_text = {self.facts[k].text: k for k in keys if k in self.facts}
        if not by_text:
            return Paragraph((Span(text),))
        pattern = "|".join(re.escape(t) for t in sorted(by_text, key=len, reverse=True))
        spans, last = [], 0
        for m in re.finditer(rf"(?<![\d.,])(?:{pattern})(?![\d]|,\d)", text):
            spans.append(Span(text[last : m.start()]))
            spans.append(Span(m.group(0), by_text[m.group(0)]))
            last = m.end()
        spans.append(Span(text[last:]))
        return Paragraph(_merge([s for s in spans if s.text]))


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    out: list[Span] = []
    for s in spans:
        if out and not s.figure and not out[-1].figure:
            out[-1] = Span(out[-1].text + s.text)
        else:
            out.append(s)
    return tuple(out)


def join_vi(items: list[str]) -> str:
    """ "a, b và c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- sections ---------------------------------------------------------------------------------
def sections_of(figures: ReviewFigures, issuer: str, short: str) -> tuple[Section, ...]:
    """The body of the report: an opening, then numbered sections in the order of the seeds.
    `issuer` is the committee's name ("Quận ủy Bình Thạnh"), `short` its kind ("Quận ủy")."""
    w = Writer(facts_of(figures))
    parts = [
        ("party", "CÔNG TÁC XÂY DỰNG ĐẢNG", _party(w, figures)),
        ("government", "CÔNG TÁC XÂY DỰNG CHÍNH QUYỀN", _government(w, figures)),
        ("mobilization", "CÔNG TÁC DÂN VẬN", _mobilization(w, figures, short)),
        ("economy", "PHÁT TRIỂN KINH TẾ - VĂN HÓA - XÃ HỘI", _economy(w, figures)),
        ("awards", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG", _awards(w, figures)),
        ("tasks", "PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", _tasks(w, figures)),
    ]
    sections = [Section("opening", "", "", _opening(w, figures, issuer))]
    for n, (key, title, blocks) in enumerate(parts):
        sections.append(Section(key, f"{ROMAN[n]}.", title, tuple(blocks)))
    return tuple(sections)


def _missing(figures: ReviewFigures, *words: str) -> list[Paragraph]:
    """The reasons in `missing` that concern a section, said instead of zeros."""
    found = [m for m in figures.missing if any(word in m.lower() for word in words)]
    return [Paragraph((Span(m),)) for m in found]


def _opening(w: Writer, f: ReviewFigures, issuer: str) -> tuple:
    blocks = []
    if f.meeting is not None:
        title = f.meeting.title[:1].lower() + f.meeting.title[1:]
        day = format_date_short(f.meeting.held_on)
        blocks.append(w.para(f"Ngày {day}, {issuer} tổ chức {title}."))
    blocks.append(
        w.para(
            f"Báo cáo tổng hợp kết quả {f.period_label} của {f.org_name} từ dữ liệu quản lý "
            f"tính đến ngày {format_date_short(f.as_of)}."
        )
    )
    if f.in_progress:
        blocks.append(w.para(f"Kỳ {f.period} chưa kết thúc: các số liệu là số tạm tính."))
    return tuple(blocks)


def _party(w: Writer, f: ReviewFigures) -> list:
    blocks: list = []
    if f.members is not None:
        blocks.append(_members_paragraph(w, f))
    if f.evaluation is None:
        return blocks + _missing(f, "đánh giá")
    e = f.evaluation
    blocks.append(_evaluation_paragraph(w, e.year))
    if (cmp := _evaluation_comparison(w, e)) is not None:
        blocks.append(cmp)
    if e.streaks.years and (e.streaks.orgs or e.streaks.members):
        blocks.append(_streak_paragraph(w, e))
    blocks.append(_evaluation_table(e))
    blocks.append(_evaluation_chart(e))
    return blocks


def _members_paragraph(w: Writer, f: ReviewFigures) -> Paragraph:
    m = f.members
    parts: list = [f"Đến ngày {format_date_short(f.as_of)}, {f.org_name} có ", ("members.at_end",)]
    parts.append(" đảng viên")
    if m.admitted:
        parts += ["; trong kỳ kết nạp ", ("members.admitted",), " đảng viên mới"]
    else:
        parts.append("; trong kỳ chưa kết nạp đảng viên mới")
    delta = m.at_end - m.at_start
    if delta:
        direction = "tăng" if delta > 0 else "giảm"
        parts += [
            f", {direction} ",
            ("members.change",),
            " đảng viên so với đầu kỳ (",
            ("members.at_start",),
            " đảng viên)",
        ]
    parts.append(".")
    return w.para(*parts)


def _evaluation_paragraph(w: Writer, year: int) -> Paragraph:
    """ "năm 2024 có 16/76 chi, đảng bộ, 1.579 đảng viên hoàn thành xuất sắc nhiệm vụ; …"."""
    k = "evaluation."
    clauses = []
    for level, phrase in LEVEL_PHRASES.items():
        if level == "unclassified":
            continue  # said after the sub-branches, as the seeds keep the levels together
        orgs = w.value(f"{k}grassroots.{level}") or 0
        members = w.value(f"{k}members.{level}") or 0
        if not orgs and not members:
            continue
        clause: list = []
        if orgs:
            clause += [(f"{k}grassroots.{level}",)]
            if level == "excellent":
                clause += ["/", (f"{k}grassroots.total",)]
            clause.append(" chi, đảng bộ")
        if members:
            clause += [", " if orgs else "", (f"{k}members.{level}",), " đảng viên"]
        clauses.append([*clause, f" {phrase}"])
    if w.value(f"{k}sub_branches.excellent"):
        clauses.append(
            [
                (f"{k}sub_branches.excellent",),
                "/",
                (f"{k}sub_branches.total",),
                " chi bộ trực thuộc đảng bộ cơ sở hoàn thành xuất sắc nhiệm vụ",
            ]
        )
    if w.value(f"{k}members.unclassified"):
        clauses.append([(f"{k}members.unclassified",), " đảng viên không xếp loại"])
    parts: list = [
        f"Qua đánh giá, xếp loại tổ chức cơ sở đảng và đảng viên, năm {year} có ",
    ]
    for n, clause in enumerate(clauses):
        parts += (["; "] if n else []) + clause
    if not clauses:
        parts.append("chưa có tổ chức, đảng viên nào được xếp loại")
    if not w.value(f"{k}grassroots.not_completed") and not w.value(f"{k}members.not_completed"):
        parts.append("; không có tổ chức cơ sở đảng, đảng viên nào không hoàn thành nhiệm vụ")
    for group, word in (("grassroots", "tổ chức cơ sở đảng"), ("members", "đảng viên")):
        if w.value(f"{k}{group}.missing"):
            parts += ["; còn ", (f"{k}{group}.missing",), f" {word} chưa có kết quả"]
    parts.append(".")
    return w.para(*parts)


def _evaluation_comparison(w: Writer, e) -> Paragraph | None:
    if e.previous is None:
        return None
    clauses = []
    for group, word in (
        ("grassroots", "chi, đảng bộ"),
        ("members", "đảng viên"),
        ("sub_branches", "chi bộ trực thuộc"),
    ):
        now = getattr(e, group).excellent
        before = getattr(e.previous, group).excellent
        if now == before:
            clauses.append([f"số {word} hoàn thành xuất sắc nhiệm vụ không đổi"])
            continue
        direction = "tăng" if now > before else "giảm"
        clauses.append(
            [
                f"số {word} hoàn thành xuất sắc nhiệm vụ {direction} ",
                (f"evaluation.change.{group}.excellent",),
                " (từ ",
                (f"evaluation.previous.{group}.excellent",),
                " lên " if now > before else " xuống ",
                (f"evaluation.{group}.excellent",),
                ")",
            ]
        )
    parts: list = [f"So với năm {e.previous.year}, "]
    for n, clause in enumerate(clauses):
        parts += ([", "] if n else []) + clause
    parts.append(".")
    return w.para(*parts)


def _streak_paragraph(w: Writer, e) -> Paragraph:
    s = e.streaks
    first = e.year - s.years + 1
    parts: list = ["Có "]
    if s.orgs:
        parts += [("evaluation.streaks.orgs",), " tập thể"]
    if s.members:
        parts += [", " if s.orgs else "", ("evaluation.streaks.members",), " đảng viên"]
    parts.append(f" hoàn thành xuất sắc nhiệm vụ {s.years} năm liền ({first} - {e.year}).")
    return w.para(*parts)


def _share(part: int, total: int) -> str:
    return printed(part / total, percent=True) if total else "–"


def _evaluation_table(e) -> Table:
    rows = []
    for label, counts in (
        ("Tổ chức cơ sở đảng", e.grassroots),
        ("Chi bộ trực thuộc đảng bộ cơ sở", e.sub_branches),
        ("Đảng viên", e.members),
    ):
        rows.append(
            (
                label,
                printed(counts.total),
                *(printed(getattr(counts, level)) for level in LEVEL_PHRASES),
                _share(counts.excellent, counts.total),
            )
        )
    return Table(
        f"Kết quả đánh giá, xếp loại năm {e.year}",
        (
            "Đối tượng",
            "Tổng số",
            "HTXSNV",
            "HTTNV",
            "HTNV",
            "KHTNV",
            "Không xếp loại",
            "Tỷ lệ HTXSNV",
        ),
        tuple(rows),
        "HTXSNV: hoàn thành xuất sắc nhiệm vụ; HTTNV: hoàn thành tốt nhiệm vụ; "
        "HTNV: hoàn thành nhiệm vụ; KHTNV: không hoàn thành nhiệm vụ.",
    )


def _ratio(counts: LevelCounts) -> float:
    return counts.excellent / counts.total if counts.total else 0.0


def _evaluation_chart(e) -> Chart:
    labels = ("Tổ chức cơ sở đảng", "Chi bộ trực thuộc", "Đảng viên")
    groups = ("grassroots", "sub_branches", "members")
    series = []
    if e.previous is not None:
        series.append(
            (f"Năm {e.previous.year}", tuple(_ratio(getattr(e.previous, g)) for g in groups))
        )
    series.append((f"Năm {e.year}", tuple(_ratio(getattr(e, g)) for g in groups)))
    return Chart(
        "evaluation",
        "Tỷ lệ hoàn thành xuất sắc nhiệm vụ",
        labels,
        tuple(series),
        percent=True,
    )


def _government(w: Writer, f: ReviewFigures) -> list:
    u = f.units
    if u is None:
        return _missing(f, "đơn vị hành chính")
    word = unit_word(u.name)
    blocks: list = []
    for n, change in enumerate(u.changes, start=1):
        blocks.append(_change_paragraph(w, n, change, word))
    counts = [
        ((f"units.{level}",), f" {UNIT_NOUNS[level]}")
        for level in UNIT_NOUNS
        if u.counts.get(level)
    ]
    parts: list = [f"Đến ngày {format_date_short(u.as_of)}, {word} có "]
    for n, (key, noun) in enumerate(counts):
        parts += ([", "] if n else []) + [key, noun]
    if not counts:
        parts.append("chưa có đơn vị trực thuộc nào được ghi nhận")
    parts.append(".")
    blocks.append(w.para(*parts))
    if u.changes:
        blocks.append(_units_table(u))
    return blocks


def _change_paragraph(w: Writer, n: int, change, word: str) -> Paragraph:
    """ "Thực hiện Nghị quyết 11/NQ-HĐND …, trước khi sắp xếp quận có 89 khu phố, 1.508 tổ
    dân phố; sau sắp xếp có 271 khu phố." Only the levels that changed are named."""
    changed = [lv for lv in UNIT_NOUNS if change.before.get(lv) != change.after.get(lv)]
    basis = "; ".join(change.basis)
    parts: list = [f"Thực hiện {basis} (hiệu lực từ ngày {format_date_short(change.effective_on)})"]
    top = changed[0] if changed else None
    if top and 0 < change.affected < change.before.get(top, 0):
        parts += [
            ", có ",
            (f"units.changes.{n}.affected",),
            f" {UNIT_NOUNS[top]} thuộc diện sắp xếp",
        ]
    for side, lead in (("before", "; trước khi sắp xếp"), ("after", "; sau sắp xếp")):
        items = [lv for lv in changed if getattr(change, side).get(lv)]
        parts.append(f"{lead} {word} có ")
        if not items:
            parts.append("không còn " + join_vi([UNIT_NOUNS[lv] for lv in changed]))
        for i, lv in enumerate(items):
            parts += ([", "] if i else []) + [
                (f"units.changes.{n}.{side}.{lv}",),
                f" {UNIT_NOUNS[lv]}",
            ]
    parts.append(".")
    return w.para(*parts)


def _units_table(u) -> Table:
    rows = [("Đầu kỳ", "", *(printed(u.at_start.get(lv, 0)) for lv in UNIT_NOUNS))]
    for change in u.changes:
        day = format_date_short(change.effective_on)
        rows.append((f"Sau sắp xếp ({day})", "; ".join(change.basis), *_counts(change.after)))
    rows.append((f"Cuối kỳ ({format_date_short(u.as_of)})", "", *_counts(u.counts)))
    return Table(
        "Đơn vị hành chính và sắp xếp trong kỳ",
        ("Thời điểm", "Căn cứ", "Phường", "Khu phố", "Tổ dân phố"),
        tuple(rows),
    )


def _counts(counts: dict) -> tuple[str, ...]:
    return tuple(printed(counts.get(lv, 0)) for lv in UNIT_NOUNS)


def _mobilization(w: Writer, f: ReviewFigures, short: str) -> list:
    rows = [o for o in f.outreach if o.body] or list(f.outreach)
    if not rows:
        return _missing(f, "dân vận")
    blocks: list = []
    for o in rows:
        key = f"outreach.{o.code}.{o.body or 'all'}"
        who = f"{BODY_NOUNS.get(o.body, o.body)} {short}" if o.body else "các đoàn công tác"
        head = f"Thông qua mô hình “{o.programme}”, "
        if not o.covered:
            blocks.append(w.para(head, "chưa có khu phố nào được đến thăm trong kỳ."))
        else:
            blocks.append(
                w.para(
                    head,
                    f"{who} đã đến thăm ",
                    (f"{key}.covered",),
                    "/",
                    (f"{key}.of",),
                    " khu phố (",
                    (f"{key}.visits",),
                    " lượt).",
                )
            )
    blocks.append(
        Table(
            "Kết quả thăm khu phố",
            ("Mô hình", "Đơn vị thực hiện", "Khu phố đã đến", "Tổng số khu phố", "Tỷ lệ", "Lượt"),
            tuple(
                (
                    o.programme,
                    BODY_NOUNS.get(o.body, o.body) or "Tất cả",
                    printed(o.covered),
                    printed(o.of),
                    _share(o.covered, o.of),
                    printed(o.visits),
                )
                for o in f.outreach
            ),
        )
    )
    return blocks


def _economy(w: Writer, f: ReviewFigures) -> list:
    if not f.indicators:
        return _missing(f, "chỉ tiêu")
    blocks: list = []
    sentences = {i.code: i.sentence for i in f.indicators}
    for i in f.indicators:
        if _told_elsewhere(i, sentences):
            continue
        keys = [k for k in w.facts if k.startswith("indicators.")]
        blocks.append(w.link(sentence_case(i.sentence) + ".", keys))
    blocks.append(_indicators_table(f))
    shares = [i for i in f.indicators if i.share_of_target is not None]
    if shares:
        blocks.append(
            Chart(
                "indicators",
                "Mức độ thực hiện so với chỉ tiêu, kế hoạch",
                tuple(i.name for i in shares),
                ((f.period_label.capitalize(), tuple(float(i.share_of_target) for i in shares)),),
                percent=True,
            )
        )
    return blocks


def _told_elsewhere(indicator, sentences: dict[str, str]) -> bool:
    """An indicator printed as a companion clause of another's sentence (its name and its
    figure there) is not repeated."""
    if indicator.actual is None:
        return False
    name, figure = indicator.name.lower(), printed(indicator.actual)
    return any(
        code != indicator.code and name in s.lower() and figure in s
        for code, s in sentences.items()
    )


def _indicators_table(f: ReviewFigures) -> Table:
    rows = []
    for i in f.indicators:
        rows.append(
            (
                i.name,
                i.unit,
                printed(i.actual) if i.actual is not None else "–",
                "ước" if i.status == "estimate" else "chính thức",
                printed(i.target) if i.target is not None else "–",
                printed(i.share_of_target, True) if i.share_of_target is not None else "–",
                printed(i.growth_yoy, True) if i.growth_yoy is not None else "–",
            )
        )
    return Table(
        f"Các chỉ tiêu kinh tế - xã hội {f.period_label}",
        ("Chỉ tiêu", "Đơn vị tính", "Thực hiện", "Số liệu", "Chỉ tiêu/KH", "Tỷ lệ", "So cùng kỳ"),
        tuple(rows),
    )


def _award_phrase(name: str, year: int, first: int | None) -> str:
    phrase = name[:1].lower() + name[1:]
    if phrase.endswith(" năm"):
        return f"{phrase} {year}"
    if first is not None and "năm liền" in phrase:
        return f"{phrase} ({first} - {year})"
    return f"{phrase} năm {year}"


def _awards(w: Writer, f: ReviewFigures) -> list:
    if not f.awards:
        return _missing(f, "khen thưởng")
    year = int(f.period[:4])
    streak = f.evaluation.streaks if f.evaluation else None
    first = year - streak.years + 1 if streak and streak.years else None
    by_body: dict[str, list] = {}
    for a in f.awards:
        by_body.setdefault(a.body, []).append(a)
    blocks: list = []
    for body, awards in by_body.items():
        parts: list = [f"{body} tặng giấy khen cho "]
        for n, a in enumerate(awards):
            parts += ["; "] if n else []
            if a.orgs:
                parts += [(f"awards.{a.category}.orgs",), " tập thể"]
            if a.members:
                parts += [", " if a.orgs else "", (f"awards.{a.category}.members",), " đảng viên"]
            parts.append(" " + _award_phrase(a.name, year, first))
        parts.append(".")
        blocks.append(w.para(*parts))
    blocks.append(
        Table(
            "Khen thưởng trong kỳ",
            ("Nội dung", "Quyết định", "Ngày", "Tập thể", "Cá nhân"),
            tuple(
                (
                    a.name,
                    f"{a.decision} ({a.body})",
                    format_date_short(a.decided_on),
                    printed(a.orgs),
                    printed(a.members),
                )
                for a in f.awards
            ),
        )
    )
    return blocks


def _tasks(w: Writer, f: ReviewFigures) -> list:
    if not f.tasks:
        return _missing(f, "nhiệm vụ")
    blocks: list = []
    if f.meeting is not None:
        blocks.append(
            w.para(f"{sentence_case(f.meeting.title)} thống nhất các nhiệm vụ trọng tâm:")
        )
    for n, t in enumerate(f.tasks, start=1):
        deadline = f"; thời hạn {format_date_short(t.deadline)}" if t.deadline else ""
        blocks.append(w.para(f"{n}. {t.title} ({t.owner}{deadline})."))
    return blocks

"""`tongket evaluation`, `tongket awards`, `tongket badges`: the year-end evaluation."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongket.cli.base import CliError, database_ready, out
from tongket.domain.errors import DomainError
from tongket.domain.evaluation import format_ratio
from tongket.domain.vnformat import format_date_short, format_int, parse_date


def register(sub) -> None:
    p = sub.add_parser("evaluation", help=_("đánh giá, xếp loại: kiểm tra và tổng hợp"))
    actions = p.add_subparsers(dest="evaluation_command", metavar=_("THAO_TÁC"))
    actions.required = True
    v = actions.add_parser("validate", help=_("liệt kê mọi vi phạm quy định của một đợt"))
    _org_year(v)
    v.set_defaults(handler=cmd_validate)
    t = actions.add_parser("tally", help=_("tổng hợp xếp loại theo mức, trên cây tổ chức cuối năm"))
    _org_year(t)
    t.set_defaults(handler=cmd_tally)
    o = actions.add_parser("open", help=_("mở đợt đánh giá cả năm, hoặc theo quý (I–III, từ 2025)"))
    _org_year(o)
    o.add_argument("--quarter", type=int, help=_("quý 1–3 (để trống: cả năm)"))
    o.add_argument("--rule", metavar=_("MÃ"), help=_("quy định khác quy định của năm"))
    o.add_argument("--note", default="", help=_("lý do áp dụng quy định khác"))
    o.add_argument("--submit-by", metavar=_("NGÀY"), help=_("hạn gửi kết quả (dd/mm/yyyy)"))
    o.set_defaults(handler=cmd_open)

    a = sub.add_parser("awards", help=_("khen thưởng"))
    actions = a.add_subparsers(dest="awards_command", metavar=_("THAO_TÁC"))
    actions.required = True
    e = actions.add_parser("eligible", help=_("danh sách đủ điều kiện khen N năm liền"))
    _org_year(e)
    e.add_argument("--streak", type=int, default=5, help=_("số năm liền (mặc định 5)"))
    e.set_defaults(handler=cmd_eligible)
    c = actions.add_parser("counts", help=_("số tập thể, cá nhân được khen theo quyết định"))
    _org_year(c)
    c.set_defaults(handler=cmd_award_counts)
    k = actions.add_parser("decide", help=_("ghi quyết định khen thưởng từ danh sách đủ điều kiện"))
    _org_year(k)
    k.add_argument("--category", default="excellent_5_years", help=_("mã danh hiệu"))
    k.add_argument("--number", required=True, help=_("số quyết định"))
    k.add_argument("--on", required=True, metavar=_("NGÀY"), help=_("ngày quyết định"))
    who = k.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--all-eligible", action="store_true", help=_("khen cả danh sách đủ điều kiện")
    )
    who.add_argument(
        "--card", action="append", metavar=_("SỐ_THẺ"), help=_("số thẻ đảng viên (lặp lại được)")
    )
    k.add_argument("--body", default="", help=_("cơ quan ban hành (khi quy định không xác định)"))
    k.set_defaults(handler=cmd_award_decide)

    b = sub.add_parser("badges", help=_("huy hiệu Đảng"))
    actions = b.add_subparsers(dest="badges_command", metavar=_("THAO_TÁC"))
    actions.required = True
    d = actions.add_parser("due", help=_("đảng viên đến hạn huy hiệu vào đợt trao gần nhất"))
    d.add_argument("--org", required=True, metavar=_("MÃ"), help=_("mã tổ chức đảng"))
    d.add_argument("--on", required=True, metavar=_("NGÀY"), help=_("ngày (dd/mm/yyyy)"))
    d.set_defaults(handler=cmd_badges_due)
    w = actions.add_parser("award", help=_("trao huy hiệu Đảng cho một đảng viên"))
    w.add_argument("--card", required=True, metavar=_("SỐ_THẺ"), help=_("số thẻ đảng viên"))
    w.add_argument("--milestone", required=True, type=int, help=_("số năm tuổi Đảng (30…90)"))
    w.add_argument("--on", required=True, metavar=_("NGÀY"), help=_("ngày trao"))
    w.add_argument("--early-ill", action="store_true", help=_("trao sớm vì bệnh nặng"))
    w.add_argument("--posthumous", action="store_true", help=_("truy tặng"))
    w.add_argument("--note", default="", help=_("ghi chú (lý do trao sớm…)"))
    w.set_defaults(handler=cmd_badge_award)
    ls = actions.add_parser("list", help=_("huy hiệu đã trao cho đảng viên của một tổ chức"))
    ls.add_argument("--org", required=True, metavar=_("MÃ"), help=_("mã tổ chức đảng"))
    ls.add_argument("--year", type=int, help=_("năm trao"))
    ls.set_defaults(handler=cmd_badges_list)


def _org_year(p) -> None:
    p.add_argument("--org", required=True, metavar=_("MÃ"), help=_("mã tổ chức đảng"))
    p.add_argument("--year", required=True, type=int, help=_("năm đánh giá"))


def _context(args):
    from tongket.core.actor import Actor
    from tongket.party.selectors import org_by_code

    database_ready()
    actor = Actor.cli("evaluation")
    return actor, org_by_code(actor, args.org)


def cmd_validate(args) -> int:
    from tongket.evaluation.selectors import round_get, validation_report

    actor, org = _context(args)
    found = validation_report(actor, round_get(actor, org, args.year))
    errors = [v for v in found if v.severity == "error"]
    for v in found:
        mark = _("LỖI") if v.severity == "error" else _("lưu ý")
        out(f"{mark:6} {v.rule:7} {v.message}")
    out(_("%(e)d lỗi, %(w)d lưu ý.") % {"e": len(errors), "w": len(found) - len(errors)})
    return 1 if errors else 0


def cmd_tally(args) -> int:
    from tongket.evaluation.selectors import evaluation_tally

    actor, org = _context(args)
    t = evaluation_tally(actor, org, args.year)
    out(_("Năm %(y)d, %(org)s (cây tổ chức ngày 31/12/%(y)d):") % {"y": args.year, "org": org.name})
    for label, counts in (
        (_("chi, đảng bộ cơ sở"), t.grassroots),
        (_("chi bộ trực thuộc đảng bộ cơ sở"), t.sub_branches),
        (_("đảng viên"), t.members),
    ):
        out(f"  {label}: " + _line(counts))
    if t.previous:
        out(
            _("  so với năm %(y)d: chi, đảng bộ HTXSNV %(a)s; đảng viên HTXSNV %(b)s")
            % {
                "y": args.year - 1,
                "a": _delta(t.grassroots.excellent, t.previous.grassroots.excellent),
                "b": _delta(t.members.excellent, t.previous.members.excellent),
            }
        )
    return 0


def _line(c) -> str:
    return _(
        "tổng %(t)s; HTXSNV %(x)s; HTTNV %(g)s; HTNV %(c)s; KHTNV %(n)s; không xếp loại %(u)s"
    ) % {
        "t": format_int(c.total),
        "x": format_ratio(c.excellent, c.total),
        "g": format_int(c.good),
        "c": format_int(c.completed),
        "n": format_int(c.not_completed),
        "u": format_int(c.unclassified),
    }


def _delta(now: int, before: int) -> str:
    change = now - before
    return f"{'+' if change >= 0 else '−'}{format_int(abs(change))}"


def cmd_eligible(args) -> int:
    from tongket.domain.evaluation.awards import check_streak_years
    from tongket.evaluation.selectors import streaks

    check_streak_years(args.streak)
    actor, org = _context(args)
    found = streaks(actor, org, args.year, args.streak)
    out(
        _("HTXSNV %(n)d năm liền (%(a)d – %(b)d): %(o)s tập thể, %(m)s đảng viên")
        % {
            "n": args.streak,
            "a": args.year - args.streak + 1,
            "b": args.year,
            "o": format_int(len(found.orgs)),
            "m": format_int(len(found.members)),
        }
    )
    for _pk, name in found.orgs:
        out(f"  {name}")
    for _pk, card, name in found.members:
        out(f"  {card}  {name}")
    return 0


def cmd_award_counts(args) -> int:
    from tongket.evaluation.selectors import award_counts

    actor, org = _context(args)
    for row in award_counts(actor, org, args.year):
        out(
            _("%(name)s: %(o)s tập thể, %(m)s đảng viên — %(num)s, %(body)s")
            % {
                "name": row["name"],
                "o": format_int(row["orgs"]),
                "m": format_int(row["members"]),
                "num": row["decision"],
                "body": row["body"],
            }
        )
    return 0


def cmd_badges_due(args) -> int:
    from tongket.evaluation.selectors import badges_due_list

    try:
        day = parse_date(args.on)
    except DomainError as exc:
        raise CliError(exc.message) from None
    actor, org = _context(args)
    due = badges_due_list(actor, org, day)
    when = format_date_short(due[0].award_day) if due else "—"
    out(
        _("%(n)s đảng viên đến hạn huy hiệu vào đợt %(d)s:")
        % {"n": format_int(len(due)), "d": when}
    )
    for d in due:
        years = ", ".join(str(m) for m in d.milestones)
        out(f"  {d.card_number}  {d.full_name}  ({years} năm)")
    return 0


def _date(text: str):
    try:
        return parse_date(text)
    except DomainError as exc:
        raise CliError(exc.message) from None


def cmd_open(args) -> int:
    from tongket.evaluation.services import round_open

    submit_by = _date(args.submit_by) if args.submit_by else None
    actor, org = _context(args)
    rnd = round_open(
        actor=actor,
        committee=org,
        year=args.year,
        quarter=args.quarter,
        rule_code=args.rule,
        override_note=args.note,
        submit_by=submit_by,
    )
    out(_("Đã mở đợt đánh giá %(r)s theo %(v)s.") % {"r": rnd, "v": rnd.rule_version})
    return 0


def cmd_award_decide(args) -> int:
    from tongket.evaluation.selectors import award_eligible
    from tongket.evaluation.services import award_decide
    from tongket.party.models import Member, PartyOrg

    decided_on = _date(args.on)
    actor, org = _context(args)
    if args.all_eligible:
        found = award_eligible(actor, org, args.category, args.year)
        orgs = list(PartyOrg.objects.filter(pk__in=[pk for pk, _name in found.orgs]))
        members = list(Member.objects.filter(pk__in=[pk for pk, *_rest in found.members]))
    else:
        orgs, members = [], [_member(actor, card) for card in dict.fromkeys(args.card)]
    decision = award_decide(
        actor=actor,
        committee=org,
        category_code=args.category,
        year=args.year,
        number=args.number,
        decided_on=decided_on,
        orgs=orgs,
        members=members,
        issuing_body=args.body,
    )
    out(
        _("Đã ghi quyết định %(n)s (%(b)s): %(o)s tập thể, %(m)s đảng viên.")
        % {
            "n": decision.number,
            "b": decision.issuing_body,
            "o": format_int(len(orgs)),
            "m": format_int(len(members)),
        }
    )
    return 0


def _member(actor, card: str):
    from tongket.core.errors import NotFoundError
    from tongket.party.selectors import member_get, members_search

    found = members_search(actor, "").filter(card_number=card).values_list("pk", flat=True)
    if not found:
        raise NotFoundError(f"đảng viên số thẻ {card}")
    return member_get(actor, found[0], purpose="CLI")


def cmd_badge_award(args) -> int:
    from tongket.core.actor import Actor
    from tongket.evaluation.services import badge_award

    awarded_on = _date(args.on)
    database_ready()
    actor = Actor.cli("badges")
    badge = badge_award(
        actor=actor,
        member=_member(actor, args.card),
        milestone=args.milestone,
        awarded_on=awarded_on,
        seriously_ill=args.early_ill,
        posthumous=args.posthumous,
        note=args.note,
    )
    how = []
    if badge.early:
        how.append(_("trao sớm"))
    if badge.posthumous:
        how.append(_("truy tặng"))
    out(
        _("Đã trao Huy hiệu %(n)s năm tuổi Đảng cho %(name)s ngày %(d)s%(how)s.")
        % {
            "n": badge.milestone,
            "name": badge.member.full_name,
            "d": format_date_short(badge.awarded_on),
            "how": f" ({', '.join(how)})" if how else "",
        }
    )
    return 0


def cmd_badges_list(args) -> int:
    from tongket.evaluation.selectors import badges_awarded

    actor, org = _context(args)
    rows = list(badges_awarded(actor, org, args.year))
    out(_("%(n)s huy hiệu đã trao:") % {"n": format_int(len(rows))})
    for b in rows:
        out(
            f"  {format_date_short(b.awarded_on)}  {b.member.card_number}  "
            f"{b.member.full_name}  ({b.milestone} {_('năm')})"
        )
    return 0

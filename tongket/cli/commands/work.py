"""`tongket tasks`, `tongket outreach`, `tongket meetings`: the work with the people, the
meetings of the committee and the tasks they assign."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.cli.base import CliError, database_ready, out
from tongket.domain.errors import DomainError
from tongket.domain.vnformat import format_date_short, format_decimal, format_int, parse_date


def _day(text: str | None) -> date:
    if not text:
        return timezone.localdate()
    try:
        return parse_date(text)
    except DomainError as exc:
        raise CliError(exc.message) from None


def _org_arg(p, required: bool = True) -> None:
    p.add_argument("--org", required=required, metavar=_("MÃ"), help=_("mã tổ chức đảng"))


def _on_arg(p, help_text: str) -> None:
    p.add_argument("--on", metavar=_("NGÀY"), help=help_text)


def register(sub) -> None:
    t = sub.add_parser("tasks", help=_("nhiệm vụ được giao từ hội nghị: quá hạn, nhắc việc"))
    actions = t.add_subparsers(dest="tasks_command", metavar=_("THAO_TÁC"))
    actions.required = True
    o = actions.add_parser("overdue", help=_("nhiệm vụ quá hạn vào một ngày"))
    _org_arg(o)
    _on_arg(o, _("ngày xét (mặc định hôm nay)"))
    o.set_defaults(handler=cmd_overdue)
    d = actions.add_parser(
        "digest", help=_("bản nhắc việc hằng ngày: quá hạn và sắp đến hạn (chạy theo lịch cron)")
    )
    _org_arg(d, required=False)
    _on_arg(d, _("ngày xét (mặc định hôm nay)"))
    d.add_argument("--days", type=int, default=7, help=_("sắp đến hạn trong N ngày (mặc định 7)"))
    d.set_defaults(handler=cmd_digest)

    r = sub.add_parser("outreach", help=_("công tác dân vận: độ phủ khu phố, dự án"))
    actions = r.add_subparsers(dest="outreach_command", metavar=_("THAO_TÁC"))
    actions.required = True
    c = actions.add_parser(
        "coverage", help=_("số khu phố đã đến thăm trên số khu phố hiện có vào một ngày")
    )
    _org_arg(c)
    c.add_argument("--programme", required=True, metavar=_("MÃ"), help=_("mã chương trình"))
    _on_arg(c, _("tính đến ngày (mặc định hôm nay)"))
    c.add_argument("--body", help=_("chỉ tính các lần do cơ quan này đi (vd. standing_members)"))
    c.add_argument("--list", action="store_true", help=_("liệt kê khu phố đã và chưa đến"))
    c.set_defaults(handler=cmd_coverage)
    pj = actions.add_parser("projects", help=_("hoạt động dân vận gắn với các dự án"))
    _org_arg(pj)
    pj.set_defaults(handler=cmd_projects)

    m = sub.add_parser("meetings", help=_("hội nghị, kết luận và tiểu ban chuẩn bị đại hội"))
    actions = m.add_subparsers(dest="meetings_command", metavar=_("THAO_TÁC"))
    actions.required = True
    ls = actions.add_parser("list", help=_("các hội nghị của một tổ chức"))
    _org_arg(ls)
    ls.set_defaults(handler=cmd_meetings)
    sh = actions.add_parser("show", help=_("một hội nghị: người dự, kết luận, nhiệm vụ"))
    _org_arg(sh)
    sh.add_argument("--date", required=True, metavar=_("NGÀY"), help=_("ngày họp"))
    sh.add_argument("--kind", help=_("loại hội nghị, khi một ngày có nhiều hội nghị"))
    _on_arg(sh, _("tình trạng nhiệm vụ vào ngày (mặc định hôm nay)"))
    sh.set_defaults(handler=cmd_show)
    pr = actions.add_parser("prep", help=_("các tiểu ban chuẩn bị đại hội và phân công"))
    _org_arg(pr)
    pr.add_argument("--congress", type=int, help=_("đại hội lần thứ"))
    _on_arg(pr, _("tình trạng nhiệm vụ vào ngày (mặc định hôm nay)"))
    pr.set_defaults(handler=cmd_prep)


def _context(args, label: str):
    from tongket.core.actor import Actor
    from tongket.party.selectors import org_by_code

    database_ready()
    actor = Actor.cli(label)
    org = org_by_code(actor, args.org) if getattr(args, "org", None) else None
    return actor, org


def _task_line(r) -> str:
    deadline = format_date_short(r.deadline) if r.deadline else "—"
    late = _(" (quá %(n)s ngày)") % {"n": format_int(r.days_overdue)} if r.days_overdue else ""
    return f"  [{r.state_label}{late}] {deadline}  {r.title} — {r.owner}"


def cmd_overdue(args) -> int:
    from tongket.meetings.selectors import tasks_overdue

    day = _day(args.on)
    actor, org = _context(args, "tasks")
    rows = tasks_overdue(actor, org, day)
    out(
        _("%(n)s nhiệm vụ quá hạn ngày %(d)s (%(org)s):")
        % {"n": format_int(len(rows)), "d": format_date_short(day), "org": org.name}
    )
    for r in rows:
        out(_task_line(r))
    return 0


def cmd_digest(args) -> int:
    from tongket.domain.meetings import check_soon_days
    from tongket.meetings.selectors import tasks_digest

    try:
        check_soon_days(args.days)
    except DomainError as exc:  # the message names the option the user typed
        raise CliError(f"--days: {exc.message}") from None
    day = _day(args.on)
    actor, org = _context(args, "tasks")
    report = tasks_digest(actor, org, day, args.days)
    where = f" — {org.name}" if org else ""
    out(_("Nhắc việc ngày %(d)s") % {"d": format_date_short(day)} + where)
    out(_("Quá hạn: %(n)s") % {"n": format_int(len(report.overdue))})
    for r in report.overdue:
        out(_task_line(r))
    out(
        _("Sắp đến hạn trong %(k)s ngày: %(n)s")
        % {"k": args.days, "n": format_int(len(report.due_soon))}
    )
    for r in report.due_soon:
        out(_task_line(r))
    return 0


def cmd_coverage(args) -> int:
    from tongket.outreach.selectors import coverage_report, programme_by_code

    day = _day(args.on)
    actor, org = _context(args, "outreach")
    programme = programme_by_code(actor, org, args.programme)
    report = coverage_report(actor, programme, day, body=args.body)
    out(
        _("%(p)s: đã đến %(t)s (%(s)s), từ %(a)s đến %(b)s")
        % {
            "p": programme.name,
            "t": report.text,
            "s": report.share,
            "a": format_date_short(report.start),
            "b": format_date_short(day),
        }
    )
    out(
        _("%(v)s lượt thăm; %(w)s/%(n)s tuần không có lượt thăm nào (dài nhất %(g)s tuần liền)")
        % {
            "v": format_int(report.visits),
            "w": format_int(report.cadence.weeks_without),
            "n": format_int(report.cadence.weeks),
            "g": format_int(report.cadence.longest_gap),
        }
    )
    if args.list:
        out(_("Đã đến:"))
        for p in report.visited:
            out(f"  {format_date_short(p.first_visit)}  {p.name}, {p.ward}  ({p.code})")
        out(_("Chưa đến:"))
        for p in report.not_visited:
            out(f"  {p.name}, {p.ward}  ({p.code})")
    return 0


def cmd_projects(args) -> int:
    from tongket.outreach.selectors import project_work

    actor, org = _context(args, "outreach")
    for w in project_work(actor, org):
        out(
            _("%(p)s: %(n)s hoạt động, %(h)s hộ, %(c)s người; địa bàn: %(u)s")
            % {
                "p": w.project.name,
                "n": format_int(len(w.activities)),
                "h": format_int(w.households),
                "c": format_int(w.people),
                "u": ", ".join(w.units) or "—",
            }
        )
        for a in w.activities:
            amount = f"; {format_decimal(a.amount, 0)} đồng" if a.amount else ""
            out(f"  {format_date_short(a.held_on)}  {a.get_kind_display()}: {a.title}{amount}")
    return 0


def cmd_meetings(args) -> int:
    from tongket.meetings.selectors import meetings_of

    actor, org = _context(args, "meetings")
    for m in meetings_of(actor, org):
        out(f"{format_date_short(m.held_on)}  {m.get_kind_display():24}  {m.title}")
    return 0


def cmd_show(args) -> int:
    from tongket.meetings.selectors import meeting_detail, meetings_of

    held_on, day = _day(args.date), _day(args.on)
    actor, org = _context(args, "meetings")
    found = list(meetings_of(actor, org, kind=args.kind or "", on=held_on))
    if not found:
        raise CliError(
            _("Không có hội nghị nào của %(o)s ngày %(d)s.")
            % {"o": org.name, "d": format_date_short(held_on)}
        )
    if len(found) > 1:
        raise CliError(_("Ngày này có nhiều hội nghị; hãy chọn --kind."))
    detail = meeting_detail(actor, found[0].pk, day)
    _print_meeting(detail)
    return 0


def _print_meeting(detail) -> None:
    m = detail.meeting
    when = " ".join(x for x in (m.time_of_day, format_date_short(m.held_on)) if x)
    out(detail.title)
    out(_("Ngày: %(d)s") % {"d": when} + (f"; {m.place}" if m.place else ""))
    if m.period:
        out(_("Kỳ: %(p)s") % {"p": m.period})
    out(_("Tham dự:"))
    for a in detail.attendees:
        mark = _("khách mời") + ": " if a.guest else ""
        chair = _(" (chủ trì)") if a.chairs else ""
        out(f"  {mark}{a.name}, {', '.join(a.titles)}{chair}")
    for g in detail.groups:
        out(f"  {g.text}")
    out(_("Kết luận và nhiệm vụ:"))
    for c in detail.conclusions:
        out(f"  {c.order}. {c.text}")
        for t in c.tasks:
            out("  " + _task_line(t))
    for t in detail.other_tasks:
        out(_task_line(t))


def cmd_prep(args) -> int:
    from tongket.meetings.selectors import congress_prep

    day = _day(args.on)
    actor, org = _context(args, "meetings")
    rows = congress_prep(actor, org, day, args.congress)
    if rows:
        out(_("%(c)s: %(n)s tiểu ban") % {"c": rows[0].congress, "n": format_int(len(rows))})
    for r in rows:
        decision = f", {r.decision}" if r.decision else ""
        out(
            _("  %(n)s (thành lập %(d)s%(q)s): %(p)s người")
            % {
                "n": r.name,
                "d": format_date_short(r.established_on),
                "q": decision,
                "p": format_int(len(r.people)),
            }
        )
        for t in r.tasks:
            out("  " + _task_line(t))
    return 0

"""`tongket units`: the administrative-unit registry as of any day."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from tongket.cli.base import CliError, database_ready, gettext_noop, out, progress
from tongket.domain.errors import DomainError
from tongket.domain.vnformat import format_date_short, format_decimal, format_int, parse_date

# Marked for translation here, translated where printed (the language is chosen at run time).
LEVEL_WORDS = {
    "province": gettext_noop("tỉnh, thành phố"),
    "district": gettext_noop("quận, huyện"),
    "ward": gettext_noop("phường, xã"),
    "neighbourhood": gettext_noop("khu phố, ấp"),
    "resident_group": gettext_noop("tổ dân phố"),
}


def _day(text: str) -> date:
    try:
        return parse_date(text)
    except DomainError as exc:
        raise CliError(exc.message) from None


def register(sub) -> None:
    p = sub.add_parser("units", help=_("đơn vị hành chính theo ngày: đếm, cây, nguồn gốc"))
    actions = p.add_subparsers(dest="units_command", metavar=_("THAO_TÁC"))
    actions.required = True

    c = actions.add_parser("count", help=_("đếm đơn vị theo cấp dưới một đơn vị, vào một ngày"))
    c.add_argument("--root", required=True, metavar=_("MÃ"), help=_("mã đơn vị gốc"))
    c.add_argument("--as-of", required=True, metavar=_("NGÀY"), help=_("ngày (dd/mm/yyyy)"))
    c.set_defaults(handler=cmd_count)

    t = actions.add_parser("tree", help=_("cây đơn vị vào một ngày, với tên khi ấy"))
    t.add_argument("--root", required=True, metavar=_("MÃ"), help=_("mã đơn vị gốc"))
    t.add_argument("--as-of", required=True, metavar=_("NGÀY"), help=_("ngày (dd/mm/yyyy)"))
    t.add_argument("--depth", type=int, default=1, help=_("số cấp hiển thị (mặc định 1)"))
    t.set_defaults(handler=cmd_tree)

    ln = actions.add_parser("lineage", help=_("đơn vị được hình thành từ đâu và nay là gì"))
    ln.add_argument("code", metavar=_("MÃ"), help=_("mã đơn vị"))
    ln.add_argument("--on", metavar=_("NGÀY"), help=_("đơn vị nào giữ địa bàn này vào ngày đó"))
    ln.set_defaults(handler=cmd_lineage)

    ev = actions.add_parser(
        "affected", help=_("các đơn vị thuộc diện sắp xếp có hiệu lực một ngày")
    )
    ev.add_argument("--root", required=True, metavar=_("MÃ"), help=_("mã đơn vị gốc"))
    ev.add_argument("--on", required=True, metavar=_("NGÀY"), help=_("ngày hiệu lực"))
    ev.set_defaults(handler=cmd_affected)

    nl = actions.add_parser(
        "load-national",
        help=_("nạp đơn vị hành chính cả nước trước và sau 01/7/2025 cùng bảng chuyển đổi"),
    )
    nl.set_defaults(handler=cmd_load_national)


def _actor():
    from tongket.core.actor import Actor

    database_ready()
    return Actor.cli("units")


def cmd_count(args) -> int:
    from tongket.registry.selectors import unit_counts

    day = _day(args.as_of)
    counts = unit_counts(_actor(), args.root, day)
    out(_("Dưới %(root)s vào ngày %(day)s:") % {"root": args.root, "day": format_date_short(day)})
    for level, words in LEVEL_WORDS.items():
        if counts.get(level):
            out(f"  {format_int(counts[level]):>7} {_(words)}")
    if not counts:
        out(_("  (không có đơn vị nào)"))
    return 0


def cmd_tree(args) -> int:
    from tongket.registry.selectors import unit_tree

    if args.depth < 0:
        raise CliError(_("--depth không được âm."))
    rows = unit_tree(_actor(), args.root, _day(args.as_of), args.depth)
    if not rows:
        raise CliError(_("%(root)s không tồn tại vào ngày đó.") % {"root": args.root})
    for row in rows:
        out(f"{'  ' * row.depth}{row.name} [{row.code}]")
    return 0


def cmd_lineage(args) -> int:
    from tongket.registry.selectors import unit_holders, unit_lineage

    actor = _actor()
    origins, outcomes = unit_lineage(actor, args.code)
    for title, steps in ((_("Hình thành từ:"), origins), (_("Sau sắp xếp:"), outcomes)):
        out(title)
        for s in steps:
            part = "" if s.whole else _(" (một phần)")
            out(
                f"  {format_date_short(s.effective_on)}  {s.predecessor} → {s.successor}{part}"
                f"  — {s.basis}"
            )
        if not steps:
            out(_("  (không có)"))
    if args.on:
        day = _day(args.on)
        holders = unit_holders(actor, args.code, day)
        out(
            _("Vào ngày %(day)s, địa bàn thuộc: %(who)s")
            % {"day": format_date_short(day), "who": ", ".join(holders) or "—"}
        )
    return 0


def cmd_affected(args) -> int:
    from tongket.registry.selectors import units_affected

    day = _day(args.on)
    codes = units_affected(_actor(), args.root, day)
    out(
        _("%(n)d đơn vị thuộc diện sắp xếp có hiệu lực ngày %(day)s: %(codes)s")
        % {"n": len(codes), "day": format_date_short(day), "codes": ", ".join(codes)}
    )
    return 0


def cmd_load_national(args) -> int:
    from tongket.registry.national import national_load

    s = national_load(actor=_actor(), progress=progress)
    figures = {
        "seconds": format_decimal(s.seconds, 1),
        "p_before": format_int(s.before["province"]),
        "d_before": format_int(s.before["district"]),
        "w_before": format_int(s.before["ward"]),
        "p_after": format_int(s.after["province"]),
        "d_after": format_int(s.after["district"]),
        "w_after": format_int(s.after["ward"]),
        "events": format_int(s.events),
        "edges": format_int(s.edges),
        "units": format_int(s.created["units"]),
        "versions": format_int(s.created["versions"]),
        "new_events": format_int(s.created["events"]),
        "new_edges": format_int(s.created["edges"]),
        "unknown": format_int(len(s.unknown_sources)),
        "unmapped": format_int(len(s.unmapped_wards)),
    }
    text = [
        _(
            "Dữ liệu đơn vị hành chính cả nước: đến 30/6/2025 có %(p_before)s tỉnh, thành phố, "
            "%(d_before)s quận, huyện và %(w_before)s phường, xã, thị trấn; từ 01/7/2025 có "
            "%(p_after)s tỉnh, thành phố, %(d_after)s quận, huyện và %(w_after)s phường, xã, đặc "
            "khu; %(events)s sự kiện sắp xếp và %(edges)s quan hệ kế thừa."
        ),
        _(
            "Lần này đã ghi %(units)s đơn vị, %(versions)s phiên bản, %(new_events)s sự kiện và "
            "%(new_edges)s quan hệ kế thừa."
        )
        if s.changed
        else _("Dữ liệu đã có đủ, không có gì thay đổi."),
        _(
            "Bảng chuyển đổi nêu %(unknown)s mã phường, xã cũ không có trong danh mục cũ (bỏ qua) "
            "và không nêu %(unmapped)s phường, xã cũ (không có đơn vị kế thừa)."
        ),
        _("Thời gian: %(seconds)s giây."),
    ]
    out(" ".join(part % figures for part in text))
    return 0

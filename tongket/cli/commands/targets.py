"""`tongket targets`: indicators, targets and actuals of an organization or a unit."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongket.cli.base import database_ready, out


def register(sub) -> None:
    p = sub.add_parser("targets", help=_("chỉ tiêu: kế hoạch, dự toán, số thực hiện"))
    actions = p.add_subparsers(dest="targets_command", metavar=_("THAO_TÁC"))
    actions.required = True
    s = actions.add_parser("status", help=_("kết quả thực hiện chỉ tiêu của một kỳ"))
    _subject(s)
    s.add_argument("--period", required=True, metavar=_("KỲ"), help=_("ví dụ 2024, 2024-H1"))
    s.set_defaults(handler=cmd_status)
    i = actions.add_parser("indicators", help=_("danh mục chỉ tiêu"))
    i.set_defaults(handler=cmd_indicators)
    a = actions.add_parser("set-actual", help=_("ghi (hoặc sửa) số thực hiện của một kỳ"))
    _subject(a)
    a.add_argument("--indicator", required=True, metavar=_("MÃ"), help=_("mã chỉ tiêu"))
    a.add_argument("--period", required=True, metavar=_("KỲ"), help=_("ví dụ 2024-H1"))
    a.add_argument("--value", required=True, metavar=_("SỐ"), help=_("ví dụ 222.551"))
    a.add_argument("--status", choices=["estimate", "final"], default="final")
    a.add_argument("--source", default="", help=_("nguồn số liệu"))
    a.set_defaults(handler=cmd_set_actual)
    t = actions.add_parser("set-target", help=_("ghi (hoặc sửa) một chỉ tiêu kế hoạch"))
    _subject(t)
    t.add_argument("--indicator", required=True, metavar=_("MÃ"), help=_("mã chỉ tiêu"))
    t.add_argument("--kind", required=True, choices=["term", "plan", "estimate"])
    t.add_argument("--span", required=True, metavar=_("KỲ"), help=_("ví dụ 2024, 2020-2025"))
    t.add_argument("--value", required=True, metavar=_("SỐ"), help=_("ví dụ 3.018"))
    t.add_argument("--source", default="", help=_("nguồn (văn bản giao chỉ tiêu)"))
    t.set_defaults(handler=cmd_set_target)


def _subject(p) -> None:
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--org", metavar=_("MÃ"), help=_("mã tổ chức đảng"))
    group.add_argument("--unit", metavar=_("MÃ"), help=_("mã đơn vị hành chính"))


def _context(args):
    from tongket.core.actor import Actor

    database_ready()
    actor = Actor.cli("targets")
    if args.org:
        from tongket.party.selectors import org_by_code

        return actor, org_by_code(actor, args.org)
    from tongket.registry.selectors import unit_by_code

    return actor, unit_by_code(actor, args.unit)


def _keyword(subject) -> dict:
    from tongket.party.models import PartyOrg

    return {"org": subject} if isinstance(subject, PartyOrg) else {"admin_unit": subject}


def cmd_status(args) -> int:
    from tongket.domain.indicators import format_value
    from tongket.targets.selectors import targets_status

    actor, subject = _context(args)
    rows = targets_status(actor, subject, args.period)
    out(_("%(name)s — kỳ %(period)s:") % {"name": subject.name, "period": args.period.upper()})
    if not rows:
        out(_("  Chưa có chỉ tiêu hay số thực hiện nào cho kỳ này."))
    for r in rows:
        out(f"  [{r.code}] {r.sentence}.")
        if not r.growth.ok and r.actual is not None:
            out("      " + _("so cùng kỳ: %(why)s") % {"why": r.growth.message})
        for t in r.targets:
            out(
                "      "
                + _("%(kind)s %(span)s: %(value)s — %(phrase)s — %(verdict)s")
                % {
                    "kind": t.kind_label,
                    "span": t.span,
                    "value": format_value(t.value, r.unit),
                    "phrase": t.phrase,
                    "verdict": t.verdict_label,
                }
            )
    return 0


def cmd_indicators(args) -> int:
    from tongket.core.actor import Actor
    from tongket.targets.selectors import indicators_visible

    database_ready()
    for i in indicators_visible(Actor.cli("targets")):
        companion = f"  (+ {i.companion.code})" if i.companion else ""
        out(f"{i.code:14} {i.name} — {i.unit}{companion}")
    return 0


def cmd_set_actual(args) -> int:
    from tongket.targets.selectors import indicator_by_code
    from tongket.targets.services import actual_set

    actor, subject = _context(args)
    saved = actual_set(
        actor=actor,
        indicator=indicator_by_code(actor, args.indicator),
        period=args.period,
        value=args.value,
        status=args.status,
        source=args.source,
        **_keyword(subject),
    )
    out(_said(saved) % {"what": saved.record})
    return 0


def cmd_set_target(args) -> int:
    from tongket.targets.selectors import indicator_by_code
    from tongket.targets.services import target_set

    actor, subject = _context(args)
    saved = target_set(
        actor=actor,
        indicator=indicator_by_code(actor, args.indicator),
        kind=args.kind,
        span=args.span,
        value=args.value,
        source=args.source,
        **_keyword(subject),
    )
    out(_said(saved) % {"what": saved.record})
    return 0


def _said(saved) -> str:
    if saved.created:
        return _("Đã ghi: %(what)s")
    return _("Đã sửa: %(what)s") if saved.changed else _("Không có gì thay đổi: %(what)s")

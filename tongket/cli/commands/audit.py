"""`tongket audit list|export`: the change log for the operator at the server."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from tongket.cli.base import CliError, database_ready, out, progress


def register(sub) -> None:
    p = sub.add_parser("audit", help=_("xem hoặc xuất nhật ký thay đổi và truy cập"))
    actions = p.add_subparsers(dest="audit_command", metavar=_("THAO_TÁC"))
    actions.required = True
    lst = actions.add_parser("list", help=_("liệt kê các dòng mới nhất"))
    _filters(lst)
    lst.add_argument("--limit", type=int, default=50, help=_("số dòng (mặc định 50)"))
    lst.set_defaults(handler=cmd_list)
    exp = actions.add_parser("export", help=_("xuất ra tệp CSV"))
    exp.add_argument("file", help=_("tệp CSV sẽ ghi"))
    _filters(exp)
    exp.set_defaults(handler=cmd_export)


def _filters(p) -> None:
    from tongket.core.models import ChangeLog

    p.add_argument("--user", default="", help=_("lọc theo người dùng"))
    p.add_argument(
        "--action", default="", choices=["", *ChangeLog.Action.values], help=_("lọc theo thao tác")
    )
    p.add_argument("--type", dest="object_type", default="", help=_("lọc theo loại đối tượng"))


def _rows(args):
    from tongket.core.actor import Actor
    from tongket.core.selectors import audit_filter, audit_visible

    database_ready()
    actor = Actor.cli("audit")
    rows = audit_filter(
        audit_visible(actor), user=args.user, action=args.action, object_type=args.object_type
    )
    return actor, rows


def cmd_list(args) -> int:
    if args.limit < 1:
        raise CliError(_("--limit phải là số dương."))
    _actor, rows = _rows(args)
    for r in rows[: args.limit]:
        out(
            f"{r.at:%Y-%m-%d %H:%M:%S}  {r.user_name:<20} {r.action:<12} "
            f"{r.object_type} {r.object_repr}"
        )
    return 0


def cmd_export(args) -> int:
    from django.db import transaction

    from tongket.core.audit import record_event
    from tongket.core.exports import write_audit_csv

    target = Path(args.file)
    if not target.parent.exists():
        raise CliError(_("Thư mục %(dir)s không có.") % {"dir": target.parent})
    actor, rows = _rows(args)
    total = rows.count()
    partial = target.with_suffix(target.suffix + ".part")
    with partial.open("w", encoding="utf-8-sig", newline="") as fh:
        write_audit_csv(fh, _Counted(rows, total))
    partial.replace(target)  # the file appears whole or not at all
    with transaction.atomic():
        record_event(actor, "export", "core.changelog", str(target), {"rows": total})
    out(_("Đã xuất %(n)d dòng nhật ký ra %(file)s.") % {"n": total, "file": target})
    return 0


class _Counted:
    """Lets write_audit_csv iterate with a progress bar."""

    def __init__(self, rows, total):
        self.rows, self.total = rows, total

    def iterator(self):
        return progress(self.rows.iterator(), total=self.total, desc=_("Xuất nhật ký"))

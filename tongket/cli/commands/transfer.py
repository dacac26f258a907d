"""`tongket import|export KIND FILE`: the interchange files of INTERCHANGE.md."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from tongket.cli.base import CliError, database_ready, out, progress

SHOWN_ERRORS = 50  # the rest are in the error workbook
PROGRESS_FROM = 500  # rows; smaller imports finish before a bar is worth drawing


def _kinds() -> list[str]:
    from tongket.imports.kinds import KINDS

    return list(KINDS)


def register(sub) -> None:
    kinds = ", ".join(_kinds())
    imp = sub.add_parser(
        "import", help=_("nhập dữ liệu từ tệp .xlsx, .xls, .ods hoặc .csv (tất cả hoặc không)")
    )
    imp.add_argument("kind", choices=_kinds(), metavar=_("LOẠI"), help=kinds)
    imp.add_argument("file", metavar=_("TỆP"), help=_("tệp cần nhập"))
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help=_("chỉ kiểm tra và cho biết sẽ tạo, cập nhật, giữ nguyên bao nhiêu; không ghi gì"),
    )
    imp.set_defaults(handler=cmd_import)
    exp = sub.add_parser("export", help=_("xuất dữ liệu ra tệp .xlsx hoặc .csv"))
    exp.add_argument("kind", choices=_kinds(), metavar=_("LOẠI"), help=kinds)
    exp.add_argument("file", metavar=_("TỆP"), help=_("tệp sẽ ghi (.xlsx hoặc .csv)"))
    exp.set_defaults(handler=cmd_export)


def _bar(items, total):
    if total < PROGRESS_FROM:
        return items
    return progress(items, total=total, desc=_("Đang nhập"))


def _counts(counts: dict[str, int]) -> str:
    from tongket.domain.vnformat import format_int

    return _("Tạo mới: %(create)s · Cập nhật: %(update)s · Giữ nguyên: %(unchanged)s") % {
        k: format_int(v) for k, v in counts.items()
    }


def _clip(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _error_table(errors) -> None:
    heads = (_("Trang tính"), _("Dòng"), _("Cột"), _("Giá trị"), _("Lỗi"))
    out(f"{heads[0]:<14} {heads[1]:>6}  {heads[2]:<20} {heads[3]:<22} {heads[4]}")
    for e in errors[:SHOWN_ERRORS]:
        out(
            f"{_clip(e.sheet, 14):<14} {e.row:>6}  {_clip(e.column, 20):<20} "
            f"{_clip(e.value, 22):<22} {e.message}"
        )


def cmd_import(args) -> int:
    from tongket.core.actor import Actor
    from tongket.domain.vnformat import format_int
    from tongket.imports.apply import apply_import, plan_import
    from tongket.imports.export import write_errors

    database_ready()
    actor = Actor.cli("import")
    plan = plan_import(args.kind, args.file, actor)
    result = apply_import(plan, actor, dry_run=args.dry_run, progress=_bar)
    for warning in result.warnings:
        out(_("Cảnh báo: %(w)s") % {"w": warning})
    out(_counts(result.counts))
    if result.errors:
        _error_table(result.errors)
        if len(result.errors) > SHOWN_ERRORS:
            out(_("… và %(n)s lỗi khác.") % {"n": format_int(len(result.errors) - SHOWN_ERRORS)})
        for note in result.notes:
            out(note)
        out(
            _("Không ghi gì vào cơ sở dữ liệu: có %(n)s lỗi.")
            % {"n": format_int(len(result.errors))}
        )
        report = Path(str(args.file) + ".loi.xlsx")
        try:
            write_errors(report, result.errors)
        except OSError as exc:
            out(
                _("Không ghi được danh sách lỗi ra %(file)s: %(err)s")
                % {"file": report, "err": exc}
            )
        else:
            out(_("Danh sách đầy đủ các lỗi: %(file)s") % {"file": report})
        return 1
    if args.dry_run:
        out(_("Chạy thử: không ghi gì vào cơ sở dữ liệu."))
    else:
        out(_("Đã nhập xong tệp %(file)s.") % {"file": args.file})
    return 0


def cmd_export(args) -> int:
    from tongket.core.actor import Actor
    from tongket.imports.export import export_kind

    target = Path(args.file)
    if not target.parent.exists():
        raise CliError(_("Thư mục %(dir)s không có.") % {"dir": target.parent})
    database_ready()
    rows = export_kind(args.kind, target, Actor.cli("export"))
    out(_("Đã xuất %(n)d dòng ra %(file)s.") % {"n": rows, "file": target})
    return 0

"""`tongket backup FILE` and `tongket restore FILE`: the whole database to one file and back
(tongket.core.backup: SQLite's online backup API, pg_dump / pg_restore for PostgreSQL)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.utils.translation import gettext as _

from tongket.cli.base import CliError, database_ready, out


def register(sub) -> None:
    backup = sub.add_parser(
        "backup", help=_("sao lưu toàn bộ cơ sở dữ liệu ra một tệp (khi hệ thống vẫn chạy)")
    )
    backup.add_argument("file", metavar=_("TỆP"), help=_("tệp sao lưu sẽ ghi"))
    backup.set_defaults(handler=cmd_backup)
    restore = sub.add_parser(
        "restore", help=_("khôi phục cơ sở dữ liệu từ tệp sao lưu (thay toàn bộ dữ liệu hiện có)")
    )
    restore.add_argument("file", metavar=_("TỆP"), help=_("tệp sao lưu do tongket backup ghi"))
    restore.add_argument(
        "--yes", action="store_true", help=_("không hỏi lại khi cơ sở dữ liệu đang có dữ liệu")
    )
    restore.set_defaults(handler=cmd_restore)


def _size(n: int) -> str:
    from tongket.domain.vnformat import format_decimal

    return _("%(mb)s MB") % {"mb": format_decimal(n / 1024**2, 1)}


def cmd_backup(args) -> int:
    from tongket.core.actor import Actor
    from tongket.core.backup import backup_create

    target = Path(args.file)
    if target.exists() and target.is_dir():
        raise CliError(_("%(file)s là một thư mục; hãy cho tên tệp.") % {"file": target})
    database_ready()
    manifest = backup_create(actor=Actor.cli("backup"), target=target)
    out(
        _("Đã sao lưu cơ sở dữ liệu %(engine)s ra %(file)s (%(size)s).")
        % {"engine": manifest.engine, "file": target, "size": _size(manifest.size)}
    )
    return 0


def _confirmed(args) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise CliError(
            _("Cơ sở dữ liệu đang có dữ liệu; khôi phục sẽ thay toàn bộ. Thêm --yes nếu chắc chắn.")
        )
    answer = input(_("Cơ sở dữ liệu đang có dữ liệu và sẽ bị thay toàn bộ. Gõ “có” để tiếp tục: "))
    return answer.strip().lower() in ("có", "co", "yes")


def cmd_restore(args) -> int:
    from tongket.core.actor import Actor
    from tongket.core.backup import backup_restore, check_restorable, database_has_data

    manifest = check_restorable(Path(args.file))  # refused before any question is asked
    if database_has_data() and not _confirmed(args):
        out(_("Đã hủy; không thay đổi gì."))
        return 1
    backup_restore(actor=Actor.cli("restore"), source=Path(args.file))
    out(
        _("Đã khôi phục cơ sở dữ liệu từ %(file)s (sao lưu lúc %(at)s).")
        % {"file": args.file, "at": manifest.created}
    )
    return 0

"""Entry point: set the environment, start Django, parse, run one subcommand, map errors."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import traceback
from pathlib import Path

# Subcommand modules, each with register(subparsers). Later capabilities add theirs here.
COMMANDS = [
    "tongket.cli.commands.setup",  # init, createuser, grant
    "tongket.cli.commands.serve",  # serve, demo
    "tongket.cli.commands.audit",  # audit list, audit export
    "tongket.cli.commands.units",  # units count, tree, lineage, affected
    "tongket.cli.commands.evaluation",  # evaluation, awards, badges
    "tongket.cli.commands.transfer",  # import, export
    "tongket.cli.commands.report",  # report
    "tongket.cli.commands.factcheck",  # factcheck
    "tongket.cli.commands.targets",  # targets status, indicators, set-actual, set-target
    "tongket.cli.commands.work",  # tasks, outreach, meetings
    "tongket.cli.commands.synth",  # synth
    "tongket.cli.commands.backup",  # backup, restore
]

# Commands that choose their own database before Django starts (the demo never touches the
# office's real database file).
ENV_HOOKS = {"demo": "tongket.cli.commands.serve:demo_environment"}


def _language(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("TONGKET_LANGUAGE", "vi")


def _prepare(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    first = next((a for a in argv if not a.startswith("-")), "")
    if hook := ENV_HOOKS.get(first):
        module, func = hook.split(":")
        getattr(importlib.import_module(module), func)()
    import django

    django.setup()


def build_parser():
    from django.utils.translation import gettext as _

    from tongket.cli.base import Parser

    parser = Parser(
        prog="tongket",
        description=_("Tổng kết: sổ sách, quy định và báo cáo của văn phòng cấp ủy."),
    )
    parser.add_argument("--lang", choices=["vi", "en"], help=_("ngôn ngữ thông báo (mặc định: vi)"))
    sub = parser.add_subparsers(dest="command", metavar=_("LỆNH"), parser_class=Parser)
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def _log_unexpected() -> Path:
    from django.conf import settings

    path = Path(settings.VAR_DIR) / "log" / "cli-errors.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(traceback.format_exc() + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from django.core.exceptions import ImproperlyConfigured

    try:
        _prepare(argv)
    except ImproperlyConfigured as exc:  # a setting refused (production mode): one line
        sys.stderr.write(f"tongket: {exc}\n")
        return 2
    from django.utils import translation
    from django.utils.translation import gettext as _

    from tongket.cli.base import CliError
    from tongket.domain.errors import DomainError

    translation.activate(_language(argv) if _language(argv) in ("vi", "en") else "vi")
    logging.getLogger("django.db.backends").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args) or 0
    except (CliError, DomainError) as exc:
        label = _("lỗi")
        sys.stderr.write(f"tongket: {label}: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(_("Đã dừng theo yêu cầu; các thay đổi dở dang không được ghi.") + "\n")
        return 130
    except Exception as exc:  # a bug: one line for the user, the traceback to the log file
        path = _log_unexpected()
        sys.stderr.write(
            _("tongket: lỗi hệ thống (%(kind)s: %(msg)s). Chi tiết: %(path)s")
            % {"kind": type(exc).__name__, "msg": str(exc)[:200], "path": path}
            + "\n"
        )
        return 70


if __name__ == "__main__":
    raise SystemExit(main())

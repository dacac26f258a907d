"""What every subcommand shares: errors, messages in the user's language, database checks,
progress bars and the acting user."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from django.utils.translation import gettext as _


class CliError(Exception):
    """A user mistake or an unmet precondition: printed as one line, exit code 1."""


def gettext_noop(message: str) -> str:
    """Marks a message for translation without touching Django's settings at import time
    (the demo picks its database before Django starts); translated where it is printed."""
    return message


class HelpFormatter(argparse.HelpFormatter):
    """Help in the user's language: argparse's own headings are English otherwise."""

    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(
            usage, actions, groups, _("cách dùng: ") if prefix is None else prefix
        )


class Parser(argparse.ArgumentParser):
    """argparse with translated help and its usage errors turned into one translated line
    and exit code 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = _("tham số")
        self._optionals.title = _("tùy chọn")
        self.add_argument("-h", "--help", action="help", help=_("hiện hướng dẫn này rồi thoát"))

    PATTERNS = [
        (
            r"unrecognized arguments: (.*)",
            gettext_noop("Tùy chọn hoặc tham số không được hỗ trợ: %(x)s"),
        ),
        (
            r"the following arguments are required: (.*)",
            gettext_noop("Thiếu tham số bắt buộc: %(x)s"),
        ),
        (
            r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)",
            gettext_noop("Giá trị không hợp lệ cho %(x)s: %(y)s (chọn một trong: %(z)s)"),
        ),
        (r"argument (.*?): expected one argument", gettext_noop("Tùy chọn %(x)s cần một giá trị")),
        (
            r"argument (.*?): invalid (.*?) value: (.*)",
            gettext_noop("Giá trị không hợp lệ cho %(x)s: %(z)s"),
        ),
        (r"argument (.*?): (.*)", gettext_noop("Tùy chọn %(x)s: %(y)s")),
    ]

    def error(self, message):
        text = message
        for pattern, template in self.PATTERNS:
            if m := re.fullmatch(pattern, message):
                groups = dict(zip("xyz", m.groups(), strict=False))
                text = _(template) % {**{"x": "", "y": "", "z": ""}, **groups}
                break
        hint = _("Xem: %(prog)s --help") % {"prog": self.prog}
        label = _("lỗi")
        sys.stderr.write(f"{self.prog}: {label}: {text}. {hint}\n")
        raise SystemExit(2)


def database_ready() -> None:
    """Raises CliError unless the database exists, answers and is fully migrated.

    Checked before any command that reads or writes, so that a missing database gets a
    sentence telling what to run instead of a traceback; a missing SQLite file is not
    created by the check.
    """
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and not Path(name).exists():
        raise CliError(
            _("Chưa có cơ sở dữ liệu (%(name)s). Hãy chạy: tongket init") % {"name": name}
        )
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CliError(_("Không kết nối được cơ sở dữ liệu: %(err)s") % {"err": first}) from None
    if plan:
        raise CliError(
            _("Cơ sở dữ liệu chưa được khởi tạo hoặc cần cập nhật. Hãy chạy: tongket init")
        )


def progress(iterable, total: int | None = None, desc: str = ""):
    """A progress bar on a terminal (tqdm), nothing when the output is piped or logged."""
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, disable=None, leave=False, unit="")


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")

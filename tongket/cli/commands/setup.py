"""`tongket init`, `tongket createuser`, `tongket grant`: setting up a database and accounts."""

from __future__ import annotations

import getpass
import sys
from datetime import date

from django.utils.translation import gettext as _

from tongket.cli.base import CliError, database_ready, out

ROLES = ["viewer", "editor", "approver", "admin"]


def register(sub) -> None:
    p = sub.add_parser(
        "init", help=_("tạo hoặc cập nhật cơ sở dữ liệu (chạy lại nhiều lần không sao)")
    )
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("createuser", help=_("tạo tài khoản, kèm một quyền nếu cần"))
    p.add_argument("username", help=_("tên đăng nhập"))
    p.add_argument("--full-name", default="", help=_("họ và tên"))
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help=_("đọc mật khẩu từ dòng đầu của đầu vào chuẩn (không hỏi)"),
    )
    p.add_argument("--superuser", action="store_true", help=_("toàn quyền trên mọi phạm vi"))
    _grant_options(p, required=False)
    p.set_defaults(handler=cmd_createuser)

    p = sub.add_parser("grant", help=_("cấp quyền cho tài khoản trên một phạm vi"))
    p.add_argument("username", help=_("tên đăng nhập"))
    _grant_options(p, required=True)
    p.set_defaults(handler=cmd_grant)


def _grant_options(p, required: bool) -> None:
    p.add_argument("--role", choices=ROLES, required=required, help=_("vai trò"))
    scope = p.add_mutually_exclusive_group(required=required)
    scope.add_argument("--org", metavar=_("MÃ"), help=_("phạm vi: tổ chức đảng và cấp dưới"))
    scope.add_argument("--unit", metavar=_("MÃ"), help=_("phạm vi: đơn vị hành chính và cấp dưới"))
    p.add_argument(
        "--from",
        dest="valid_from",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help=_("hiệu lực từ ngày"),
    )
    p.add_argument(
        "--to",
        dest="valid_to",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help=_("hiệu lực đến ngày"),
    )


def cmd_init(args) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    try:
        executor = MigrationExecutor(connection)
        steps = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as exc:
        raise CliError(_("Không kết nối được cơ sở dữ liệu: %(err)s") % {"err": exc}) from None
    call_command("collectstatic", interactive=False, verbosity=0)
    if steps:
        out(_("Đã cập nhật cơ sở dữ liệu (%(n)d bước).") % {"n": steps})
    else:
        out(_("Cơ sở dữ liệu đã ở phiên bản mới nhất."))
    return 0


def _read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise CliError(_("Không có bàn phím để nhập mật khẩu; dùng --password-stdin."))
    first = getpass.getpass(_("Mật khẩu: "))
    if first != getpass.getpass(_("Nhập lại mật khẩu: ")):
        raise CliError(_("Hai lần nhập mật khẩu không giống nhau."))
    return first


def _scope(args):
    from tongket.party.models import PartyOrg
    from tongket.registry.models import AdminUnit

    model, code = (PartyOrg, args.org) if args.org else (AdminUnit, args.unit)
    scope = model.objects.filter(code=code).first()
    if scope is None:
        raise CliError(_("Không có tổ chức hoặc đơn vị mã %(code)s.") % {"code": code})
    return scope


def _give(actor, user, args) -> None:
    from tongket.accounts import services
    from tongket.domain.permissions import Role

    role = Role[args.role.upper()]
    grant = services.grant_create(
        actor=actor,
        user=user,
        role=role,
        scope=_scope(args),
        valid_from=args.valid_from,
        valid_to=args.valid_to,
    )
    out(_("Đã cấp quyền: %(grant)s") % {"grant": grant})


def cmd_createuser(args) -> int:
    from django.db import transaction

    from tongket.accounts import services
    from tongket.core.actor import Actor

    database_ready()
    if bool(args.role) != bool(args.org or args.unit):
        raise CliError(_("Cần cả --role và một trong --org / --unit để cấp quyền."))
    password = _read_password(args)
    actor = Actor.cli()
    with transaction.atomic():  # the account and its grant together, or neither
        user = services.user_create(
            actor=actor,
            username=args.username,
            password=password,
            full_name=args.full_name,
            superuser=args.superuser,
        )
        if args.role:
            _give(actor, user, args)
    out(_("Đã tạo tài khoản %(name)s.") % {"name": user.username})
    return 0


def cmd_grant(args) -> int:
    from tongket.accounts.models import User
    from tongket.core.actor import Actor

    database_ready()
    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise CliError(_("Không có tài khoản %(name)s.") % {"name": args.username})
    _give(Actor.cli(), user, args)
    return 0

"""`tongket serve` (gunicorn, the production server) and `tongket demo`."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext as _

from tongket.cli.base import CliError, database_ready, out

DEMO_DB = "demo.sqlite3"


def register(sub) -> None:
    p = sub.add_parser("serve", help=_("chạy máy chủ web (gunicorn)"))
    _server_options(p)
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("demo", help=_("dựng cơ sở dữ liệu mẫu từ các kịch bản rồi chạy web"))
    p.add_argument("--no-serve", action="store_true", help=_("dựng xong thì thoát, không chạy web"))
    _server_options(p)
    p.set_defaults(handler=cmd_demo)


def _server_options(p) -> None:
    p.add_argument("--host", default="127.0.0.1", help=_("địa chỉ lắng nghe (mặc định 127.0.0.1)"))
    p.add_argument("--port", type=int, default=8000, help=_("cổng (mặc định 8000)"))
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("TONGKET_WORKERS", "3")),
        help=_("số tiến trình (mặc định 3, hoặc TONGKET_WORKERS)"),
    )


def demo_environment() -> None:
    """The demo runs on its own SQLite file unless TONGKET_DATABASE_URL says otherwise."""
    var = Path(os.environ.get("TONGKET_VAR_DIR", Path(__file__).resolve().parents[3] / "var"))
    os.environ.setdefault("TONGKET_DATABASE_URL", f"sqlite:///{var / DEMO_DB}")


def _check_port(host: str, port: int) -> None:
    import socket

    if not 0 < port < 65536:
        raise CliError(_("Cổng không hợp lệ: %(port)s.") % {"port": port})
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise CliError(
                _("Không mở được %(host)s:%(port)s (%(err)s).")
                % {"host": host, "port": port, "err": exc.strerror}
            ) from None


def run_gunicorn(host: str, port: int, workers: int) -> int:
    """Serves config.wsgi with gunicorn in this process (whitenoise serves static files)."""
    from gunicorn.app.base import BaseApplication

    from config.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"{host}:{port}",
                "workers": max(1, workers),
                "accesslog": "-",
                "timeout": 120,
                "graceful_timeout": 10,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    # The master has used the database (database_ready, collectstatic); its connections must
    # not be inherited by the workers, which keep theirs between requests (CONN_MAX_AGE): a
    # SQLite handle carried across fork() shares lock state with the parent's.
    from django.db import connections

    connections.close_all()
    Server().run()
    return 0


def cmd_serve(args) -> int:
    from django.core.management import call_command

    database_ready()
    _check_port(args.host, args.port)
    call_command("collectstatic", interactive=False, verbosity=0)
    out(_("tongket đang chạy tại http://%(host)s:%(port)s/ (Ctrl+C để dừng)") % vars(args))
    return run_gunicorn(args.host, args.port, args.workers)


def cmd_demo(args) -> int:
    from tongket.cli.commands.setup import cmd_init
    from tongket.demo.build import build_demo, reset_database

    reset_database()
    cmd_init(args)
    summary = build_demo()
    for line in summary.lines():
        out(line)
    from tongket.demo.reports import write_reports

    for line in write_reports(summary.reports):
        out(line)
    if args.no_serve:
        return 0
    database_ready()
    _check_port(args.host, args.port)
    out(_("Mở http://%(host)s:%(port)s/ (Ctrl+C để dừng)") % vars(args))
    return run_gunicorn(args.host, args.port, args.workers)

"""`tongket report`: the review of an organization for a period, in one format (the figures as
JSON, the HTML page, the DOCX in the Party format, its PDF, the XLSX annex); `tongket
report-batch`: the reports of every committee under a root, into a folder."""

from __future__ import annotations

import sys
from pathlib import Path

from django.utils.translation import gettext as _

from tongket.cli.base import CliError, database_ready, out

# The same as tongket.reports.render.FORMATS (a test keeps them equal); not imported from there
# so that building the parser does not load the report modules.
FORMATS = ("json", "html", "docx", "pdf", "xlsx")
BINARY = ("docx", "pdf", "xlsx")


def register(sub) -> None:
    p = sub.add_parser("report", help=_("báo cáo tổng kết, sơ kết của một tổ chức trong một kỳ"))
    p.add_argument("--org", required=True, metavar=_("MÃ"), help=_("mã tổ chức đảng"))
    _period_argument(p)
    p.add_argument("--format", choices=FORMATS, default="json", help=_("định dạng (mặc định json)"))
    p.add_argument(
        "-o",
        "--output",
        metavar=_("TỆP"),
        help=_("ghi ra tệp thay vì màn hình (bắt buộc với docx, pdf, xlsx khi in ra màn hình)"),
    )
    p.add_argument(
        "--template",
        metavar=_("TỆP"),
        help=_("mẫu Word riêng của văn phòng cho docx, pdf (mặc định: TONGKET_REPORT_TEMPLATE)"),
    )
    p.set_defaults(handler=cmd_report)
    _register_batch(sub)


def _period_argument(p) -> None:
    p.add_argument(
        "--period",
        required=True,
        metavar=_("KỲ"),
        help=_("kỳ báo cáo: 2024, 2024-H1, 2024-Q3, 2024-M7"),
    )


def _register_batch(sub) -> None:
    p = sub.add_parser(
        "report-batch",
        help=_("báo cáo của cấp ủy và mọi đảng bộ, đảng bộ cơ sở trực thuộc, ghi vào một thư mục"),
    )
    p.add_argument("--root", required=True, metavar=_("MÃ"), help=_("mã cấp ủy gốc"))
    _period_argument(p)
    p.add_argument(
        "--format",
        default=",".join(FORMATS),
        metavar=_("ĐỊNH_DẠNG"),
        help=_(
            "các định dạng, cách nhau bằng dấu phẩy: json,html,docx,pdf,xlsx (mặc định: tất cả)"
        ),
    )
    p.add_argument(
        "-o", "--output", required=True, metavar=_("THƯ_MỤC"), help=_("thư mục ghi các tệp")
    )
    p.set_defaults(handler=cmd_report_batch)


def cmd_report(args) -> int:
    from tongket.core.actor import Actor
    from tongket.party.selectors import org_by_code

    if args.format in BINARY and not args.output and sys.stdout.isatty():
        # A Word, PDF or Excel file printed on a terminal is noise that can upset it.
        raise CliError(
            _("%(f)s là tệp nhị phân, không in ra màn hình: hãy thêm -o TỆP.")
            % {"f": args.format.upper()}
        )
    if args.output:
        _check_folder(Path(args.output).parent)  # before any work: the file has somewhere to go
    database_ready()
    actor = Actor.cli("report")
    template = Path(args.template) if args.template else None
    if template is not None:
        from tongket.reports.docx import check_template

        check_template(template)  # before any counting: a bad template is said at once
    data = _report_bytes(actor, org_by_code(actor, args.org), args.period, args.format, template)
    if args.output:
        target = Path(args.output)
        _write(target, data)
        out(_("Đã ghi %(file)s.") % {"file": target})
    elif args.format in BINARY:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def _report_bytes(actor, org, period: str, fmt: str, template: Path | None = None) -> bytes:
    from tongket.reports.exports import report_file

    return report_file(actor, org, period, fmt, template=template).data


def _check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise CliError(_("Thư mục %(dir)s không có: hãy tạo nó trước.") % {"dir": folder})


def _write(target: Path, data: bytes) -> None:
    """Whole or not at all: a reader never opens half a file."""
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(data)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CliError(
            _("Không ghi được %(file)s: %(why)s") % {"file": target, "why": exc.strerror or exc}
        ) from None


def cmd_report_batch(args) -> int:
    from tqdm import tqdm

    from tongket.core.actor import Actor
    from tongket.party.selectors import org_by_code
    from tongket.reports.batch import batch_orgs, check_formats, error_lines, generate
    from tongket.reports.figures import check_period

    formats = check_formats(args.format.split(","))
    database_ready()
    actor = Actor.cli("report-batch")
    root = org_by_code(actor, args.root)
    period, as_of, _running = check_period(args.period)
    orgs = batch_orgs(actor, root, period, as_of)
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise CliError(_("%(dir)s không phải là thư mục.") % {"dir": folder})
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(
            _("Không tạo được thư mục %(dir)s: %(why)s") % {"dir": folder, "why": exc.strerror}
        ) from None
    written: list[Path] = []

    def sink(name: str, data: bytes) -> None:
        _write(folder / name, data)
        written.append(folder / name)

    with tqdm(total=len(orgs), disable=None, leave=False, unit="") as bar:

        def progress(done: int, _total: int, step: str) -> None:
            bar.n = done
            bar.set_postfix_str(step[:40], refresh=True)

        errors = generate(actor, orgs, period.code, formats, sink, progress)
    out(
        _("Đã ghi %(files)d tệp của %(orgs)d tổ chức vào %(dir)s.")
        % {"files": len(written), "orgs": len(orgs) - len(errors), "dir": folder}
    )
    for line in error_lines(errors):
        sys.stderr.write(_("Không tạo được: %(x)s") % {"x": line} + "\n")
    return 1 if errors else 0

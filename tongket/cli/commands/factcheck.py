"""`tongket factcheck`: check the figures of a review written by hand against the records."""

from __future__ import annotations

import json
import sys

from django.utils.translation import gettext as _

from tongket.cli.base import database_ready, out

FORMATS = ("text", "json")


def register(sub) -> None:
    p = sub.add_parser(
        "factcheck",
        help=_("đối chiếu số liệu của một báo cáo viết tay với số liệu trong sổ sách"),
        description=_(
            "Đọc bản thảo (.docx, .txt, .md), tìm mọi số liệu trong đó và đối chiếu với số "
            "liệu của tổ chức trong kỳ. Mã thoát: 0 khi không có số liệu nào sai khác, 1 khi "
            "có số liệu sai khác (hoặc khi có lỗi)."
        ),
    )
    p.add_argument("file", metavar=_("TỆP"), help=_("bản thảo báo cáo (.docx, .txt, .md)"))
    p.add_argument("--org", required=True, metavar=_("MÃ"), help=_("mã tổ chức đảng"))
    p.add_argument(
        "--period", required=True, metavar=_("KỲ"), help=_("kỳ báo cáo: 2024, 2024-H1, 2024-Q3")
    )
    p.add_argument("--format", choices=FORMATS, default="text", help=_("định dạng (mặc định text)"))
    p.set_defaults(handler=cmd_factcheck)


def cmd_factcheck(args) -> int:
    from tongket.core.actor import Actor
    from tongket.party.selectors import org_by_code
    from tongket.reports.factcheck import factcheck

    database_ready()
    actor = Actor.cli("factcheck")
    report = factcheck(actor, org_by_code(actor, args.org), args.period, args.file, args.file)
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_text(report)
    return 0 if report.ok else 1


def _print_text(report) -> None:
    from tongket.reports.factcheck import SKIPPED_LABELS, STATUS_LABELS

    out(f"{report.org_name} — {report.period_label} — {report.filename}")
    out(report.summary())
    for f in report.result.findings:
        line = f"[{STATUS_LABELS[f.status]}] {f.figure.text}"
        if f.status == "matched":
            line += f" → {' / '.join(f.keys)} ({f.labels[0]})"
        elif f.status == "differs":
            line += " → " + _("sổ sách: %(v)s") % {"v": f.expected}
            line += f" ({' / '.join(f.keys)}: {f.labels[0]})"
        elif f.alternatives:
            line += " → " + _("cùng giá trị nhưng ngữ cảnh chưa rõ: %(k)s") % {
                "k": ", ".join(f.alternatives)
            }
        out(line)
        out(f"    «{f.figure.context.strip()}»")
    kinds: dict[str, int] = {}
    for s in report.result.skipped:
        kinds[s.kind] = kinds.get(s.kind, 0) + 1
    if kinds:
        parts = ", ".join(f"{SKIPPED_LABELS.get(k, k)} {n}" for k, n in sorted(kinds.items()))
        out(_("Không phải số liệu: %(p)s") % {"p": parts})
    for note in report.missing:
        out(_("Lưu ý: %(n)s") % {"n": note})

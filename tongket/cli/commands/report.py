"""`tongket report`: the figures of a review, for an organization and a period."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.utils.translation import gettext as _

from tongket.cli.base import database_ready, out

FORMATS = ("json",)


def register(sub) -> None:
    p = sub.add_parser("report", help=_("báo cáo tổng kết, sơ kết của một tổ chức trong một kỳ"))
    p.add_argument("--org", required=True, metavar=_("MÃ"), help=_("mã tổ chức đảng"))
    p.add_argument(
        "--period",
        required=True,
        metavar=_("KỲ"),
        help=_("kỳ báo cáo: 2024, 2024-H1, 2024-Q3, 2024-M7"),
    )
    p.add_argument("--format", choices=FORMATS, default="json", help=_("định dạng (mặc định json)"))
    p.add_argument("-o", "--output", metavar=_("TỆP"), help=_("ghi ra tệp thay vì màn hình"))
    p.set_defaults(handler=cmd_report)


def cmd_report(args) -> int:
    from tongket.core.actor import Actor
    from tongket.party.selectors import org_by_code
    from tongket.reports.figures import review_figures

    database_ready()
    actor = Actor.cli("report")
    figures = review_figures(actor, org_by_code(actor, args.org), args.period)
    text = json.dumps(figures.to_json(), ensure_ascii=False, indent=2)
    if args.output:
        target = Path(args.output)
        partial = target.with_name(target.name + ".part")
        partial.write_text(text + "\n", encoding="utf-8")
        partial.replace(target)
        out(_("Đã ghi %(file)s.") % {"file": target})
    else:
        sys.stdout.write(text + "\n")
    return 0

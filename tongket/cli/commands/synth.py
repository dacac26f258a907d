"""`tongket synth --scale ward|city|national --seed N`: synthetic data for trials and benchmarks.

Writes into the configured database (TONGKET_DATABASE_URL), which must be migrated and hold no
organization and no member, in one transaction: an interrupted or failed run leaves nothing.
Progress goes to stderr (bars on a terminal, one line per finished step always, so that a
long run's log tells how far it got); the summary with the counts goes to stdout.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

from django.utils.translation import gettext as _

from tongket.cli.base import database_ready, out
from tongket.synth.progress import Steps


def _scales() -> list[str]:
    from tongket.synth.scales import SCALES

    return list(SCALES)


def register(sub) -> None:
    p = sub.add_parser(
        "synth",
        help=_("ghi dữ liệu tổng hợp (giả lập) quy mô phường, thành phố hoặc toàn quốc"),
    )
    p.add_argument(
        "--scale",
        required=True,
        choices=_scales(),
        help=_(
            "ward: một đảng bộ phường; city: 168 phường, khoảng 500.000 đảng viên; national: "
            "34 tỉnh, 3.321 xã, phường, khoảng 5,9 triệu đảng viên"
        ),
    )
    p.add_argument(
        "--seed",
        type=seed,
        default=1,
        metavar="N",
        help=_("số nguyên không âm; cùng số cho cùng dữ liệu (mặc định: 1)"),
    )
    p.set_defaults(handler=cmd_synth)


def seed(text: str) -> int:
    """A non-negative integer, written in digits only."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(
            _("hạt giống phải là số nguyên không âm, ví dụ 20261122 (nhận được: %(v)s)")
            % {"v": text}
        )
    return int(text)


class Shown(Steps):
    """Bars on stderr while a step runs (a terminal only), one line when it ends (always)."""

    def bar(self, label: str, total: int):
        from tqdm import tqdm

        return tqdm(
            total=total, desc=_step(label), file=sys.stderr, disable=None, leave=False, unit=""
        )

    def said(self, step: str, rows: int, seconds: float, more: dict[str, int]) -> None:
        from tongket.domain.vnformat import format_decimal, format_int

        words = {"step": _step(step), "rows": format_int(rows), "s": format_decimal(seconds)}
        if rows:
            line = _("%(step)s: %(rows)s dòng, %(s)s giây") % words
        else:
            line = _("%(step)s: %(s)s giây") % words
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _step(label: str) -> str:
    words = {
        "units": _("đơn vị hành chính"),
        "orgs": _("tổ chức đảng"),
        "members": _("đảng viên"),
        "checks": _("chỉ mục và khóa ngoại dựng lại"),
        "targets": _("chỉ tiêu và số thực hiện"),
        "outreach": _("hoạt động dân vận"),
    }
    if label.startswith("results "):
        return _("kết quả đánh giá năm %(y)s") % {"y": label.split()[1]}
    return words.get(label, label)


def _counts(data) -> list[tuple[str, str, int]]:
    """(key for the audit row, label for the summary, count) of each kind written."""
    city, ev = data.city, data.evaluations
    rows = [
        ("units", _("đơn vị hành chính"), data.steps.counts.get("units", 0)),
        ("orgs", _("tổ chức đảng"), len(city.parent)),
        ("org_versions", _("phiên bản tổ chức đảng"), city.versions),
        ("members", _("đảng viên"), len(city.spans)),
        ("memberships", _("quá trình sinh hoạt đảng"), city.memberships),
        ("transfers", _("đảng viên đã chuyển sinh hoạt"), city.transfers),
    ]
    if ev:
        rows += [
            ("status_periods", _("giai đoạn miễn, đình chỉ sinh hoạt"), ev.statuses),
            ("rounds", _("đợt đánh giá"), ev.rounds),
            ("org_results", _("kết quả đánh giá tổ chức"), ev.org_results),
            ("member_results", _("kết quả đánh giá đảng viên"), ev.member_results),
        ]
    rows += [
        ("targets", _("chỉ tiêu kế hoạch"), data.targets),
        ("actuals", _("số thực hiện"), data.actuals),
        ("programmes", _("chương trình dân vận"), data.programmes),
        ("activities", _("hoạt động dân vận"), data.activities),
    ]
    return rows


def _analyze() -> None:
    """Fresh planner statistics on PostgreSQL: millions of new rows are not known to the
    planner until autovacuum gets round to them, and the first reports would pay for it."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def cmd_synth(args) -> int:
    from django.db import transaction

    from tongket.core.actor import Actor
    from tongket.core.audit import record_event
    from tongket.domain.vnformat import format_decimal, format_int
    from tongket.synth import SCALES, check_empty, generate

    database_ready()
    check_empty()
    started = time.perf_counter()
    with transaction.atomic():
        data = generate(SCALES[args.scale], args.seed, steps=Shown())
        counts = _counts(data)
        text = f"synth --scale {args.scale} --seed {args.seed}"
        audit = {key: n for key, _label, n in counts}
        record_event(Actor.cli("synth"), "create", "synth", text, audit)
    _analyze()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    out(
        _(
            "Dữ liệu tổng hợp quy mô %(scale)s, hạt giống %(seed)s: %(s)s giây, "
            "bộ nhớ tối đa %(m)s MiB"
        )
        % {
            "scale": args.scale,
            "seed": args.seed,
            "s": format_decimal(seconds),
            "m": format_int(round(peak)),
        }
    )
    width = max(len(label) for _key, label, _n in counts)
    for _key, label, n in counts:
        out(f"  {label:<{width}}  {format_int(n):>12}")
    return 0

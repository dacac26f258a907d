"""The demo's review reports, written into `out/` in every format after the records are built.

Each scenario names the report it reproduces (`[scenario] report = {org, period}`); the reports
are assembled from the records like any other, by the same code, which does not know which
scenario it is counting."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.domain.errors import DomainError

FORMATS = ("json", "html", "docx", "xlsx", "pdf")


def out_dir() -> Path:
    """`TONGKET_OUT_DIR`, or `out/` in the working directory (the repository for `make demo`)."""
    return Path(os.environ.get("TONGKET_OUT_DIR") or Path.cwd() / "out")


def write_reports(reports: list[tuple[str, str, str]], folder: Path | None = None) -> list[str]:
    """Writes each (scenario, org code, period) report in every format; returns the lines to
    print. A format that cannot be made here (PDF without LibreOffice) is said, not hidden."""
    from tongket.party.selectors import org_by_code
    from tongket.reports.assemble import report_document
    from tongket.reports.render import render

    folder = folder or out_dir()
    folder.mkdir(parents=True, exist_ok=True)
    actor = Actor.cli("demo-reports")
    lines = []
    for scenario, code, period in reports:
        document = report_document(actor, org_by_code(actor, code), period)
        written = []
        for fmt in FORMATS:
            try:
                data = render(document, fmt)
            except DomainError as exc:
                lines.append(_("  Không tạo được %(f)s: %(m)s") % {"f": fmt, "m": exc.message})
                continue
            target = folder / f"{scenario}.{fmt}"
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(data)
            partial.replace(target)
            written.append(target.name)
        lines.append(
            _("Báo cáo %(s)s (%(org)s, kỳ %(p)s): %(files)s trong %(dir)s")
            % {"s": scenario, "org": code, "p": period, "files": ", ".join(written), "dir": folder}
        )
    return lines

"""Batch generation: the report of every committee under a root organization, in the chosen
formats, into one zip file (the web) or one folder (the CLI).

Which organizations: the root itself and every organization under it that has a committee of
its own — kinds "party_committee" (Đảng bộ) and "grassroots_committee" (Đảng bộ cơ sở) — as
the tree stood at the end of the period, so a batch of 2024 still covers the district party
committees merged in 2025. Grassroots branches and sub-branches are left out: their work is
reviewed in the report of the committee above them. The root is included whatever its kind.

An organization that fails (no records, a rule broken) is listed with its message; the others
go on. PDFs are converted by chunks, one LibreOffice run per chunk (`pdf.convert_many`).

A web batch runs in a thread of the web worker, like the checks of an import (`imports.jobs`);
its state — owner, progress, errors — lives in a small JSON file beside its zip under
var/reports/batches/<id>/ (written whole and renamed, so a reader never sees half a file), and
only its owner can read it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_event
from tongket.core.errors import NotFoundError
from tongket.core.permissions import require
from tongket.domain.errors import DomainError
from tongket.domain.periods import Period
from tongket.party.models import PartyOrg
from tongket.reports.render import check_format, filename, render

log = logging.getLogger("tongket.reports")
COMMITTEE_KINDS = ("party_committee", "grassroots_committee")
CHUNK = 20  # reports per LibreOffice run: one start-up shared, memory kept small
JOB_ID = re.compile(r"[0-9a-f]{32}")
SHOWN = 20  # the user's latest batches listed on the page
STALE = 15 * 60  # seconds without progress: the worker that ran the batch is gone

Sink = Callable[[str, bytes], None]
Progress = Callable[[int, int, str], None]


@dataclass
class BatchError:
    """One organization whose report could not be written, and why (shown as is)."""

    org: str
    name: str
    message: str


@dataclass
class BatchJob:
    """A web batch: who asked for it, what it covers, how far it got, what failed."""

    id: str
    user_id: int | None
    root: str
    root_name: str
    period: str
    formats: list[str]
    total: int
    status: str = "queued"  # queued → running → done | failed
    done: int = 0
    files: int = 0
    step: str = ""
    message: str = ""
    errors: list[dict] = field(default_factory=list)
    created_at: str = ""
    finished_at: str = ""

    @property
    def running(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def folder(self) -> Path:
        return batches_dir() / self.id

    @property
    def zip_name(self) -> str:
        return f"bao-cao-{_ascii(self.root)}-{_ascii(self.period)}.zip"

    @property
    def zip_path(self) -> Path:
        return self.folder / self.zip_name

    @property
    def status_label(self) -> str:
        return {
            "queued": _("Đang chờ"),
            "running": _("Đang tạo báo cáo"),
            "done": _("Đã xong"),
            "failed": _("Không tạo được"),
        }.get(self.status, self.status)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def batches_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "reports" / "batches"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- which organizations -------------------------------------------------------------------
def batch_orgs(actor: Actor, root: PartyOrg, period: Period, as_of: dt.date) -> list[PartyOrg]:
    """The root and the committees under it on the period's reference day, in tree order."""
    from tongket.party.selectors import org_subtree, orgs_visible

    require(actor, "view", root.scope_target())
    snap = org_subtree(root, as_of)
    if root.pk not in snap:
        raise DomainError(
            "report.no_org",
            _("%(org)s không tồn tại vào ngày cuối kỳ %(p)s.") % {"org": root.name, "p": period},
        )
    order = {pk: n for n, pk in enumerate(_tree_order(snap, root.pk))}
    wanted = [pk for pk in order if pk == root.pk or snap.nodes[pk].level in COMMITTEE_KINDS]
    found = orgs_visible(actor).filter(pk__in=wanted)
    return sorted(found, key=lambda o: order[o.pk])


def _tree_order(snap, root: int) -> list[int]:
    """Depth first, children by name, so that a district's wards come in a readable order."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        found.append(node)
        children = sorted(snap.children.get(node, ()), key=lambda n: snap.nodes[n].name)
        stack.extend(reversed(children))
    return found


def check_formats(formats: Iterable[str]) -> list[str]:
    """The formats asked for, each known, in the order of FORMATS; at least one."""
    from tongket.reports.render import FORMATS

    asked = [f.strip().lower() for f in formats if f.strip()]
    for fmt in asked:
        check_format(fmt)
    if not asked:
        raise DomainError("report.no_format", _("Hãy chọn ít nhất một định dạng."))
    return [f for f in FORMATS if f in asked]


# --- generating ----------------------------------------------------------------------------
def generate(
    actor: Actor,
    orgs: list[PartyOrg],
    period: str,
    formats: list[str],
    sink: Sink,
    progress: Progress | None = None,
    chunk: int = CHUNK,
) -> list[BatchError]:
    """Writes every report of every organization through `sink(name, data)`; returns the
    organizations that failed. `progress(done, total, step)` follows the work."""
    errors: list[BatchError] = []
    done = 0
    for start in range(0, len(orgs), chunk):
        part = orgs[start : start + chunk]
        with tempfile.TemporaryDirectory(prefix="tongket-batch-") as tmp:
            pending: list[tuple[PartyOrg, Path]] = []
            for org in part:
                if progress:
                    progress(done, len(orgs), org.name)
                docx = _one(actor, org, period, formats, sink, errors)
                if docx is not None and "pdf" in formats:
                    pending.append((org, docx.write(Path(tmp))))
                else:
                    done += 1
            if pending:
                if progress:
                    progress(
                        done, len(orgs), _("chuyển %(n)d báo cáo sang PDF") % {"n": len(pending)}
                    )
                _pdfs(pending, Path(tmp), sink, errors)
                done += len(pending)
    if progress:
        progress(done, len(orgs), "")
    return errors


@dataclass
class _Docx:
    """A report's DOCX waiting for its PDF."""

    name: str
    data: bytes

    def write(self, folder: Path) -> Path:
        path = folder / self.name
        path.write_bytes(self.data)
        return path


def _one(actor, org: PartyOrg, period: str, formats, sink: Sink, errors) -> _Docx | None:
    """The formats of one report other than PDF; its DOCX when a PDF is wanted."""
    from tongket.reports.assemble import report_document

    try:
        document = report_document(actor, org, period)
        docx = None
        for fmt in formats:
            if fmt == "pdf":
                continue
            data = render(document, fmt)
            sink(filename(document, fmt), data)
            if fmt == "docx":
                docx = data
        if "pdf" in formats:
            if docx is None:
                docx = render(document, "docx")
            return _Docx(filename(document, "docx"), docx)
    except DomainError as exc:
        errors.append(BatchError(org.code, org.name, exc.message))
    except Exception:  # a bug: this organization is listed, the log has the traceback
        log.exception("batch report of %s %s failed", org.code, period)
        errors.append(BatchError(org.code, org.name, _("Lỗi hệ thống khi viết báo cáo.")))
    return None


def _pdfs(pending, folder: Path, sink: Sink, errors) -> None:
    from tongket.reports.pdf import convert_many

    out = folder / "pdf"
    out.mkdir()
    try:
        convert_many([path for _org, path in pending], out)
    except DomainError as exc:  # every PDF of the chunk is missing; the loop below says so
        log.warning("PDF conversion failed: %s", exc.message)
    except Exception:
        log.exception("PDF conversion failed")
    for org, path in pending:
        pdf = out / (path.stem + ".pdf")
        if pdf.exists() and pdf.stat().st_size:
            sink(pdf.name, pdf.read_bytes())
        else:
            errors.append(BatchError(org.code, org.name, _("Không chuyển được sang PDF.")))


def error_lines(errors: list[BatchError]) -> list[str]:
    return [f"{e.org} ({e.name}): {e.message}" for e in errors]


# --- web jobs ------------------------------------------------------------------------------
def batch_start(
    *, actor: Actor, root: PartyOrg, period_text: str, formats: Iterable[str], run: bool = True
) -> BatchJob:
    """Checks the request and starts the batch; refuses a bad period or format, an
    organization outside the grants, and a root with no committee to report on."""
    from tongket.reports.figures import check_period

    require(actor, "view", root.scope_target())
    period, as_of, _running = check_period(period_text)
    chosen = check_formats(formats)
    orgs = batch_orgs(actor, root, period, as_of)
    job = BatchJob(
        id=uuid.uuid4().hex,
        user_id=actor.user.pk if actor.user else None,
        root=root.code,
        root_name=root.name,
        period=period.code,
        formats=chosen,
        total=len(orgs),
        created_at=timezone.now().isoformat(),
    )
    job.folder.mkdir(parents=True)
    save(job)
    record_event(
        actor,
        "export",
        "reports.batch",
        f"{root.code} {period.code}",
        {"formats": chosen, "orgs": len(orgs), "job": job.id},
    )
    if run:
        threading.Thread(target=run_batch, args=(job.id,), daemon=True).start()
    return job


def save(job: BatchJob) -> None:
    """Writes the job's state whole, then renames it over the old one."""
    path = job.folder / "job.json"
    part = path.with_suffix(".part")
    part.write_text(json.dumps(asdict(job), ensure_ascii=False), encoding="utf-8")
    part.replace(path)


def load(job_id: str) -> BatchJob | None:
    if not JOB_ID.fullmatch(job_id or ""):
        return None  # never a path built from anything else
    try:
        data = json.loads((batches_dir() / job_id / "job.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return BatchJob(**data)


def batch_get(actor: Actor, job_id: str) -> BatchJob:
    """The actor's own batch; another user's looks the same as none."""
    job = load(job_id)
    if job is None or actor.user is None or job.user_id != actor.user.pk:
        raise NotFoundError(_("đợt tạo báo cáo"))
    if job.running and time.time() - (job.folder / "job.json").stat().st_mtime > STALE:
        # The web worker was restarted mid-batch: say so instead of polling for ever.
        _finish(job, "failed", message=_("Đợt tạo báo cáo bị gián đoạn; hãy tạo lại."))
    return job


def batches_of(actor: Actor) -> list[BatchJob]:
    """The actor's latest batches, newest first."""
    if actor.user is None:
        return []
    jobs = [load(p.name) for p in batches_dir().iterdir() if p.is_dir()]
    mine = [j for j in jobs if j is not None and j.user_id == actor.user.pk]
    return sorted(mine, key=lambda j: j.created_at, reverse=True)[:SHOWN]


def run_batch(job_id: str) -> None:
    """Runs one web batch to its end; every failure ends as a message on the job."""
    from django.contrib.auth import get_user_model

    job = load(job_id)
    if job is None:
        return
    try:
        user = get_user_model().objects.get(pk=job.user_id)
        actor = Actor.for_user(user, f"report-batch-{job.id}")
        _run(actor, job)
    except DomainError as exc:
        _finish(job, "failed", message=exc.message)
    except Exception:
        log.exception("report batch %s failed", job_id)
        _finish(job, "failed", message=_("Lỗi hệ thống khi tạo báo cáo hàng loạt."))
    finally:
        connection.close()


def _run(actor: Actor, job: BatchJob) -> None:
    from tongket.party.selectors import org_by_code
    from tongket.reports.figures import check_period

    root = org_by_code(actor, job.root)
    period, as_of, _running = check_period(job.period)
    orgs = batch_orgs(actor, root, period, as_of)  # the grants are checked again, now
    job.status, job.total = "running", len(orgs)
    save(job)
    part = job.zip_path.with_suffix(".zip.part")
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:

        def sink(name: str, data: bytes) -> None:
            archive.writestr(name, data)
            job.files += 1

        def progress(done: int, total: int, step: str) -> None:
            job.done, job.total, job.step = done, total, step
            save(job)

        errors = generate(actor, orgs, job.period, job.formats, sink, progress)
        if errors:
            archive.writestr("loi.txt", "\n".join(error_lines(errors)) + "\n")
    part.replace(job.zip_path)
    job.errors = [asdict(e) for e in errors]
    if job.files == 0:
        _finish(job, "failed", message=_("Không tạo được báo cáo nào."))
    else:
        _finish(job, "done")


def _finish(job: BatchJob, status: str, message: str = "") -> None:
    job.status, job.message, job.step = status, message, ""
    job.finished_at = timezone.now().isoformat()
    save(job)


def batch_zip(actor: Actor, job_id: str) -> Path:
    """The finished zip of the actor's batch."""
    job = batch_get(actor, job_id)
    if job.status != "done" or not job.zip_path.exists():
        raise NotFoundError(_("tệp nén của đợt này"))
    return job.zip_path

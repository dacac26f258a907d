"""Imports from the web: plan in the background, show the preview, apply on confirmation.

A thread in the web worker does the work (the file is small next to what a worker can do;
a separate queue is not needed for an office's uploads). Its state lives in ImportJob; the
progress of a running apply in a file beside the upload.
"""

from __future__ import annotations

import logging
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.domain.errors import DomainError
from tongket.imports.apply import apply_import, plan_import
from tongket.imports.export import write_errors
from tongket.imports.kinds import get_kind
from tongket.imports.models import ImportJob

log = logging.getLogger("tongket.imports")
MAX_UPLOAD = 50 * 1024 * 1024  # 50 MB: far above an office's files, below a zip bomb's start
SUFFIXES = {".xlsx", ".xls", ".ods", ".csv"}
SHOWN_ERRORS = 200


def uploads_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_upload(kind: str, upload) -> Path:
    """Checks the kind and the file's name and size, and writes it under var/uploads."""
    get_kind(kind)
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise DomainError(
            "import.suffix",
            _("Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv (tệp gửi lên: %(n)s).")
            % {"n": upload.name},
        )
    if upload.size > MAX_UPLOAD:
        raise DomainError("import.too_big", _("Tệp lớn hơn 50 MB."))
    path = uploads_dir() / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


@contextmanager
def stored_upload(kind: str, upload):
    """The upload as a file for the length of a synchronous import (the API), then gone."""
    path = store_upload(kind, upload)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def job_start(*, actor: Actor, kind: str, upload, run=True) -> ImportJob:
    """Stores the upload and starts planning it. Refuses unknown kinds and bad files."""
    path = store_upload(kind, upload)
    job = ImportJob.objects.create(
        user=actor.user, kind=kind, original_name=upload.name[:200], stored_path=str(path)
    )
    if run:
        _background(job.pk, "plan")
    return job


def job_apply(*, actor: Actor, job: ImportJob, run=True) -> None:
    """Applies a planned import without errors (the user confirmed the preview)."""
    if job.status != ImportJob.Status.PLANNED or job.error_count:
        raise DomainError("import.not_ready", _("Chỉ nhập được tệp đã kiểm tra và không có lỗi."))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING)
    if run:
        _background(job.pk, "apply")


def progress_of(job: ImportJob) -> tuple[int, int]:
    """(done, total) of a running apply, read from the file beside the upload."""
    try:
        done, total = Path(job.stored_path + ".progress").read_text().split("/")
        return int(done), int(total)
    except (OSError, ValueError):
        return 0, 0


def _background(job_id: int, stage: str) -> None:
    threading.Thread(target=run_stage, args=(job_id, stage), daemon=True).start()


def run_stage(job_id: int, stage: str) -> None:
    """Plans or applies one job; every failure ends as a message on the job."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    actor = Actor.for_user(job.user, f"import-{job.pk}")
    try:
        plan = plan_import(job.kind, job.stored_path, actor)
        if stage == "plan":
            _planned(job, plan)
        else:
            result = apply_import(plan, actor, progress=_tracker(job))
            _applied(job, result)
    except DomainError as exc:
        _finish(job, ImportJob.Status.FAILED, message=exc.message)
    except Exception:  # a bug: the user gets a sentence, the log gets the traceback
        log.exception("import job %s failed", job_id)
        _finish(
            job,
            ImportJob.Status.FAILED,
            message=_("Lỗi hệ thống khi xử lý tệp; dữ liệu không bị thay đổi."),
        )
    finally:
        connection.close()


def _rows(errors) -> list[dict]:
    return [
        {
            "sheet": e.sheet,
            "row": e.row,
            "column": e.column,
            "value": str(e.value or ""),
            "message": e.message,
        }
        for e in errors[:SHOWN_ERRORS]
    ]


def _planned(job: ImportJob, plan) -> None:
    errors_path = ""
    if plan.errors:
        errors_path = str(write_errors(job.stored_path + ".loi.xlsx", plan.errors))
    _finish(
        job,
        ImportJob.Status.PLANNED,
        counts=plan.counts,
        warnings=list(plan.warnings),
        error_count=len(plan.errors),
        errors=_rows(plan.errors),
        errors_path=errors_path,
        finished_at=None,
    )


def _applied(job: ImportJob, result) -> None:
    if result.errors:
        path = str(write_errors(job.stored_path + ".loi.xlsx", result.errors))
        _finish(
            job,
            ImportJob.Status.FAILED,
            error_count=len(result.errors),
            errors=_rows(result.errors),
            errors_path=path,
            message=_("Có lỗi khi nhập; không dòng nào được ghi."),
        )
    else:
        _finish(job, ImportJob.Status.DONE, counts=result.counts)


def _finish(job: ImportJob, status: str, **fields) -> None:
    fields.setdefault("finished_at", timezone.now())
    ImportJob.objects.filter(pk=job.pk).update(status=status, **fields)


def _tracker(job: ImportJob):
    marker = Path(job.stored_path + ".progress")

    def track(rows, total):
        for done, row in enumerate(rows, start=1):
            if done % 200 == 0 or done == total:
                marker.write_text(f"{done}/{total}")
            yield row

    return track

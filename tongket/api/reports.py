"""API of the review report: the figures of an organization for a period, as the JSON of
INTERCHANGE.md ("Review figures as JSON"). Same error shape and scoping as the rest."""

from __future__ import annotations

from ninja import File, Router
from ninja.files import UploadedFile

from tongket.api.schemas import Error
from tongket.core.actor import Actor
from tongket.party import selectors as party

router = Router(tags=["reports"])
FAIL = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


@router.get("/reports/{org_code}/{period}", response={200: dict, **FAIL})
def report_figures(request, org_code: str, period: str):
    """Every figure of the organization's review for the period (`2024`, `2024-H1`, …),
    counted on the trees as they stood at the end of the period."""
    from tongket.reports.cache import cached
    from tongket.reports.figures import check_period, review_figures

    actor = Actor.for_user(request.auth, request.operation_id)
    org = party.org_by_code(actor, org_code)
    code = check_period(period)[0].code  # "2024" and "2024-CN" share one entry
    return cached(
        "figures-json", actor, org, code, lambda: review_figures(actor, org, period).to_json()
    )


# Declared before ".../{fmt}" so that the literal path is resolved first.
@router.post("/reports/{org_code}/{period}/factcheck", response={200: dict, **FAIL})
def report_factcheck(request, org_code: str, period: str, file: File[UploadedFile] = None):
    """Checks a review written by hand (multipart `file`: .docx, .txt or .md) against the
    organization's figures for the period: every figure as matched, differs or unplaced."""
    from django.utils.translation import gettext as _

    from tongket.domain.errors import DomainError
    from tongket.reports.factcheck import factcheck

    actor = Actor.for_user(request.auth, request.operation_id)
    org = party.org_by_code(actor, org_code)  # outside the grants: 404 before the file
    if file is None:
        raise DomainError("factcheck.no_file", _("Hãy gửi kèm tệp bản thảo (trường file)."))
    return factcheck(actor, org, period, _upload_bytes(file), file.name or "").to_json()


def _upload_bytes(file) -> bytes:
    from tongket.reports.factcheck import check_size

    check_size(file.size or 0, file.name or "")  # refused before it is read into memory
    return file.read()


FILE_TYPES = {
    "application/json": {},
    "text/html": {},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
    "application/pdf": {},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
}


@router.get(
    "/reports/{org_code}/{period}/{fmt}",
    response=FAIL,
    openapi_extra={"responses": {200: {"description": "OK", "content": FILE_TYPES}}},
)
def report_file(request, org_code: str, period: str, fmt: str):
    """The report as a file: `json` (the figures, as above), `html`, `docx`, `pdf` or `xlsx`
    (the statistical annex). An unknown format is 404, a period that has not begun 422."""
    from django.http import HttpResponse

    from tongket.reports.exports import report_file

    actor = Actor.for_user(request.auth, request.operation_id)
    org = party.org_by_code(actor, org_code)  # outside the grants: 404 before anything else
    found = report_file(actor, org, period, fmt)
    response = HttpResponse(found.data, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    return response

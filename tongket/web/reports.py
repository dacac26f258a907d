"""Report pages: pick an organization and a period, read the report (header blocks, narrative,
tables, charts as SVG, what is missing), download it in every format, and generate the reports
of every committee under a root in one batch with a progress bar."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tongket.core.errors import NotFoundError, PermissionDeniedError
from tongket.domain.errors import DomainError
from tongket.party import selectors as party
from tongket.reports import batch
from tongket.reports.render import FORMATS
from tongket.web.shell import active_org, actor_of, page

REPORT_KINDS = ("party_committee", "grassroots_committee", "grassroots_branch")
LISTED = 300  # organizations offered in a picker; others are typed by code
FORMAT_LABELS = {
    "html": "HTML",
    "docx": "Word (DOCX)",
    "pdf": "PDF",
    "xlsx": "Excel (XLSX)",
    "json": "JSON",
}


def report_orgs(actor, kinds=REPORT_KINDS):
    """The organizations offered in a report picker (others are typed by code)."""
    return party.orgs_visible(actor).filter(kind__in=kinds).order_by("path")[:LISTED]


def default_period() -> str:
    """Last year: the year-end review is the report most asked for."""
    return str(timezone.localdate().year - 1)


def _formats() -> list[tuple[str, str]]:
    return [(f, FORMAT_LABELS[f]) for f in FORMATS]


@require_GET
@page
def index(request):
    """The picker: with ?org=&period= it opens the report, or says what is wrong."""
    from tongket.domain.periods import parse_period
    from tongket.reports.figures import check_period

    actor = actor_of(request)
    code = request.GET.get("org", "").strip()
    period = request.GET.get("period", "").strip()
    error = ""
    if "org" in request.GET or "period" in request.GET:
        try:
            if not code:
                raise DomainError("report.no_org", _("Hãy chọn một tổ chức đảng."))
            org = party.org_by_code(actor, code)
            check_period(period)
            return redirect("report_page", org_code=org.code, period=parse_period(period).code)
        except DomainError as exc:  # also an unknown code or one outside the grants
            error = exc.message
    org = active_org(request)
    context = {
        "orgs": report_orgs(actor),
        "org_code": code or (org.code if org else ""),
        "period": period or default_period(),
        "error": error,
    }
    return render(request, "web/reports/index.html", context, status=400 if error else 200)


def _document(actor, org, period: str):
    from tongket.reports.assemble import report_document

    return report_document(actor, org, period)


def _page(request, org, period: str, document=None, error: str = "", status: int = 200):
    from tongket.reports.html import document_context

    context = {
        "org": org,
        "period": period,
        "error": error,
        "formats": _formats(),
        "document": document,
    }
    if document is not None:
        context.update(document_context(document))
    return render(request, "web/reports/report.html", context, status=status)


@require_GET
@page
def report_page(request, org_code: str, period: str):
    actor = actor_of(request)
    org = party.org_by_code(actor, org_code)
    try:
        document = _document(actor, org, period)
    except (NotFoundError, PermissionDeniedError):
        raise
    except DomainError as exc:  # a period that is malformed, in the future, or before the org
        return _page(request, org, period, error=exc.message, status=400)
    return _page(request, org, period, document)


@require_GET
@page
def report_download(request, org_code: str, period: str, fmt: str):
    from tongket.reports.exports import report_file

    actor = actor_of(request)
    org = party.org_by_code(actor, org_code)
    if fmt not in FORMATS:
        raise Http404
    try:
        found = report_file(actor, org, period, fmt)
    except (NotFoundError, PermissionDeniedError):
        raise
    except DomainError as exc:
        return _page(request, org, period, error=exc.message, status=400)
    response = HttpResponse(found.data, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    return response


# --- batch ---------------------------------------------------------------------------------
@page
def batch_index(request):
    """The batch form (a root, a period, formats) and the user's latest batches."""
    actor = actor_of(request)
    error = ""
    if request.method == "POST":
        try:
            root = party.org_by_code(actor, request.POST.get("root", "").strip())
            job = batch.batch_start(
                actor=actor,
                root=root,
                period_text=request.POST.get("period", "").strip(),
                formats=request.POST.getlist("formats"),
            )
            return redirect("report_batch", job=job.id)
        except DomainError as exc:
            error = exc.message
    org = active_org(request)
    chosen = request.POST.getlist("formats") if request.method == "POST" else ["docx", "xlsx"]
    context = {
        "roots": report_orgs(actor, batch.COMMITTEE_KINDS),
        "root": request.POST.get("root", "") or (org.code if org else ""),
        "period": request.POST.get("period", "") or default_period(),
        "formats": _formats(),
        "chosen": chosen,
        "error": error,
        "jobs": batch.batches_of(actor),
    }
    return render(request, "web/reports/batch.html", context, status=400 if error else 200)


@require_GET
@page
def batch_status(request, job: str):
    found = batch.batch_get(actor_of(request), job)
    template = "web/reports/_batch_status.html" if request.htmx else "web/reports/batch_job.html"
    return render(request, template, {"job": found})


@require_GET
@page
def batch_download(request, job: str):
    path = batch.batch_zip(actor_of(request), job)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)

"""Fact check page: upload a review written by hand, see which of its figures match the records,
which differ (with the records' value) and which could not be placed, each in its sentence."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from tongket.core.errors import NotFoundError
from tongket.domain.errors import DomainError
from tongket.party import selectors as party
from tongket.web.reports import default_period, report_orgs
from tongket.web.shell import actor_of, page


@page
def factcheck_page(request):
    """GET: the form; POST (multipart: org, period, file): the check and its three lists."""
    actor = actor_of(request)
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("org", "").strip()
    period = data.get("period", "").strip() or default_period()
    error, report = "", None
    if request.method == "POST":
        try:
            report = _check(actor, code, period, request.FILES.get("file"))
        except DomainError as exc:
            error = exc.message
    context = {
        "orgs": report_orgs(actor),
        "org_code": code,
        "period": period,
        "error": error,
        "report": report,
    }
    return render(request, "web/reports/factcheck.html", context, status=400 if error else 200)


def _check(actor, code: str, period: str, upload):
    from tongket.reports.factcheck import check_size, factcheck

    if not code:
        raise DomainError("factcheck.no_org", _("Hãy chọn một tổ chức đảng."))
    if upload is None:
        raise DomainError("factcheck.no_file", _("Hãy chọn tệp bản thảo (.docx, .txt, .md)."))
    try:
        org = party.org_by_code(actor, code)
    except NotFoundError:
        raise DomainError(
            "factcheck.no_org",
            _("Không có tổ chức mã %(c)s trong phạm vi của bạn.") % {"c": code},
        ) from None
    check_size(upload.size or 0, upload.name or "")
    return factcheck(actor, org, period, upload.read(), upload.name or "")

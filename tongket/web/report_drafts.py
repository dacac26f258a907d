"""The report's editor: the office rewrites the generated paragraphs of any section and saves
them as a new version. Figures appear as `{key}` placeholders, listed beside the text with their
values, so the edited report still prints the figures of the records."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongket.core.errors import NotFoundError, PermissionDeniedError
from tongket.core.permissions import restrict
from tongket.domain.errors import DomainError
from tongket.domain.vnformat import parse_date
from tongket.party import selectors as party
from tongket.reports.assemble import report_document
from tongket.reports.facts import facts_of
from tongket.reports.models import ReportDraft
from tongket.reports.services import draft_save
from tongket.web.shell import actor_of, page


@page
def draft_edit(request, org_code: str, period: str):
    actor = actor_of(request)
    org = party.org_by_code(actor, org_code)
    error, posted = "", None
    if request.method == "POST":
        posted = request.POST
        try:
            draft = _save(actor, org, period, request.POST)
        except (NotFoundError, PermissionDeniedError):
            raise  # a 403/404 page, as everywhere: a viewer may read the editor, not save
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Đã lưu phiên bản %(v)d.") % {"v": draft.version})
            return redirect("report_draft", org_code=org.code, period=draft.period)
    try:
        document = report_document(actor, org, period)
    except DomainError as exc:
        return render(request, "web/reports/draft.html", {"org": org, "error": exc.message})
    return render(request, "web/reports/draft.html", _context(actor, org, document, posted, error))


def _save(actor, org, period: str, data) -> ReportDraft:
    sections = {
        key.removeprefix("section-"): value.splitlines()
        for key, value in data.items()
        if key.startswith("section-")
    }
    number = data.get("number", "").strip()
    if number and not number.isdigit():
        raise DomainError("draft.number", _("Số văn bản phải là số nguyên dương."))
    day = data.get("issued_on", "").strip()
    base = data.get("base_version", "").strip()
    if base and not base.isdigit():
        # Not a form this page wrote: saving without the check would overwrite silently.
        raise DomainError(
            "draft.base_version",
            _("Trang soạn thảo gửi lên không rõ phiên bản gốc: hãy tải lại trang rồi sửa lại."),
        )
    return draft_save(
        base_version=int(base) if base else None,
        actor=actor,
        org=org,
        period=period,
        sections=sections,
        number=int(number) if number else None,
        issued_on=parse_date(day) if day else None,
        note=data.get("note", ""),
    )


def _context(actor, org, document, posted, error) -> dict:
    sections = [
        {
            "key": s.key,
            "title": f"{s.number} {s.title}".strip() or _("Mở đầu"),
            "source": posted.get(f"section-{s.key}")
            if posted
            else "\n".join(p.source for p in s.paragraphs),
        }
        for s in document.all_sections()
    ]
    versions = restrict(ReportDraft.objects.all(), actor).filter(
        org=org, period=document.figures.period
    )
    latest = versions.order_by("-version").values_list("version", flat=True).first() or 0
    return {
        # The version the edits are made on. After a refusal the posted one is kept, so that
        # saving again is refused until the page is reloaded with the newer text.
        "base_version": posted.get("base_version", latest) if posted else latest,
        "org": org,
        "document": document,
        "sections": sections,
        "facts": facts_of(document.figures).values(),
        "versions": versions.order_by("-version")[:50],
        "error": error,
        "posted": posted,
    }

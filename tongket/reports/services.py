"""Writes of report drafts: each save is a new version, checked and audited.

A paragraph may name figures only by their keys (`{evaluation.members.excellent}`); a key the
figures of the period do not have, a brace left open or a section the report does not have is
refused with the name of what is wrong, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_change, snapshot
from tongket.core.permissions import require
from tongket.domain.errors import DomainError
from tongket.party.models import PartyOrg
from tongket.reports.models import ReportDraft

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MAX_PARAGRAPH = 5000
MAX_PARAGRAPHS = 200


def placeholders(text: str) -> list[str]:
    """The figure keys a paragraph names; refuses braces that do not pair up."""
    if PLACEHOLDER.sub("", text).count("{") or PLACEHOLDER.sub("", text).count("}"):
        raise DomainError(
            "draft.braces",
            _("Đoạn văn có dấu ngoặc { } không khớp: %(text)s") % {"text": text[:80]},
        )
    return [m.strip() for m in PLACEHOLDER.findall(text)]


def check_sections(sections: dict, keys: set[str], section_keys: set[str]) -> dict:
    """The edited sections, cleaned: known sections, paragraphs as stripped text, every
    placeholder a figure of the report."""
    if not isinstance(sections, dict):
        raise DomainError("draft.invalid", _("Nội dung dự thảo phải gồm các mục của báo cáo."))
    clean = {}
    for key, paragraphs in sections.items():
        if key not in section_keys:
            raise DomainError("draft.section", _("Báo cáo không có mục %(key)s.") % {"key": key})
        if isinstance(paragraphs, str):
            paragraphs = paragraphs.split("\n")
        texts = [str(p).strip() for p in paragraphs if str(p).strip()]
        if len(texts) > MAX_PARAGRAPHS or any(len(t) > MAX_PARAGRAPH for t in texts):
            raise DomainError(
                "draft.too_long",
                _("Mục %(key)s quá dài (tối đa %(n)d đoạn, mỗi đoạn %(c)d ký tự).")
                % {"key": key, "n": MAX_PARAGRAPHS, "c": MAX_PARAGRAPH},
            )
        for text in texts:
            unknown = [k for k in placeholders(text) if k not in keys]
            if unknown:
                raise DomainError(
                    "draft.placeholder",
                    _("Số liệu {%(key)s} không có trong báo cáo kỳ này (mục %(section)s).")
                    % {"key": unknown[0], "section": key},
                    {"unknown": unknown},
                )
        clean[key] = texts
    return clean


@transaction.atomic
def draft_save(
    *,
    actor: Actor,
    org: PartyOrg,
    period: str,
    sections: dict,
    number: int | None = None,
    issued_on: dt.date | None = None,
    note: str = "",
    base_version: int | None = None,
) -> ReportDraft:
    """Saves the office's edits as the next version of the report's draft. `base_version`:
    the latest version when the editor was opened (0: none yet); refused when another version
    was saved since, so that edits made on an older text do not silently replace newer ones."""
    from tongket.reports.assemble import report_document
    from tongket.reports.facts import fact_keys

    require(actor, "edit", org.scope_target())
    document = report_document(actor, org, period)
    figures = document.figures
    clean = check_sections(sections, fact_keys(figures), {s.key for s in document.all_sections()})
    if number is not None and not (0 < int(number) < 1_000_000):
        raise DomainError("draft.number", _("Số văn bản phải là số nguyên dương."))
    if len(note) > 200:
        raise DomainError("draft.note", _("Ghi chú tối đa 200 ký tự."))
    # The organization's row, locked, serializes two saves of its drafts (PostgreSQL; SQLite
    # writes one transaction at a time), so that both cannot pass the check below.
    list(PartyOrg.objects.select_for_update().filter(pk=org.pk).values_list("pk"))
    last = ReportDraft.objects.select_for_update().filter(org=org, period=figures.period)
    version = (last.aggregate(m=Max("version"))["m"] or 0) + 1
    if base_version is not None and version - 1 != base_version:
        _stale_draft(last.order_by("-version").first())
    draft = ReportDraft.objects.create(
        org=org,
        period=figures.period,
        version=version,
        number=number,
        issued_on=issued_on,
        sections=clean,
        note=note.strip(),
        created_by=actor.user,
        created_by_name=actor.name,
    )
    record_change(actor, "create", draft, after=snapshot(draft))
    return draft


def _stale_draft(latest: ReportDraft) -> None:
    from tongket.core.locking import stale

    what = _("Bản thảo báo cáo (phiên bản %(v)d)") % {"v": latest.version}
    raise stale(what, latest.created_by_name, latest.created_at)

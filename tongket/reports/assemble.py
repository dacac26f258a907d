"""The report document of an organization for a period: its figures, the narrative written from
them, the header blocks, signature and recipients taken from the records valid on the day, and
the office's latest edited version where one was saved."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.routers import reading_replica
from tongket.domain.documents import (
    Committee,
    committee_of,
    document_number,
    place_of,
    recipients,
    summary_line,
)
from tongket.domain.errors import DomainError
from tongket.domain.party import is_head_title
from tongket.domain.periods import parse_period
from tongket.domain.vnformat import format_date_long
from tongket.party.models import PartyOrg, Position
from tongket.reports.document import Heading, Paragraph, ReportDocument, Section, Signature, Span
from tongket.reports.facts import facts_of
from tongket.reports.figures import ReviewFigures, review_figures
from tongket.reports.narrative import sections_of

TOPIC = "công tác xây dựng Đảng, xây dựng chính quyền, công tác dân vận"


@reading_replica()
def report_document(
    actor: Actor,
    org: PartyOrg,
    period_text: str,
    today: dt.date | None = None,
    version: int | None = None,
) -> ReportDocument:
    """The report, from the records; `version` picks an edited draft (None: the latest one,
    0: the generated text)."""
    figures = review_figures(actor, org, period_text, today)
    draft = _draft(actor, org, figures.period, version)
    committee = committee_of(figures.org_name, _kind_on(org, figures.as_of))
    day = (draft.issued_on if draft and draft.issued_on else None) or _issue_day(figures, today)
    sections = sections_of(figures, committee.name, committee.short)
    if draft is not None:
        sections = _apply_draft(sections, draft.sections, figures)
    return ReportDocument(
        figures=figures,
        heading=_heading(org, figures, committee, day, draft.number if draft else None),
        sections=sections,
        signature=_signature(org, committee, day),
        recipients=recipients(committee, _superior(org, figures.as_of)),
        draft_version=draft.version if draft else 0,
        notes=figures.missing,
    )


def _draft(actor: Actor, org: PartyOrg, period: str, version: int | None):
    from tongket.core.permissions import restrict
    from tongket.reports.models import ReportDraft

    if version == 0:
        return None
    drafts = restrict(ReportDraft.objects.all(), actor).filter(org=org, period=period)
    if version is None:
        return drafts.order_by("-version").first()
    found = drafts.filter(version=version).first()
    if found is None:
        raise DomainError(
            "draft.not_found",
            _("Không có phiên bản %(v)s của báo cáo này.") % {"v": version},
        )
    return found


def _kind_on(org: PartyOrg, day: dt.date) -> str:
    version = org.versions.filter(valid_from__lte=day).exclude(valid_to__lt=day).first()
    return version.kind if version else org.kind


def _superior(org: PartyOrg, day: dt.date) -> Committee | None:
    version = org.versions.filter(valid_from__lte=day).exclude(valid_to__lt=day).first()
    parent = version.parent if version else org.parent
    if parent is None:
        return None
    return committee_of(_name_on(parent, day), _kind_on(parent, day))


def _name_on(org: PartyOrg, day: dt.date) -> str:
    version = org.versions.filter(valid_from__lte=day).exclude(valid_to__lt=day).first()
    return version.name if version else org.name


def _issue_day(figures: ReviewFigures, today: dt.date | None) -> dt.date:
    """The day of the meeting that reviewed the period; without one, the day it is written."""
    if figures.meeting is not None:
        return figures.meeting.held_on
    from django.utils import timezone

    return today or timezone.localdate()


def _heading(org, figures: ReviewFigures, committee: Committee, day, number) -> Heading:
    superior = _superior_body(org, figures.as_of)
    unit_name = figures.units.name if figures.units else figures.org_name
    return Heading(
        superior=superior.upper(),
        issuer=committee.name.upper(),
        number=document_number(number, committee),
        place_date=f"{place_of(unit_name)}, {format_date_long(day)}",
        title="BÁO CÁO",
        summary=summary_line(parse_period(figures.period), TOPIC),
    )


def _superior_body(org: PartyOrg, day: dt.date) -> str:
    """The organization above, by its name then ("Đảng bộ Thành phố Hồ Chí Minh")."""
    version = org.versions.filter(valid_from__lte=day).exclude(valid_to__lt=day).first()
    parent = version.parent if version else org.parent
    return _name_on(parent, day) if parent is not None else ""


def _signature(org: PartyOrg, committee: Committee, day: dt.date) -> Signature:
    """ "T/M BAN THƯỜNG VỤ / BÍ THƯ / name": the secretary in post on the day of issue."""
    posts = Position.objects.filter(org=org, valid_from__lte=day).exclude(valid_to__lt=day)
    head = next((p for p in posts if is_head_title(p.title)), None)
    return Signature(f"T/M {committee.collective}", "BÍ THƯ", head.holder_name if head else "")


def _apply_draft(sections, edited: dict, figures: ReviewFigures) -> tuple[Section, ...]:
    """The generated sections with the office's paragraphs in place of the generated ones;
    tables and charts stay those of the records."""
    from dataclasses import replace

    facts = facts_of(figures)
    out = []
    for section in sections:
        if section.key in edited:
            others = tuple(b for b in section.blocks if not isinstance(b, Paragraph))
            paragraphs = tuple(_parse(text, facts) for text in edited[section.key])
            section = replace(section, blocks=paragraphs + others)
        out.append(section)
    return tuple(out)


def _parse(text: str, facts) -> Paragraph:
    """A saved paragraph back into words and figures; a figure the records no longer hold is
    printed as a visible gap rather than a number."""
    from tongket.reports.services import PLACEHOLDER

    spans, last = [], 0
    for m in PLACEHOLDER.finditer(text):
        spans.append(Span(text[last : m.start()]))
        key = m.group(1).strip()
        fact = facts.get(key)
        spans.append(Span(fact.text if fact else f"[{key}: chưa có số liệu]", key))
        last = m.end()
    spans.append(Span(text[last:]))
    return Paragraph(tuple(s for s in spans if s.text))

"""Reads of organizations and members, scoped to the actor; member reads are logged."""

from __future__ import annotations

from django.db.models import QuerySet

from tongket.core.actor import Actor
from tongket.core.audit import record_change, record_event
from tongket.core.errors import NotFoundError
from tongket.core.permissions import restrict
from tongket.domain.text import fold
from tongket.party.models import Member, PartyOrg


def orgs_visible(actor: Actor) -> QuerySet[PartyOrg]:
    return restrict(PartyOrg.objects.select_related("parent", "unit"), actor)


def org_get(actor: Actor, pk: int) -> PartyOrg:
    org = orgs_visible(actor).filter(pk=pk).first()
    if org is None:
        raise NotFoundError("tổ chức")
    return org


def members_search(actor: Actor, query: str = "", org: PartyOrg | None = None) -> QuerySet:
    """Members in scope, accent-insensitive on name or card number. Lists carry few fields."""
    rows = restrict(Member.objects.select_related("org"), actor).only(
        "id", "card_number", "full_name", "status", "org__name", "org__path", "org__code"
    )
    if org is not None:
        rows = rows.filter(org__path__startswith=org.path)
    if q := fold(query):
        by_card = rows.filter(card_number__istartswith=query.strip())
        rows = rows.filter(name_folded__contains=q) | by_card
    return rows


def log_member_list(actor: Actor, query: str, count: int) -> None:
    """A list of members is personal data too: one row says who listed what."""
    record_event(actor, "list", "party.member", query[:100], {"count": count})


def member_get(actor: Actor, pk: int, purpose: str = "xem hồ sơ") -> Member:
    """One member's record; the read is logged with its purpose."""
    member = restrict(Member.objects.select_related("org", "org__unit"), actor).filter(pk=pk)
    member = member.first()
    if member is None:
        raise NotFoundError("đảng viên")
    record_change(actor, "read", member, purpose=purpose)
    return member

"""Reads of organizations and members, scoped to the actor and taken as of a day.

Member reads are logged (sensitive personal data); the national ID is shown only to admins of
the member's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tongket.core.actor import Actor
from tongket.core.audit import record_change, record_event
from tongket.core.errors import NotFoundError
from tongket.core.permissions import restrict
from tongket.core.revisions import cached
from tongket.core.tree_sql import subtree_ids_sql, subtree_snapshot
from tongket.domain.party import OrgFlag, PartyAge, party_age, structure_flags
from tongket.domain.text import fold
from tongket.domain.timeline import Snapshot, Version
from tongket.party.models import Member, Membership, PartyOrg, PartyOrgVersion, Position

GAP_STATUSES = ("struck_off", "expelled", "left")


def orgs_visible(actor: Actor) -> QuerySet[PartyOrg]:
    return restrict(PartyOrg.objects.select_related("parent", "unit"), actor)


def org_get(actor: Actor, pk: int) -> PartyOrg:
    org = orgs_visible(actor).filter(pk=pk).first()
    if org is None:
        raise NotFoundError("tổ chức")
    return org


def org_by_code(actor: Actor, code: str) -> PartyOrg:
    org = orgs_visible(actor).filter(code=code).first()
    if org is None:
        raise NotFoundError(f"tổ chức mã {code}")
    return org


def org_snapshot(day: date) -> Snapshot:
    """Every organization as it stood on `day` (kind in place of level), cached until a
    service changes the organization tree."""
    return cached("orgs", day, lambda: _build_org_snapshot(day))


def _build_org_snapshot(day: date) -> Snapshot:
    rows = PartyOrgVersion.objects.filter(valid_from__lte=day).exclude(valid_to__lt=day)
    fields = ("org_id", "valid_from", "valid_to", "name", "kind", "parent_id", "org__code")
    return Snapshot((Version(*row) for row in rows.values_list(*fields)), day)


def org_subtree(org: PartyOrg, day: date) -> Snapshot:
    """The organization and all under it on the day (one recursive query)."""
    return subtree_snapshot(PartyOrgVersion, "org", "kind", org.pk, day)


def subtree_on(actor: Actor, org: PartyOrg, day: date) -> list[int]:
    """The organization and all under it on the day (as the tree stood then)."""
    return list(org_subtree(org, day).nodes)


def members_on(actor: Actor, org: PartyOrg, day: date, kind: str = "official") -> QuerySet:
    """Members with an official membership valid on `day` in the organization's subtree as it
    stood that day. Temporarily hosted members are not counted in a host's total (§4.4)."""
    # The subtree stays inside the database: one statement, whatever the tree's size.
    ids = RawSQL(*subtree_ids_sql(PartyOrgVersion, "org", org.pk, day))
    memberships = Membership.objects.filter(org_id__in=ids, kind=kind, valid_from__lte=day).exclude(
        valid_to__lt=day
    )
    return restrict(Member.objects.all(), actor).filter(pk__in=memberships.values("member_id"))


@dataclass(frozen=True)
class OrgCount:
    org_id: int
    name: str
    kind: str
    official: int
    total: int
    flags: tuple[OrgFlag, ...]


def org_structure(actor: Actor, org: PartyOrg, day: date) -> list[OrgCount]:
    """Each organization under `org` on the day with its member counts and structural flags
    (fewer than 3 official members; a branch of 30 or more; a committee under 30)."""
    snap = org_subtree(org, day)
    ids = snap.subtree(org.pk)
    under = {}
    for node in ids:  # members count where they belong, and in every organization above
        for ancestor in [node, *snap.ancestors(node)]:
            under.setdefault(ancestor, set()).add(node)
    counts = _member_counts(ids, day)
    rows = []
    for node in ids:
        v = snap.nodes[node]
        official = sum(counts.get(n, (0, 0))[0] for n in under[node])
        total = sum(counts.get(n, (0, 0))[1] for n in under[node])
        rows.append(
            OrgCount(
                node,
                v.name,
                v.level,
                official,
                total,
                tuple(structure_flags(v.level, v.name, official, total)),
            )
        )
    return rows


def _member_counts(org_ids: list[int], day: date) -> dict[int, tuple[int, int]]:
    rows = (
        Membership.objects.filter(org_id__in=org_ids, kind="official", valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .values("org_id")
        .annotate(
            total=Count("id"),
            official=Count("id", filter=Q(member__confirmed_on__lte=day)),
        )
    )
    return {r["org_id"]: (r["official"], r["total"]) for r in rows}


def members_search(actor: Actor, query: str = "", org: PartyOrg | None = None) -> QuerySet:
    """Members in scope, accent-insensitive on name or card number. Lists carry few fields.

    The scope is applied as a set of organizations (a subquery on their paths) rather than as
    a join on every member's organization path: the members are then read through the index
    on their organization, a ward's few thousand instead of a scan of the whole city.
    """
    rows = Member.objects.select_related("org")
    if not actor.system or org is not None:
        orgs = restrict(PartyOrg.objects.all(), actor)
        if org is not None:
            orgs = orgs.filter(path__startswith=org.path)
        rows = rows.filter(org__in=orgs.values("pk"))
    rows = rows.only(
        "id",
        "card_number",
        "full_name",
        "name_folded",
        "status",
        "org__name",
        "org__path",
        "org__code",
    )
    if q := fold(query):
        rows = rows.filter(Q(name_folded__contains=q) | Q(card_number__istartswith=query.strip()))
    return rows


def log_member_list(actor: Actor, query: str, count: int) -> None:
    """A list of members is personal data too: one row says who listed what."""
    record_event(actor, "list", "party.member", query[:100], {"count": count})


@dataclass(frozen=True)
class MemberRecord:
    """A member's record as a page shows it; `national_id` is None unless the reader may see it."""

    member: Member
    national_id: str | None
    memberships: list[Membership]
    positions: list[Position]
    age: PartyAge | None


def member_get(actor: Actor, pk: int, purpose: str = "xem hồ sơ") -> Member:
    """One member's record; the read is logged with its purpose."""
    member = restrict(Member.objects.select_related("org", "org__unit"), actor).filter(pk=pk)
    member = member.first()
    if member is None:
        raise NotFoundError("đảng viên")
    record_change(actor, "read", member, purpose=purpose)
    return member


def member_record(actor: Actor, pk: int, purpose: str = "xem hồ sơ") -> MemberRecord:
    member = member_get(actor, pk, purpose)
    sensitive = actor.can("read_sensitive", member.scope_target())
    return MemberRecord(
        member=member,
        national_id=member.national_id if sensitive else None,
        memberships=list(member.memberships.select_related("org").order_by("valid_from")),
        positions=list(member.positions.all()),
        age=member_party_age(member, timezone.localdate()),
    )


def member_party_age(member: Member, on: date) -> PartyAge | None:
    """Party age on a day (§2.3): gaps are the spans outside the Party and between two
    official memberships."""
    gaps = [
        (p.valid_from, p.valid_to or on)
        for p in member.status_periods.filter(status__in=GAP_STATUSES)
    ]
    official = list(member.memberships.filter(kind="official").order_by("valid_from"))
    for before, after in zip(official, official[1:], strict=False):
        if before.valid_to and (after.valid_from - before.valid_to).days > 1:
            gaps.append(
                (
                    before.valid_to.fromordinal(before.valid_to.toordinal() + 1),
                    after.valid_from.fromordinal(after.valid_from.toordinal() - 1),
                )
            )
    return party_age(member.decided_on, member.admitted_on, member.confirmed_on, gaps, on)

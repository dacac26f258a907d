"""Writes to the party registry: organizations with dated versions, members with their
memberships and statuses, terms and positions. Each checks rights, validates on the dates it
touches, and writes its audit row in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_change, record_changes_bulk, snapshot
from tongket.core.permissions import require
from tongket.core.revisions import bump
from tongket.domain.errors import DomainError
from tongket.domain.party import check_member_dates, check_one_place, check_org_parent
from tongket.domain.permissions import Target
from tongket.domain.text import fold, vi_sort_string
from tongket.domain.timeline import Version, check_no_overlap
from tongket.domain.vnformat import format_date_short
from tongket.party.models import (
    Member,
    Membership,
    MemberStatusPeriod,
    PartyOrg,
    PartyOrgVersion,
    Position,
    Term,
)
from tongket.registry.models import AdminUnit

EARLIEST = date(1900, 1, 1)
MEMBER_FIELDS = [
    "card_number",
    "full_name",
    "birth_date",
    "gender",
    "org_id",
    "admitted_on",
    "decided_on",
    "confirmed_on",
    "status",
]
# Statuses that end the member's official membership on the day they start.
LEAVING = {"transferred_out", "deceased", "struck_off", "expelled", "left"}


def _day_before(day: date) -> date:
    return day - timedelta(days=1)


def org_version_on(org: PartyOrg, day: date) -> PartyOrgVersion | None:
    return org.versions.filter(valid_from__lte=day).exclude(valid_to__lt=day).first()


def _require_alive(org: PartyOrg, day: date) -> PartyOrgVersion:
    version = org_version_on(org, day)
    if version is None:
        raise DomainError(
            "org.missing_on",
            _("Tổ chức %(org)s không tồn tại vào ngày %(day)s.")
            % {"org": org.code, "day": format_date_short(day)},
        )
    return version


def _refresh_identity(org: PartyOrg) -> None:
    latest = org.versions.order_by("-valid_from").first()
    org.name, org.kind = latest.name, latest.kind
    org.parent_id, org.unit_id = latest.parent_id, latest.unit_id
    org.path = org.build_path()
    org.save(update_fields=["name", "kind", "parent", "unit", "path"])


@transaction.atomic
def org_version_add(
    *,
    actor: Actor,
    org: PartyOrg,
    valid_from: date,
    valid_to: date | None = None,
    name: str,
    kind: str,
    parent: PartyOrg | None = None,
    unit: AdminUnit | None = None,
) -> PartyOrgVersion:
    """Adds a dated version after checking dates, overlap, the parent on the day and its kind."""
    require(actor, "edit", parent.scope_target() if parent else Target(org_path="/"))
    new = Version(org.pk, valid_from, valid_to, name, kind, parent.pk if parent else None)
    earlier = [] if _fresh(org) else org.versions.all()
    check_no_overlap(
        [
            *(
                Version(v.org_id, v.valid_from, v.valid_to, v.name, v.kind, v.parent_id)
                for v in earlier
            ),
            new,
        ]
    )
    parent_kind = _require_alive(parent, valid_from).kind if parent else None
    check_org_parent(kind, parent_kind, name)
    version = PartyOrgVersion.objects.create(
        org=org,
        valid_from=valid_from,
        valid_to=valid_to,
        name=name,
        kind=kind,
        parent=parent,
        unit=unit,
    )
    if not _fresh(org):  # a new identity was written with its first version's values
        _refresh_identity(org)
    bump("orgs")
    record_change(actor, "create", version, after=snapshot(version))
    return version


@transaction.atomic
def org_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    parent: PartyOrg | None = None,
    unit: AdminUnit | None = None,
    valid_from: date = EARLIEST,
    valid_to: date | None = None,
) -> PartyOrg:
    """A new organization identity with its first version."""
    code = code.strip()
    if not code:
        raise DomainError("code.empty", _("Mã không được để trống."))
    if PartyOrg.objects.filter(code=code).exists():
        raise DomainError("code.exists", _("Mã %(code)s đã có.") % {"code": code})
    org = PartyOrg.objects.create(code=code, name=name, kind=kind, parent=parent, unit=unit)
    org.path = org.build_path()
    org.save(update_fields=["path"])
    org._fresh = True  # no versions yet: org_version_add may skip what cannot apply
    org_version_add(
        actor=actor,
        org=org,
        valid_from=valid_from,
        valid_to=valid_to,
        name=name,
        kind=kind,
        parent=parent,
        unit=unit,
    )
    del org._fresh
    record_change(actor, "create", org, after=snapshot(org))
    return org


def _fresh(org: PartyOrg) -> bool:
    return getattr(org, "_fresh", False)


def _official_periods(member: Member, extra=None):
    rows = [
        (m.valid_from, m.valid_to, m.org.name)
        for m in member.memberships.filter(kind="official").select_related("org")
    ]
    return rows + ([extra] if extra else [])


@transaction.atomic
def member_create(
    *,
    actor: Actor,
    org: PartyOrg,
    card_number: str,
    full_name: str,
    birth_date: date,
    gender: str,
    admitted_on: date,
    confirmed_on: date | None = None,
    decided_on: date | None = None,
    national_id: str = "",
    since: date | None = None,
) -> Member:
    """Registers a member, active in `org` from `since` (default: the admission day)."""
    require(actor, "edit", org.scope_target())
    card_number, full_name = card_number.strip(), " ".join(full_name.split())
    if not card_number or not full_name:
        raise DomainError("member.invalid", _("Số thẻ và họ tên không được để trống."))
    if gender not in Member.Gender.values:
        raise DomainError("member.gender", _("Giới tính không hợp lệ: %(v)s.") % {"v": gender})
    check_member_dates(birth_date, admitted_on, confirmed_on, decided_on, timezone.localdate())
    since = since or admitted_on
    if since < admitted_on:
        raise DomainError("member.since", _("Ngày bắt đầu sinh hoạt đứng trước ngày vào Đảng."))
    _require_alive(org, since)
    if Member.objects.filter(card_number=card_number).exists():
        raise DomainError(
            "member.duplicate", _("Số thẻ đảng viên %(c)s đã có.") % {"c": card_number}
        )
    member = Member.objects.create(
        org=org,
        card_number=card_number,
        full_name=full_name,
        name_folded=fold(full_name),
        name_sort=vi_sort_string(full_name),
        birth_date=birth_date,
        gender=gender,
        admitted_on=admitted_on,
        decided_on=decided_on,
        confirmed_on=confirmed_on,
        national_id=national_id.strip(),
    )
    Membership.objects.create(member=member, org=org, valid_from=since)
    record_change(actor, "create", member, after=snapshot(member, MEMBER_FIELDS))
    return member


@transaction.atomic
def member_transfer(
    *,
    actor: Actor,
    member: Member,
    to_org: PartyOrg,
    on: date,
    kind: str = "official",
    note: str = "",
) -> Membership:
    """Moves a member's official membership to `to_org` from `on`, or adds a temporary one."""
    require(actor, "edit", member.scope_target())
    require(actor, "edit", to_org.scope_target())
    if on < member.admitted_on:
        raise DomainError(
            "transfer.before_admission",
            _("Ngày chuyển sinh hoạt (%(on)s) đứng trước ngày vào Đảng (%(adm)s).")
            % {"on": format_date_short(on), "adm": format_date_short(member.admitted_on)},
        )
    if on > timezone.localdate():
        raise DomainError("date.future", _("Ngày chuyển ở tương lai: %(d)s.") % {"d": on})
    _require_alive(to_org, on)
    if kind == "temporary":
        return _host(actor, member, to_org, on, note)
    current = member.memberships.filter(kind="official", valid_to__isnull=True).first()
    if current is None or current.valid_from >= on:
        raise DomainError(
            "transfer.no_current",
            _("%(name)s không đang sinh hoạt chính thức ở đâu trước ngày %(on)s.")
            % {"name": member.full_name, "on": format_date_short(on)},
        )
    if current.org_id == to_org.pk:
        raise DomainError("transfer.same", _("Đảng viên đã sinh hoạt ở %(o)s.") % {"o": to_org})
    before = snapshot(member, MEMBER_FIELDS)
    current.valid_to = _day_before(on)
    current.save(update_fields=["valid_to"])
    moved = Membership.objects.create(member=member, org=to_org, valid_from=on, note=note)
    member.org = to_org
    member.save(update_fields=["org"])
    record_change(
        actor,
        "update",
        member,
        before=before,
        after=snapshot(member, MEMBER_FIELDS),
        purpose=_("chuyển sinh hoạt"),
    )
    return moved


def _host(actor, member, org, on, note) -> Membership:
    if member.memberships.filter(kind="temporary", valid_to__isnull=True).exists():
        raise DomainError("transfer.hosted_twice", _("Đảng viên đang sinh hoạt tạm thời nơi khác."))
    hosted = Membership.objects.create(
        member=member, org=org, kind="temporary", valid_from=on, note=note
    )
    record_change(actor, "create", hosted, after=snapshot(hosted))
    return hosted


@transaction.atomic
def membership_add(
    *,
    actor: Actor,
    member: Member,
    org: PartyOrg,
    valid_from: date,
    valid_to: date | None = None,
    note: str = "",
) -> Membership:
    """Records a past official membership (history from the archive), checking it does not
    overlap another official one and starts after admission."""
    require(actor, "edit", org.scope_target())
    if valid_from < member.admitted_on:
        raise DomainError("member.since", _("Ngày bắt đầu sinh hoạt đứng trước ngày vào Đảng."))
    _require_alive(org, valid_from)
    check_one_place(_official_periods(member, (valid_from, valid_to, org.name)), member.full_name)
    row = Membership.objects.create(
        member=member, org=org, valid_from=valid_from, valid_to=valid_to, note=note
    )
    record_change(actor, "create", row, after=snapshot(row))
    return row


@transaction.atomic
def member_status_set(
    *, actor: Actor, member: Member, status: str, on: date, note: str = ""
) -> Member:
    """Sets a status from `on` (exempted, suspended, deceased…); leaving statuses end the
    official membership the day before."""
    require(actor, "edit", member.scope_target())
    if status not in Member.Status.values:
        raise DomainError("member.status", _("Trạng thái không hợp lệ: %(v)s.") % {"v": status})
    if on < member.admitted_on or on > timezone.localdate():
        raise DomainError(
            "member.status_date",
            _("Ngày đổi trạng thái không hợp lệ: %(d)s.") % {"d": format_date_short(on)},
        )
    before = snapshot(member, MEMBER_FIELDS)
    member.status_periods.filter(valid_to__isnull=True).update(valid_to=_day_before(on))
    if status != "active":
        MemberStatusPeriod.objects.create(member=member, status=status, valid_from=on, note=note)
    if status in LEAVING:
        member.memberships.filter(valid_to__isnull=True).update(valid_to=_day_before(on))
    member.status = status
    member.save(update_fields=["status"])
    record_change(actor, "update", member, before=before, after=snapshot(member, MEMBER_FIELDS))
    return member


@transaction.atomic
def member_rename(*, actor: Actor, member: Member, full_name: str) -> Member:
    """Corrects a member's name (the before and after go to the change log)."""
    require(actor, "edit", member.scope_target())
    full_name = " ".join(full_name.split())
    if not full_name:
        raise DomainError("member.invalid", _("Họ tên không được để trống."))
    before = snapshot(member, MEMBER_FIELDS)
    member.full_name, member.name_folded = full_name, fold(full_name)
    member.name_sort = vi_sort_string(full_name)
    member.save(update_fields=["full_name", "name_folded", "name_sort"])
    record_change(actor, "update", member, before=before, after=snapshot(member, MEMBER_FIELDS))
    return member


@transaction.atomic
def term_create(*, actor: Actor, org: PartyOrg, number: int, start_year: int, end_year: int):
    require(actor, "edit", org.scope_target())
    if end_year <= start_year:
        raise DomainError("term.years", _("Năm kết thúc nhiệm kỳ phải sau năm bắt đầu."))
    term, created = Term.objects.get_or_create(
        org=org, number=number, defaults={"start_year": start_year, "end_year": end_year}
    )
    if created:
        record_change(actor, "create", term, after=snapshot(term))
    return term


@transaction.atomic
def position_create(
    *,
    actor: Actor,
    holder_name: str,
    title: str,
    body: str,
    valid_from: date,
    valid_to: date | None = None,
    org: PartyOrg | None = None,
    term: Term | None = None,
    unit: AdminUnit | None = None,
    member: Member | None = None,
) -> Position:
    """A post held by a person on dates; one person may hold several (F02)."""
    require(actor, "edit", (org or unit).scope_target())
    if body not in Position.Body.values:
        raise DomainError("position.body", _("Cơ quan không hợp lệ: %(v)s.") % {"v": body})
    if valid_to and valid_to < valid_from:
        raise DomainError("position.dates", _("Ngày thôi giữ chức đứng trước ngày bắt đầu."))
    position = Position.objects.create(
        holder_name=" ".join(holder_name.split()),
        title=title,
        body=body,
        org=org,
        term=term,
        unit=unit,
        member=member,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    record_change(actor, "create", position, after=snapshot(position))
    return position


@dataclass(frozen=True)
class NewMember:
    """One member to register in bulk (an import row, a generated demo member)."""

    org: PartyOrg
    card_number: str
    full_name: str
    birth_date: date
    gender: str
    admitted_on: date
    confirmed_on: date | None = None
    decided_on: date | None = None
    since: date | None = None
    national_id: str = ""


def new_member_problem(row: NewMember, today: date) -> DomainError | None:
    """The rule a row breaks, as a DomainError, or None (no database access)."""
    try:
        if not row.card_number.strip() or not " ".join(row.full_name.split()):
            raise DomainError("member.invalid", _("Số thẻ và họ tên không được để trống."))
        if row.gender not in Member.Gender.values:
            raise DomainError(
                "member.gender", _("Giới tính không hợp lệ: %(v)s.") % {"v": row.gender}
            )
        check_member_dates(row.birth_date, row.admitted_on, row.confirmed_on, row.decided_on, today)
        if row.since and row.since < row.admitted_on:
            raise DomainError("member.since", _("Ngày bắt đầu sinh hoạt đứng trước ngày vào Đảng."))
    except DomainError as exc:
        return exc
    return None


@transaction.atomic
def members_register_bulk(*, actor: Actor, rows: list[NewMember]) -> list[Member]:
    """Registers many members at once: every row is checked by the same rules as
    member_create, then written in a few statements with one audit row per member.

    All or nothing: the first problem raises a DomainError naming the row (1-based).
    """
    today = timezone.localdate()
    for org in {r.org.pk: r.org for r in rows}.values():
        require(actor, "edit", org.scope_target())
    cards = [r.card_number.strip() for r in rows]
    checked: set[tuple[int, date]] = (
        set()
    )  # the same organization and day repeat thousands of times
    for index, row in enumerate(rows, start=1):
        if problem := new_member_problem(row, today):
            raise DomainError(problem.code, f"Dòng {index}: {problem.message}")
        key = (row.org.pk, row.since or row.admitted_on)
        if key not in checked:
            _require_alive(row.org, key[1])
            checked.add(key)
    duplicates = _duplicate_cards(cards)
    if duplicates:
        raise DomainError(
            "member.duplicate",
            _("Số thẻ đảng viên %(c)s đã có.") % {"c": ", ".join(duplicates[:5])},
        )
    members = Member.objects.bulk_create(
        [
            Member(
                org=r.org,
                card_number=r.card_number.strip(),
                full_name=" ".join(r.full_name.split()),
                name_folded=fold(r.full_name),
                name_sort=vi_sort_string(r.full_name),
                birth_date=r.birth_date,
                gender=r.gender,
                admitted_on=r.admitted_on,
                confirmed_on=r.confirmed_on,
                decided_on=r.decided_on,
                national_id=r.national_id.strip(),
            )
            for r in rows
        ],
        batch_size=2000,
    )
    if not all(m.pk for m in members):  # backends without RETURNING: read the ids back
        by_card = dict(
            Member.objects.filter(card_number__in=cards).values_list("card_number", "pk")
        )
        for m in members:
            m.pk = m.id = by_card[m.card_number]
    Membership.objects.bulk_create(
        [
            Membership(member=m, org=r.org, valid_from=r.since or r.admitted_on)
            for m, r in zip(members, rows, strict=True)
        ],
        batch_size=2000,
    )
    record_changes_bulk(actor, "create", members, [snapshot(m, MEMBER_FIELDS) for m in members])
    return members


def _duplicate_cards(cards: list[str]) -> list[str]:
    seen, twice = set(), []
    for card in cards:
        if card in seen:
            twice.append(card)
        seen.add(card)
    existing = Member.objects.filter(card_number__in=cards).values_list("card_number", flat=True)
    return twice + list(existing[:5])

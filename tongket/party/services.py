"""Writes to the party registry: organizations with dated versions, members with their
memberships and statuses, terms and positions. Each checks rights, validates on the dates it
touches, and writes its audit row in the same transaction."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_change, snapshot
from tongket.core.locking import claim
from tongket.core.models import ChangeLog
from tongket.core.permissions import require
from tongket.core.revisions import bump
from tongket.domain.errors import DomainError
from tongket.domain.party import check_member_dates, check_one_place, check_org_parent
from tongket.domain.permissions import Target
from tongket.domain.text import fold, vi_sort_string
from tongket.domain.timeline import Version, check_no_cycle, check_no_overlap, day_before
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
GENDERS = frozenset(Member.Gender.values)  # read once: the enum property rebuilds a list


def org_version_on(org: PartyOrg, day: date) -> PartyOrgVersion | None:
    return org.versions.filter(valid_from__lte=day).exclude(valid_to__lt=day).first()


def _missing_on(org: PartyOrg, day: date) -> DomainError:
    return DomainError(
        "org.missing_on",
        _("Tổ chức %(org)s không tồn tại vào ngày %(day)s.")
        % {"org": org.code, "day": format_date_short(day)},
    )


def _require_alive(org: PartyOrg, day: date) -> PartyOrgVersion:
    version = org_version_on(org, day)
    if version is None:
        raise _missing_on(org, day)
    return version


def _refresh_identity(org: PartyOrg) -> None:
    """The identity mirrors its latest version; when its path changes (it moved), the paths of
    the organizations under it follow, so that grants and scope filters stay right."""
    latest = org.versions.order_by("-valid_from").first()
    old_path = org.path
    org.name, org.kind = latest.name, latest.kind
    org.parent_id, org.unit_id = latest.parent_id, latest.unit_id
    org.path = org.build_path()
    org.save(update_fields=["name", "kind", "parent", "unit", "path"])
    if org.path != old_path:
        for child in PartyOrg.objects.filter(parent=org):
            _refresh_identity(child)


def _as_version(v: PartyOrgVersion) -> Version:
    return Version(v.org_id, v.valid_from, v.valid_to, v.name, v.kind, v.parent_id)


def _check_no_cycle(org: PartyOrg, parent: PartyOrg, day: date) -> None:
    """Refuses a parent that lies under the organization itself on `day`."""
    rows = PartyOrgVersion.objects.filter(valid_from__lte=day).exclude(valid_to__lt=day)
    try:
        check_no_cycle(dict(rows.values_list("org_id", "parent_id")), org.pk, parent.pk)
    except DomainError:
        raise DomainError(
            "tree.cycle",
            _("Tổ chức cấp trên %(parent)s nằm trong chính %(org)s (vòng lặp).")
            % {"parent": parent.code, "org": org.code},
        ) from None


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
    check_no_overlap([*(_as_version(v) for v in earlier), new])
    parent_kind = _require_alive(parent, valid_from).kind if parent else None
    check_org_parent(kind, parent_kind, name)
    # Only an organization that already has children can become its own ancestor.
    if parent and not _fresh(org) and PartyOrgVersion.objects.filter(parent=org).exists():
        _check_no_cycle(org, parent, valid_from)
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


ORG_VERSION_FIELDS = ("name", "kind", "parent", "unit", "valid_to")


@transaction.atomic
def org_version_update(
    *, actor: Actor, version: PartyOrgVersion, changes: dict, expected_version: int | None = None
) -> PartyOrgVersion:
    """Changes a stored version in place (name, kind, parent, unit, last day), with the checks
    of org_version_add (scope, overlap, parent on the date and its kind, cycle), a check that
    the organizations under it still fit its kind, and an audit row with before and after.
    With `expected_version` (the version the edit was opened on) a change saved in between is
    refused (optimistic locking, core.locking)."""
    org = version.org
    require(actor, "edit", org.scope_target())
    claim(version, expected_version)
    unknown = set(changes) - set(ORG_VERSION_FIELDS)
    if unknown:
        raise ValueError(f"not a field of a version: {sorted(unknown)}")  # a programming slip
    before = snapshot(version)
    for name, value in changes.items():
        setattr(version, name, value)
    parent = version.parent
    require(actor, "edit", parent.scope_target() if parent else Target(org_path="/"))
    others = [_as_version(v) for v in org.versions.exclude(pk=version.pk)]
    check_no_overlap([*others, _as_version(version)])
    parent_kind = _require_alive(parent, version.valid_from).kind if parent else None
    check_org_parent(version.kind, parent_kind, version.name)
    if parent is not None:
        _check_no_cycle(org, parent, version.valid_from)
    if "kind" in changes:
        children = PartyOrgVersion.objects.filter(parent=org, valid_from__gte=version.valid_from)
        if version.valid_to is not None:
            children = children.filter(valid_from__lte=version.valid_to)
        for child in children:
            check_org_parent(child.kind, version.kind, child.name)
    version.save()
    _refresh_identity(org)
    bump("orgs")
    record_change(actor, "update", version, before=before, after=snapshot(version))
    return version


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
    if problem := since_problem(since, admitted_on, timezone.localdate()):
        raise problem
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


def transfer_date_problem(admitted_on: date, on: date, today: date) -> DomainError | None:
    """The rule a transfer's day breaks (before admission, in the future), or None."""
    if on < admitted_on:
        return DomainError(
            "transfer.before_admission",
            _("Ngày chuyển sinh hoạt (%(on)s) đứng trước ngày vào Đảng (%(adm)s).")
            % {"on": format_date_short(on), "adm": format_date_short(admitted_on)},
        )
    if on > today:
        return DomainError(
            "date.future", _("Ngày chuyển ở tương lai: %(d)s.") % {"d": format_date_short(on)}
        )
    return None


def status_date_problem(admitted_on: date, on: date, today: date) -> DomainError | None:
    """The rule the day of a status change breaks (before admission, in the future), or None."""
    if on < admitted_on or on > today:
        return DomainError(
            "member.status_date",
            _("Ngày đổi trạng thái không hợp lệ: %(d)s.") % {"d": format_date_short(on)},
        )
    return None


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
    if problem := transfer_date_problem(member.admitted_on, on, timezone.localdate()):
        raise problem
    if kind not in Membership.Kind.values:
        raise DomainError(
            "transfer.kind", _("Hình thức sinh hoạt không hợp lệ: %(v)s.") % {"v": kind}
        )
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
    current.valid_to = day_before(on)
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
    *,
    actor: Actor,
    member: Member,
    status: str,
    on: date,
    note: str = "",
    expected_version: int | None = None,
) -> Member:
    """Sets a status from `on` (exempted, suspended, deceased…); leaving statuses end the
    official membership the day before. `expected_version`: as in member_rename."""
    require(actor, "edit", member.scope_target())
    claim(member, expected_version)
    if status not in Member.Status.values:
        raise DomainError("member.status", _("Trạng thái không hợp lệ: %(v)s.") % {"v": status})
    if problem := status_date_problem(member.admitted_on, on, timezone.localdate()):
        raise problem
    open_statuses = member.status_periods.filter(valid_to__isnull=True)
    open_memberships = member.memberships.filter(valid_to__isnull=True)
    closing = [open_statuses, open_memberships] if status in LEAVING else [open_statuses]
    _check_closes_after(closing, on)
    before = snapshot(member, MEMBER_FIELDS)
    open_statuses.update(valid_to=day_before(on))
    if status != "active":
        MemberStatusPeriod.objects.create(member=member, status=status, valid_from=on, note=note)
    if status in LEAVING:
        open_memberships.update(valid_to=day_before(on))
    member.status = status
    member.save(update_fields=["status"])
    record_change(actor, "update", member, before=before, after=snapshot(member, MEMBER_FIELDS))
    return member


def _check_closes_after(open_spans: list, on: date) -> None:
    """A change from `on` ends the open spans the day before, so each must start before `on`
    (else it would end before it began)."""
    starts = [d for rows in open_spans for d in rows.values_list("valid_from", flat=True)]
    latest = max(starts, default=None)
    if latest is not None and latest >= on:
        raise DomainError(
            "member.status_before_current",
            _(
                "Ngày đổi trạng thái (%(on)s) phải sau ngày bắt đầu của trạng thái hoặc nơi "
                "sinh hoạt hiện tại (%(start)s)."
            )
            % {"on": format_date_short(on), "start": format_date_short(latest)},
        )


@transaction.atomic
def member_rename(
    *, actor: Actor, member: Member, full_name: str, expected_version: int | None = None
) -> Member:
    """Corrects a member's name (the before and after go to the change log). With
    `expected_version` (the version the edit was opened on) a change saved in between is
    refused (optimistic locking, core.locking)."""
    require(actor, "edit", member.scope_target())
    claim(member, expected_version)
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
        if row.gender not in GENDERS:
            raise DomainError(
                "member.gender", _("Giới tính không hợp lệ: %(v)s.") % {"v": row.gender}
            )
        check_member_dates(row.birth_date, row.admitted_on, row.confirmed_on, row.decided_on, today)
        if row.since and (problem := since_problem(row.since, row.admitted_on, today)):
            raise problem
    except DomainError as exc:
        return exc
    return None


def since_problem(since: date, admitted_on: date, today: date) -> DomainError | None:
    if since < admitted_on:
        return DomainError("member.since", _("Ngày bắt đầu sinh hoạt đứng trước ngày vào Đảng."))
    if since > today:
        return DomainError(
            "date.future",
            _("Ngày bắt đầu sinh hoạt ở tương lai: %(d)s.") % {"d": format_date_short(since)},
        )
    return None


@transaction.atomic
def members_register_bulk(
    *, actor: Actor, rows: list[NewMember], returning: bool = True
) -> list[Member]:
    """Registers many members at once: every row is checked by the same rules as
    member_create, then written in a few statements with one audit row per member. Returns
    the new members, or [] with `returning=False` (a large import that does not need them
    saves building the objects).

    All or nothing: the first problem raises a DomainError naming the row (1-based), with the
    row's index and the bare message in `details` ("index", "reason"); card numbers taken
    already or repeated raise one with `details["cards"]`.
    """
    today = timezone.localdate()
    org_ids = [r.org.pk for r in rows]  # read once: `pk` is a property, and rows are many
    orgs = {pk: r.org for pk, r in zip(org_ids, rows, strict=True)}
    for org in orgs.values():
        require(actor, "edit", org.scope_target())
    cards = [r.card_number.strip() for r in rows]
    # The versions of every organization, read once: the same organization and day repeat
    # thousands of times, and one query per (organization, day) was most of a large import.
    spans: dict[int, list[tuple[date, date | None]]] = {pk: [] for pk in orgs}
    versions = PartyOrgVersion.objects.filter(org_id__in=list(orgs))
    for org_id, start, end in versions.values_list("org_id", "valid_from", "valid_to"):
        spans[org_id].append((start, end))
    checked: set[tuple[int, date]] = set()
    for index, (row, org_id) in enumerate(zip(rows, org_ids, strict=True), start=1):
        problem = new_member_problem(row, today)
        key = (org_id, row.since or row.admitted_on)
        if problem is None and key not in checked:
            if not any(s <= key[1] and (e is None or key[1] <= e) for s, e in spans[key[0]]):
                problem = _missing_on(row.org, key[1])
            checked.add(key)
        if problem is not None:
            raise DomainError(
                problem.code,
                f"Dòng {index}: {problem.message}",
                {"index": index, "reason": problem.message},
            )
    duplicates = [*_repeated(cards), *existing_cards(cards)][:5]
    if duplicates:
        raise DomainError(
            "member.duplicate",
            _("Số thẻ đảng viên %(c)s đã có.") % {"c": ", ".join(duplicates)},
            {"cards": duplicates},
        )
    # Plain INSERTs rather than bulk_create, which builds a model and prepares every value of
    # every row through the ORM: that was three quarters of a 100,000-row import
    # (docs/PERFORMANCE.md). The rows hold exactly what member_create writes.
    keys: dict[str, tuple[str, str]] = {}  # names repeat: fold and sort keys once per name
    values = []
    for r, card, org_id in zip(rows, cards, org_ids, strict=True):
        full_name = " ".join(r.full_name.split())
        if (found := keys.get(full_name)) is None:
            found = keys[full_name] = (fold(full_name), vi_sort_string(full_name))
        values.append(
            {
                "card_number": card,
                "full_name": full_name,
                "name_folded": found[0],
                "name_sort": found[1],
                "birth_date": r.birth_date,
                "gender": r.gender,
                "org_id": org_id,
                "admitted_on": r.admitted_on,
                "decided_on": r.decided_on,
                "confirmed_on": r.confirmed_on,
                "national_id": r.national_id.strip(),
                "status": Member.Status.ACTIVE.value,
                "lock_version": 1,  # a new record's first version (core.locking)
            }
        )
    if not values:
        return []
    with _large_cache():
        last = Member.objects.aggregate(last=Max("pk"))["last"] or 0
        _insert_rows(Member, list(values[0]), [tuple(v.values()) for v in values])
        # The new ids, in one query: the rows after the last id before ours with our cards.
        ids = dict(Member.objects.filter(pk__gt=last).order_by().values_list("card_number", "pk"))
        for v in values:
            v["id"] = ids[v["card_number"]]
        _insert_rows(
            Membership,
            ["member_id", "org_id", "valid_from"],
            [
                (v["id"], v["org_id"], r.since or r.admitted_on)
                for v, r in zip(values, rows, strict=True)
            ],
        )
        _audit_created(actor, values, orgs)
    if not returning:
        return []
    alias, attnames = connection.alias, [f.attname for f in Member._meta.concrete_fields]
    org_field = Member._meta.get_field("org")
    members = []
    for v, r in zip(values, rows, strict=True):
        member = Member.from_db(alias, attnames, [v[a] for a in attnames])
        org_field.set_cached_value(member, r.org)
        members.append(member)
    return members


def _repeated(cards: list[str]) -> list[str]:
    seen, twice = set(), []
    for card in cards:
        if card in seen:
            twice.append(card)
        seen.add(card)
    return twice


def existing_cards(cards: list[str]) -> dict[str, int]:
    """The ids of the members whose card number is among `cards`, by card number.

    Plain SQL with the cards as one parameter (_among): the ORM's `__in` prepares every value
    as its own parameter, and psycopg's client-side binding of thousands of parameters took
    seconds for 100,000 card numbers.
    """
    if not cards:
        return {}
    table, quote = Member._meta.db_table, connection.ops.quote_name
    among, param = _among(list(cards))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('card_number')}, {quote('id')} FROM {quote(table)} "
            f"WHERE {quote('card_number')} {among}",
            [param],
        )
        return dict(cursor.fetchall())


def _among(values: list) -> tuple[str, object]:
    """SQL for "the column is one of `values`" with the values as one parameter: an array on
    PostgreSQL, a JSON list read by json_each on SQLite (both the product's databases)."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", values
    return "IN (SELECT value FROM json_each(%s))", json.dumps(values)


@contextmanager
def _large_cache(megabytes: int = 64):
    """A larger SQLite page cache while many rows are inserted: the indexes of members and
    of the change log are written in random order, and the default 2 MB cache made a large
    import wait on the disk. Other databases are left alone."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(megabytes) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _audit_created(actor: Actor, values: list[dict], orgs: dict[int, PartyOrg]) -> None:
    """One audit row per new member, as record_change writes it for member_create: the same
    columns and values, `after` being snapshot(member, MEMBER_FIELDS) (dates as ISO text). The
    database builds the rows from the members just stored, one INSERT … SELECT per
    organization (its scope paths as parameters): building, encoding and sending 100,000
    audit rows from Python was a fifth of a large import."""
    fixed = {
        "at": timezone.now(),
        "user_id": actor.user.pk if getattr(actor.user, "pk", None) else None,
        "user_name": actor.name[:150],
        "operation_id": actor.operation_id,
        "action": "create",
        "object_type": Member._meta.label_lower,
    }
    quote, member = connection.ops.quote_name, Member._meta
    pairs = ", ".join(
        f"'{name}', m.{quote(member.get_field(name).column)}" for name in MEMBER_FIELDS
    )
    build = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    name, card = (f"m.{quote(member.get_field(n).column)}" for n in ("full_name", "card_number"))
    computed = {  # the same as str(member)[:300], str(member.pk) and snapshot()
        "object_id": f"CAST(m.{quote(member.pk.column)} AS TEXT)",
        "object_repr": f"SUBSTR({name} || ' (' || {card} || ')', 1, 300)",
        "after": f"{build}({pairs})",
    }
    fields = [f for f in ChangeLog._meta.concrete_fields if not f.primary_key]
    among, _param = _among([])
    sql = (
        f"INSERT INTO {quote(ChangeLog._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"SELECT {', '.join(computed.get(f.attname, '%s') for f in fields)} "
        f"FROM {quote(member.db_table)} m WHERE m.{quote(member.pk.column)} {among}"
    )
    by_org: dict[int, list[int]] = {}
    for v in values:
        by_org.setdefault(v["org_id"], []).append(v["id"])
    with connection.cursor() as cursor:
        for org_id, ids in by_org.items():
            target = orgs[org_id].scope_target()
            scope = {"scope_org_path": target.org_path, "scope_unit_path": target.unit_path}
            given = {**fixed, **scope}
            params = [
                _adapter(f)(given.get(f.attname, f.get_default()))
                for f in fields
                if f.attname not in computed
            ]
            cursor.execute(sql, [*params, _among(ids)[1]])


def _insert_rows(
    model, columns: list[str], rows: list[tuple], fixed: dict | None = None, batch: int = 5000
) -> None:
    """INSERTs `rows` (values of `columns`, by attname). `fixed` gives values that are the same
    on every row; the other fields take their defaults. Dates and JSON are adapted for the
    database per value, the rest go as they are (as the ORM sends them).

    PostgreSQL gets the rows through COPY: executemany binds and sends every row as its own
    statement, which was nine tenths of a 100,000-member import there. SQLite gets them
    through executemany in batches."""
    if not rows:
        return
    meta, fixed = model._meta, fixed or {}
    fields = [meta.get_field(c) for c in columns]
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in columns]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in [*fields, *rest])
    if connection.vendor == "postgresql":
        _copy_rows(meta.db_table, names, fields, rest, fixed, rows)
        return
    tail = tuple(_adapter(f)(fixed.get(f.attname, f.get_default())) for f in rest)
    adapt = [(i, _adapter(f)) for i, f in enumerate(fields)]
    adapt = [(i, a) for i, a in adapt if a is not _as_is]
    marks = ", ".join(["%s"] * (len(fields) + len(rest)))
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            params = []
            for row in rows[start : start + batch]:
                if adapt:
                    row = list(row)
                    for i, a in adapt:
                        row[i] = a(row[i])
                params.append((*row, *tail))
            cursor.executemany(sql, params)


def _copy_rows(table: str, names: str, fields: list, rest: list, fixed: dict, rows) -> None:
    """COPY … FROM STDIN of `rows` and the `rest` of the columns (fixed values or defaults).
    psycopg writes dates, numbers and text itself; JSON goes as its text, as JSONField saves
    it (json.dumps with the field's encoder)."""
    tail = tuple(_copy_value(f, fixed.get(f.attname, f.get_default())) for f in rest)
    json_at = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    dumps = {i: _json_text(fields[i]) for i in json_at}
    connection.ensure_connection()
    sql = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            if dumps:
                row = list(row)
                for i, dump in dumps.items():
                    row[i] = dump(row[i])
            copy.write_row((*row, *tail))


def _json_text(field):
    encoder = field.encoder
    return lambda value: None if value is None else json.dumps(value, cls=encoder)


def _copy_value(field, value):
    if field.get_internal_type() == "JSONField":
        return _json_text(field)(value)
    return value


def _as_is(value):
    return value


def _adapter(field):
    kind, ops = field.get_internal_type(), connection.ops
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "JSONField":  # what JSONField.get_db_prep_save comes to, None staying NULL
        encoder = field.encoder
        return lambda value: None if value is None else ops.adapt_json_value(value, encoder)
    return _as_is

"""Writes to the party registry: every one checks rights and writes an audit row."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_change, snapshot
from tongket.core.permissions import require
from tongket.core.services import node_create
from tongket.domain.errors import DomainError
from tongket.domain.text import fold
from tongket.party.models import Member, PartyOrg
from tongket.registry.models import AdminUnit

MEMBER_FIELDS = [
    "card_number",
    "full_name",
    "birth_date",
    "gender",
    "org_id",
    "admitted_on",
    "confirmed_on",
    "status",
]


@transaction.atomic
def org_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    parent: PartyOrg | None = None,
    unit: AdminUnit | None = None,
) -> PartyOrg:
    if kind not in PartyOrg.Kind.values:
        raise DomainError("org.kind", _("Loại tổ chức không hợp lệ: %(v)s.") % {"v": kind})
    return node_create(actor, PartyOrg, parent=parent, code=code, name=name, kind=kind, unit=unit)


def _check_member_dates(birth_date: date, admitted_on: date, confirmed_on: date | None) -> None:
    today = timezone.localdate()
    for label, value in ((_("Ngày sinh"), birth_date), (_("Ngày vào Đảng"), admitted_on)):
        if value > today:
            raise DomainError(
                "date.future", _("%(f)s ở tương lai: %(v)s.") % {"f": label, "v": value}
            )
    if admitted_on <= birth_date:
        raise DomainError("member.dates", _("Ngày vào Đảng phải sau ngày sinh."))
    if confirmed_on and confirmed_on < admitted_on:
        raise DomainError("member.dates", _("Ngày chính thức đứng trước ngày vào Đảng."))


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
) -> Member:
    """Registers a member in `org`. Needs the edit right on the organization."""
    require(actor, "edit", org.scope_target())
    card_number, full_name = card_number.strip(), " ".join(full_name.split())
    if not card_number or not full_name:
        raise DomainError("member.invalid", _("Số thẻ và họ tên không được để trống."))
    if gender not in Member.Gender.values:
        raise DomainError("member.gender", _("Giới tính không hợp lệ: %(v)s.") % {"v": gender})
    _check_member_dates(birth_date, admitted_on, confirmed_on)
    if Member.objects.filter(card_number=card_number).exists():
        raise DomainError(
            "member.duplicate", _("Số thẻ đảng viên %(c)s đã có.") % {"c": card_number}
        )
    member = Member.objects.create(
        org=org,
        card_number=card_number,
        full_name=full_name,
        name_folded=fold(full_name),
        birth_date=birth_date,
        gender=gender,
        admitted_on=admitted_on,
        confirmed_on=confirmed_on,
    )
    record_change(actor, "create", member, after=snapshot(member, MEMBER_FIELDS))
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
    member.save(update_fields=["full_name", "name_folded"])
    record_change(actor, "update", member, before=before, after=snapshot(member, MEMBER_FIELDS))
    return member

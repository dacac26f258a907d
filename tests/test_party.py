"""Party organizations with history, members with memberships and transfers, positions."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import actor_for
from tongket.core.models import ChangeLog
from tongket.domain.errors import DomainError
from tongket.domain.timeline import day_before
from tongket.party.models import Member, Membership, PartyOrgVersion, Position
from tongket.party.selectors import member_record, members_on, org_structure
from tongket.party.services import (
    NewMember,
    member_create,
    member_status_set,
    member_transfer,
    members_register_bulk,
    membership_add,
    org_create,
    org_version_add,
    position_create,
    term_create,
)

pytestmark = pytest.mark.django_db
D = dt.date


def test_members_of_an_org_on_a_date_follow_transfers(cast, system):
    member_transfer(actor=system, member=cast.anh, to_org=cast.b1, on=D(2020, 6, 1))
    assert list(members_on(system, cast.a, D(2020, 5, 31))) == [cast.anh]
    assert list(members_on(system, cast.a, D(2020, 6, 1))) == []
    assert set(members_on(system, cast.b, D(2020, 6, 1))) == {cast.anh, cast.be}
    cast.anh.refresh_from_db()
    assert cast.anh.org == cast.b1


def test_members_are_counted_on_the_tree_as_it_stood(cast, system):
    # A1a moves from A1 to B on 1/1/2025: before, its member counts under A; after, under B.
    version = PartyOrgVersion.objects.get(org=cast.a1a)
    version.valid_to = day_before(D(2025, 1, 1))
    version.save()
    org_version_add(
        actor=system,
        org=cast.a1a,
        valid_from=D(2025, 1, 1),
        name="Chi bộ KP1",
        kind="grassroots_branch",
        parent=cast.b,
    )
    assert cast.anh in members_on(system, cast.a, D(2024, 12, 31))
    assert cast.anh not in members_on(system, cast.a, D(2025, 1, 1))
    assert cast.anh in members_on(system, cast.b, D(2025, 1, 1))


def test_hosted_members_do_not_count_in_the_host(cast, system):
    member_transfer(
        actor=system, member=cast.anh, to_org=cast.b1, on=D(2024, 3, 1), kind="temporary"
    )
    assert cast.anh not in members_on(system, cast.b, D(2024, 6, 1))
    assert cast.anh in members_on(system, cast.a, D(2024, 6, 1))


def test_structure_flags_small_branches(cast, system):
    rows = {r.name: r for r in org_structure(system, cast.city, D(2024, 12, 31))}
    assert rows["Chi bộ Khu phố 1"].official == 1
    assert {f.code for f in rows["Chi bộ Khu phố 1"].flags} == {"org.too_few"}
    assert rows["Đảng bộ Thành phố"].total == 2


def test_leaving_ends_the_membership(cast, system):
    member_status_set(actor=system, member=cast.anh, status="deceased", on=D(2024, 8, 1))
    assert cast.anh not in members_on(system, cast.a, D(2024, 8, 1))
    assert cast.anh in members_on(system, cast.a, D(2024, 7, 31))


def test_national_id_only_for_admins(cast, system):
    Member.objects.filter(pk=cast.anh.pk).update(national_id="079190000001")
    assert member_record(actor_for(cast.alice), cast.anh.pk).national_id == "079190000001"
    from tongket.accounts.services import grant_create
    from tongket.domain.permissions import Role

    grant_create(actor=system, user=cast.bob, role=Role.VIEWER, scope=cast.a)
    record = member_record(actor_for(cast.bob), cast.anh.pk)  # a viewer in scope: no ID
    assert record.member == cast.anh and record.national_id is None
    with pytest.raises(DomainError):  # carol's unit grant does not reach A's sub-branch
        member_record(actor_for(cast.carol), cast.anh.pk)


def test_one_person_holds_two_posts(cast, system):
    term = term_create(actor=system, org=cast.a, number=12, start_year=2020, end_year=2025)
    assert str(term) == "khóa XII, nhiệm kỳ 2020 – 2025"
    for title, body, place in (
        ("Phó Bí thư", "standing_members", {"org": cast.a, "term": term}),
        ("Chủ tịch UBND phường", "people_committee", {"unit": cast.w1}),
    ):
        position_create(
            actor=system,
            holder_name="Lê Trần Kiên",
            title=title,
            body=body,
            valid_from=D(2021, 7, 1),
            **place,
        )
    held = Position.objects.filter(holder_name="Lê Trần Kiên", valid_from__lte=D(2025, 1, 15))
    assert sorted(held.values_list("title", flat=True)) == ["Chủ tịch UBND phường", "Phó Bí thư"]


def test_bulk_registration_is_audited_per_member(cast, system):
    rows = [
        NewMember(
            org=cast.a1a,
            card_number=f"N-{i}",
            full_name=f"Nguyễn Văn {i}",
            birth_date=D(1990, 1, 1),
            gender="male",
            admitted_on=D(2015, 1, 1),
            confirmed_on=D(2016, 1, 1),
        )
        for i in range(50)
    ]
    members = members_register_bulk(actor=system, rows=rows)
    assert len(members) == 50
    assert Membership.objects.filter(member__in=members, org=cast.a1a).count() == 50
    assert (
        ChangeLog.objects.filter(
            object_type="party.member", action="create", object_id__in=[str(m.pk) for m in members]
        ).count()
        == 50
    )


# --- bad input: the rule named, nothing written --------------------------------------------
def _state():
    return (
        Member.objects.count(),
        Membership.objects.count(),
        PartyOrgVersion.objects.count(),
        ChangeLog.objects.count(),
    )


PEOPLE = dict(birth_date=D(1980, 1, 1), gender="male", admitted_on=D(2010, 1, 1))
BAD = {
    "a member in two organizations on one day": (
        lambda c, s: membership_add(actor=s, member=c.anh, org=c.b1, valid_from=D(2015, 1, 1)),
        "member.two_places",
    ),
    "a duplicate card number": (
        lambda c, s: member_create(
            actor=s, org=c.a1a, card_number="B-0001", full_name="X Y", **PEOPLE
        ),
        "member.duplicate",
    ),
    "a duplicate card number in one bulk": (
        lambda c, s: members_register_bulk(
            actor=s,
            rows=[
                NewMember(org=c.a1a, card_number="Z-1", full_name="X Y", **PEOPLE),
                NewMember(org=c.a1a, card_number="Z-1", full_name="X Z", **PEOPLE),
            ],
        ),
        "member.duplicate",
    ),
    "a transfer dated before admission": (
        lambda c, s: member_transfer(actor=s, member=c.anh, to_org=c.b1, on=D(2009, 1, 1)),
        "transfer.before_admission",
    ),
    "an official date before the admission date": (
        lambda c, s: member_create(
            actor=s,
            org=c.a1a,
            card_number="Q-1",
            full_name="X Y",
            confirmed_on=D(2009, 1, 1),
            **PEOPLE,
        ),
        "member.dates",
    ),
    "a date in the future": (
        lambda c, s: member_transfer(actor=s, member=c.anh, to_org=c.b1, on=D(2099, 1, 1)),
        "date.future",
    ),
    "a bulk row with a future admission": (
        lambda c, s: members_register_bulk(
            actor=s,
            rows=[
                NewMember(
                    org=c.a1a,
                    card_number="F-1",
                    full_name="X Y",
                    birth_date=D(1980, 1, 1),
                    gender="male",
                    admitted_on=D(2099, 1, 1),
                )
            ],
        ),
        "date.future",
    ),
    "a sub-branch under a grassroots branch": (
        lambda c, s: org_create(
            actor=s, code="X1", name="Chi bộ X", kind="sub_branch", parent=c.b1
        ),
        "org.parent_kind",
    ),
    "an organization under one that did not exist yet": (
        lambda c, s: org_create(
            actor=s,
            code="X2",
            name="Chi bộ X",
            kind="sub_branch",
            parent=c.a1,
            valid_from=D(1800, 1, 1),
        ),
        "org.missing_on",
    ),
    "a viewer writing": (
        lambda c, s: member_create(
            actor=actor_for(c.carol), org=c.a, card_number="V-1", full_name="X Y", **PEOPLE
        ),
        "permission.denied",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_party_input_is_refused_and_writes_nothing(cast, system, case):
    action, code = BAD[case]
    before = _state()
    with pytest.raises(DomainError) as caught:
        action(cast, system)
    assert caught.value.code == code and caught.value.message
    assert _state() == before


def test_a_status_dated_before_the_spans_it_closes_is_refused(cast, system):
    # Ánh moved to B1 on 1/6/2020; a death dated 2015 would end that membership before it began.
    member_transfer(actor=system, member=cast.anh, to_org=cast.b1, on=D(2020, 6, 1))
    before = _state()
    with pytest.raises(DomainError) as caught:
        member_status_set(actor=system, member=cast.anh, status="deceased", on=D(2020, 5, 1))
    assert caught.value.code == "member.status_before_current"
    assert "01/06/2020" in caught.value.message  # the start of the membership in B1
    assert _state() == before
    member_status_set(actor=system, member=cast.anh, status="exempted", on=D(2021, 1, 1))
    before = _state()
    for status, on in (("deceased", D(2015, 1, 1)), ("suspended", D(2020, 12, 31))):
        with pytest.raises(DomainError) as caught:
            member_status_set(actor=system, member=cast.anh, status=status, on=on)
        assert caught.value.code == "member.status_before_current", status
        assert "01/01/2021" in caught.value.message  # the start of the exemption still open
    assert _state() == before
    cast.anh.refresh_from_db()
    assert cast.anh.status == "exempted"
    # On the day after the open spans start, the change goes through.
    member_status_set(actor=system, member=cast.anh, status="deceased", on=D(2021, 1, 2))
    assert Membership.objects.get(member=cast.anh, org=cast.b1).valid_to == D(2021, 1, 1)


def test_a_transfer_of_an_unknown_kind_is_refused(cast, system):
    before = _state()
    with pytest.raises(DomainError) as caught:
        member_transfer(actor=system, member=cast.anh, to_org=cast.b1, on=D(2020, 6, 1), kind="x")
    assert caught.value.code == "transfer.kind" and "x" in caught.value.message
    assert _state() == before

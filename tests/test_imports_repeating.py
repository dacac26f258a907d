"""The shortcuts of large members imports (issue 7) keep every check: a converter that
remembers repeated cells still refuses a bad cell on every row that has it, the card-number
look-up with one parameter finds the same members as the ORM, and the audit rows that the
database builds for a bulk registration carry each member's own values and scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tongket.core.models import ChangeLog
from tongket.domain.errors import DomainError
from tongket.imports.kinds import MEMBERS, day, map_table, repeating
from tongket.imports.readers import Table
from tongket.party.models import Member
from tongket.party.services import NewMember, existing_cards, members_register_bulk

D = dt.date
HEAD = [
    "Số thẻ đảng viên",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Mã tổ chức",
    "Từ ngày",
    "Ngày vào Đảng",
]


def test_a_remembered_converter_converts_once_and_refuses_every_time():
    calls = []

    def convert(cell):
        calls.append(cell)
        return day(cell)

    cached = repeating(convert)
    assert [cached("02/03/2010") for _ in range(3)] == [D(2010, 3, 2)] * 3
    assert calls == ["02/03/2010"]  # the text was converted once
    assert cached(D(2011, 1, 1)) == D(2011, 1, 1)  # a date cell is not text: converted as is
    for _ in range(2):
        with pytest.raises(DomainError):
            cached("31/02/1990")
    assert calls.count("31/02/1990") == 2  # a refusal is not remembered


def test_a_bad_cell_repeated_on_many_rows_is_reported_on_each():
    rows = [
        [f"79-{i}", "Lê Văn Tư", "31/02/1990", "Nam", "A1a", "", "02/03/2015"] for i in range(3)
    ]
    numbered = [(n, row) for n, row in enumerate(rows, start=2)]
    mapped = map_table(MEMBERS, Table(Path("m.xlsx"), "Đảng viên", HEAD, 1, numbered, 3))
    assert [(e.row, e.column, e.value) for e in mapped.errors] == [
        (n, "Ngày sinh", "31/02/1990") for n in (2, 3, 4)
    ]
    assert not mapped.records


def test_card_look_up_finds_what_the_orm_finds(cast):
    cards = [f"X-{i}" for i in range(6000)] + ["A-0001", "B-0001"]  # past the old chunk size
    expected = dict(
        Member.objects.filter(card_number__in=["A-0001", "B-0001"]).values_list("card_number", "pk")
    )
    assert existing_cards(cards) == expected and len(expected) == 2
    assert existing_cards([]) == {}


def test_bulk_audit_rows_carry_each_members_values_and_scope(cast, system):
    rows = [
        NewMember(
            org=org,
            card_number=f"N-{i}",
            full_name=f"Phan Thị {i}",
            birth_date=D(1990, 1, 1 + i),
            gender="female",
            admitted_on=D(2015, 1, 1),
            confirmed_on=None if i % 2 else D(2016, 1, 1),
        )
        for i, org in enumerate([cast.a1a, cast.b, cast.a, cast.b1])  # b and a: with a unit
    ]
    members = members_register_bulk(actor=system, rows=rows)
    assert {r.org.scope_target().unit_path != "" for r in rows} == {True, False}
    for member, row in zip(members, rows, strict=True):
        log = ChangeLog.objects.get(object_type="party.member", object_id=str(member.pk))
        target = row.org.scope_target()
        assert (log.scope_org_path, log.scope_unit_path) == (target.org_path, target.unit_path)
        assert log.object_repr == f"{row.full_name} ({row.card_number})"
        assert log.after["card_number"] == row.card_number
        assert log.after["org_id"] == row.org.pk
        assert log.after["birth_date"] == str(row.birth_date)
        assert log.after["confirmed_on"] == (str(row.confirmed_on) if row.confirmed_on else None)
        assert log.before is None and log.action == "create" and log.user_name == system.name

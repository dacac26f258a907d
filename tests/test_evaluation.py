"""The evaluation on the database: rounds, results refused by the rule they break, quota
findings that block approval, the workflow, and tallies checked against a brute-force count."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from tests.conftest import actor_for
from tongket.core.models import ChangeLog
from tongket.domain.errors import DomainError
from tongket.evaluation.models import Evaluation, RoundState
from tongket.evaluation.selectors import evaluation_tally, streaks, validation_report
from tongket.evaluation.services import (
    ResultRow,
    quota_exception_attach,
    results_approve,
    results_record,
    results_submit,
    round_lock,
    round_open,
    round_reopen,
)

pytestmark = pytest.mark.django_db
D = dt.date
TOP = {"tasks_on_time": True, "share_exceeded": "0.6"}
OK = {"tasks_on_time": True}
BODY = "Đảng ủy cơ sở"


def row(level, *, member=None, org=None, flags=None, score=None, **more):
    return ResultRow(
        level=level,
        member=member,
        org=org,
        flags=flags or OK,
        score=score,
        reviewed_on=D(2024, 12, 15),
        deciding_body=BODY,
        **more,
    )


@pytest.fixture
def rnd(cast, system):
    return round_open(actor=system, committee=cast.a, year=2024)


def test_round_takes_the_rule_of_its_year(cast, system):
    assert round_open(actor=system, committee=cast.a, year=2022).rule_version == "QĐ132/HD21"
    assert round_open(actor=system, committee=cast.a, year=2024).rule_version == "QĐ124/HD25"
    assert round_open(actor=system, committee=cast.a, year=2025).rule_version == "QĐ366/HD43"
    with pytest.raises(DomainError) as caught:  # another version needs a note (§9 item 2)
        round_open(actor=system, committee=cast.b, year=2024, rule_code="QĐ366/HD43")
    assert caught.value.code == "evaluation.rule_version"
    other = round_open(
        actor=system,
        committee=cast.b,
        year=2024,
        rule_code="QĐ366/HD43",
        override_note="Thí điểm theo hướng dẫn của Thành ủy",
    )
    assert other.rule_version == "QĐ366/HD43"


def test_results_are_recorded_and_audited(cast, system, rnd):
    count = results_record(
        actor=system,
        rnd=rnd,
        rows=[row("excellent", member=cast.anh, flags=TOP), row("good", org=cast.a1a)],
    )
    assert count == 2
    result = Evaluation.objects.get(member=cast.anh)
    assert result.unit_org == cast.a1a and result.rule_version == "QĐ124/HD25"
    assert ChangeLog.objects.filter(object_type="evaluation.evaluation").count() == 2


# --- bad input: refused with the rule named, nothing written -------------------------------
def _discipline(c):
    return {"tasks_on_time": True, "disciplined_in_year": True, "discipline_id": 7}


BAD = {
    "a level the score does not allow (QĐ 366)": (
        2025,
        lambda c: [row("excellent", member=c.anh, flags=TOP, score=Decimal("75"))],
        "evaluation.score_band",
    ),
    "a disciplined member rated above not completed": (
        2024,
        lambda c: [row("good", member=c.anh, flags=_discipline(c))],
        "evaluation.discipline",
    ),
    "a head rated above the unit he heads": (
        2024,
        lambda c: [
            row("good", org=c.a1a),
            row("excellent", member=c.anh, flags={**TOP, "head_of": c.a1a.pk}),
        ],
        "evaluation.head",
    ),
    "a member not in the organization at the end of the year": (
        2024,
        lambda c: [row("good", member=c.be)],
        "evaluation.not_member",
    ),
    "an unknown level word": (2024, lambda c: [row("giỏi lắm", member=c.anh)], "evaluation.level"),
    "a duplicate result in one import": (
        2024,
        lambda c: [row("good", member=c.anh), row("excellent", member=c.anh, flags=TOP)],
        "evaluation.duplicate",
    ),
    "excellent without exceeding half the targets (QĐ 124)": (
        2024,
        lambda c: [row("excellent", member=c.anh)],
        "evaluation.excellent_flags",
    ),
    "no deciding body": (
        2024,
        lambda c: [ResultRow(level="good", member=c.anh, reviewed_on=D(2024, 12, 1))],
        "evaluation.deciding_body",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_results_are_refused_and_nothing_is_written(cast, system, case):
    year, rows, code = BAD[case]
    if case.startswith("a head"):  # the unit's own result comes first, in its own write
        rnd = round_open(actor=system, committee=cast.a, year=year)
        results_record(actor=system, rnd=rnd, rows=rows(cast)[:1])
        rows = lambda c, r=rows: r(c)[1:]  # noqa: E731
    else:
        rnd = round_open(actor=system, committee=cast.a, year=year)
    before = (Evaluation.objects.count(), ChangeLog.objects.count())
    with pytest.raises(DomainError) as caught:
        results_record(actor=system, rnd=rnd, rows=rows(cast))
    assert caught.value.code == code and caught.value.message
    assert (Evaluation.objects.count(), ChangeLog.objects.count()) == before


def test_a_locked_round_refuses_results(cast, system, rnd):
    round_lock(actor=system, rnd=rnd)
    with pytest.raises(DomainError) as caught:
        results_record(actor=system, rnd=rnd, rows=[row("good", member=cast.anh)])
    assert caught.value.code == "evaluation.locked"
    with pytest.raises(DomainError):
        round_reopen(actor=system, rnd=rnd, reason="  ")
    round_reopen(actor=system, rnd=rnd, reason="Sai sót khi nhập")
    assert results_record(actor=system, rnd=rnd, rows=[row("good", member=cast.anh)]) == 1


def test_archived_results_are_kept_with_warnings(cast, system):
    rnd = round_open(actor=system, committee=cast.a, year=2024)
    results_record(
        actor=system,
        rnd=rnd,
        rows=[row("good", member=cast.anh, flags=_discipline(cast), archived=True)],
    )
    found = validation_report(system, rnd)
    assert found and all(v.severity == "warning" for v in found)


def test_a_viewer_cannot_record(cast, rnd):
    with pytest.raises(DomainError) as caught:
        results_record(actor=actor_for(cast.carol), rnd=rnd, rows=[row("good", org=cast.a1a)])
    assert caught.value.code == "permission.denied"


# --- quota and workflow ----------------------------------------------------------------------
def test_quota_breach_blocks_approval_until_an_exception_is_attached(cast, system, rnd):
    results_record(
        actor=system,
        rnd=rnd,
        rows=[row("excellent", org=cast.a1, flags=TOP), row("good", org=cast.a1a)],
    )
    breach = [v for v in validation_report(system, rnd) if v.code == "evaluation.quota"]
    assert breach and breach[0].severity == "error"
    results_submit(actor=system, rnd=rnd, org=cast.a1a)
    results_submit(actor=system, rnd=rnd, org=cast.a1)
    with pytest.raises(DomainError) as caught:
        results_approve(actor=system, rnd=rnd, org=cast.a1)
    assert caught.value.code == "evaluation.blocked"
    quota_exception_attach(
        actor=system, rnd=rnd, group=breach[0].group, number="15-QĐ/QU", decided_on=D(2025, 1, 5)
    )
    assert results_approve(actor=system, rnd=rnd, org=cast.a1).status == "approved"


def test_lower_levels_submit_before_higher_ones_are_approved(cast, system, rnd):
    results_record(
        actor=system, rnd=rnd, rows=[row("good", org=cast.a1), row("good", org=cast.a1a)]
    )
    results_submit(actor=system, rnd=rnd, org=cast.a1)
    with pytest.raises(DomainError) as caught:
        results_approve(actor=system, rnd=rnd, org=cast.a1)
    assert caught.value.code == "evaluation.order"
    results_submit(actor=system, rnd=rnd, org=cast.a1a)
    results_approve(actor=system, rnd=rnd, org=cast.a1a)
    assert results_approve(actor=system, rnd=rnd, org=cast.a1).status == "approved"
    with pytest.raises(DomainError) as caught:  # approved results are closed to edits
        results_record(actor=system, rnd=rnd, rows=[row("good", org=cast.a1a)])
    assert caught.value.code == "evaluation.approved"
    assert ChangeLog.objects.filter(object_type="evaluation.roundstate").count() == 4
    round_lock(actor=system, rnd=rnd)
    assert set(RoundState.objects.values_list("status", flat=True)) == {"locked"}


# --- tallies against a brute-force count (property test) ----------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_tallies_match_a_direct_count_on_random_data(cast, system, seed):
    from tongket.party.models import PartyOrg
    from tongket.party.services import NewMember, members_register_bulk, org_create

    rng = random.Random(seed)
    branches = []
    for i in range(rng.randint(2, 5)):
        kind = rng.choice(["grassroots_committee", "grassroots_branch"])
        top = org_create(
            actor=system, code=f"R{seed}-{i}", name=f"TC {i}", kind=kind, parent=cast.a
        )
        if kind == "grassroots_committee":
            branches += [
                org_create(
                    actor=system,
                    code=f"R{seed}-{i}-{j}",
                    name=f"CB {j}",
                    kind="sub_branch",
                    parent=top,
                )
                for j in range(rng.randint(1, 4))
            ]
        else:
            branches.append(top)
    people = members_register_bulk(
        actor=system,
        rows=[
            NewMember(
                org=rng.choice(branches),
                card_number=f"P{seed}-{n}",
                full_name=f"Lê Văn {n}",
                birth_date=D(1980, 1, 1),
                gender="male",
                admitted_on=D(2010, 1, 1),
                confirmed_on=D(2011, 1, 1),
            )
            for n in range(rng.randint(5, 60))
        ],
    )
    levels = ["excellent", "good", "completed", None]
    orgs = list(
        PartyOrg.objects.filter(path__startswith=cast.a.path).exclude(kind="party_committee")
    )
    rnd = round_open(actor=system, committee=cast.a, year=2024)
    chosen = {}
    rows = []
    for subject in [*orgs, *people]:
        level = rng.choice(levels)
        if level is None:
            continue  # no result: missing, not a level
        chosen[subject] = level
        key = "org" if isinstance(subject, PartyOrg) else "member"
        rows.append(row(level, **{key: subject}, flags=TOP if level == "excellent" else OK))
    results_record(actor=system, rnd=rnd, rows=rows)
    t = evaluation_tally(system, cast.a, 2024)
    grassroots = [o for o in orgs if o.kind in ("grassroots_committee", "grassroots_branch")]
    subs = [o for o in orgs if o.kind == "sub_branch"]
    members = [cast.anh, *people]
    for counted, subjects in (
        (t.grassroots, grassroots),
        (t.sub_branches, subs),
        (t.members, members),
    ):
        assert counted.total == len(subjects)
        for level in ("excellent", "good", "completed"):
            assert counted.count(level) == sum(chosen.get(s) == level for s in subjects)


def test_streaks_need_every_year(cast, system):
    for year in (2020, 2021, 2022, 2023, 2024):
        rnd = round_open(actor=system, committee=cast.a, year=year)
        level = "good" if year == 2022 else "excellent"
        results_record(
            actor=system,
            rnd=rnd,
            rows=[
                row(level, member=cast.anh, flags=TOP if level == "excellent" else OK),
                row("excellent", org=cast.a1a, flags=TOP),
            ],
        )
    found = streaks(system, cast.a, 2024, 5)
    assert [name for _pk, name in found.orgs] == ["Chi bộ Khu phố 1"]
    assert found.members == []
    assert len(streaks(system, cast.a, 2024, 2).members) == 1

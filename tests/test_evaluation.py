"""The evaluation on the database: rounds, results refused by the rule they break, quota
findings that block approval, the workflow, and tallies checked against a brute-force count."""

from __future__ import annotations

import datetime as dt
import json
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
    "an archived result with an unknown level": (
        2024,
        lambda c: [row("giỏi lắm", member=c.anh, archived=True)],
        "evaluation.level",
    ),
    "an archived result with a share out of range": (
        2024,
        lambda c: [row("good", member=c.anh, flags={"share_exceeded": "7"}, archived=True)],
        "evaluation.number",
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


def test_locking_and_reopening_audit_every_organizations_state(cast, system, rnd):
    results_record(actor=system, rnd=rnd, rows=[row("good", org=cast.a1a)])
    results_submit(actor=system, rnd=rnd, org=cast.a1a)
    results_approve(actor=system, rnd=rnd, org=cast.a1a)
    states = ChangeLog.objects.filter(object_type="evaluation.roundstate")
    before = states.count()
    round_lock(actor=system, rnd=rnd)
    locked = states.order_by("-id").first()
    assert states.count() == before + 1 and locked.after["status"] == "locked"
    assert locked.scope_org_path == cast.a1a.path
    round_reopen(actor=system, rnd=rnd, reason="Sai sót khi nhập")
    reopened = states.order_by("-id").first()
    assert states.count() == before + 2 and reopened.after["status"] == "draft"
    assert reopened.after["reopen_reason"] == "Sai sót khi nhập"


def test_a_level_written_as_offices_write_it_is_stored_as_its_code(cast, system, rnd):
    # The rules read "HTTNV" as good: the stored result must too (it once raised ValueError).
    rows = [row("HTTNV", member=cast.anh), row("Hoàn thành nhiệm vụ", org=cast.a1a)]
    assert results_record(actor=system, rnd=rnd, rows=rows) == 2
    assert Evaluation.objects.get(member=cast.anh).level == "good"
    assert Evaluation.objects.get(org=cast.a1a).level == "completed"


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


# --- quarterly rounds (QĐ 366/HD 43: leaders by quarter for Q1–Q3) ---------------------------
def _leader(cast, system, until=None):
    from tongket.party.services import position_create

    return position_create(
        actor=system,
        holder_name=cast.anh.full_name,
        member=cast.anh,
        title="Bí thư Chi bộ",
        body="executive",
        org=cast.a1a,
        valid_from=D(2024, 1, 1),
        valid_to=until,
    )


QUARTER_REFUSED = {
    "a year whose rule has no quarters (QĐ 124)": (2024, 1, "không đánh giá theo quý"),
    "a year under HD 21": (2022, 2, "không đánh giá theo quý"),
    "Q4, merged into the year": (2025, 4, "gộp vào đánh giá cuối năm"),
    "a quarter outside 1–4": (2025, 5, "Quý không hợp lệ"),
    "quarter 0": (2025, 0, "Quý không hợp lệ"),
}


@pytest.mark.parametrize("case", QUARTER_REFUSED, ids=list(QUARTER_REFUSED))
def test_quarterly_round_refused(cast, system, case):
    from tongket.evaluation.models import EvaluationRound

    year, quarter, words = QUARTER_REFUSED[case]
    with pytest.raises(DomainError) as caught:
        round_open(actor=system, committee=cast.a, year=year, quarter=quarter)
    assert caught.value.code == "evaluation.quarter" and words in caught.value.message
    assert not EvaluationRound.objects.exists()


def test_quarterly_round_takes_leaders_only(cast, system):
    _leader(cast, system, until=D(2025, 6, 29))  # held the post until the day before 30/6
    q1 = round_open(actor=system, committee=cast.a, year=2025, quarter=1)
    q2 = round_open(actor=system, committee=cast.a, year=2025, quarter=2)
    assert q1.quarter == 1 and q1.rule_version == "QĐ366/HD43"
    with pytest.raises(DomainError) as caught:  # the same quarter twice
        round_open(actor=system, committee=cast.a, year=2025, quarter=1)
    assert caught.value.code == "evaluation.round_exists" and "quý 1" in caught.value.message
    good = row("good", member=cast.anh, score=Decimal("80"))
    assert results_record(actor=system, rnd=q1, rows=[good]) == 1
    before = Evaluation.objects.count()
    with pytest.raises(DomainError) as caught:  # no post on 30/6/2025
        results_record(actor=system, rnd=q2, rows=[good])
    assert caught.value.code == "evaluation.quarter_subject"
    assert "30/06/2025" in caught.value.message
    with pytest.raises(DomainError) as caught:  # organizations are rated in the annual round
        results_record(actor=system, rnd=q1, rows=[row("good", org=cast.a1a, score=80)])
    assert caught.value.code == "evaluation.quarter_subject"
    assert Evaluation.objects.count() == before


def test_quarterly_results_never_count_in_the_year(cast, system):
    _leader(cast, system)
    q1 = round_open(actor=system, committee=cast.a, year=2025, quarter=1)
    excellent = row("excellent", member=cast.anh, score=95, flags={**TOP, "share_exceeded": "0.4"})
    results_record(actor=system, rnd=q1, rows=[excellent])
    t = evaluation_tally(system, cast.a, 2025)
    assert t.members.excellent == 0 and t.missing["members"] == 1
    assert streaks(system, cast.a, 2025, 1).members == []
    year = round_open(actor=system, committee=cast.a, year=2025)
    results_record(actor=system, rnd=year, rows=[row("good", member=cast.anh, score=80)])
    t = evaluation_tally(system, cast.a, 2025)
    assert (t.members.total, t.members.good, t.members.excellent) == (1, 1, 0)


def test_a_quarterly_round_is_validated_on_the_last_day_of_its_quarter(cast, system):
    """Ánh was exempted in the first quarter only: "không xếp loại" is true on 31/3, and the
    report must not judge it on 31/12, when she is active again."""
    from tongket.party.models import MemberStatusPeriod

    _leader(cast, system)
    MemberStatusPeriod.objects.create(
        member=cast.anh, status="exempted", valid_from=D(2025, 1, 1), valid_to=D(2025, 4, 30)
    )
    q1 = round_open(actor=system, committee=cast.a, year=2025, quarter=1)
    exempted = ResultRow(level=None, member=cast.anh, unclassified="exempted", deciding_body=BODY)
    results_record(actor=system, rnd=q1, rows=[exempted])
    assert [v for v in validation_report(system, q1) if v.severity == "error"] == []


# --- party badges ------------------------------------------------------------------------------
def _veteran(cast):
    """Ánh, official since a decision of 20/11/1994 (30 years on 20/11/2024)."""
    from tongket.party.models import Member

    decided = D(1994, 11, 20)

    Member.objects.filter(pk=cast.anh.pk).update(
        decided_on=decided, admitted_on=decided, confirmed_on=add_year(decided)
    )
    cast.anh.refresh_from_db()
    return cast.anh


def add_year(day):
    return day.replace(year=day.year + 1)


def test_badge_award_is_audited_and_leaves_the_due_list(cast, system):
    from tongket.evaluation.models import BadgeAward
    from tongket.evaluation.selectors import badges_awarded, badges_due_list
    from tongket.evaluation.services import badge_award

    anh = _veteran(cast)
    assert [d.milestones for d in badges_due_list(system, cast.a, D(2024, 11, 8))] == [[30]]
    badge = badge_award(actor=system, member=anh, milestone=30, awarded_on=D(2025, 2, 3))
    assert (badge.early, badge.posthumous) == (False, False)
    log = ChangeLog.objects.get(object_type="evaluation.badgeaward")
    assert log.scope_org_path == cast.a1a.path and log.after["milestone"] == 30
    assert badges_due_list(system, cast.a, D(2024, 11, 8)) == []
    assert list(badges_awarded(system, cast.a)) == [badge]
    assert list(badges_awarded(actor_for(cast.bob), cast.a)) == []  # B sees none of A's
    assert BadgeAward.objects.count() == 1


BADGE_REFUSED = {
    "a milestone not in the list": (35, D(2025, 2, 3), {}, "badge.milestone"),
    "short of the milestone, not ill": (30, D(2024, 9, 2), {}, "badge.not_due"),
    "early without a reason": (30, D(2024, 9, 2), {"early": True}, "badge.early"),
    "ill, but beyond 12 months early": (
        30,
        D(2023, 11, 7),
        {"seriously_ill": True},
        "badge.not_due",
    ),
    "posthumous for a living member": (30, D(2025, 2, 3), {"posthumous": True}, "badge.posthumous"),
}


@pytest.mark.parametrize("case", BADGE_REFUSED, ids=list(BADGE_REFUSED))
def test_bad_badge_awards_are_refused(cast, system, case):
    from tongket.evaluation.models import BadgeAward
    from tongket.evaluation.services import badge_award

    anh = _veteran(cast)
    milestone, on, flags, code = BADGE_REFUSED[case]
    before = ChangeLog.objects.count()
    with pytest.raises(DomainError) as caught:
        badge_award(actor=system, member=anh, milestone=milestone, awarded_on=on, **flags)
    assert caught.value.code == code
    assert "§9" in caught.value.message or "từ trần" in caught.value.message
    assert not BadgeAward.objects.exists() and ChangeLog.objects.count() == before


def test_one_badge_per_milestone_and_early_when_ill(cast, system):
    from tongket.evaluation.services import badge_award

    anh = _veteran(cast)
    early = badge_award(
        actor=system,
        member=anh,
        milestone=30,
        awarded_on=D(2024, 2, 3),  # 9½ months before the 30 years
        seriously_ill=True,
        note="Bệnh nặng, xác nhận của bệnh viện",
    )
    assert early.early is True
    with pytest.raises(DomainError) as caught:
        badge_award(actor=system, member=anh, milestone=30, awarded_on=D(2025, 2, 3))
    assert caught.value.code == "badge.duplicate"


def test_posthumous_award_is_judged_at_the_date_of_death(cast, system):
    from tongket.evaluation.services import badge_award
    from tongket.party.services import member_status_set

    anh = _veteran(cast)
    member_status_set(actor=system, member=anh, status="deceased", on=D(2024, 3, 1))
    badge = badge_award(
        actor=system, member=anh, milestone=30, awarded_on=D(2024, 5, 19), posthumous=True
    )
    assert badge.posthumous and badge.early  # 8½ months short at death
    with pytest.raises(DomainError) as caught:  # 40 years: far beyond 12 months
        badge_award(
            actor=system, member=anh, milestone=40, awarded_on=D(2024, 5, 19), posthumous=True
        )
    assert caught.value.code == "badge.not_due"


def test_a_viewer_cannot_award_badges(cast):
    from tongket.evaluation.services import badge_award

    with pytest.raises(DomainError) as caught:
        badge_award(
            actor=actor_for(cast.carol),
            member=_veteran(cast),
            milestone=30,
            awarded_on=D(2025, 2, 3),
        )
    assert caught.value.code == "permission.denied"


def test_bulk_award_names_the_member_and_writes_nothing(cast, system):
    from tongket.evaluation.models import BadgeAward
    from tongket.evaluation.services import badges_award_bulk

    anh = _veteran(cast)
    with pytest.raises(DomainError) as caught:
        badges_award_bulk(actor=system, awards=[(anh, 30), (anh, 40)], awarded_on=D(2025, 2, 3))
    assert "Đặng Thị Ánh" in caught.value.message and not BadgeAward.objects.exists()
    with pytest.raises(DomainError) as caught:
        badges_award_bulk(actor=system, awards=[], awarded_on=D(2025, 2, 3))
    assert caught.value.code == "badge.empty"


# --- awards: an eligibility list confirmed into a decision ---------------------------------------
def _five_years(cast, system, gap_year=None):
    for year in range(2020, 2025):
        rnd = round_open(actor=system, committee=cast.a, year=year)
        level = "good" if year == gap_year else "excellent"
        flags = TOP if level == "excellent" else OK
        results_record(
            actor=system,
            rnd=rnd,
            rows=[
                row(level, member=cast.anh, flags=flags),
                row("excellent", org=cast.a1a, flags=TOP),
            ],
        )


def test_eligible_members_are_confirmed_into_a_decision(cast, system):
    from tongket.evaluation.selectors import award_counts, award_eligible
    from tongket.evaluation.services import award_decide

    _five_years(cast, system)
    found = award_eligible(system, cast.a, "excellent_5_years", 2024)
    assert [m[2] for m in found.members] == ["Đặng Thị Ánh"] and len(found.orgs) == 1
    decision = award_decide(
        actor=system,
        committee=cast.a,
        category_code="excellent_5_years",
        year=2024,
        number="120-QĐ/QU",
        decided_on=D(2025, 1, 20),
        orgs=[cast.a1a],
        members=[cast.anh],
    )
    assert decision.issuing_body == "Ban Thường vụ Quận ủy"  # before 1/7/2025 (§9 item 15)
    assert award_counts(system, cast.a, 2024)[0]["members"] == 1
    after = award_eligible(system, cast.a, "excellent_5_years", 2024)
    assert after.members == [] and after.orgs == []  # already awarded: off the list
    log = ChangeLog.objects.get(object_type="evaluation.awarddecision")
    assert log.after["members"] == [cast.anh.pk]


def test_the_issuing_body_follows_the_date(cast, system):
    from tongket.evaluation.services import award_decide

    _five_years(cast, system)
    decision = award_decide(
        actor=system,
        committee=cast.a,
        category_code="excellent_5_years",
        year=2024,
        number="5-QĐ/ĐU",
        decided_on=D(2025, 7, 1),
        members=[cast.anh],
    )
    assert decision.issuing_body == "Ban Thường vụ Đảng ủy phường"


AWARD_REFUSED = {
    "a member without the streak": ({"members": "anh"}, 2022, "award.not_eligible"),
    "no recipient": ({}, None, "award.empty"),
    "no number": ({"members": "anh", "number": " "}, None, "award.number"),
    "decided before the year": (
        {"members": "anh", "decided_on": D(2023, 12, 1)},
        None,
        "award.date",
    ),
    "an unknown category": ({"members": "anh", "category_code": "sports"}, None, "award.category"),
    "awarded twice": ({"members": "anh", "twice": True}, None, "award.duplicate"),
}


@pytest.mark.parametrize("case", AWARD_REFUSED, ids=list(AWARD_REFUSED))
def test_bad_award_decisions_are_refused(cast, system, case):
    from tongket.evaluation.models import AwardDecision
    from tongket.evaluation.services import award_decide

    given, gap_year, code = AWARD_REFUSED[case]
    _five_years(cast, system, gap_year)
    args = {
        "actor": system,
        "committee": cast.a,
        "category_code": given.get("category_code", "excellent_5_years"),
        "year": 2024,
        "number": given.get("number", "1-QĐ/QU"),
        "decided_on": given.get("decided_on", D(2025, 1, 5)),
        "members": [cast.anh] if given.get("members") else [],
    }
    if given.get("twice"):
        award_decide(**args)
    before = (AwardDecision.objects.count(), ChangeLog.objects.count())
    with pytest.raises(DomainError) as caught:
        award_decide(**args)
    assert caught.value.code == code and caught.value.message
    assert (AwardDecision.objects.count(), ChangeLog.objects.count()) == before


# --- the API: rounds, award decisions and badges ------------------------------------------------
def _api(client, user):
    from tongket.accounts.services import token_create

    _token, raw = token_create(actor=actor_for(user), user=user, name="script")

    def call(method, url, body=None):
        extra = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
        return getattr(client, method)(f"/api/v1{url}", **extra, HTTP_AUTHORIZATION=f"Bearer {raw}")

    return call


def test_api_opens_rounds_and_refuses_a_fourth_quarter(client, cast):
    call = _api(client, cast.alice)
    made = call("post", f"/orgs/{cast.a.pk}/evaluation/rounds", {"year": 2025, "quarter": 1})
    assert made.status_code == 201 and made.json()["quarter"] == 1
    assert made.json()["rule_version"] == "QĐ366/HD43"
    refused = call("post", f"/orgs/{cast.a.pk}/evaluation/rounds", {"year": 2025, "quarter": 4})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "evaluation.quarter"
    refused = call("post", f"/orgs/{cast.a.pk}/evaluation/rounds", {"year": 2023, "quarter": 2})
    assert "không đánh giá theo quý" in refused.json()["error"]["message"]
    assert call("post", f"/orgs/{cast.b.pk}/evaluation/rounds", {"year": 2025}).status_code == 404


def test_api_confirms_the_eligible_into_a_decision(client, cast, system):
    _five_years(cast, system)
    call = _api(client, cast.alice)
    listed = call("get", f"/orgs/{cast.a.pk}/awards/2024/eligible?category=excellent_5_years")
    body = listed.json()
    assert [m["full_name"] for m in body["members"]] == ["Đặng Thị Ánh"]
    assert body["issuing_body_until_2025_06_30"] == "Ban Thường vụ Quận ủy"
    assert body["issuing_body_from_2025_07_01"] == "Ban Thường vụ Đảng ủy phường"
    decision = {
        "category": "excellent_5_years",
        "year": 2024,
        "number": "120-QĐ/QU",
        "decided_on": "2025-06-30",
        "member_ids": [m["id"] for m in body["members"]],
        "org_ids": [o["id"] for o in body["orgs"]],
    }
    made = call("post", f"/orgs/{cast.a.pk}/awards", decision)
    assert made.status_code == 201, made.content
    assert made.json()["issuing_body"] == "Ban Thường vụ Quận ủy"
    assert made.json()["members"] == [cast.anh.pk]
    again = call("post", f"/orgs/{cast.a.pk}/awards", decision)
    assert again.json()["error"]["code"] == "award.duplicate"
    outsider = call("post", f"/orgs/{cast.a.pk}/awards", {**decision, "member_ids": [cast.be.pk]})
    assert outsider.status_code == 404  # B's member is not A's to award


def test_cli_refuses_a_streak_outside_two_to_ten_years(capsys, cast):
    code, _out, err = cli(
        capsys, "awards", "eligible", "--org", "A", "--year", "2024", "--streak", "1"
    )
    assert code == 1 and "từ 2 đến 10" in err and "Traceback" not in err


def test_api_refuses_a_streak_outside_two_to_ten_years(client, cast):
    call = _api(client, cast.alice)
    for years in (1, 11):
        refused = call("get", f"/orgs/{cast.a.pk}/evaluation/2024/streaks?years={years}")
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "evaluation.streak"
    assert call("get", f"/orgs/{cast.a.pk}/evaluation/2024/streaks?years=2").status_code == 200
    # A category whose issuing body is set on each decision has none to show either side.
    listed = call("get", f"/orgs/{cast.a.pk}/awards/2024/eligible?category=propaganda")
    body = listed.json()
    assert listed.status_code == 200 and body["issuing_body_until_2025_06_30"] is None
    assert body["issuing_body_from_2025_07_01"] is None


def test_api_awards_badges_and_lists_them(client, cast):
    _veteran(cast)
    call = _api(client, cast.alice)
    url = f"/members/{cast.anh.pk}/badges"
    refused = call("post", url, {"milestone": 35, "awarded_on": "2025-02-03"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "badge.milestone"
    early = call("post", url, {"milestone": 30, "awarded_on": "2024-09-02", "early": True})
    assert early.json()["error"]["code"] == "badge.early"
    made = call(
        "post",
        url,
        {"milestone": 30, "awarded_on": "2024-09-02", "seriously_ill": True, "note": "Bệnh nặng"},
    )
    assert made.status_code == 201 and made.json()["early"] is True
    listed = call("get", f"/orgs/{cast.a.pk}/badges").json()
    assert [(b["full_name"], b["milestone"]) for b in listed] == [("Đặng Thị Ánh", 30)]
    assert call("get", f"/orgs/{cast.a.pk}/badges?year=2023").json() == []
    due = call("get", f"/orgs/{cast.a.pk}/badges/due?on=2024-11-08").json()
    assert due == []  # awarded early: no longer due


# --- the command line -----------------------------------------------------------------------------
def cli(capsys, *argv):
    from tongket.cli.main import main

    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_opens_rounds_and_refuses_bad_quarters(capsys, cast):
    code, out, _err = cli(capsys, "evaluation", "open", "--org", "A", "--year", "2025")
    assert code == 0 and "QĐ366/HD43" in out
    code, out, _err = cli(
        capsys, "evaluation", "open", "--org", "A", "--year", "2025", "--quarter", "3"
    )
    assert code == 0 and "quý 3" in out
    code, _out, err = cli(
        capsys, "evaluation", "open", "--org", "A", "--year", "2025", "--quarter", "4"
    )
    assert code == 1 and "gộp vào đánh giá cuối năm" in err and "Traceback" not in err
    code, _out, err = cli(
        capsys, "evaluation", "open", "--org", "A", "--year", "2024", "--quarter", "1"
    )
    assert code == 1 and "không đánh giá theo quý" in err


def test_cli_awards_badges(capsys, cast):
    from tongket.evaluation.models import BadgeAward

    _veteran(cast)
    award = ("badges", "award", "--card", "A-0001", "--milestone", "30")
    code, _out, err = cli(capsys, *award, "--on", "07/11/2024")
    assert code == 1 and "chưa đủ 30 năm" in err and not BadgeAward.objects.exists()
    code, out, _err = cli(capsys, *award, "--on", "07/11/2024", "--early-ill", "--note", "Ốm")
    assert code == 0 and "trao sớm" in out
    code, _out, err = cli(capsys, *award, "--on", "03/02/2025")
    assert code == 1 and "mỗi mốc chỉ trao một lần" in err
    code, _out, err = cli(
        capsys, "badges", "award", "--card", "X-9", "--milestone", "30", "--on", "03/02/2025"
    )
    assert code == 1 and "X-9" in err
    code, _out, err = cli(capsys, *award, "--on", "ngày mai")
    assert code == 1 and BadgeAward.objects.count() == 1
    code, out, _err = cli(capsys, "badges", "list", "--org", "A")
    assert code == 0 and "Đặng Thị Ánh" in out and "07/11/2024" in out


def test_cli_confirms_the_eligible_into_a_decision(capsys, cast, system):
    from tongket.evaluation.models import AwardDecision

    _five_years(cast, system)
    decide = ("awards", "decide", "--org", "A", "--year", "2024", "--number", "125-QĐ/QU")
    code, _out, err = cli(capsys, *decide, "--on", "10/01/2025")
    assert code == 2 and not AwardDecision.objects.exists()  # nobody named: a usage error
    code, out, _err = cli(capsys, *decide, "--on", "10/01/2025", "--all-eligible")
    assert code == 0 and "Ban Thường vụ Quận ủy" in out and "1 tập thể, 1 đảng viên" in out
    code, _out, err = cli(capsys, *decide, "--on", "10/01/2025", "--card", "A-0001")
    assert code == 1 and "đã được khen" in err and AwardDecision.objects.count() == 1


def test_api_runs_the_workflow(client, cast, system):
    rnd = round_open(actor=system, committee=cast.a, year=2024)
    results_record(
        actor=system, rnd=rnd, rows=[row("good", org=cast.a1), row("good", org=cast.a1a)]
    )
    call = _api(client, cast.alice)
    step = {"committee_id": cast.a.pk}
    sent = call("post", f"/orgs/{cast.a1.pk}/evaluation/2024/submit", step)
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    early = call("post", f"/orgs/{cast.a1.pk}/evaluation/2024/approve", step)
    assert early.status_code == 400 and early.json()["error"]["code"] == "evaluation.order"
    call("post", f"/orgs/{cast.a1a.pk}/evaluation/2024/submit", step)
    call("post", f"/orgs/{cast.a1a.pk}/evaluation/2024/approve", step)
    done = call("post", f"/orgs/{cast.a1.pk}/evaluation/2024/approve", step)
    assert done.json()["status"] == "approved"
    assert call("post", f"/orgs/{cast.a.pk}/evaluation/2024/lock").json()["locked"] is True
    blank = call("post", f"/orgs/{cast.a.pk}/evaluation/2024/reopen", {"reason": " "})
    assert blank.json()["error"]["code"] == "evaluation.reason"
    reopened = call("post", f"/orgs/{cast.a.pk}/evaluation/2024/reopen", {"reason": "Sai sót"})
    assert reopened.json()["locked"] is False
    assert call("post", f"/orgs/{cast.a.pk}/evaluation/2023/lock").status_code == 404

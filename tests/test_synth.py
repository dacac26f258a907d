"""The synthetic data generator (tongket.synth): deterministic by seed, sized by its scale,
and its evaluations pass the rules of their year."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.db.models import Count

from tongket.core.actor import Actor
from tongket.evaluation.models import Evaluation, EvaluationRound
from tongket.evaluation.selectors import evaluation_tally, validation_report
from tongket.party.models import Member, Membership, MemberStatusPeriod, PartyOrg, PartyOrgVersion
from tongket.synth import SCALES, YEARS, Scale, generate

pytestmark = pytest.mark.django_db

# Small enough for a unit test, with every feature of the city: several wards, grassroots
# committees and branches, sub-branches, transfers and one organization changing ward.
TINY = Scale("tiny", wards=3, grassroots=12, sub_branches=30, members=400, moved=1)


def _digest() -> str:
    """Every generated row by its natural keys (codes, card numbers), not database ids."""
    rows = [
        PartyOrg.objects.order_by("code").values_list("code", "name", "kind", "path"),
        PartyOrgVersion.objects.order_by("org__code", "valid_from").values_list(
            "org__code", "valid_from", "valid_to", "name", "kind", "parent__code"
        ),
        Member.objects.order_by("card_number").values_list(
            "card_number",
            "full_name",
            "birth_date",
            "gender",
            "org__code",
            "admitted_on",
            "status",
        ),
        Membership.objects.order_by("member__card_number", "valid_from").values_list(
            "member__card_number", "org__code", "kind", "valid_from", "valid_to"
        ),
        MemberStatusPeriod.objects.order_by("member__card_number").values_list(
            "member__card_number", "status", "valid_from", "valid_to"
        ),
        EvaluationRound.objects.order_by("committee__code", "year").values_list(
            "committee__code", "year", "rule_version", "locked"
        ),
        Evaluation.objects.order_by("year", "org__code", "member__card_number").values_list(
            "round__committee__code",
            "year",
            "org__code",
            "member__card_number",
            "unit_org__code",
            "level",
            "unclassified",
            "flags",
            "deciding_body",
            "decision_date",
            "reviewed_on",
            "rule_version",
        ),
    ]
    text = repr([list(q) for q in rows])
    return hashlib.sha256(text.encode()).hexdigest()


def _wipe() -> None:
    """Empties what the generator wrote, children before parents."""
    Evaluation.objects.all().delete()
    EvaluationRound.objects.all().delete()
    MemberStatusPeriod.objects.all().delete()
    Membership.objects.all().delete()
    Member.objects.all().delete()
    for kind in ("sub_branch", "grassroots_branch", "grassroots_committee"):
        PartyOrg.objects.filter(kind=kind).delete()
    PartyOrg.objects.filter(parent__isnull=False).delete()
    PartyOrg.objects.all().delete()


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    generate(TINY, seed=7)
    first = _digest()
    _wipe()
    generate(TINY, seed=7)
    assert _digest() == first
    _wipe()
    generate(TINY, seed=8)
    assert _digest() != first


def test_the_counts_follow_the_scale_table():
    data = generate(TINY, seed=3)
    kinds = dict(PartyOrg.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds == {
        "party_committee": 1 + TINY.wards,
        "grassroots_committee": TINY.committees,
        "grassroots_branch": TINY.grassroots - TINY.committees,
        "sub_branch": TINY.sub_branches,
    }
    assert PartyOrg.objects.count() == TINY.orgs
    assert Member.objects.count() == TINY.members
    assert PartyOrgVersion.objects.count() == TINY.orgs + TINY.moved  # a moved one has two
    assert EvaluationRound.objects.count() == TINY.wards * len(YEARS)
    assert data.evaluations.results == Evaluation.objects.count()
    # The member total of the city's tally is the generator's own count of memberships.
    day = date(2024, 12, 31)
    top = PartyOrg.objects.get(pk=data.city.top)
    tallies = evaluation_tally(Actor.cli("test"), top, 2024)
    expected = sum(data.city.members_by_org(day).values())
    assert tallies.members.total == expected


def test_a_shrunk_scale_keeps_the_structure():
    city = SCALES["city"]
    small = city.times(0.01)
    assert (small.wards, small.moved) == (city.wards, city.moved)
    assert (small.grassroots, small.sub_branches, small.members) == (50, 250, 5_000)


def test_the_generated_results_break_no_rule_of_their_year():
    data = generate(TINY, seed=11)
    actor = Actor.cli("test")
    levels = set(Evaluation.objects.values_list("level", "unclassified").distinct())
    # The distributions reach every outcome the reports count (unclassified with a reason).
    assert {("excellent", ""), ("good", ""), ("completed", "")} <= levels
    assert any(level == "" and reason for level, reason in levels)
    for rnd in EvaluationRound.objects.select_related("committee"):
        errors = [v for v in validation_report(actor, rnd) if v.severity == "error"]
        assert errors == [], (rnd, errors[:3])
    assert data.evaluations.member_results > TINY.members  # five years of them


def test_tallies_and_streaks_read_the_same_whichever_way_the_tree_is_read(monkeypatch):
    """The selectors read a large subtree differently (a scan, the cached tree) from a small
    one (the index, a walk in SQL), and a system actor differently from a user: the figures
    must not depend on it."""
    from tongket.accounts.services import grant_create, user_create
    from tongket.domain.permissions import Role
    from tongket.evaluation import selectors
    from tongket.evaluation.selectors import streaks

    data = generate(TINY, seed=5)
    system = Actor.cli("test")
    user = user_create(actor=system, username="xem", password="mat-khau-thu-2024", full_name="X")
    top = PartyOrg.objects.get(pk=data.city.top)
    grant_create(actor=system, user=user, role=Role.VIEWER, scope=top)
    viewer = Actor.for_user(user, "test-op")
    subjects = [top, *PartyOrg.objects.filter(pk__in=data.city.wards)]
    seen = []
    for share, actor in ((0.0, system), (2.0, system), (0.0, viewer), (2.0, viewer)):
        monkeypatch.setattr(selectors, "LARGE_SUBTREE", share)  # always large, never large
        seen.append(
            [(evaluation_tally(actor, o, 2024), streaks(actor, o, 2024, 3)) for o in subjects]
        )
    assert seen[0][0][0].members.total > 0 and seen[0][0][1].members  # something to compare
    assert seen[1:] == seen[:1] * 3

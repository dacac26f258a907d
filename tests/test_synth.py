"""The synthetic data generator (tongket.synth): deterministic by seed, sized by its scale,
and its evaluations pass the rules of their year."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.db import transaction
from django.db.models import Count

from tongket.core.actor import Actor
from tongket.evaluation.models import Evaluation, EvaluationRound
from tongket.evaluation.selectors import evaluation_tally, validation_report
from tongket.outreach.models import Activity, Programme
from tongket.party.models import Member, Membership, MemberStatusPeriod, PartyOrg, PartyOrgVersion
from tongket.registry.models import AdminUnit, AdminUnitVersion
from tongket.synth import SCALES, YEARS, Scale, generate, places
from tongket.targets.models import Actual, Target

pytestmark = pytest.mark.django_db

# Small enough for a unit test, with every feature of the city: several wards, grassroots
# committees and branches, sub-branches, transfers and one organization changing ward.
TINY = Scale("tiny", wards=3, grassroots=12, sub_branches=30, members=400, moved=1)
# The same with the national shape: provinces between the top and the ward committees.
TINY_COUNTRY = Scale(
    "tiny-country", provinces=3, wards=7, grassroots=20, sub_branches=40, members=500, moved=2
)


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
        AdminUnit.objects.order_by("code").values_list("code", "name", "level", "parent__code"),
        AdminUnitVersion.objects.order_by("unit__code").values_list(
            "unit__code", "valid_from", "valid_to", "name", "households", "population"
        ),
        PartyOrg.objects.order_by("code").values_list("code", "unit__code"),
        Target.objects.order_by("unit__code", "indicator__code", "span").values_list(
            "unit__code", "indicator__code", "kind", "span", "value", "source"
        ),
        Actual.objects.order_by("unit__code", "indicator__code", "period").values_list(
            "unit__code", "indicator__code", "period", "status", "value", "updated_at"
        ),
        Programme.objects.order_by("org__code").values_list("org__code", "code", "name"),
        Activity.objects.order_by(
            "org__code", "held_on", "kind", "title", "body", "people", "amount"
        ).values_list(
            "org__code", "held_on", "kind", "title", "body", "people", "amount", "units__code"
        ),
    ]
    text = repr([list(q) for q in rows])
    return hashlib.sha256(text.encode()).hexdigest()


class _Undo(Exception):
    """Raised to roll a generation back."""


def _digest_of(scale: Scale, seed: int) -> str:
    """Generates, hashes every row, and rolls the generation back."""
    try:
        with transaction.atomic():
            generate(scale, seed=seed)
            found = _digest()
            raise _Undo
    except _Undo:
        pass
    assert not PartyOrg.objects.exists() and not AdminUnit.objects.exists()
    return found


@pytest.mark.parametrize("scale", [TINY, TINY_COUNTRY], ids=lambda s: s.name)
def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(scale):
    first = _digest_of(scale, 7)
    assert _digest_of(scale, 7) == first
    assert _digest_of(scale, 8) != first


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


def test_the_national_table_gives_each_province_its_real_number_of_wards():
    from tongket.synth.city import _ward_places

    national = SCALES["national"]
    chosen, counts, names = _ward_places(national)
    assert len(chosen) == national.provinces == 34
    assert sum(counts) == len(names) == national.wards == 3_321
    assert counts == [len(p.wards) for p in chosen]  # 3,321 is the country's own count
    assert dict(zip([p.code for p in chosen], counts, strict=True))[79] == 168
    assert len(places.city().wards) == SCALES["city"].wards
    # Fewer wards are spread in proportion, at least one each.
    assert places.spread(10, [1, 1, 8]) == [1, 1, 8]
    assert places.spread(5, [100, 1, 1]) == [3, 1, 1]
    assert sum(places.spread(3_000, [len(p.wards) for p in chosen])) == 3_000


def test_the_national_shape_puts_provinces_between_the_top_and_the_wards():
    data = generate(TINY_COUNTRY, seed=4)
    city = data.city
    kinds = dict(PartyOrg.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds["party_committee"] == 1 + TINY_COUNTRY.provinces + TINY_COUNTRY.wards
    assert PartyOrg.objects.count() == TINY_COUNTRY.orgs
    provinces = set(city.provinces)
    assert {city.parent[w][0][2] for w in city.wards} == provinces
    province_of = {w: city.parent[w][0][2] for w in city.wards}
    for org in city.moved:  # a move stays inside the province when it has another ward
        old, new = city.parent[org][0][2], city.parent[org][1][2]
        others = [w for w, p in province_of.items() if p == province_of[old] and w != old]
        assert old != new and (province_of[new] == province_of[old] or not others)
    # Each committee down to the wards is attached to its unit, in the same tree shape.
    for org in PartyOrg.objects.filter(pk__in=[*provinces, *city.wards]).select_related(
        "unit", "parent__unit"
    ):
        assert org.unit.level == ("province" if org.pk in provinces else "ward")
        assert org.name.endswith(org.unit.name[1:])  # "Đảng bộ phường X" for "Phường X"
        if org.pk not in provinces:
            assert org.unit.parent == org.parent.unit
    assert PartyOrg.objects.get(pk=city.top).unit is None  # no unit above the provinces
    # Card numbers start with the province's official code.
    member = Member.objects.select_related("org").order_by("pk").first()
    assert int(member.card_number[:2]) == city.region[member.org_id]


def test_targets_actuals_and_visits_are_rows_the_services_accept():
    """Setting a generated figure again through the service changes nothing; recording a
    generated visit again through the service is accepted."""
    from tongket.outreach.services import activity_record, units_missing_on
    from tongket.targets.services import actual_set, target_set

    data = generate(TINY, seed=9)
    actor = Actor.cli("test")
    ward = data.city.wards[0]
    unit = AdminUnit.objects.get(pk=data.city.units[ward])
    targets, actuals = Target.objects.filter(unit=unit), Actual.objects.filter(unit=unit)
    assert targets.count() == 4 * len(YEARS) and actuals.count() == 2 * targets.count()
    for t in targets.select_related("indicator"):
        saved = target_set(
            actor=actor,
            indicator=t.indicator,
            kind=t.kind,
            span=t.span,
            value=t.value,
            admin_unit=unit,
            source=t.source,
        )
        assert (saved.created, saved.changed) == (False, False), t
    for a in actuals.select_related("indicator"):
        saved = actual_set(
            actor=actor,
            indicator=a.indicator,
            period=a.period,
            value=a.value,
            status=a.status,
            admin_unit=unit,
            source=a.source,
        )
        assert (saved.created, saved.changed) == (False, False), a
    visits = Activity.objects.filter(kind="visit").prefetch_related("units")
    assert visits.count() >= len(YEARS) * 12 * TINY.wards
    for visit in visits:
        touched = list(visit.units.all())
        assert [u.level for u in touched] == ["neighbourhood"]
        assert units_missing_on(touched, visit.held_on) == []
        assert visit.held_on.weekday() < 5 and visit.held_on.year in YEARS
    first = visits.order_by("pk").first()
    again = activity_record(
        actor=actor,
        org=first.org,
        kind=first.kind,
        held_on=first.held_on,
        units=list(first.units.all()),
        programme=first.programme,
        title=first.title,
        body=first.body,
        people=first.people,
    )
    assert again.pk != first.pk


def test_a_ward_committee_review_has_indicators_and_coverage():
    from tongket.reports.figures import review_figures

    data = generate(TINY, seed=12)
    ward = PartyOrg.objects.get(pk=data.city.wards[1])
    figures = review_figures(Actor.cli("test"), ward, "2024").to_json()
    assert {i["code"] for i in figures["indicators"]} == {
        "KT-DTBL",
        "NS-THU",
        "KT-DNMOI",
        "XH-HONGHEO",
    }
    assert all(i["target"] and i["actual"] is not None for i in figures["indicators"])
    total = len(data.city.neighbourhoods[ward.pk])
    coverage = figures["outreach"]
    assert coverage and all(0 < c["covered"] <= c["of"] == total for c in coverage)
    assert figures["units"]["neighbourhood"] == total

"""The two ways the review figures read the members (index lookups for a small subtree, a scan
for a large one, with more work_mem on PostgreSQL) give the same figures, and the raised
work_mem never outlives its statement."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from tests.test_evaluation import OK, TOP, row
from tongket.evaluation import selectors
from tongket.evaluation.selectors import evaluation_tally, review_evaluation
from tongket.evaluation.services import results_record, round_open

pytestmark = pytest.mark.django_db
NEVER_LARGE, ALWAYS_LARGE = 2.0, 0.0  # shares of the tree: no subtree reaches 200%, all reach 0


def _results(cast, system):
    """Two years of results, a member and an organization excellent in both."""
    for year, level in ((2023, "excellent"), (2024, "excellent")):
        rnd = round_open(actor=system, committee=cast.a, year=year)
        results_record(
            actor=system,
            rnd=rnd,
            rows=[
                row(level, member=cast.anh, flags=TOP),
                row("excellent", org=cast.a1a, flags=TOP),
                row("good", org=cast.a1, flags=OK),
            ],
        )


def test_small_and_large_reads_give_the_same_figures(cast, system, monkeypatch):
    _results(cast, system)
    found = {}
    for share in (NEVER_LARGE, ALWAYS_LARGE):
        monkeypatch.setattr(selectors, "LARGE_SUBTREE", share)
        found[share] = review_evaluation(system, cast.a, 2024, 2)
    assert found[NEVER_LARGE] == found[ALWAYS_LARGE]
    tallies, streaks = found[ALWAYS_LARGE]
    assert tallies.members.count("excellent") == 1
    assert tallies.previous.members.count("excellent") == 1
    assert [pk for pk, *_ in streaks.members] == [cast.anh.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="work_mem is a PostgreSQL setting")
def test_work_mem_is_raised_for_the_large_statement_only(cast, system, monkeypatch):
    _results(cast, system)
    monkeypatch.setattr(selectors, "LARGE_SUBTREE", ALWAYS_LARGE)
    seen = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("WITH m(id)"):  # the member statements: read the setting they run with
            with context["connection"].connection.cursor() as raw:
                seen.append(raw.execute("SHOW work_mem").fetchone()[0])
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        before = cursor.fetchone()[0]
    with transaction.atomic():  # inside a caller's transaction too, it is put back
        with connection.execute_wrapper(watch):
            evaluation_tally(system, cast.a, 2024)
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            assert cursor.fetchone()[0] == before
    assert seen and set(seen) == {selectors.LARGE_WORK_MEM}

"""Indicators, targets and actuals: services (audited, scoped), the status selector, and the
bad inputs of issue 5, each refused with a clear message and nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import actor_for
from tongket.core.errors import NotFoundError, PermissionDeniedError
from tongket.core.models import ChangeLog
from tongket.domain.errors import DomainError
from tongket.domain.indicators import Verdict
from tongket.targets import selectors, services
from tongket.targets.models import Actual, Indicator, Target


@pytest.fixture
def ind(cast):
    """A small catalogue on the cast: a flow with a companion, a budget line, a stock."""
    s = cast.system
    capital = services.indicator_create(
        actor=s, code="CAP", name="Vốn đăng ký của doanh nghiệp mới", unit="tỷ đồng"
    )
    firms = services.indicator_create(
        actor=s,
        code="ENT",
        name="Doanh nghiệp phát triển mới",
        unit="doanh nghiệp",
        companion=capital,
    )
    budget = services.indicator_create(
        actor=s, code="BUD", name="Tổng thu ngân sách Nhà nước", unit="tỷ đồng"
    )
    poor = services.indicator_create(
        actor=s,
        code="POOR",
        name="Hộ nghèo theo chuẩn thành phố",
        unit="hộ",
        direction="lower",
        over_time="latest",
    )
    rate = services.indicator_create(
        actor=s, code="RATE", name="Tỷ lệ", unit="%", over_time="none", up_tree="none"
    )
    cast.ind = {i.code: i for i in (capital, firms, budget, poor, rate)}
    return cast


def _actual(cast, code, period, value, status="final", **kw):
    kw.setdefault("org", cast.a)
    return services.actual_set(
        actor=cast.system,
        indicator=cast.ind[code],
        period=period,
        value=value,
        status=status,
        **kw,
    )


def _target(cast, code, kind, span, value, **kw):
    kw.setdefault("org", cast.a)
    return services.target_set(
        actor=cast.system, indicator=cast.ind[code], kind=kind, span=span, value=value, **kw
    )


def _row(rows, code):
    return next(r for r in rows if r.code == code)


# --- services ------------------------------------------------------------------------------
def test_actual_is_audited_and_a_revision_keeps_the_earlier_value(ind):
    first = _actual(ind, "BUD", "2024-H1", "2.900", status="estimate", source="ước")
    assert first.created and first.record.value == Decimal("2900")
    again = _actual(ind, "BUD", "2024-H1", "2900", status="estimate", source="ước")
    assert not again.changed  # typed again: nothing to record
    revised = _actual(ind, "BUD", "2024-H1", "2.918", status="final", source="báo cáo")
    assert revised.changed and not revised.created
    assert Actual.objects.count() == 1
    log = ChangeLog.objects.filter(object_type="targets.actual").order_by("id")
    assert [r.action for r in log] == ["create", "update"]
    assert log[1].before["value"] == "2900.0000" and log[1].after["value"] == "2918.0000"
    history = selectors.figure_history(actor_for(ind.alice), revised.record)
    assert [(h.value, h.status) for h in history] == [
        ("2900.0000", "estimate"),
        ("2918.0000", "final"),
    ]


def test_targets_are_upserted_on_their_natural_key(ind):
    _target(ind, "ENT", "plan", "2024", "3.000")
    _target(ind, "ENT", "plan", "2024", "3.018", source="Kế hoạch điều chỉnh")
    assert list(Target.objects.values_list("value", "source")) == [
        (Decimal("3018.0000"), "Kế hoạch điều chỉnh")
    ]


def test_writes_need_the_edit_right_in_scope(ind):
    bob = actor_for(ind.bob)  # viewer of B
    with pytest.raises(PermissionDeniedError):
        services.actual_set(
            actor=bob,
            indicator=ind.ind["BUD"],
            period="2024",
            value="1",
            status="final",
            org=ind.b,
        )
    alice = actor_for(ind.alice)  # admin of A, not of B
    with pytest.raises(PermissionDeniedError):
        services.target_set(
            actor=alice, indicator=ind.ind["BUD"], kind="plan", span="2024", value=1, org=ind.b
        )
    services.target_set(
        actor=alice, indicator=ind.ind["BUD"], kind="plan", span="2024", value=1, org=ind.a
    )
    assert Target.objects.count() == 1


def test_only_an_administrator_extends_the_catalogue(ind):
    with pytest.raises(PermissionDeniedError):
        services.indicator_create(actor=actor_for(ind.bob), code="X", name="X", unit="hộ")
    made = services.indicator_create(actor=actor_for(ind.alice), code="X", name="X", unit="Hộ")
    assert made.unit == "hộ"


def test_lists_are_scoped(ind):
    _actual(ind, "BUD", "2024", 10)
    _actual(ind, "BUD", "2024", 20, org=ind.b)
    alice, bob = actor_for(ind.alice), actor_for(ind.bob)
    assert [a.value for a in selectors.actuals_of(alice, ind.a)] == [Decimal("10.0000")]
    assert list(selectors.actuals_of(alice, ind.b)) == []
    assert [a.value for a in selectors.actuals_of(bob, ind.b)] == [Decimal("20.0000")]
    with pytest.raises(NotFoundError):
        selectors.figure_history(alice, Actual.objects.get(org=ind.b))


def test_unit_figures_are_seen_through_the_attached_org_and_by_unit_grants(ind):
    _actual(ind, "BUD", "2024", 7, org=None, admin_unit=ind.w1)
    carol = actor_for(ind.carol)  # viewer of unit W1
    alice = actor_for(ind.alice)  # admin of A, attached to W1
    assert [r.actual for r in selectors.targets_status(alice, ind.a, "2024")] == [Decimal(7)]
    assert [r.actual for r in selectors.targets_status(carol, ind.w1, "2024")] == [Decimal(7)]
    assert selectors.targets_status(actor_for(ind.bob), ind.b, "2024") == []


# --- the status selector -------------------------------------------------------------------
def test_status_computes_share_growth_and_verdict(ind):
    _actual(ind, "ENT", "2024-H1", "1.328")
    _actual(ind, "CAP", "2024-H1", "10.793,7")
    _target(ind, "ENT", "plan", "2024", "3.018")
    _actual(ind, "BUD", "2023-H1", "2.500")
    _actual(ind, "BUD", "2024-H1", "2.918", status="estimate")
    _target(ind, "BUD", "estimate", "2024", "5.211")
    rows = selectors.targets_status(actor_for(ind.alice), ind.a, "2024-H1")
    assert [r.code for r in rows] == ["BUD", "CAP", "ENT"]
    firms = _row(rows, "ENT")
    assert firms.actual == 1328 and firms.main_target.value == 3018
    assert round(firms.main_target.share.value, 4) == Decimal("0.4400")
    assert firms.main_target.phrase == "đạt 44% kế hoạch năm"
    assert firms.main_target.verdict is Verdict.AT_RISK  # 44% of the plan at 49.7% of the year
    assert firms.companion["text"] == "10.793,7 tỷ đồng"
    assert not firms.growth.ok and firms.growth.reason == "no_base"
    assert "Chưa có số liệu cùng kỳ năm trước" in firms.growth.message
    budget = _row(rows, "BUD")
    assert budget.status == "estimate" and budget.main_target.verdict is Verdict.ON_TRACK
    assert budget.growth.value == Decimal("0.1672")
    assert budget.sentence == (
        "Tổng thu ngân sách Nhà nước 6 tháng đầu năm 2024 ước đạt 2.918 tỷ đồng, "
        "tăng 16,72% so cùng kỳ, đạt 56% so với dự toán năm"
    )


def test_growth_over_a_zero_base_says_so(ind):
    _actual(ind, "ENT", "2023", 0)
    _actual(ind, "ENT", "2024", 5)
    row = selectors.targets_status(actor_for(ind.alice), ind.a, "2024")[0]
    assert row.growth.value is None and row.growth.reason == "zero_base"
    assert "bằng 0" in row.growth.message


def test_term_target_of_a_stock_is_met_at_zero(ind):
    _target(ind, "POOR", "term", "2021-2025", 0)
    _actual(ind, "POOR", "2023", 12)
    _actual(ind, "POOR", "2024", 0)
    row = selectors.targets_status(actor_for(ind.alice), ind.a, "2024")[0]
    term = row.main_target
    assert (row.actual, term.value, term.compared) == (0, 0, 0)
    assert term.verdict is Verdict.MET and term.compared_periods == ["2024"]
    assert term.share.reason == "zero_target"
    assert term.phrase == "hoàn thành chỉ tiêu Nghị quyết Đại hội (0 hộ)"


def test_term_target_of_a_flow_sums_the_years(ind):
    _target(ind, "ENT", "term", "2021-2025", 10000)
    for year, value in ((2021, 1500), (2022, 1800), (2023, 2000)):
        _actual(ind, "ENT", str(year), value)
    _actual(ind, "ENT", "2024-Q1", 400)
    _actual(ind, "ENT", "2024-H1", 1000)
    row = selectors.targets_status(actor_for(ind.alice), ind.a, "2024-H1")[0]
    term = row.main_target
    assert term.compared_periods == ["2021", "2022", "2023", "2024-H1"]
    assert term.compared == 6300 and term.share.value == Decimal("0.63")
    # 63% of the target when 1.277 of the term's 1.826 days are gone (69.9%): pace 0.90.
    assert term.verdict is Verdict.AT_RISK
    assert term.verdict_label == "có nguy cơ chậm tiến độ"


def test_trend_lists_periods_of_one_kind(ind):
    _actual(ind, "BUD", "2023-H1", 2500)
    _actual(ind, "BUD", "2024-H1", 2918)
    _actual(ind, "BUD", "2023", 5000)
    points = selectors.indicator_trend(
        actor_for(ind.alice), ind.a, ind.ind["BUD"], "half", parse("2024-H1")
    )
    assert [(p.period, p.value) for p in points] == [("2023-H1", 2500), ("2024-H1", 2918)]


def parse(code):
    from tongket.domain.periods import parse_period

    return parse_period(code)


# --- bad input: a clear message, nothing written -------------------------------------------
def _nothing_written(cast):
    return (Actual.objects.count(), Target.objects.count(), ChangeLog.objects.count())


@pytest.mark.parametrize("period", ["2024-H3", "2024-Q5", "2024-M13", "2024-X1", ""])
def test_an_actual_for_a_period_that_does_not_exist(ind, period):
    before = _nothing_written(ind)
    with pytest.raises(DomainError) as err:
        _actual(ind, "BUD", period, 1)
    assert err.value.code == "period.invalid" and "Kỳ báo cáo không hợp lệ" in err.value.message
    assert _nothing_written(ind) == before


def test_an_actual_for_a_period_when_the_unit_did_not_exist(ind):
    from tongket.registry.services import unit_create

    gone = unit_create(
        actor=ind.system,
        code="OLD",
        name="Phường Cũ",
        level="ward",
        parent=ind.hcm,
        valid_to=parse("2024").end,
    )
    before = _nothing_written(ind)
    with pytest.raises(DomainError) as err:
        _actual(ind, "BUD", "2025-H1", 1, org=None, admin_unit=gone)
    assert err.value.code == "period.subject" and "không tồn tại" in err.value.message
    assert _nothing_written(ind) == before


@pytest.mark.parametrize("unit", ["triệu đồng", "doanh nghiệp", "%"])
def test_a_target_in_another_unit_of_measure(ind, unit):
    before = _nothing_written(ind)
    with pytest.raises(DomainError) as err:
        _target(ind, "BUD", "estimate", "2024", "5.211", unit_of_measure=unit)
    assert err.value.code == "unit.mismatch"
    assert "khác đơn vị tính của chỉ tiêu" in err.value.message
    assert _nothing_written(ind) == before


def test_enumerations_are_read_in_vietnamese(ind):
    saved = _target(ind, "ENT", "Kế hoạch năm", "2024", "3.018")
    assert saved.record.kind == "plan"
    actual = _actual(ind, "ENT", "2024-H1", "1.328", status="Ước đạt")
    assert actual.record.status == "estimate"


def test_the_same_unit_spelled_otherwise_is_accepted(ind):
    saved = _target(ind, "BUD", "estimate", "2024", "5.211", unit_of_measure="Ty dong")
    assert saved.created


@pytest.mark.parametrize(
    ("code", "value", "error"),
    [
        ("ENT", "44%", "value.percent"),  # the share typed instead of the figure
        ("BUD", "44%", "value.percent"),
        ("ENT", "44,0", "value.count_decimal"),  # a comma in a count
        ("ENT", "1,328", "value.count_decimal"),
        ("ENT", "-3", "value.count"),
        ("BUD", "abc", "number.invalid"),
        ("BUD", "", "value.empty"),
    ],
)
def test_a_value_typed_wrong(ind, code, value, error):
    before = _nothing_written(ind)
    with pytest.raises(DomainError) as err:
        _actual(ind, code, "2024", value)
    assert err.value.code == error
    assert value in err.value.message
    assert _nothing_written(ind) == before


@pytest.mark.parametrize("typed", ["44%", "44,0", "44", 44])
def test_a_percentage_indicator_reads_its_forms_alike(ind, typed):
    saved = _actual(ind, "RATE", "2024", typed)
    assert saved.record.value == Decimal("44")


@pytest.mark.parametrize(
    ("kind", "span", "error"),
    [
        ("term", "2024", "target.span"),
        ("plan", "2021-2025", "target.span"),
        ("plan", "2024-H1", "target.span"),
        ("plan", "2025-2021", "period.invalid"),
        ("quota", "2024", "choice.invalid"),
    ],
)
def test_a_target_over_the_wrong_span(ind, kind, span, error):
    before = _nothing_written(ind)
    with pytest.raises(DomainError) as err:
        _target(ind, "ENT", kind, span, 1)
    assert err.value.code == error
    assert _nothing_written(ind) == before


def test_an_unknown_status_and_an_unknown_unit_are_refused(ind):
    with pytest.raises(DomainError, match="Tình trạng số liệu không hợp lệ"):
        _actual(ind, "BUD", "2024", 1, status="guess")
    with pytest.raises(DomainError, match="Đơn vị tính không có trong danh mục"):
        services.indicator_create(actor=ind.system, code="Y", name="Y", unit="thùng")
    with pytest.raises(DomainError, match="không áp dụng khi cộng các đơn vị"):
        services.indicator_create(actor=ind.system, code="Z", name="Z", unit="hộ", up_tree="latest")
    assert not Indicator.objects.filter(code__in=["Y", "Z"]).exists()


# --- command line and web page -------------------------------------------------------------
def _cli(capsys, *argv):
    from tongket.cli.main import main

    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_set_target_and_set_actual_then_status(ind, capsys):
    code, out, _err = _cli(
        capsys,
        "targets",
        "set-target",
        "--org",
        "A",
        "--indicator",
        "ENT",
        "--kind",
        "plan",
        "--span",
        "2024",
        "--value",
        "3.018",
    )
    assert code == 0 and out.startswith("Đã ghi:")
    code, out, _err = _cli(
        capsys,
        "targets",
        "set-actual",
        "--org",
        "A",
        "--indicator",
        "ENT",
        "--period",
        "2024-H1",
        "--value",
        "1.328",
    )
    assert code == 0 and out.startswith("Đã ghi:")
    code, out, _err = _cli(capsys, "targets", "status", "--org", "A", "--period", "2024-H1")
    assert code == 0 and "đạt 44% kế hoạch năm" in out
    assert Actual.objects.get().value == Decimal("1328")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--period", "2024-H3", "--value", "1"], "Kỳ báo cáo không hợp lệ"),
        (["--period", "2024-H1", "--value", "44%"], "là một tỷ lệ phần trăm"),
        (["--period", "2024-H1", "--value", "44,0"], "có dấu phẩy thập phân"),
    ],
)
def test_cli_bad_input_is_one_line_and_writes_nothing(ind, capsys, argv, words):
    base = ["targets", "set-actual", "--org", "A", "--indicator", "ENT"]
    code, _out, err = _cli(capsys, *base, *argv)
    assert code == 1 and words in err and "Traceback" not in err
    assert Actual.objects.count() == 0


def test_status_page_shows_bars_trend_and_history(ind, client):
    _actual(ind, "BUD", "2023-H1", "2.500")
    _actual(ind, "BUD", "2024-H1", "2.900", status="estimate")
    _actual(ind, "BUD", "2024-H1", "2.918", status="estimate")
    _target(ind, "BUD", "estimate", "2024", "5.211")
    client.force_login(ind.alice)
    page = client.get(f"/targets/org/{ind.a.pk}/?period=2024-H1").content.decode()
    assert "đạt 56% so với dự toán năm" in page and "tăng 16,72% so cùng kỳ" in page
    assert "<svg" in page and "2023-H1" in page  # the progress bar and the trend chart
    assert "2.900 tỷ đồng" in page and "2.918 tỷ đồng" in page  # the earlier value is kept
    bad = client.get(f"/targets/org/{ind.a.pk}/?period=2024-Q5").content.decode()
    assert "Kỳ báo cáo không hợp lệ" in bad
    assert client.get("/targets/").status_code == 200

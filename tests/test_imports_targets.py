"""Imports and exports of `indicators`, `targets` and `actuals` (docs/INTERCHANGE-targets.md):
figures typed the Vietnamese way, the round trip that changes nothing (and rebuilds an empty
database), a revised actual kept in history, dry runs, the scope, and every bad input of issue 5
refused with a message naming its column and nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.conftest import actor_for
from tests.test_imports import csv_file, do_import, run_cli, xlsx
from tongket.core.models import ChangeLog
from tongket.imports.export import export_kind
from tongket.registry.services import unit_create
from tongket.targets import services
from tongket.targets.models import Actual, Indicator, Target

pytestmark = pytest.mark.django_db

IND_HEAD = [
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Chiều đánh giá",
    "Cộng gộp theo thời gian",
    "Cộng gộp theo đơn vị",
    "Mã chỉ tiêu đi kèm",
    "Ghi chú",
]
TARGET_HEAD = [
    "Mã chỉ tiêu",
    "Mã tổ chức",
    "Mã đơn vị hành chính",
    "Loại chỉ tiêu",
    "Kỳ, giai đoạn",
    "Giá trị",
    "Đơn vị tính",
    "Nguồn",
]
ACTUAL_HEAD = [
    "Mã chỉ tiêu",
    "Mã tổ chức",
    "Mã đơn vị hành chính",
    "Kỳ báo cáo",
    "Giá trị",
    "Tình trạng",
    "Đơn vị tính",
    "Nguồn",
]
SOURCE = "Báo cáo sơ kết 6 tháng đầu năm 2024"

# The catalogue as an office types it: the new-enterprises line names its companion (registered
# capital) before the companion's own row, units and words without diacritics or abbreviated.
CATALOGUE = [
    IND_HEAD,
    ["DN-MOI", "Doanh nghiệp phát triển mới", "Doanh nghiệp", "cao", "", "", "DN-VON", ""],
    ["DN-VON", "Vốn đăng ký của doanh nghiệp mới", "ty dong", "", "cộng dồn", "", "", ""],
    ["NS-THU", "Tổng thu ngân sách Nhà nước", "tỷ đồng", "", "", "", "", "dự toán"],
    ["TL-BHYT", "Tỷ lệ dân số tham gia bảo hiểm y tế", "%", "", "bình quân", "bình quân", "", ""],
]


@pytest.fixture
def catalogue(cast, system):
    capital = services.indicator_create(
        actor=system, code="DN-VON", name="Vốn đăng ký của doanh nghiệp mới", unit="tỷ đồng"
    )
    services.indicator_create(
        actor=system,
        code="DN-MOI",
        name="Doanh nghiệp phát triển mới",
        unit="doanh nghiệp",
        companion=capital,
    )
    services.indicator_create(
        actor=system, code="NS-THU", name="Tổng thu ngân sách Nhà nước", unit="tỷ đồng"
    )
    services.indicator_create(
        actor=system, code="TL-BHYT", name="Tỷ lệ bảo hiểm y tế", unit="%", over_time="average"
    )
    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def recorded(cast, system, catalogue):
    """Targets and actuals of organization A and unit W1, one actual revised."""
    ind = catalogue
    for code, kind, span, value in [
        ("DN-MOI", "plan", "2024", "3.018"),
        ("DN-MOI", "term", "2020-2025", "15.000"),
        ("NS-THU", "estimate", "2024", "5.211"),
    ]:
        services.target_set(
            actor=system, indicator=ind[code], kind=kind, span=span, value=value, org=cast.a
        )
    for code, period, value, status in [
        ("DN-MOI", "2024-H1", "1.328", "estimate"),
        ("DN-VON", "2024-H1", "10.793,7", "estimate"),
        ("NS-THU", "2024-H1", "2.900", "estimate"),
        ("NS-THU", "2024-H1", "2.918", "final"),  # the estimate made final
        ("TL-BHYT", "2024", "92,35", "final"),
    ]:
        services.actual_set(
            actor=system,
            indicator=ind[code],
            period=period,
            value=value,
            status=status,
            org=cast.a,
            source=SOURCE,
        )
    services.actual_set(
        actor=system,
        indicator=ind["DN-MOI"],
        period="2024-Q1",
        value=400,
        status="final",
        admin_unit=cast.w1,
    )


def stored() -> dict:
    """Every indicator, target and actual by natural key, without database ids."""
    return {
        "indicators": {
            i.code: (
                i.name,
                i.unit,
                i.direction,
                i.over_time,
                i.up_tree,
                i.companion_id and i.companion.code,
                i.note,
            )
            for i in Indicator.objects.select_related("companion")
        },
        "targets": {
            (
                t.indicator.code,
                t.org_id and t.org.code,
                t.unit_id and t.unit.code,
                t.kind,
                t.span,
            ): (t.value, t.source)
            for t in Target.objects.select_related("indicator", "org", "unit")
        },
        "actuals": {
            (a.indicator.code, a.org_id and a.org.code, a.unit_id and a.unit.code, a.period): (
                a.value,
                a.status,
                a.source,
            )
            for a in Actual.objects.select_related("indicator", "org", "unit")
        },
    }


def counts() -> tuple[int, int, int, int]:
    return (
        Indicator.objects.count(),
        Target.objects.count(),
        Actual.objects.count(),
        ChangeLog.objects.count(),
    )


def refused(actor, kind: str, path, column: str, *words: str):
    """Imports `path`, expects it refused on `column` with each of `words` in the message, and
    checks that nothing was written."""
    before = counts()
    _plan, result = do_import(kind, path, actor)
    assert not result.written
    assert result.errors, result
    hits = [e for e in result.errors if e.column == column]
    assert hits, result.errors
    for word in words:
        assert any(word in e.message for e in hits), hits
    assert counts() == before
    return hits[0]


# --- a fresh import ---------------------------------------------------------------------------
def test_a_fresh_catalogue_is_created_companions_first_with_audit_rows(cast, system, tmp_path):
    path = xlsx(tmp_path / "ct.xlsx", CATALOGUE, title="chỉ tiêu")
    plan, result = do_import("indicators", path, system)
    assert result.errors == [] and result.written
    assert plan.counts == result.counts == {"create": 4, "update": 0, "unchanged": 0}
    firms = Indicator.objects.get(code="DN-MOI")
    assert (firms.unit, firms.direction, firms.companion.code) == (
        "doanh nghiệp",
        "higher",
        "DN-VON",
    )
    assert Indicator.objects.get(code="DN-VON").unit == "tỷ đồng"
    rate = Indicator.objects.get(code="TL-BHYT")
    assert (rate.over_time, rate.up_tree) == ("average", "average")
    assert ChangeLog.objects.filter(object_type="targets.indicator", action="create").count() == 4
    # The same file again changes nothing.
    _plan, again = do_import("indicators", path, system)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 4}


def test_figures_typed_the_vietnamese_way_are_read_in_their_indicators_unit(
    cast, system, catalogue, tmp_path
):
    path = csv_file(
        tmp_path / "th.csv",
        [
            ACTUAL_HEAD,
            ["DN-MOI", "A", "", "2024-H1", "1.328", "ước", "doanh nghiệp", SOURCE],
            ["DN-VON", "A", "", "2024-H1", "10.793,7", "ước tính", "Tỷ đồng", SOURCE],
            ["NS-THU", "A", "", "2024-06", "2918", "thực hiện", "", ""],
            ["TL-BHYT", "A", "", "2024-H1", "44%", "chính thức", "%", ""],
            ["TL-BHYT", "A", "", "2024-Q1", "44,0", "final", "", ""],
            ["TL-BHYT", "", "W1", "2024-Q1", "44", "final", "", ""],
        ],
    )
    plan, result = do_import("actuals", path, system)
    assert result.errors == [] and result.written
    assert plan.counts == result.counts == {"create": 6, "update": 0, "unchanged": 0}
    got = stored()["actuals"]
    assert got[("DN-MOI", "A", None, "2024-H1")] == (Decimal(1328), "estimate", SOURCE)
    assert got[("DN-VON", "A", None, "2024-H1")][0] == Decimal("10793.7")
    assert got[("NS-THU", "A", None, "2024-M06")][:2] == (Decimal(2918), "final")
    assert got[("TL-BHYT", "A", None, "2024-H1")][0] == Decimal(44)
    assert got[("TL-BHYT", "A", None, "2024-Q1")][0] == Decimal(44)
    assert got[("TL-BHYT", None, "W1", "2024-Q1")][0] == Decimal(44)
    assert ChangeLog.objects.filter(object_type="targets.actual", action="create").count() == 6


def test_targets_of_a_term_a_plan_and_an_estimate(cast, system, catalogue, tmp_path):
    path = csv_file(
        tmp_path / "kh.csv",
        [
            TARGET_HEAD,
            ["DN-MOI", "A", "", "kế hoạch", "2024", "3.018", "", "Kế hoạch năm 2024"],
            ["DN-MOI", "A", "", "chỉ tiêu Nghị quyết", "2020 – 2025", "15.000", "", ""],
            ["NS-THU", "A", "", "dự toán", 2024, "5.211,5", "tỷ đồng", ""],
        ],
    )
    _plan, result = do_import("targets", path, system)
    assert result.errors == [] and result.counts["create"] == 3
    got = stored()["targets"]
    assert got[("DN-MOI", "A", None, "plan", "2024")] == (Decimal(3018), "Kế hoạch năm 2024")
    assert got[("DN-MOI", "A", None, "term", "2020-2025")][0] == Decimal(15000)
    assert got[("NS-THU", "A", None, "estimate", "2024")][0] == Decimal("5211.5")
    assert ChangeLog.objects.filter(object_type="targets.target").count() == 3


# --- round trips ------------------------------------------------------------------------------
KINDS = ("indicators", "targets", "actuals")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_reimports_unchanged(recorded, system, tmp_path, suffix):
    before, last = stored(), ChangeLog.objects.order_by("-pk").first().pk
    for kind in KINDS:
        path = tmp_path / f"{kind}{suffix}"
        export_kind(kind, path, system)
        _plan, result = do_import(kind, path, system)
        assert result.errors == [], result.errors
        assert result.counts["create"] == result.counts["update"] == 0
        assert result.counts["unchanged"] == len(before[kind]) > 0
    assert stored() == before
    # Only the exports are logged (one event each), no change.
    new = ChangeLog.objects.filter(pk__gt=last)
    assert sorted(new.values_list("action", "object_type")) == [
        ("export", "targets.actual"),
        ("export", "targets.indicator"),
        ("export", "targets.target"),
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_rebuilds_the_same_records_in_an_empty_database(
    recorded, system, tmp_path, suffix
):
    before = stored()
    for kind in KINDS:
        export_kind(kind, tmp_path / f"{kind}{suffix}", system)
    Actual.objects.all().delete()
    Target.objects.all().delete()
    Indicator.objects.update(companion=None)
    Indicator.objects.all().delete()
    for kind in KINDS:
        _plan, result = do_import(kind, tmp_path / f"{kind}{suffix}", system)
        assert result.errors == [] and result.counts["create"] == len(before[kind])
    assert stored() == before


def test_the_export_writes_words_and_figures_as_a_reader_expects(recorded, system, tmp_path):
    path = tmp_path / "th.xlsx"
    assert export_kind("actuals", path, system) == 5
    rows = list(load_workbook(path).active.values)
    assert list(rows[0]) == ACTUAL_HEAD
    capital = next(r for r in rows if r[0] == "DN-VON")
    assert capital == ("DN-VON", "A", None, "2024-H1", 10793.7, "ước tính", "tỷ đồng", SOURCE)
    ward = next(r for r in rows if r[2] == "W1")
    assert ward[3:6] == ("2024-Q1", 400, "chính thức")
    csv_path = tmp_path / "th.csv"
    export_kind("actuals", csv_path, system)
    assert 'DN-VON,A,,2024-H1,"10793,7",ước tính' in csv_path.read_text("utf-8-sig")
    assert ChangeLog.objects.filter(action="export", object_type="targets.actual").count() == 2


# --- revisions and dry runs -------------------------------------------------------------------
def test_a_revised_actual_is_an_update_that_keeps_the_earlier_value(
    cast, system, catalogue, tmp_path
):
    head = ACTUAL_HEAD[:6]
    first = csv_file(tmp_path / "a.csv", [head, ["NS-THU", "A", "", "2024-H1", "2.900", "ước"]])
    do_import("actuals", first, system)
    final = csv_file(
        tmp_path / "b.csv", [head, ["NS-THU", "A", "", "2024-H1", "2.918", "chính thức"]]
    )
    plan, result = do_import("actuals", final, system)
    assert plan.counts == result.counts == {"create": 0, "update": 1, "unchanged": 0}
    actual = Actual.objects.get()
    assert (actual.value, actual.status) == (Decimal(2918), "final")
    update = ChangeLog.objects.get(object_type="targets.actual", action="update")
    assert Decimal(update.before["value"]) == 2900 and update.before["status"] == "estimate"
    assert Decimal(update.after["value"]) == 2918
    # A file without `Nguồn` leaves the stored source alone.
    assert actual.source == ""


def test_a_dry_run_reports_the_counts_and_writes_nothing(cast, system, catalogue, tmp_path):
    path = csv_file(
        tmp_path / "th.csv", [ACTUAL_HEAD, ["DN-MOI", "A", "", "2024-H1", "1.328", "ước", "", ""]]
    )
    before = counts()
    plan, result = do_import("actuals", path, system, dry_run=True)
    assert plan.counts == result.counts == {"create": 1, "update": 0, "unchanged": 0}
    assert not result.written and counts() == before


def test_an_unknown_column_is_a_warning_and_never_used(cast, system, catalogue, tmp_path):
    path = csv_file(
        tmp_path / "th.csv",
        [
            [*ACTUAL_HEAD[:6], "Đạt % kế hoạch"],
            ["DN-MOI", "A", "", "2024-H1", "1.328", "ước", "44%"],
        ],
    )
    _plan, result = do_import("actuals", path, system)
    assert result.written and any("Đạt % kế hoạch" in w for w in result.warnings)


# --- bad inputs -------------------------------------------------------------------------------
def _actual_file(tmp_path, *rows):
    good = ["NS-THU", "A", "", "2024-H1", "2.918", "ước", "", ""]
    return csv_file(tmp_path / "th.csv", [ACTUAL_HEAD, good, *rows])


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["DN-MOI", "A", "", "2024-H3", "1.328", "ước", "", ""], "Kỳ báo cáo", ["2024-H3"]),
        (["DN-MOI", "A", "", "2024-Q5", "1.328", "ước", "", ""], "Kỳ báo cáo", ["2024-Q5"]),
        (["DN-MOI", "A", "", "2024-M13", "1.328", "ước", "", ""], "Kỳ báo cáo", ["2024-M13"]),
        # A date typed where the period goes: refused with the accepted forms.
        (["DN-MOI", "A", "", "30/06/2024", "1", "ước", "", ""], "Kỳ báo cáo", ["2024-H1"]),
        (["DN-MOI", "A", "", "2024-H1", "44%", "ước", "", ""], "Giá trị", ["tỷ lệ phần trăm"]),
        (["DN-MOI", "A", "", "2024-H1", "44,0", "ước", "", ""], "Giá trị", ["số nguyên"]),
        (["DN-MOI", "A", "", "2024-H1", "1,328", "ước", "", ""], "Giá trị", ["1.328"]),
        (["DN-VON", "A", "", "2024-H1", "10,793.7", "ước", "", ""], "Giá trị", ["10,793.7"]),
        (["DN-VON", "A", "", "2024-H1", "khoảng 10", "ước", "", ""], "Giá trị", ["Số không"]),
        (
            ["DN-VON", "A", "", "2024-H1", "10.793,7", "ước", "triệu đồng", ""],
            "Đơn vị tính",
            ["triệu đồng", "tỷ đồng"],
        ),
        (["XX-9", "A", "", "2024-H1", "1", "ước", "", ""], "Mã chỉ tiêu", ["XX-9"]),
        (["DN-MOI", "ZZZ", "", "2024-H1", "1", "ước", "", ""], "Mã tổ chức", ["ZZZ"]),
        (["DN-MOI", "", "W9", "2024-H1", "1", "ước", "", ""], "Mã đơn vị hành chính", ["W9"]),
        (["DN-MOI", "A", "W1", "2024-H1", "1", "ước", "", ""], "Mã tổ chức", ["đúng một"]),
        (["DN-MOI", "", "", "2024-H1", "1", "ước", "", ""], "Mã tổ chức", ["đúng một"]),
        (["DN-MOI", "A", "", "2024-H1", "1", "tạm tính", "", ""], "Tình trạng", ["tạm tính"]),
        (["DN-MOI", "A", "", "2024-H1", "", "ước", "", ""], "Giá trị", ["trống"]),
        # The same key as the good row, with the period written another way.
        (["NS-THU", "A", "", "2024-h1", "2.900", "ước", "", ""], "Kỳ báo cáo", ["dòng 2"]),
    ],
)
def test_a_bad_actual_is_refused_on_its_column(
    cast, system, catalogue, tmp_path, row, column, words
):
    error = refused(system, "actuals", _actual_file(tmp_path, row), column, *words)
    assert error.row == 3


def test_an_actual_for_a_period_when_the_unit_did_not_exist(cast, system, catalogue, tmp_path):
    unit_create(
        actor=system,
        code="W3",
        name="Phường Mới",
        level="ward",
        parent=cast.hcm,
        valid_from=dt.date(2025, 1, 1),
    )
    row = ["DN-MOI", "", "W3", "2024-H1", "1", "ước", "", ""]
    refused(system, "actuals", _actual_file(tmp_path, row), "Kỳ báo cáo", "không tồn tại")


def _target_file(tmp_path, *rows):
    good = ["NS-THU", "A", "", "dự toán", "2024", "5.211", "", ""]
    return csv_file(tmp_path / "kh.csv", [TARGET_HEAD, good, *rows])


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (
            ["NS-THU", "A", "", "dự toán", "2025", "5.211.000", "triệu đồng", ""],
            "Đơn vị tính",
            ["khác đơn vị tính"],
        ),
        (["NS-THU", "A", "", "dự toán", "2025", "5211", "tỷ", ""], "Đơn vị tính", ["tỷ"]),
        (["DN-MOI", "A", "", "kế hoạch", "2024", "44%", "", ""], "Giá trị", ["tỷ lệ đạt"]),
        (["DN-MOI", "A", "", "kế hoạch", "2020-2025", "1", "", ""], "Kỳ, giai đoạn", ["một năm"]),
        (["DN-MOI", "A", "", "nhiệm kỳ", "2024", "1", "", ""], "Kỳ, giai đoạn", ["2020-2025"]),
        (["DN-MOI", "A", "", "nhiệm kỳ", "2025-2020", "1", "", ""], "Kỳ, giai đoạn", ["năm cuối"]),
        (["DN-MOI", "A", "", "nhiệm kỳ", "2024-H1", "1", "", ""], "Kỳ, giai đoạn", ["2020-2025"]),
        (
            ["DN-MOI", "A", "", "chỉ tiêu phấn đấu", "2024", "1", "", ""],
            "Loại chỉ tiêu",
            ["chỉ tiêu phấn đấu"],
        ),
        (["NS-THU", "A", "", "estimate", "2024", "5.300", "", ""], "Kỳ, giai đoạn", ["dòng 2"]),
    ],
)
def test_a_bad_target_is_refused_on_its_column(
    cast, system, catalogue, tmp_path, row, column, words
):
    error = refused(system, "targets", _target_file(tmp_path, row), column, *words)
    assert error.row == 3


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["X1", "Chỉ tiêu", "tỷ", "", "", "", "", ""], "Đơn vị tính", ["tỷ", "tỷ đồng"]),
        (
            ["X1", "Chỉ tiêu", "hộ", "", "", "lấy số cuối kỳ", "", ""],
            "Cộng gộp theo đơn vị",
            ["cuối kỳ"],
        ),
        (["X1", "Chỉ tiêu", "hộ", "vừa phải", "", "", "", ""], "Chiều đánh giá", ["vừa phải"]),
        (["X1", "Chỉ tiêu", "hộ", "", "", "", "X9", ""], "Mã chỉ tiêu đi kèm", ["X9"]),
        (["X1", "Chỉ tiêu", "hộ", "", "", "", "X1", ""], "Mã chỉ tiêu đi kèm", ["chính nó"]),
        (["NS-THU", "Thu ngân sách", "tỷ đồng", "", "", "", "", ""], "Mã chỉ tiêu", ["dòng 2"]),
        # A stored indicator is not redefined by a file: its figures mean what it says.
        (
            ["DN-VON", "Vốn đăng ký của doanh nghiệp mới", "triệu đồng", "", "", "", "", ""],
            "Đơn vị tính",
            ["tỷ đồng"],
        ),
    ],
)
def test_a_bad_indicator_is_refused_on_its_column(
    cast, system, catalogue, tmp_path, row, column, words
):
    good = ["NS-THU", "Tổng thu ngân sách Nhà nước", "tỷ đồng", "", "", "", "", ""]
    path = csv_file(tmp_path / "ct.csv", [IND_HEAD, good, row])
    error = refused(system, "indicators", path, column, *words)
    assert error.row == 3


def test_companions_that_name_each_other_are_refused(cast, system, tmp_path):
    path = csv_file(
        tmp_path / "ct.csv",
        [
            IND_HEAD,
            ["X1", "Một", "hộ", "", "", "", "X2", ""],
            ["X2", "Hai", "hộ", "", "", "", "X1", ""],
        ],
    )
    refused(system, "indicators", path, "Mã chỉ tiêu đi kèm", "vòng lặp")


def test_a_missing_required_column_is_named(cast, system, catalogue, tmp_path):
    path = csv_file(tmp_path / "th.csv", [ACTUAL_HEAD[:5], ["DN-MOI", "A", "", "2024-H1", "1"]])
    refused(system, "actuals", path, "Tình trạng", "Thiếu cột bắt buộc")


# --- the scope --------------------------------------------------------------------------------
def test_a_user_outside_the_scope_is_refused(cast, catalogue, tmp_path):
    row = ["DN-MOI", "A", "", "2024-H1", "1.328", "ước", "", ""]
    path = csv_file(tmp_path / "th.csv", [ACTUAL_HEAD, row])
    # Bob views B only; Carol views W1 (where A is attached) but may not edit.
    for user in (cast.bob, cast.carol):
        refused(actor_for(user), "actuals", path, "Mã tổ chức", "không có quyền")
    # Alice administers A: her own figures are written, B's refused.
    other = csv_file(
        tmp_path / "b.csv", [ACTUAL_HEAD, ["DN-MOI", "B", "", "2024-H1", "1", "ước", "", ""]]
    )
    refused(actor_for(cast.alice), "actuals", other, "Mã tổ chức", "không có quyền")
    _plan, result = do_import("actuals", path, actor_for(cast.alice))
    assert result.written and Actual.objects.get().org == cast.a


def test_only_an_administrator_extends_the_catalogue(cast, tmp_path):
    path = csv_file(tmp_path / "ct.csv", CATALOGUE)
    refused(actor_for(cast.bob), "indicators", path, "Mã chỉ tiêu", "không có quyền")
    _plan, result = do_import("indicators", path, actor_for(cast.alice))
    assert result.written and Indicator.objects.count() == 4


def test_the_export_holds_only_the_figures_in_scope(recorded, cast, system, tmp_path):
    services.actual_set(
        actor=system,
        indicator=Indicator.objects.get(code="DN-MOI"),
        period="2024-H1",
        value=7,
        status="final",
        org=cast.b,
    )
    path = tmp_path / "th.csv"
    assert export_kind("actuals", path, actor_for(cast.alice)) == 5
    assert ",B," not in path.read_text("utf-8-sig")
    assert export_kind("actuals", path, actor_for(cast.bob)) == 1


# --- the CLI and the API ----------------------------------------------------------------------
def test_import_and_export_through_the_cli(cast, system, catalogue, tmp_path, capsys):
    path = csv_file(
        tmp_path / "th.csv", [ACTUAL_HEAD, ["DN-MOI", "A", "", "2024-H1", "1.328", "ước", "", ""]]
    )
    code, out, err = run_cli(capsys, "import", "actuals", str(path), "--dry-run")
    assert code == 0, err
    assert "Tạo mới: 1" in out and not Actual.objects.exists()
    code, out, err = run_cli(capsys, "import", "actuals", str(path))
    assert code == 0, err
    assert Actual.objects.get().value == 1328
    bad = csv_file(
        tmp_path / "bad.csv", [ACTUAL_HEAD, ["DN-MOI", "A", "", "2024-H3", "1", "ước", "", ""]]
    )
    code, out, err = run_cli(capsys, "import", "actuals", str(bad))
    assert code == 1 and "2024-H3" in out and "Kỳ báo cáo" in out
    for kind in KINDS:
        target = tmp_path / f"{kind}.xlsx"
        code, out, err = run_cli(capsys, "export", kind, str(target))
        assert code == 0, err
    assert load_workbook(tmp_path / "actuals.xlsx").active["D2"].value == "2024-H1"
    assert load_workbook(tmp_path / "indicators.xlsx").active["A2"].value == "DN-MOI"


def test_import_through_the_api(client, cast, catalogue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = ",".join(ACTUAL_HEAD[:6]) + '\nTL-BHYT,A,,2024-H1,"44,0",ước\n'
    client.force_login(cast.alice)
    upload = SimpleUploadedFile("th.csv", text.encode("utf-8"))
    body = client.post("/api/v1/imports/actuals", {"file": upload}).json()
    assert body["written"] is True and body["counts"]["create"] == 1, body
    assert Actual.objects.get().value == 44

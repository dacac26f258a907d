"""The seed figures of targets and actuals (F10, F20–F22) from the demo records, through the
command line and through the API of the running product. Only actuals and targets are
stored; every share and growth rate below is computed when read."""

from __future__ import annotations

import pytest

from tests.test_evaluation_demo import api, cli  # noqa: F401 - the signed-in API fixture


def _lines(out: str) -> dict[str, str]:
    """The status output, one entry per indicator code (its sentence and detail lines)."""
    rows: dict[str, str] = {}
    code = ""
    for line in out.splitlines()[1:]:
        if line.strip().startswith("["):
            code = line.strip()[1:].split("]")[0]
        rows[code] = rows.get(code, "") + line.strip() + "\n"
    return rows


def test_f20_to_f22_through_the_cli(demo_env):
    out = cli(demo_env, "targets", "status", "--org", "DB-Q3", "--period", "2024-H1")
    rows = _lines(out)
    # F20: the half-year estimate and its growth over the first half of 2023.
    assert "6 tháng đầu năm 2024 ước đạt 222.551 tỷ đồng, tăng 15,12% so cùng kỳ" in rows["KT-DTBL"]
    # F21: new enterprises against the annual plan, with the registered capital beside them.
    assert "đạt 1.328 doanh nghiệp" in rows["KT-DNMOI"]
    assert "đạt 44% kế hoạch năm" in rows["KT-DNMOI"]
    assert "10.793,7 tỷ đồng" in rows["KT-DNMOI"]
    assert "kế hoạch năm 2024: 3.018 doanh nghiệp" in rows["KT-DNMOI"]
    # F22: the budget collected against the annual estimate.
    assert "ước đạt 2.918 tỷ đồng" in rows["NS-THU"]
    assert "đạt 56% so với dự toán năm" in rows["NS-THU"]
    # The same figures for the district itself (unit Q3).
    by_unit = cli(demo_env, "targets", "status", "--unit", "Q3", "--period", "2024-h1")
    assert _lines(by_unit).keys() == rows.keys()


def test_f10_through_the_cli(demo_env):
    out = cli(demo_env, "targets", "status", "--org", "DB-BT", "--period", "2024")
    row = _lines(out)["XH-HONGHEO"]
    assert "Hộ nghèo theo chuẩn thành phố năm 2024 đạt 0 hộ" in row
    assert (
        "chỉ tiêu Nghị quyết Đại hội 2021-2025: 0 hộ — "
        "hoàn thành chỉ tiêu Nghị quyết Đại hội (0 hộ) — đã đạt"
    ) in row


def test_growth_without_a_base_says_so_on_the_demo(demo_env):
    out = cli(demo_env, "targets", "status", "--org", "DB-Q3", "--period", "2024-H1")
    assert "so cùng kỳ: Chưa có số liệu cùng kỳ năm trước để so sánh." in _lines(out)["NS-THU"]


def test_indicator_catalogue_through_the_cli(demo_env):
    out = cli(demo_env, "targets", "indicators")
    codes = [line.split()[0] for line in out.splitlines()]
    assert codes == ["KT-DNMOI", "KT-DTBL", "KT-VONDN", "NS-THU", "XH-HONGHEO"]
    assert "(+ KT-VONDN)" in out


def _status(api, kind: str, code: str, period: str) -> dict:  # noqa: F811
    subject = next(x for x in _all(api, kind) if x["code"] == code)
    body = api(f"/api/v1/{kind}/{subject['id']}/targets/status?period={period}")
    return {row["code"]: row for row in body["indicators"]}


def _all(api, kind: str) -> list[dict]:  # noqa: F811
    items, page = [], 1
    while True:
        body = api(f"/api/v1/{kind}?page={page}")
        items += body["items"]
        if len(items) >= body["count"]:
            return items
        page += 1


def test_f20_to_f22_through_the_api(api):  # noqa: F811
    rows = _status(api, "orgs", "DB-Q3", "2024-H1")
    revenue = rows["KT-DTBL"]
    assert (revenue["actual"], revenue["status"], revenue["previous"]) == (
        222551,
        "estimate",
        193322,
    )
    assert round(revenue["growth_yoy"], 4) == 0.1512
    assert revenue["growth_text"] == "tăng 15,12% so cùng kỳ"
    firms = rows["KT-DNMOI"]
    assert (firms["actual"], firms["target"], firms["target_kind"]) == (1328, 3018, "plan")
    assert round(firms["share_of_target"], 2) == 0.44
    assert firms["targets"][0]["text"] == "đạt 44% kế hoạch năm"
    assert firms["companion"]["code"] == "KT-VONDN" and firms["companion"]["value"] == 10793.7
    budget = rows["NS-THU"]
    assert (budget["actual"], budget["target"], budget["target_kind"]) == (2918, 5211, "estimate")
    assert round(budget["share_of_target"], 2) == 0.56
    assert budget["targets"][0]["text"] == "đạt 56% so với dự toán năm"
    assert budget["growth_yoy"] is None and budget["growth_reason"] == "no_base"


def test_f10_through_the_api(api):  # noqa: F811
    row = _status(api, "units", "BT", "2024")["XH-HONGHEO"]
    assert (row["actual"], row["target"], row["target_kind"]) == (0, 0, "term")
    term = row["targets"][0]
    assert (term["span"], term["verdict"], term["share_reason"]) == (
        "2021-2025",
        "met",
        "zero_target",
    )


@pytest.mark.parametrize("period", ["2024-H3", "2024-Q5"])
def test_a_period_that_does_not_exist_is_one_line(demo_env, period):
    import subprocess

    from tests.servers import TONGKET

    result = subprocess.run(
        [TONGKET, "targets", "status", "--org", "DB-Q3", "--period", period],
        env=demo_env.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Kỳ báo cáo không hợp lệ" in result.stderr
    assert "Traceback" not in result.stderr

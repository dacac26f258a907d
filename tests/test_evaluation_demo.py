"""The seed figures of the evaluation (F04–F07, F12–F14) from the demo records, through the
command line and through the API of the running product."""

from __future__ import annotations

import http.cookiejar
import json
import subprocess
import urllib.parse
import urllib.request

import pytest

from tests.servers import TONGKET, running


def cli(demo_env, *argv) -> str:
    result = subprocess.run(
        [TONGKET, *argv], env=demo_env.env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_f04_to_f07_through_the_cli(demo_env):
    out = cli(demo_env, "evaluation", "tally", "--org", "DB-BT", "--year", "2024")
    lines = {line.split(":")[0].strip(): line for line in out.splitlines()}
    assert "HTXSNV 16/76; HTTNV 60;" in lines["chi, đảng bộ cơ sở"]  # F04, F06
    assert "HTXSNV 72/462;" in lines["chi bộ trực thuộc đảng bộ cơ sở"]  # F07
    assert "HTXSNV 1.579/" in lines["đảng viên"] and "HTTNV 8.464;" in lines["đảng viên"]
    assert "0 lỗi" in cli(demo_env, "evaluation", "validate", "--org", "DB-BT", "--year", "2024")


def test_f12_to_f14_through_the_cli(demo_env):
    out = cli(demo_env, "awards", "eligible", "--org", "DB-BT", "--year", "2024", "--streak", "5")
    assert out.splitlines()[0].endswith("3 tập thể, 143 đảng viên")  # F12
    counts = cli(demo_env, "awards", "counts", "--org", "DB-BT", "--year", "2024")
    expected = {  # F12, F13, F14
        "Hoàn thành xuất sắc nhiệm vụ 5 năm liền": "3 tập thể, 143 đảng viên",
        "Hoàn thành xuất sắc nhiệm vụ tiêu biểu năm": "2 tập thể",
        "Hoàn thành xuất sắc nhiệm vụ năm": "15 tập thể",
        "Hoàn thành xuất sắc nhiệm vụ trong công tác tổ chức xây dựng Đảng": "15 tập thể",
        "Hoàn thành xuất sắc nhiệm vụ trong thực hiện công tác văn phòng cấp ủy": "16 tập thể",
        "Hoàn thành xuất sắc nhiệm vụ công tác kiểm tra, giám sát": "15 tập thể",
        "Hoàn thành xuất sắc công tác phòng chống tham nhũng, tiêu cực": "15 tập thể",
        "Có thành tích xuất sắc trong công tác tuyên giáo": "15 tập thể",
    }
    rows = {line.split(":")[0]: line.split(":", 1)[1] for line in counts.splitlines()}
    for name, words in expected.items():
        assert rows[name].strip().startswith(words), name
    assert "Ban Thường vụ Quận ủy" in rows["Hoàn thành xuất sắc nhiệm vụ 5 năm liền"]  # §9.15


def test_badges_due_lists_members(demo_env):
    out = cli(demo_env, "badges", "due", "--org", "DB-BT", "--on", "2025-01-10")
    assert "đến hạn huy hiệu vào đợt 03/02/2025" in out.splitlines()[0]


@pytest.fixture(scope="module")
def api(demo_env):
    """A signed-in session on the running demo (the demo login), for GET requests."""
    with running(["serve", "--workers", "1"], demo_env.env, demo_env.var / "api.log") as base:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(base + "/login/").read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        form = urllib.parse.urlencode(
            {"username": "demo", "password": "tongket-demo", "csrfmiddlewaretoken": token}
        ).encode()
        opener.open(
            urllib.request.Request(
                base + "/login/", data=form, headers={"Referer": base + "/login/"}
            )
        ).read()

        def get(path):
            with opener.open(base + path) as response:
                return json.loads(response.read())

        yield get


def test_f04_to_f07_and_f12_to_f14_through_the_api(api):
    org = next(o for o in api("/api/v1/orgs?page=1")["items"] if o["code"] == "DB-BT")
    tally = api(f"/api/v1/orgs/{org['id']}/evaluation/2024/tally")
    assert (tally["grassroots"]["excellent"], tally["grassroots"]["total"]) == (16, 76)
    assert tally["grassroots"]["good"] == 60
    assert (tally["sub_branches"]["excellent"], tally["sub_branches"]["total"]) == (72, 462)
    assert (tally["members"]["excellent"], tally["members"]["good"]) == (1579, 8464)
    streak = api(f"/api/v1/orgs/{org['id']}/evaluation/2024/streaks?years=5")
    assert (len(streak["orgs"]), len(streak["members"])) == (3, 143)
    awards = {a["category"]: a for a in api(f"/api/v1/orgs/{org['id']}/awards/2024")}
    assert awards["exemplary_year"]["orgs"] == 2 and awards["excellent_year"]["orgs"] == 15
    assert [
        awards[c]["orgs"]
        for c in (
            "party_organization",
            "committee_office",
            "inspection",
            "anti_corruption",
            "propaganda",
        )
    ] == [15, 16, 15, 15, 15]
    assert api(f"/api/v1/orgs/{org['id']}/evaluation/2024/validation") == []

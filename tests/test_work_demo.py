"""The seed figures of meetings, tasks and mass mobilization (F01–F03, F11, F15–F19, F23) from
the demo records, through the command line and through the API of the running product."""

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


def test_f01_to_f03_and_f15_the_year_end_review_through_the_cli(demo_env):
    out = cli(
        demo_env, "meetings", "show", "--org", "DB-BT", "--date", "15/01/2025", "--on", "2025-07-15"
    )
    lines = out.splitlines()
    assert lines[0] == (  # F01
        "Hội nghị tổng kết công tác xây dựng Đảng, xây dựng chính quyền, công tác dân vận năm "
        "2024 và triển khai nhiệm vụ năm 2025"
    )
    assert "Ngày: 15/01/2025" in lines and "Kỳ: 2024" in lines
    assert "  Vũ Ngọc Tuất, Bí thư Quận ủy (chủ trì)" in lines  # F02
    assert "  Triệu Lệ Khánh, Phó Bí thư Thường trực Quận ủy" in lines
    assert "  Lê Trần Kiên, Phó Bí thư Quận ủy, Chủ tịch Ủy ban nhân dân quận" in lines
    assert "  Chủ tịch UBND 15 phường" in lines  # F03: the wards on the meeting's day
    tasks = [line.strip() for line in lines if line.strip().startswith("[")]  # F15
    assert len(tasks) == 4
    assert any("Đại hội Đảng bộ quận lần thứ XIII" in t and "30/06/2025" in t for t in tasks)
    assert any("03/02/1930 - 03/02/2025" in t and "[Đã hoàn thành]" in t for t in tasks)
    assert any(
        "30/4/1975 - 30/4/2025" in t and "Ủy ban nhân dân quận Bình Thạnh" in t for t in tasks
    )
    assert any("02/9/1945 - 02/9/2025" in t and "02/09/2025" in t for t in tasks)
    overdue = cli(demo_env, "tasks", "overdue", "--org", "DB-BT", "--on", "15/07/2025")
    assert overdue.splitlines()[0].startswith("1 nhiệm vụ quá hạn ngày 15/07/2025")
    assert "Đại hội Đảng bộ quận lần thứ XIII" in overdue


def test_f11_projects_through_the_cli(demo_env):
    out = cli(demo_env, "outreach", "projects", "--org", "DB-BT")
    heads = {line.split(":")[0]: line for line in out.splitlines() if not line.startswith(" ")}
    canal = heads["Dự án nạo vét, cải tạo, xây dựng hạ tầng rạch Xuyên Tâm"]
    road = heads["Dự án mở rộng, nâng cấp đường Chu Văn An"]
    assert "4 hoạt động" in canal and "Phường 26" in canal and "Phường 27" in canal
    assert "2 hoạt động" in road and "Phường 12" in road


def test_f16_f17_f23_the_plenum_through_the_cli(demo_env):
    out = cli(
        demo_env, "meetings", "show", "--org", "DB-Q3", "--date", "04/07/2024", "--on", "2024-07-05"
    )
    lines = out.splitlines()
    assert lines[0] == (  # F16
        "Hội nghị lần thứ 25 Ban Chấp hành Đảng bộ Quận 3 khóa XII nhiệm kỳ 2020 - 2025"
    )
    assert "Ngày: chiều 04/07/2024" in lines
    assert (  # F17: her posts on that day, as a guest from the city committee
        "  khách mời: Nguyễn Thị Lệ, Phó Bí thư Thành ủy, Chủ tịch Hội đồng nhân dân "
        "Thành phố Hồ Chí Minh" in lines
    )
    tasks = " ".join(line for line in lines if line.strip().startswith("["))  # F23
    for words in ("giải ngân vốn đầu tư công", "Phát triển đảng viên mới", "năm học mới 2024"):
        assert words in tasks
    digest = cli(demo_env, "tasks", "digest", "--org", "DB-Q3", "--on", "2024-09-01")
    assert "Sắp đến hạn trong 7 ngày: 1" in digest and "năm học mới 2024 – 2025" in digest


def test_f18_the_congress_sub_committees_through_the_cli(demo_env):
    out = cli(
        demo_env, "meetings", "prep", "--org", "DB-Q3", "--congress", "13", "--on", "04/07/2024"
    )
    lines = out.splitlines()
    assert (
        lines[0] == "Đại hội đại biểu Đảng bộ Quận 3 lần thứ XIII, nhiệm kỳ 2025 - 2030: 4 tiểu ban"
    )
    assert any(line.startswith("  Tiểu ban Văn kiện (thành lập 10/06/2024)") for line in lines)


def test_f19_coverage_through_the_cli(demo_env):
    out = cli(
        demo_env,
        "outreach",
        "coverage",
        "--org",
        "DB-Q3",
        "--programme",
        "MTMKP",
        "--on",
        "04/07/2024",
        "--body",
        "standing_members",
        "--list",
    )
    lines = out.splitlines()
    assert lines[0].startswith("Mỗi tuần một khu phố: đã đến 20/112 khu phố (17,86%)")
    assert lines.index("Chưa đến:") - lines.index("Đã đến:") - 1 == 20
    assert len(lines) - lines.index("Chưa đến:") - 1 == 92
    # A visit after the plenum is not counted on its day, but is afterwards.
    later = cli(
        demo_env,
        "outreach",
        "coverage",
        "--org",
        "DB-Q3",
        "--programme",
        "MTMKP",
        "--on",
        "31/07/2024",
    )
    assert "đã đến 21/112 khu phố" in later.splitlines()[0]


@pytest.fixture(scope="module")
def api(demo_env):
    """A signed-in session on the running demo (the demo login), for GET requests."""
    with running(["serve", "--workers", "1"], demo_env.env, demo_env.var / "work.log") as base:
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

        def get(path, raw=False):
            with opener.open(base + path) as response:
                body = response.read()
                return body.decode() if raw else json.loads(body)

        yield get


def _org(api, code):
    page, found = 1, None
    while found is None:
        data = api(f"/api/v1/orgs?page={page}")
        found = next((o for o in data["items"] if o["code"] == code), None)
        page += 1
        assert data["items"], code
    return found


def test_f01_to_f03_f11_f15_through_the_api(api):
    bt = _org(api, "DB-BT")
    [meeting] = api(f"/api/v1/orgs/{bt['id']}/meetings?kind=year_end")
    assert meeting["held_on"] == "2025-01-15" and meeting["period"] == "2024"  # F01
    detail = api(f"/api/v1/meetings/{meeting['id']}?on=2025-07-15")
    assert detail["title"].startswith("Hội nghị tổng kết công tác xây dựng Đảng")
    people = {a["name"]: a["titles"] for a in detail["attendees"]}  # F02
    assert people["Lê Trần Kiên"] == ["Phó Bí thư Quận ủy", "Chủ tịch Ủy ban nhân dân quận"]
    assert set(people) == {"Vũ Ngọc Tuất", "Triệu Lệ Khánh", "Lê Trần Kiên"}
    assert [(g["count"], g["text"]) for g in detail["groups"]] == [  # F03
        (15, "Chủ tịch UBND 15 phường")
    ]
    tasks = [t for c in detail["conclusions"] for t in c["tasks"]]  # F15
    assert sorted(t["deadline"] for t in tasks) == [
        "2025-02-03",
        "2025-04-30",
        "2025-06-30",
        "2025-09-02",
    ]
    projects = {p["code"]: p for p in api(f"/api/v1/orgs/{bt['id']}/outreach/projects")}  # F11
    assert len(projects["XUYENTAM"]["activities"]) == 4
    assert len(projects["CHUVANAN"]["activities"]) == 2
    assert {"BT-P12", "BT-P26"} <= {
        u for a in projects["CHUVANAN"]["activities"] for u in a["units"]
    }
    assert any(
        "Lê Trần Kiên" in leader
        for a in projects["XUYENTAM"]["activities"]
        for leader in a["leaders"]
    )


def test_f16_to_f19_f23_through_the_api(api):
    q3 = _org(api, "DB-Q3")
    [plenum] = api(f"/api/v1/orgs/{q3['id']}/meetings?kind=plenum")
    detail = api(f"/api/v1/meetings/{plenum['id']}?on=2024-07-05")
    assert detail["title"] == (  # F16
        "Hội nghị lần thứ 25 Ban Chấp hành Đảng bộ Quận 3 khóa XII nhiệm kỳ 2020 - 2025"
    )
    assert detail["number"] == 25 and detail["term"] == "khóa XII, nhiệm kỳ 2020 – 2025"
    [guest] = [a for a in detail["attendees"] if a["guest"]]  # F17
    assert guest["name"] == "Nguyễn Thị Lệ"
    assert guest["titles"] == [
        "Phó Bí thư Thành ủy",
        "Chủ tịch Hội đồng nhân dân Thành phố Hồ Chí Minh",
    ]
    assert len([t for c in detail["conclusions"] for t in c["tasks"]]) == 4  # F23
    prep = api(f"/api/v1/orgs/{q3['id']}/congress-prep?congress=13")  # F18
    assert len(prep) == 4
    assert {p["congress"] for p in prep} == {
        "Đại hội đại biểu Đảng bộ Quận 3 lần thứ XIII, nhiệm kỳ 2025 - 2030"
    }
    assert all(p["people"] for p in prep)
    cov = api(  # F19
        f"/api/v1/orgs/{q3['id']}/outreach/coverage?programme=MTMKP&on=04/07/2024"
        "&body=standing_members"
    )
    assert (cov["visited_count"], cov["total"], cov["text"]) == (20, 112, "20/112 khu phố")
    assert len(cov["visited"]) == 20 and len(cov["not_visited"]) == 92
    assert sum(w["visits"] for w in cov["weeks"]) == cov["visits"] == 21
    overdue = api(f"/api/v1/orgs/{q3['id']}/tasks?state=overdue&on=2024-10-01")
    assert [t["deadline"] for t in overdue] == ["2024-09-05", "2024-09-30"]


def test_the_pages_show_the_coverage_and_the_meeting(api):
    import re

    first = api("/work/outreach/", raw=True)
    pk = re.search(r'<option value="(\d+)"[^>]*>Mỗi tuần một khu phố<', first).group(1)
    page = api(f"/work/outreach/?programme={pk}&as_of=2024-07-04&body=standing_members", raw=True)
    assert "đã đến 20/112 khu phố" in page and "Chưa đến (92)" in page and "<svg" in page
    q3 = _org(api, "DB-Q3")
    [plenum] = api(f"/api/v1/orgs/{q3['id']}/meetings?kind=plenum")
    page = api(f"/work/meetings/{plenum['id']}/?as_of=2024-10-01", raw=True)
    assert "Nguyễn Thị Lệ" in page and 'class="overdue"' in page

"""The review figures of the demo through `tongket report`: the seed's F04–F09 and F12–F14 come
out of one JSON, computed from the demo records (SEED_FACTS.md)."""

from __future__ import annotations

import json

from tests.test_evaluation_demo import cli


def test_the_bt2024_figures_in_one_json(demo_env):
    data = json.loads(cli(demo_env, "report", "--org", "DB-BT", "--period", "2024"))
    assert (data["org_name"], data["as_of"]) == ("Đảng bộ quận Bình Thạnh", "2024-12-31")
    e = data["evaluation"]
    assert (e["grassroots"]["excellent"], e["grassroots"]["total"]) == (16, 76)  # F04
    assert e["members"]["excellent"] == 1579  # F05
    assert (e["grassroots"]["good"], e["members"]["good"]) == (60, 8464)  # F06
    assert (e["sub_branches"]["excellent"], e["sub_branches"]["total"]) == (72, 462)  # F07
    assert (e["streaks"]["orgs"], e["streaks"]["members"]) == (3, 143)  # F12
    units = data["units"]
    # F08: 89 khu phố and 1.508 tổ dân phố before Nghị quyết 11/NQ-HĐND, 271 khu phố after.
    kp = next(c for c in units["changes"] if "11/NQ-HĐND" in c["basis"][0])
    assert (kp["before"]["neighbourhood"], kp["before"]["resident_group"]) == (89, 1508)
    assert kp["after"]["neighbourhood"] == units["neighbourhood"] == 271
    # F09: 20 wards at the end of 2024, 15 after the merger decided in 2024.
    wards = next(c for c in units["changes"] if c["before"]["ward"] != c["after"]["ward"])
    assert (units["ward"], wards["before"]["ward"], wards["after"]["ward"]) == (20, 20, 15)
    awards = {a["category"]: (a["orgs"], a["members"]) for a in data["awards"]}
    assert awards["excellent_5_years"] == (3, 143)  # F12
    assert (awards["exemplary_year"], awards["excellent_year"]) == ((2, 0), (15, 0))  # F13
    assert [awards[c][0] for c in ("party_organization", "committee_office", "inspection")] == [
        15,
        16,
        15,
    ]  # F14
    assert data["missing"] == []


def test_the_q3_mid_year_figures_in_one_json(demo_env):
    data = json.loads(cli(demo_env, "report", "--org", "DB-Q3", "--period", "2024-H1"))
    assert (data["as_of"], data["units"]["neighbourhood"]) == ("2024-06-30", 112)
    found = {i["code"]: i for i in data["indicators"]}
    sales = next(i for i in found.values() if i["actual"] == 222551)  # F20
    assert (sales["status"], round(sales["growth_yoy"], 4)) == ("estimate", 0.1512)
    firms = next(i for i in found.values() if i["actual"] == 1328)  # F21
    assert round(firms["share_of_target"], 2) == 0.44
    budget = next(i for i in found.values() if i["actual"] == 2918)  # F22
    assert round(budget["share_of_target"], 2) == 0.56
    # F19: the standing members visited 20 of the 112 neighbourhoods.
    assert any((o["covered"], o["of"]) == (20, 112) and o["body"] for o in data["outreach"])

"""Acceptance: the two seed documents, checked against the demo records, have every figure of
F04–F22 (SEED_FACTS.md) matched to the fact that produces it and none "differs"; a figure
changed in the text is reported as differing, with both values."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.servers import TONGKET

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"  # copies of ../shared/seeds
BT = SEEDS / "000_db9c8921caf3c44d.txt"
Q3 = SEEDS / "003_f6f081a0cd7d6765.txt"

# (figure as written, the words right after it, the fact keys it must be matched to; for a
# figure two facts produce alike (F12: the streak and the award), either is right; and, where
# the same figure and words occur twice, the words right before it).
EXPECTED_BT = [
    (
        "16/76",
        " chi, đảng bộ",
        {("evaluation.grassroots.excellent", "evaluation.grassroots.total")},
    ),
    ("1.579", " đảng viên", {("evaluation.members.excellent",)}),
    ("60", " chi, đảng bộ", {("evaluation.grassroots.good",)}),
    ("8.464", " đảng viên", {("evaluation.members.good",)}),
    (
        "72/462",
        " chi bộ trực thuộc",
        {("evaluation.sub_branches.excellent", "evaluation.sub_branches.total")},
    ),
    ("89", " khu phố", {("units.changes.1.before.neighbourhood",)}),
    ("1.508", " Tổ dân phố", {("units.changes.1.before.resident_group",)}),
    ("271", " khu phố", {("units.changes.1.after.neighbourhood",)}),
    ("12", " phường thuộc diện", {("units.changes.2.affected",)}),
    ("20", " phường, sau", {("units.changes.2.before.ward",)}),
    ("15", " phường.", {("units.changes.2.after.ward",)}, "sau sắp xếp quận có "),
    ("15", " phường.", {("units.changes.2.after.ward",)}, "Chủ tịch UBND "),  # F03: same fact
    ("3", " tập thể, 143", {("awards.excellent_5_years.orgs",), ("evaluation.streaks.orgs",)}),
    (
        "143",
        " đảng viên hoàn thành",
        {("awards.excellent_5_years.members",), ("evaluation.streaks.members",)},
    ),
    ("5", " năm liền (2020", {("evaluation.streaks.years",)}),
    ("2", " tập thể hoàn thành xuất sắc nhiệm vụ tiêu biểu", {("awards.exemplary_year.orgs",)}),
    ("15", " tập thể hoàn thành xuất sắc nhiệm vụ năm", {("awards.excellent_year.orgs",)}),
    (
        "15",
        " tập thể hoàn thành xuất sắc nhiệm vụ trong công tác tổ chức",
        {("awards.party_organization.orgs",)},
    ),
    ("16", " tập thể hoàn thành xuất sắc nhiệm vụ trong thực", {("awards.committee_office.orgs",)}),
    ("15", " tập thể hoàn thành xuất sắc nhiệm vụ công tác kiểm", {("awards.inspection.orgs",)}),
    ("15", " tập thể hoàn thành xuất sắc công tác phòng", {("awards.anti_corruption.orgs",)}),
    ("15", " tập thể có thành tích", {("awards.propaganda.orgs",)}),
]
EXPECTED_Q3 = [
    ("25", " Ban Chấp hành", {("meeting.number",)}),
    (
        "20/112",
        " khu phố",
        {("outreach.MTMKP.standing_members.covered", "outreach.MTMKP.standing_members.of")},
    ),
    ("222.551", " tỷ đồng", {("indicators.KT-DTBL.actual",)}),
    ("15,12%", " so cùng kỳ", {("indicators.KT-DTBL.growth_yoy",)}),
    ("1.328", " doanh nghiệp", {("indicators.KT-DNMOI.actual",)}),
    ("44%", " kế hoạch năm", {("indicators.KT-DNMOI.share_of_target",)}),
    ("10.793,7", " tỷ đồng", {("indicators.KT-VONDN.actual",)}),
    ("2.918", " tỷ đồng", {("indicators.NS-THU.actual",)}),
    ("56%", " so với dự toán", {("indicators.NS-THU.share_of_target",)}),
]


def factcheck(demo_env, path: Path, org: str, period: str, *extra) -> tuple[int, str]:
    result = subprocess.run(
        [TONGKET, "factcheck", str(path), "--org", org, "--period", period, *extra],
        env=demo_env.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, result.stdout


def findings(demo_env, path: Path, org: str, period: str) -> tuple[int, dict]:
    code, out = factcheck(demo_env, path, org, period, "--format", "json")
    return code, json.loads(out)


@pytest.mark.parametrize(
    ("path", "org", "period", "expected"),
    [(BT, "DB-BT", "2024", EXPECTED_BT), (Q3, "DB-Q3", "2024-H1", EXPECTED_Q3)],
    ids=["binh-thanh-2024", "quan-3-2024-h1"],
)
def test_every_seed_figure_is_matched_to_its_fact(demo_env, path, org, period, expected):
    code, report = findings(demo_env, path, org, period)
    assert code == 0 and report["summary"]["differs"] == 0
    for text, words, keys, *before in expected:
        found = [
            f
            for f in report["findings"]
            if f["text"] == text
            and f["after"].startswith(words)
            and f["before"].endswith(before[0] if before else "")
        ]
        assert len(found) == 1, (text, words, found)
        (f,) = found
        assert f["status"] == "matched", (text, words, f)
        assert tuple(f["keys"]) in keys, (text, words, f["keys"])
    # Apart from the seed figures, only the anniversaries ("95 năm Ngày thành lập Đảng") are
    # left: they count years, which the records do not hold.
    left = [(f["text"], f["noun"]) for f in report["findings"] if f["status"] != "matched"]
    assert all(noun == "năm" for _text, noun in left), left
    # dates, years, document numbers, "Quận 3", "lần thứ XIII" are not figures
    assert report["summary"]["not_figures"] > 30


def test_a_changed_figure_is_reported_as_differing_with_both_values(demo_env, tmp_path):
    changed = tmp_path / "sai.txt"
    text = BT.read_text(encoding="utf-8")
    assert text.count("1.579") == 1
    changed.write_text(text.replace("1.579", "1.597"), encoding="utf-8")
    code, report = findings(demo_env, changed, "DB-BT", "2024")
    assert code == 1
    (differs,) = [f for f in report["findings"] if f["status"] == "differs"]
    assert (differs["text"], differs["expected"]) == ("1.597", "1.579")
    assert differs["keys"] == ["evaluation.members.excellent"]
    code, out = factcheck(demo_env, changed, "DB-BT", "2024")
    lines = out.splitlines()
    assert code == 1 and lines[1].startswith("Khớp 23 · Sai khác 1 · Không xác định 3")
    assert "[Sai khác] 1.597 → sổ sách: 1.579 (evaluation.members.excellent" in out


def test_a_word_file_of_a_seed_is_checked_like_its_text(demo_env, tmp_path):
    import docx

    document = docx.Document()
    for line in Q3.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "so-ket.docx"
    document.save(path)
    code, report = findings(demo_env, path, "DB-Q3", "2024-H1")
    assert code == 0 and report["file"] == "so-ket.docx"
    assert report["summary"]["matched"] == len(EXPECTED_Q3) and report["summary"]["differs"] == 0

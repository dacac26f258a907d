"""Report generation (issue 6): one district report in every format, the JSON alone, and a
batch of 168 ward reports, each against a baseline measured in the same run.

    .venv/bin/python -m bench.bench_reports              # both parts
    TONGKET_BENCH_PART=district .venv/bin/python -m bench.bench_reports

Each part runs in a child process with its own scratch SQLite database:
- district: the demo's records (`tongket demo`: Đảng bộ quận Bình Thạnh, 76 grassroots
  organizations, 462 sub-branches, 10,058 members, 5 years of results). Timed, medians:
  the JSON of DB-BT 2024 (review_figures + to_json; target ≤ 300 ms) against the naive
  per-organization ORM tally of bench_evaluation for the same figures; the whole report in
  json, html, docx, xlsx and pdf (target ≤ 3 s) against LibreOffice converting a
  one-paragraph DOCX (the floor every DOCX → PDF pays).
- batch: tongket.synth's city (168 ward committees, 5 years of results); the 2024 reports of
  the 168 ward committees in all five formats through reports.batch.generate (one
  LibreOffice run per 20 reports; target ≤ 5 min on two cores) against the same for 10 wards
  with one LibreOffice run per report, scaled to 168.

TONGKET_BENCH_SCALE (default 1) shrinks the city for a quick trial.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_members_on import Timing, _django, _time, table
from bench.summary import Ratio

SEED = 20261121
SCALE = float(os.environ.get("TONGKET_BENCH_SCALE", "1"))
FORMATS = ["json", "html", "docx", "xlsx", "pdf"]
TARGETS = {"json": 300.0, "all": 3000.0, "batch": 300_000.0}
RATIOS: list[tuple] = []  # (case, ms, baseline name, baseline ms, target ms), sent to the parent


def _ratio(baseline: Timing, timing: Timing) -> str:
    return f"{baseline.median / timing.median:.1f}×"


def _verdict(timing: Timing, target: float) -> str:
    return "met" if timing.median <= target else f"missed by {timing.median / target:.2f}×"


def _floor_pdf(folder: Path) -> None:
    """LibreOffice converting a one-paragraph DOCX: what any PDF of a DOCX costs here."""
    from docx import Document

    from tongket.reports.pdf import docx_to_pdf

    path = folder / "floor.docx"
    doc = Document()
    doc.add_paragraph("Báo cáo")
    doc.save(path)
    docx_to_pdf(path.read_bytes())


def district() -> list[tuple[str, ...]]:
    from bench.bench_evaluation import naive_tally
    from tongket.core.actor import Actor
    from tongket.demo.build import build_demo
    from tongket.party.models import PartyOrg
    from tongket.reports.assemble import report_document
    from tongket.reports.figures import review_figures
    from tongket.reports.render import render

    started = time.perf_counter()
    build_demo()
    print(f"demo records built in {time.perf_counter() - started:.0f} s", flush=True)
    actor, org = Actor.cli("bench"), PartyOrg.objects.get(code="DB-BT")
    review_figures(actor, org, "2024")  # warm: the tree snapshots the selectors cache

    json_t, data = _time(lambda: review_figures(actor, org, "2024").to_json(), 7)
    naive_t, tallies = _time(lambda: naive_tally(org.pk, 2024), 3)
    assert tallies.members.excellent == data["evaluation"]["members"]["excellent"]

    def every_format():
        document = report_document(actor, org, "2024")
        return {fmt: len(render(document, fmt)) for fmt in FORMATS}

    every_format()  # warm: the LibreOffice profile, fonts, matplotlib
    all_t, sizes = _time(every_format, 3)
    with tempfile.TemporaryDirectory() as tmp:
        floor_t, _ = _time(lambda: _floor_pdf(Path(tmp)), 3)
    print(f"sizes of the files: {sizes}", flush=True)
    RATIOS.extend(
        [
            ("JSON of DB-BT 2024", json_t.median, "naive tally", naive_t.median, TARGETS["json"]),
            (
                "all five formats of DB-BT 2024",
                all_t.median,
                "one-paragraph PDF",
                floor_t.median,
                TARGETS["all"],
            ),
        ]
    )
    return [
        (
            "JSON of DB-BT 2024",
            str(json_t),
            f"naive tally {naive_t}",
            _ratio(naive_t, json_t),
            _verdict(json_t, TARGETS["json"]),
        ),
        (
            "all five formats of DB-BT 2024",
            str(all_t),
            f"one-paragraph PDF {floor_t}",
            f"{all_t.median / floor_t.median:.1f}× the floor",
            _verdict(all_t, TARGETS["all"]),
        ),
    ]


def batch() -> list[tuple[str, ...]]:
    from tongket.core.actor import Actor
    from tongket.party.models import PartyOrg
    from tongket.reports.batch import generate as batch_generate
    from tongket.synth import SCALES, generate

    started = time.perf_counter()
    data = generate(SCALES["city"].times(SCALE), SEED, prefix="BENCH")
    print(f"synthetic city built in {time.perf_counter() - started:.0f} s", flush=True)
    wards = list(PartyOrg.objects.filter(pk__in=data.city.wards).order_by("code"))
    actor, written = Actor.cli("bench"), []

    def sink(name: str, blob: bytes) -> None:
        written.append(len(blob))

    def run(orgs, chunk):
        errors = batch_generate(actor, orgs, "2024", FORMATS, sink, chunk=chunk)
        assert not errors, errors[:3]

    batch_t, _ = _time(lambda: run(wards, 20), 1)
    files = len(written)
    baseline_t, _ = _time(lambda: run(wards[:10], 1), 1)
    scaled = Timing([baseline_t.median * len(wards) / 10])
    print(f"{files} files for {len(wards)} ward committees", flush=True)
    RATIOS.append(
        (
            f"batch of {len(wards)} ward reports, 5 formats",
            batch_t.median,
            "one LibreOffice run per report, scaled",
            scaled.median,
            TARGETS["batch"],
        )
    )
    return [
        (
            f"batch of {len(wards)} ward reports, 5 formats",
            str(batch_t),
            f"one LibreOffice run per report, 10 wards × {len(wards) / 10:.1f}: {scaled}",
            _ratio(scaled, batch_t),
            _verdict(batch_t, TARGETS["batch"]),
        ),
    ]


def child(part: str) -> None:
    with tempfile.TemporaryDirectory(prefix="tongket-bench-") as tmp:
        _django(Path(tmp), None)
        rows = district() if part == "district" else batch()
    print("ROWS" + repr(rows) + "RATIOS" + repr(RATIOS), flush=True)


def main() -> list[Ratio]:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return []
    parts = (
        [os.environ.get("TONGKET_BENCH_PART")]
        if os.environ.get("TONGKET_BENCH_PART")
        else [
            "district",
            "batch",
        ]
    )
    rows, ratios = [], []
    for part in parts:
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_reports", "--child", part],
            capture_output=True,
            text=True,
            check=False,
        )
        sys.stdout.write(done.stdout.split("ROWS")[0])
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-3000:])
            raise SystemExit(done.returncode)
        found, measured = done.stdout.split("ROWS")[1].split("RATIOS")
        rows += ast.literal_eval(found.strip())
        ratios += [
            Ratio("reports", case, ms, name, base, target=target)
            for case, ms, name, base, target in ast.literal_eval(measured.strip())
        ]
    load = os.getloadavg()[0]
    print(f"\n### Reports, SQLite ({time.strftime('%Y-%m-%d')}, load {load:.1f})\n")
    print(table(("case", "median (min)", "baseline", "ratio", "target"), rows))
    return ratios


if __name__ == "__main__":
    main()

"""Batch generation: the reports of a root and every committee under it, in the chosen formats,
into a zip (web, in a background thread with a polled progress bar) or a folder (CLI with a
progress bar); one organization's failure is listed and the others go on; bad input refused."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.utils import timezone

from tests.conftest import B_MARKER, actor_for
from tests.test_imports import run_cli
from tongket.domain.errors import DomainError
from tongket.reports import batch
from tongket.reports.batch import batch_orgs, batch_start, load, run_batch

pytestmark = pytest.mark.django_db(transaction=True)  # the web batch runs in another thread
FUTURE = str(timezone.localdate().year + 1)


def wait(job_id: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = load(job_id)
        if not job.running:
            return job
        time.sleep(0.2)
    raise AssertionError("the batch did not finish")


def _names(content: bytes) -> set[str]:
    return set(zipfile.ZipFile(io.BytesIO(content)).namelist())


def _fail_for(monkeypatch, code: str) -> None:
    """Makes the report of one organization fail as a rule would."""
    from tongket.reports import assemble

    real = assemble.report_document

    def report_document(actor, org, period, *args, **kwargs):
        if org.code == code:
            raise DomainError("test.broken", f"Hồ sơ của {org.code} bị lỗi.")
        return real(actor, org, period, *args, **kwargs)

    monkeypatch.setattr(assemble, "report_document", report_document)


def test_the_committees_are_the_root_and_the_party_and_grassroots_committees(cast, system):
    from tongket.domain.periods import parse_period

    period = parse_period("2024")
    found = batch_orgs(system, cast.city, period, period.end)
    # B1 (a grassroots branch) and A1a (a sub-branch) have no committee of their own.
    assert [o.code for o in found] == ["CITY", "A", "A1", "B"]
    assert [o.code for o in batch_orgs(actor_for(cast.alice), cast.a, period, period.end)] == [
        "A",
        "A1",
    ]


def test_a_web_batch_runs_in_the_background_and_gives_a_zip(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        "/bao-cao/hang-loat/", {"root": "A", "period": "2024", "formats": ["json", "xlsx"]}
    )
    assert response.status_code == 302
    job_id = response["Location"].rstrip("/").split("/")[-1]
    job = wait(job_id)
    assert (job.status, job.done, job.total, job.files, job.errors) == ("done", 2, 2, 4, [])
    page = client.get(f"/bao-cao/hang-loat/{job_id}/").content.decode()
    assert "Đã xong" in page and "Đã tạo 4 tệp." in page and "tai-ve.zip" in page
    assert 'hx-trigger="every 1s"' not in page  # no more polling once done
    download = client.get(f"/bao-cao/hang-loat/{job_id}/tai-ve.zip")
    assert download["Content-Disposition"].endswith('filename="bao-cao-A-2024.zip"')
    content = b"".join(download.streaming_content)
    assert _names(content) == {
        "bao-cao-A-2024.json",
        "bao-cao-A-2024.xlsx",
        "bao-cao-A1-2024.json",
        "bao-cao-A1-2024.xlsx",
    }
    listing = client.get("/bao-cao/hang-loat/").content.decode()
    assert f"/bao-cao/hang-loat/{job_id}/" in listing


def test_the_progress_goes_queued_running_done_and_the_page_polls_meanwhile(
    client, cast, monkeypatch
):
    job = batch_start(
        actor=actor_for(cast.alice), root=cast.a, period_text="2024", formats=["json"], run=False
    )
    client.force_login(cast.alice)
    partial = client.get(f"/bao-cao/hang-loat/{job.id}/", HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text and 'hx-trigger="every 1s"' in text and "Đang chờ" in text
    assert 'max="2" value="0"' in text
    states = []
    real_save = batch.save

    def save(j):
        states.append((j.status, j.done, j.total))
        real_save(j)

    monkeypatch.setattr(batch, "save", save)
    run_batch(job.id)
    assert states[0] == ("running", 0, 2)
    assert ("running", 1, 2) in states and states[-1] == ("done", 2, 2)
    dones = [d for _s, d, _t in states]
    assert dones == sorted(dones)  # never backwards


def test_one_failing_org_is_listed_and_the_others_are_written(client, cast, monkeypatch):
    _fail_for(monkeypatch, "A1")
    job = batch_start(
        actor=actor_for(cast.alice), root=cast.a, period_text="2024", formats=["xlsx"], run=False
    )
    run_batch(job.id)
    job = load(job.id)
    assert job.status == "done" and job.files == 1
    failed = {"org": "A1", "name": "Đảng bộ cơ sở An Một", "message": "Hồ sơ của A1 bị lỗi."}
    assert job.errors == [failed]
    client.force_login(cast.alice)
    page = client.get(f"/bao-cao/hang-loat/{job.id}/").content.decode()
    assert "1 tổ chức không tạo được báo cáo" in page and "Hồ sơ của A1 bị lỗi." in page
    names = _names(job.zip_path.read_bytes())
    assert names == {"bao-cao-A-2024.xlsx", "loi.txt"}


def test_a_batch_where_everything_fails_says_so(cast, monkeypatch):
    job = batch_start(
        actor=actor_for(cast.alice), root=cast.a1, period_text="2024", formats=["json"], run=False
    )
    _fail_for(monkeypatch, "A1")
    run_batch(job.id)
    job = load(job.id)
    assert job.status == "failed" and "Không tạo được báo cáo nào" in job.message


def test_pdfs_are_converted_in_one_run_per_chunk(cast, system, monkeypatch):
    from tongket.reports import pdf

    runs = []
    real = pdf.convert_many

    def convert_many(paths, outdir, *args, **kwargs):
        runs.append(len(paths))
        return real(paths, outdir, *args, **kwargs)

    monkeypatch.setattr(pdf, "convert_many", convert_many)
    written = {}
    orgs = batch_orgs(system, cast.city, *_period("2024"))
    errors = batch.generate(system, orgs, "2024", ["pdf"], written.__setitem__, chunk=3)
    assert errors == [] and runs == [3, 1]
    assert sorted(written) == [f"bao-cao-{c}-2024.pdf" for c in ("A", "A1", "B", "CITY")]
    assert all(data[:5] == b"%PDF-" for data in written.values())


def _period(text):
    from tongket.domain.periods import parse_period

    period = parse_period(text)
    return period, period.end


@pytest.mark.parametrize(
    "data, words",
    [
        ({"root": "A", "period": FUTURE, "formats": ["json"]}, "chưa bắt đầu"),
        ({"root": "A", "period": "2024-H7", "formats": ["json"]}, "Kỳ báo cáo không hợp lệ"),
        ({"root": "A", "period": "2024"}, "Hãy chọn ít nhất một định dạng"),
        ({"root": "A", "period": "2024", "formats": ["doc"]}, "Không có định dạng báo cáo"),
        ({"root": "B", "period": "2024", "formats": ["json"]}, "Không tìm thấy tổ chức mã B"),
    ],
)
def test_bad_batch_requests_are_refused_and_start_nothing(client, cast, data, words):
    client.force_login(cast.alice)
    before = set(batch.batches_dir().iterdir())
    response = client.post("/bao-cao/hang-loat/", data)
    text = response.content.decode()
    assert response.status_code == 400 and words in text and B_MARKER not in text
    assert set(batch.batches_dir().iterdir()) == before


def test_another_users_batch_is_not_found(client, cast):
    job = batch_start(
        actor=actor_for(cast.alice), root=cast.a, period_text="2024", formats=["json"], run=False
    )
    client.force_login(cast.bob)
    for url in (f"/bao-cao/hang-loat/{job.id}/", f"/bao-cao/hang-loat/{job.id}/tai-ve.zip"):
        assert client.get(url).status_code == 404
    assert "Đảng bộ An" not in client.get("/bao-cao/hang-loat/").content.decode()
    client.force_login(cast.alice)  # not finished: no zip yet
    assert client.get(f"/bao-cao/hang-loat/{job.id}/tai-ve.zip").status_code == 404
    assert client.get("/bao-cao/hang-loat/not-a-job-id/").status_code == 404


def test_a_batch_left_without_progress_is_reported_as_interrupted(client, cast):
    import os

    job = batch_start(
        actor=actor_for(cast.alice), root=cast.a, period_text="2024", formats=["json"], run=False
    )
    old = time.time() - batch.STALE - 60
    os.utime(job.folder / "job.json", (old, old))
    client.force_login(cast.alice)
    page = client.get(f"/bao-cao/hang-loat/{job.id}/").content.decode()
    assert "bị gián đoạn" in page and 'hx-trigger="every 1s"' not in page
    assert load(job.id).status == "failed"


# --- CLI -----------------------------------------------------------------------------------
def test_the_cli_batch_writes_a_folder(cast, tmp_path, capsys):
    folder = tmp_path / "out"
    argv = ["--root", "A", "--period", "2024", "--format", "json,html", "-o", str(folder)]
    code, out, err = run_cli(capsys, "report-batch", *argv)
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == [
        "bao-cao-A-2024.html",
        "bao-cao-A-2024.json",
        "bao-cao-A1-2024.html",
        "bao-cao-A1-2024.json",
    ]
    assert "Đã ghi 4 tệp của 2 tổ chức" in out


def test_the_cli_batch_lists_failures_and_exits_1(cast, tmp_path, capsys, monkeypatch):
    _fail_for(monkeypatch, "A1")
    argv = ["--root", "A", "--period", "2024", "--format", "json", "-o", str(tmp_path)]
    code, out, err = run_cli(capsys, "report-batch", *argv)
    assert code == 1 and "A1 (Đảng bộ cơ sở An Một): Hồ sơ của A1 bị lỗi." in err
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao-A-2024.json"]


@pytest.mark.parametrize(
    "argv, status, words",
    [
        (["--format", "json,doc"], 1, "Không có định dạng báo cáo “doc”"),
        (["--period", FUTURE], 1, "chưa bắt đầu"),
        (["--root", "NOPE"], 1, "Không tìm thấy tổ chức mã NOPE"),
        (["--root", None], 2, "Thiếu tham số bắt buộc"),
    ],
)
def test_the_cli_batch_says_what_is_wrong(cast, tmp_path, capsys, argv, status, words):
    options = {"--root": "A", "--period": "2024", "--format": "json"}
    options.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    args = [x for k, v in options.items() if v is not None for x in (k, v)]
    folder = tmp_path / "out"
    code, _out, err = run_cli(capsys, "report-batch", *args, "-o", str(folder))
    assert code == status and words in err and "Traceback" not in err
    assert not folder.exists()

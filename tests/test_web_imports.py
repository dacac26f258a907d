"""Imports from the web: upload, background check, preview, confirm, apply; errors shown and
downloadable; nothing written until confirmed, and nothing at all when a row is wrong."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongket.imports.models import ImportJob
from tongket.registry.models import AdminUnit

pytestmark = pytest.mark.django_db(transaction=True)  # the work runs in another thread

GOOD = (
    "Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên,Hiệu lực từ\n"
    "W1-KP1,Khu phố 1,khu phố,W1,01/01/2020\n"
    "W1-KP2,Khu phố 2,khu phố,W1,01/01/2020\n"
)
BAD = GOOD + "W1-KP3,Khu phố 3,khu phố,NOPE,01/01/2020\n"


def wait(job_id: int, seconds: float = 30) -> ImportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if not job.running:
            return job
        time.sleep(0.1)
    raise AssertionError("the import did not finish")


def upload(client, text: str, name: str = "units.csv", kind: str = "units"):
    file = SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")
    return client.post("/imports/", {"kind": kind, "file": file})


def test_upload_preview_confirm_apply(client, cast):
    client.force_login(cast.alice)
    response = upload(client, GOOD)
    job = ImportJob.objects.get(user=cast.alice)
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    job = wait(job.pk)
    assert job.status == "planned" and job.counts["create"] == 2 and job.error_count == 0
    assert not AdminUnit.objects.filter(code="W1-KP1").exists()  # nothing before confirming
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Xác nhận nhập" in page and "tạo mới" in page
    client.post(f"/imports/{job.pk}/apply/")
    job = wait(job.pk)
    assert job.status == "done"
    assert set(AdminUnit.objects.filter(parent=cast.w1).values_list("code", flat=True)) == {
        "W1-KP1",
        "W1-KP2",
    }


def test_errors_are_listed_downloadable_and_block_applying(client, cast):
    client.force_login(cast.alice)
    upload(client, BAD)
    job = wait(ImportJob.objects.get(user=cast.alice).pk)
    assert job.status == "planned" and job.error_count == 1
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "NOPE" in page and "Xác nhận nhập" not in page
    download = client.get(f"/imports/{job.pk}/errors.xlsx")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    client.post(f"/imports/{job.pk}/apply/")
    assert ImportJob.objects.get(pk=job.pk).status == "planned"
    assert not AdminUnit.objects.filter(code__startswith="W1-KP").exists()


@pytest.mark.parametrize(
    "name, kind, words",
    [("notes.txt", "units", ".xlsx"), ("units.csv", "planets", "planets")],
)
def test_bad_uploads_are_refused_with_a_message(client, cast, name, kind, words):
    client.force_login(cast.alice)
    response = upload(client, GOOD, name=name, kind=kind)
    assert response.status_code == 400 and words in response.content.decode()
    assert not ImportJob.objects.exists()


def test_unreadable_file_fails_with_a_message(client, cast):
    client.force_login(cast.alice)
    file = SimpleUploadedFile("units.xlsx", b"this is not a workbook")
    client.post("/imports/", {"kind": "units", "file": file})
    job = wait(ImportJob.objects.get(user=cast.alice).pk)
    assert job.status == "failed" and job.message


def test_out_of_scope_rows_are_errors_and_nothing_is_written(client, cast):
    client.force_login(cast.alice)
    upload(client, GOOD.replace(",W1,", ",W2,"))  # W2 belongs to B's area
    job = wait(ImportJob.objects.get(user=cast.alice).pk)
    client.post(f"/imports/{job.pk}/apply/")  # the plan reads; the writes check the scope
    job = wait(job.pk)
    assert job.status == "failed" and job.error_count == 2
    assert "quyền" in job.errors[0]["message"]
    assert not AdminUnit.objects.filter(parent=cast.w2).exists()

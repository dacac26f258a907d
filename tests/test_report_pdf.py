"""The report as PDF through LibreOffice: page 1 laid out as the Party format wants it (checked on
the PDF's word boxes and on a PNG of the page), Vietnamese text intact with embedded fonts, and
conversions in parallel, in batches, on time or with a clear error."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import pytest
from PIL import Image

from tests.report_sample import sample_document
from tongket.domain.errors import DomainError
from tongket.reports import pdf
from tongket.reports.docx import render_docx

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
# Times New Roman's metric twin, with every Vietnamese glyph: the only font of the default
# template. Anything else (DejaVu, a symbol font) would be a fallback for missing glyphs.
BODY_FONT = "LiberationSerif"


@pytest.fixture(scope="module")
def docx_bytes():
    return render_docx(sample_document())


@pytest.fixture(scope="module")
def pdf_file(docx_bytes, tmp_path_factory):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    path = tmp_path_factory.mktemp("pdf") / "bao-cao.pdf"
    path.write_bytes(pdf.docx_to_pdf(docx_bytes))
    return path


def _poppler(*args) -> str:
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def _page1_words(path):
    """(text, xMin, yMin, xMax, yMax) of every word on page 1, and the page size."""
    xml = _poppler("pdftotext", "-f", "1", "-l", "1", "-bbox-layout", str(path), "-")
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', xml)
    words = [
        (unescape(m[5]), *map(float, m.groups()[:4]))
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            xml,
        )
    ]
    return words, float(size[1]), float(size[2])


def _find(words, phrase: str):
    """The boxes of the words of `phrase`, where they follow each other on the page."""
    wanted = phrase.split()
    texts = [w[0] for w in words]
    for i in range(len(texts) - len(wanted) + 1):
        if texts[i : i + len(wanted)] == wanted:
            return words[i : i + len(wanted)]
    raise AssertionError(f"{phrase!r} not on page 1: {' '.join(texts)[:300]}")


@needs_soffice
def test_header_blocks_where_they_belong_on_page_1(pdf_file):
    words, width, height = _page1_words(pdf_file)
    party = _find(words, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert all(w[1] > width / 2 for w in party), "the party line is in the right half"
    assert all(w[4] < height * 0.12 for w in party), "and on the first line of the page"
    issuer = _find(words, "QUẬN ỦY BÌNH THẠNH")
    assert all(w[3] < width / 2 for w in issuer) and all(w[4] < height * 0.15 for w in issuer)
    number = _find(words, "Số 07-BC/QU")
    place = _find(words, "Bình Thạnh, ngày 15 tháng 01 năm 2025")
    assert number[-1][3] < width / 2 < place[0][1]
    assert abs(number[0][2] - place[0][2]) < 3, "Số … level with the place and date"
    title = _find(words, "BÁO CÁO")
    centre = (title[0][1] + title[-1][3]) / 2
    text_centre = (width + (30 - 15) / 25.4 * 72) / 2  # margins 30 mm left, 15 mm right
    assert abs(centre - text_centre) < 6, "BÁO CÁO centred on the text width"
    assert issuer[0][2] < title[0][2] < height / 3


@needs_soffice
def test_vietnamese_text_comes_out_of_the_pdf(pdf_file):
    text = _poppler("pdftotext", "-layout", str(pdf_file), "-")
    for phrase in ("ĐẢNG", "Bình Thạnh", "hoàn thành xuất sắc", "T/M BAN THƯỜNG VỤ", "4.321"):
        assert phrase in text
    assert "Nơi nhận:" in text and "Nguyễn Văn Mẫu" in text


@needs_soffice
def test_only_embedded_fonts_with_vietnamese_glyphs(pdf_file):
    rows = _poppler("pdffonts", str(pdf_file)).splitlines()[2:]
    assert rows
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", row
        assert name.split("+")[-1].startswith(BODY_FONT), row


@needs_soffice
def test_page_1_png_has_ink_in_both_header_blocks(pdf_file, tmp_path):
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf_file), str(tmp_path / "p")],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    image = Image.open(png).convert("L")
    w, h = image.size
    assert abs(w - 496) <= 1 and abs(h - 702) <= 1  # A4 at 60 dpi

    def ink(box):
        region = image.crop(tuple(int(v) for v in box))
        return sum(region.histogram()[:128])  # dark pixels

    top = (h * 0.05, h * 0.13)
    assert ink((w * 0.12, top[0], w * 0.5, top[1])) > 150  # superior, issuer, "*"
    assert ink((w * 0.55, top[0], w * 0.95, top[1])) > 150  # ĐẢNG CỘNG SẢN VIỆT NAM
    assert ink((0, 0, w * 0.08, h)) == 0  # nothing in the left margin


@needs_soffice
def test_two_conversions_in_parallel_threads(docx_bytes):
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(pdf.docx_to_pdf, [docx_bytes, docx_bytes]))
    assert all(r.startswith(b"%PDF") for r in results)


@needs_soffice
def test_many_files_in_one_run(docx_bytes, tmp_path):
    sources = []
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        path = tmp_path / name / f"bao-cao-{name}.docx"
        path.write_bytes(docx_bytes)
        sources.append(path)
    out = pdf.convert_many(sources, tmp_path / "pdf")
    assert [p.name for p in out] == ["bao-cao-a.pdf", "bao-cao-b.pdf", "bao-cao-c.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in out)
    assert pdf.convert_many([], tmp_path / "pdf") == []


def test_same_names_in_one_batch_are_refused(tmp_path):
    with pytest.raises(DomainError, match="bao-cao") as caught:
        pdf.convert_many([tmp_path / "x" / "bao-cao.docx", tmp_path / "bao-cao.docx"], tmp_path)
    assert caught.value.code == "pdf.duplicate_names"


def test_missing_libreoffice_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(DomainError) as caught:
        pdf.docx_to_pdf(b"PK")
    assert caught.value.code == "pdf.soffice_missing"
    assert "apt-get install libreoffice-writer-nogui fonts-liberation2" in caught.value.message


def _fake_soffice(monkeypatch, tmp_path, body: str) -> None:
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    monkeypatch.setattr(pdf, "soffice", lambda: str(script))


def test_a_hung_conversion_times_out_with_a_clear_error(monkeypatch, tmp_path):
    _fake_soffice(monkeypatch, tmp_path, "sleep 30")
    started = time.monotonic()
    with pytest.raises(DomainError) as caught:
        pdf.docx_to_pdf(b"PK", timeout=0.5)
    assert caught.value.code == "pdf.timeout" and "PDF" in caught.value.message
    assert time.monotonic() - started < 5  # killed, not waited for


def test_a_run_that_writes_no_pdf_is_an_error(monkeypatch, tmp_path):
    _fake_soffice(monkeypatch, tmp_path, "echo 'Error: source file could not be loaded' >&2")
    with pytest.raises(DomainError) as caught:
        pdf.docx_to_pdf(b"PK")
    assert caught.value.code == "pdf.failed"
    assert "bao-cao.pdf" in caught.value.message


def test_a_profile_serves_one_conversion_at_a_time(monkeypatch):
    monkeypatch.setenv("TONGKET_PDF_WORKERS", "1")
    taken, release = threading.Event(), threading.Event()

    def hold():
        with pdf._profile(wait=1):
            taken.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(5)
        with pytest.raises(DomainError) as caught, pdf._profile(wait=0.2):
            pass
        assert caught.value.code == "pdf.timeout"
    finally:
        release.set()
        holder.join()
    with pdf._profile(wait=1) as profile:  # free again once released
        assert profile.name == "profile-0"
        assert (profile / "user" / "registrymodifications.xcu").exists()

"""PDF of the report: the DOCX converted by LibreOffice headless (see docs/REPORTS.md, "PDF").

LibreOffice, because the PDF must be the very document the office files as DOCX, including an
office's own Word template; an HTML renderer (WeasyPrint) would lay out a different document.

One LibreOffice user profile serves one conversion at a time: two `soffice` processes on the
same profile fail or hand their work to each other. Profiles are kept in a pool under
TONGKET_VAR_DIR/soffice/, one directory per slot, each taken under an exclusive fcntl lock (held
by the open file, so it is released even when the process dies). A profile is created by the
first conversion that uses it (2–3 s) and kept warm for the next ones (about 1 s each).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from tongket.domain.errors import DomainError

TIMEOUT = 120  # seconds for one document; a batch gets more, see convert_many
TIMEOUT_PER_FILE = 10
INSTALL = "apt-get install libreoffice-writer-nogui fonts-liberation2"
# Settings written into a new profile before its first start. LibreOffice runs its ~100
# graphics render tests (1 s) at every start until the profile records the version it last
# ran, which only its user interface does; a version above any real one records that for good.
# OpenCL is of no use for converting text and costs a probe at start.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" \
oor:op="fuse"><value>99.9</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" \
oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseOpenCL" \
oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    """The LibreOffice program, or a DomainError saying how to install it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise DomainError(
            "pdf.soffice_missing",
            _(
                "Không tìm thấy LibreOffice (lệnh soffice) để xuất PDF. Hãy cài đặt: %(cmd)s "
                "(hoặc chạy scripts/system-packages với quyền root)."
            )
            % {"cmd": INSTALL},
        )
    return found


def pool_size() -> int:
    """As many profiles as CPUs: more simultaneous conversions would only queue on the CPUs."""
    return max(1, int(os.environ.get("TONGKET_PDF_WORKERS", 0)) or os.cpu_count() or 1)


def _pool_dir() -> Path:
    base = os.environ.get("TONGKET_VAR_DIR") or getattr(settings, "VAR_DIR", None)
    folder = Path(base or tempfile.gettempdir()) / "soffice"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def _profile(wait: float) -> Iterator[Path]:
    """A free profile directory of the pool, held until the block ends; waits for one."""
    folder = _pool_dir()
    deadline = time.monotonic() + wait
    while True:
        for slot in range(pool_size()):
            handle = open(folder / f"profile-{slot}.lock", "a+")  # noqa: SIM115
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                profile = folder / f"profile-{slot}"
                # We hold the slot, so a lock file left in the profile by a killed soffice is
                # stale; LibreOffice would otherwise refuse to start on it.
                (profile / ".lock").unlink(missing_ok=True)
                _seed(profile)
                yield profile
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() > deadline:
            raise _timeout(wait)
        time.sleep(0.05)


def _seed(profile: Path) -> None:
    settings_file = profile / "user" / "registrymodifications.xcu"
    if not settings_file.exists():
        settings_file.parent.mkdir(parents=True, exist_ok=True)
        settings_file.write_text(PROFILE_SETTINGS, encoding="utf-8")


def _timeout(seconds: float) -> DomainError:
    return DomainError(
        "pdf.timeout",
        _(
            "Xuất PDF quá %(s)s giây mà chưa xong (LibreOffice bận hoặc bị treo). "
            "Hãy thử lại sau, hoặc tải bản DOCX."
        )
        % {"s": int(seconds)},
    )


def _run(docs: list[Path], outdir: Path, timeout: float) -> None:
    """One soffice run converting `docs` into `outdir`, on a profile of the pool."""
    program = soffice()
    started = time.monotonic()
    with _profile(wait=timeout) as profile:
        left = max(1.0, timeout - (time.monotonic() - started))
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            *map(str, docs),
        ]
        # Its own session, so that a timeout kills soffice.bin too, not only the wrapper.
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "HOME": str(profile.parent)},
        )
        try:
            _out, err = process.communicate(timeout=left)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise _timeout(timeout) from None
    if process.returncode != 0:
        raise _failed(err)


def _failed(stderr: bytes, names: list[str] | None = None) -> DomainError:
    detail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
    message = _("LibreOffice không chuyển được tài liệu sang PDF.")
    if names:
        message += " " + _("Không có tệp PDF cho: %(names)s.") % {"names": ", ".join(names)}
    return DomainError("pdf.failed", message, {"stderr": detail})


def docx_to_pdf(data: bytes, timeout: float = TIMEOUT) -> bytes:
    """The PDF of a .docx given as bytes."""
    with tempfile.TemporaryDirectory(prefix="tongket-pdf-") as tmp:
        source = Path(tmp) / "bao-cao.docx"
        source.write_bytes(data)
        (out,) = convert_many([source], Path(tmp), timeout=timeout)
        return out.read_bytes()


def convert_many(paths: list[Path], outdir: Path, timeout: float | None = None) -> list[Path]:
    """Converts many .docx files in ONE soffice run (its start-up is paid once); the PDFs go
    to `outdir` under the same stems, in the order of `paths`."""
    paths = [Path(p) for p in paths]
    if not paths:
        return []
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise DomainError(
            "pdf.duplicate_names",
            _("Các tệp cần chuyển sang PDF phải có tên khác nhau (trùng: %(names)s).")
            % {"names": ", ".join(sorted({s for s in stems if stems.count(s) > 1}))},
        )
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    targets = [outdir / f"{stem}.pdf" for stem in stems]
    for target in targets:
        target.unlink(missing_ok=True)  # so that a PDF found afterwards is this run's
    limit = timeout if timeout is not None else TIMEOUT + TIMEOUT_PER_FILE * (len(paths) - 1)
    _run(paths, outdir, limit)
    missing = [t.name for t in targets if not t.exists() or not t.stat().st_size]
    if missing:
        raise _failed(b"", missing)
    return targets

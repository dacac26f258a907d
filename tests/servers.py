"""Running the real `tongket` command as a server for a test, on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

TONGKET = str(Path(sys.executable).with_name("tongket"))


def scratch_env(tmp_path: Path, **extra) -> dict:
    """A process environment with its own var/ and SQLite file, whatever the suite runs on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGKET_")}
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    out = str(tmp_path / "out")
    return {
        **env,
        "TONGKET_VAR_DIR": str(tmp_path),
        "TONGKET_DATABASE_URL": db,
        "TONGKET_OUT_DIR": out,
        **extra,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


@contextmanager
def running(command: list[str], env: dict, log: Path, seconds: float = 60):
    """Starts `tongket COMMAND --port P`, waits for /healthz, yields the base URL, stops it.

    The server's output goes to a file: a pipe nobody reads would fill and block gunicorn.
    """
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [TONGKET, *command, "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/healthz", seconds)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)

"""Production mode (TONGKET_ENV=production): Django's deployment checklist passes with no
warning, the server refuses to start on an unsafe default with one clear line, and the real
server sends the HTTPS protections. The demo defaults (plain http on 127.0.0.1) stay as they were.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers import TONGKET, running, scratch_env

MANAGE = str(Path(__file__).resolve().parents[1] / "manage.py")
HOST = "tongket.example.vn"


def production_env(tmp_path: Path, **extra) -> dict:
    """A scratch environment in production mode, with every required variable set."""
    env = scratch_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="config.settings",
        TONGKET_ENV="production",
        TONGKET_SECRET_KEY=secrets.token_urlsafe(50),
        TONGKET_ALLOWED_HOSTS=f"{HOST},127.0.0.1",
    )
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, MANAGE, *args], env=env, capture_output=True, text=True, timeout=120
    )


def settings_seen(env: dict, *names: str) -> dict:
    """The values of the named settings as a process with `env` loads them."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_deploy_checklist_passes_in_production_mode(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout
    assert "WARNING" not in result.stderr and "security." not in result.stderr


def test_deploy_checklist_fails_on_the_demo_defaults(tmp_path):
    """The same check outside production mode names what production mode switches on: the
    test above passes because of the mode, not because the check is silenced."""
    env = scratch_env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings")
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stderr


def test_production_settings_switch_on_the_https_protections(tmp_path):
    seen = settings_seen(
        production_env(tmp_path),
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "ALLOWED_HOSTS",
    )
    assert seen["DEBUG"] is False
    assert seen["SESSION_COOKIE_SECURE"] and seen["CSRF_COOKIE_SECURE"]
    assert seen["SECURE_SSL_REDIRECT"] is True
    assert seen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert seen["SECURE_HSTS_SECONDS"] >= 31536000
    assert seen["X_FRAME_OPTIONS"] == "DENY" and seen["SECURE_REFERRER_POLICY"] == "same-origin"
    assert seen["ALLOWED_HOSTS"] == [HOST, "127.0.0.1"]


def test_demo_defaults_stay_on_plain_http(tmp_path):
    env = scratch_env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings")
    seen = settings_seen(env, "DEBUG", "SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT")
    assert seen == {"DEBUG": False, "SESSION_COOKIE_SECURE": False, "SECURE_SSL_REDIRECT": False}


@pytest.mark.parametrize(
    ("unset", "variable"),
    [
        ({"TONGKET_SECRET_KEY": None}, "TONGKET_SECRET_KEY"),
        ({"TONGKET_SECRET_KEY": "  "}, "TONGKET_SECRET_KEY"),
        ({"TONGKET_ALLOWED_HOSTS": None}, "TONGKET_ALLOWED_HOSTS"),
        ({"TONGKET_DEBUG": "1"}, "TONGKET_DEBUG"),
    ],
)
def test_production_refuses_to_start_on_an_unsafe_default(tmp_path, unset, variable):
    env = production_env(tmp_path, **unset)
    result = subprocess.run([TONGKET, "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("tongket: TONGKET_ENV=production")
    assert variable in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    # No key was generated into var/ behind the operator's back.
    assert not (tmp_path / "secret_key").exists()


def test_manage_py_refuses_without_the_secret_key(tmp_path):
    result = manage(production_env(tmp_path, TONGKET_SECRET_KEY=None), "check")
    assert result.returncode != 0
    assert "chưa đặt biến môi trường TONGKET_SECRET_KEY" in result.stderr


def _get(url: str, **headers):
    """Status and headers, without following a redirect."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


@pytest.mark.long
def test_production_server_sends_the_https_protections(tmp_path):
    env = production_env(tmp_path)
    subprocess.run([TONGKET, "init"], env=env, check=True, capture_output=True, timeout=180)
    with running(["serve", "--workers", "1"], env, tmp_path / "server.log") as base:
        # Plain http is redirected to https (the health check is exempt, see settings).
        status, headers = _get(base + "/login/", Host=HOST)
        assert status == 301 and headers["Location"] == f"https://{HOST}/login/"
        # Behind the TLS proxy: the page, with HSTS, no framing, and secure cookies only.
        status, headers = _get(base + "/login/", Host=HOST, **{"X-Forwarded-Proto": "https"})
        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Content-Type-Options"] == "nosniff"
        cookies = headers.get_all("Set-Cookie")
        assert cookies and all("; Secure" in c for c in cookies), cookies
        # A host name that is not the server's is refused.
        status, _headers = _get(base + "/login/", Host="evil.example.com")
        assert status == 400

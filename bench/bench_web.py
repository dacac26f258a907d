"""The web under load (issue 7): the production server driven by wrk on loopback.

    .venv/bin/python -m bench.bench_web                      # SQLite, 60 s per 64-client case
    TONGKET_BENCH_SECONDS=10 TONGKET_BENCH_SCALE=0.1 .venv/bin/python -m bench.bench_web
    TONGKET_BENCH_PG=postgres://postgres@127.0.0.1:5432/tongket_bench_web \
        .venv/bin/python -m bench.bench_web                  # PostgreSQL instead of SQLite

Set-up, in a child process (Django reads its settings once per process): a scratch database
(a fresh SQLite file in a temporary directory, or, with TONGKET_BENCH_PG, a PostgreSQL
database created for the run and dropped after), migrated, filled with tongket.synth's city
(168 ward committees, ≈ 30,000 organizations, 500,000 members, 5 years of evaluations;
TONGKET_BENCH_SCALE shrinks it for a trial; TONGKET_BENCH_WEB_KEEP=<folder> keeps the SQLite
database there and reuses it on the next run), and a user made through the product's services
with a viewer grant over the median ward committee (the usual user of a city-scale install is
a ward office) and a personal API token.

Then `tongket serve` (gunicorn, the product's own path and its own worker count; whitenoise
serves the static files) on a free loopback port. The bench signs in through the login form
like a browser, checks that every page answers 200 with the figures it should show, and drives
each case with wrk (bench/web.lua: p50/p95/p99, requests per second, responses that are not
2xx, socket errors and time-outs) at 16 and at 64 concurrent connections:

- the floor (baseline): the site's stylesheet through whitenoise, the cheapest response the
  same server gives; also /healthz, the cheapest response that runs a Django view;
- the home dashboard (/), the member list searched for a name typed without accents
  (/members/?q=huong), the ward committee's page (/orgs/<id>/) and the JSON report of the
  ward committee for 2024 (GET /api/v1/reports/<code>/2024, bearer token).

A 64-client case runs TONGKET_BENCH_SECONDS (default 60: the goal is "zero errors over 60 s"),
a 16-client case a third of that. wrk runs on the same two cores as the server: what it uses
is taken from the server. Targets at 64 clients: p95 ≤ 300 ms for the pages, ≤ 500 ms for the
JSON report, no error. wrk keeps its 64 connections busy (a closed loop), so by Little's law
the mean latency is 64 ÷ throughput: p95 ≤ 300 ms needs a page to cost no more than about
2 cores × 300 ms ÷ 64 ≈ 9 ms of CPU, all processes counted.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.bench_members_on import _django, _postgres, table
from bench.summary import Ratio

SEED = 20261121
SCALE = float(os.environ.get("TONGKET_BENCH_SCALE", "1"))
SECONDS = int(os.environ.get("TONGKET_BENCH_SECONDS", "60"))
CLIENTS = (16, 64)
PERIOD = "2024"
SEARCH = "huong"  # "Hương", typed without accents as people do
USERNAME, PASSWORD = "bench-web", "Bench-web-2026-mat-khau"
TARGETS = {"page": 300.0, "json": 500.0}
ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("web.lua")


# --- Set-up (child process) -----------------------------------------------------------------


def setup() -> dict:
    """Writes the city and the user; returns what the cases need (as JSON-able values)."""
    from datetime import date

    from django.db import connection

    from tongket.accounts import services as accounts
    from tongket.accounts.models import User
    from tongket.core.actor import Actor
    from tongket.domain.permissions import Role
    from tongket.evaluation.models import Evaluation
    from tongket.party.models import Member, PartyOrg
    from tongket.party.selectors import members_search
    from tongket.synth import SCALES, generate

    started, user = time.perf_counter(), User.objects.filter(username=USERNAME).first()
    if user is None:  # a fresh database; with TONGKET_BENCH_WEB_KEEP, a kept one is reused
        data = generate(SCALES["city"].times(SCALE), SEED, prefix="WEB")
        if connection.vendor == "postgresql":  # as autovacuum would before long
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        city, day = data.city, date(2024, 12, 31)
        counts = city.members_by_org(day)
        by_size = sorted(city.wards, key=lambda w: sum(counts[o] for o in city.under(w, day)))
        ward = PartyOrg.objects.get(pk=by_size[len(by_size) // 2])
        cli = Actor.cli("bench")
        user = accounts.user_create(actor=cli, username=USERNAME, password=PASSWORD)
        accounts.grant_create(actor=cli, user=user, role=Role.VIEWER, scope=ward)
    seconds = time.perf_counter() - started
    ward = user.grants.get().org
    _token, raw = accounts.token_create(
        actor=Actor.for_user(user, "bench-web"), user=user, name="bench-web"
    )
    actor = Actor.for_user(user, "bench-web")
    return {
        "seconds": seconds,
        "orgs": PartyOrg.objects.count(),
        "members": Member.objects.count(),
        "evaluations": Evaluation.objects.count(),
        "ward": {"pk": ward.pk, "code": ward.code, "name": ward.name},
        "ward_members": members_search(actor).count(),
        "ward_orgs": PartyOrg.objects.filter(path__startswith=ward.path).count(),
        "found": members_search(actor, SEARCH).count(),
        "token": raw,
    }


def child(var: str) -> None:
    _django(Path(var), os.environ.get("TONGKET_BENCH_PG"))
    print("SETUP" + json.dumps(setup()), flush=True)


def _setup(var: Path, env: dict) -> dict:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.bench_web", "--setup", str(var)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or "SETUP" not in done.stdout:
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-4000:])
        raise SystemExit("bench_web: the set-up failed")
    return json.loads(done.stdout.split("SETUP", 1)[1])


# --- The server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(var: Path, env: dict, port: int) -> subprocess.Popen:
    """`tongket serve` as an operator runs it: no --workers, so the product's own count."""
    log = (var / "serve.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).with_name("tongket")), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench_web: the server stopped: {(var / 'serve.log').read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("bench_web: the server did not answer /healthz within 120 s")


def _workers(server: subprocess.Popen) -> int:
    """gunicorn's worker processes: the children of the server process."""
    found = subprocess.run(
        ["ps", "--ppid", str(server.pid), "-o", "pid="], capture_output=True, text=True
    )
    return len(found.stdout.split())


@dataclass
class Session:
    """A browser's sign-in through the login form: the cookie wrk sends, and the stylesheet."""

    cookie: str
    stylesheet: str


def _login(base: str) -> Session:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/login/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode(
        {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
    ).encode()
    opener.open(urllib.request.Request(f"{base}/login/", data=body, headers={"Referer": base}))
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit("bench_web: the sign-in failed (no session cookie)")
    return Session(f"sessionid={cookies['sessionid']}", stylesheet)


def _get(url: str, header: str) -> tuple[int, str]:
    name, value = header.split(": ", 1)
    request = urllib.request.Request(url, headers={name: value} if name else {})
    with urllib.request.urlopen(request, timeout=60) as r:
        return r.status, r.read().decode()


# --- The cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    header: str  # "Name: value" sent with every request; ": " for none
    kind: str  # "floor", "page" or "json"
    expect: str = ""  # a text the answer must hold: the page shows the right figures


def cases(info: dict, session: Session) -> list[Case]:
    ward, cookie = info["ward"], f"Cookie: {session.cookie}"
    bearer = f"Authorization: Bearer {info['token']}"
    return [
        Case("stylesheet (whitenoise)", session.stylesheet, ": ", "floor", "{"),
        Case("/healthz", "/healthz", ": ", "floor", '"ok"'),
        Case("home dashboard", "/", cookie, "page", f"<strong>{info['ward_members']}</strong>"),
        Case(
            f"member list, search '{SEARCH}'",
            f"/members/?q={SEARCH}",
            cookie,
            "page",
            f"{info['found']} đảng viên",
        ),
        Case("ward committee page", f"/orgs/{ward['pk']}/", cookie, "page", ward["name"]),
        Case(
            f"JSON report {ward['code']} {PERIOD}",
            f"/api/v1/reports/{ward['code']}/{PERIOD}",
            bearer,
            "json",
            f'"{ward["code"]}"',
        ),
    ]


def _check(base: str, case: Case) -> float:
    """One request before the load: 200 with the expected text; returns its time in ms."""
    started = time.perf_counter()
    status, body = _get(base + case.path, case.header)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200 or case.expect not in body:
        raise SystemExit(f"bench_web: {case.path} answered {status} without {case.expect!r}")
    return elapsed


def wrk(base: str, case: Case, clients: int, seconds: int) -> dict:
    """One wrk run; the figures web.lua prints (latencies in ms)."""
    command = [
        "wrk",
        f"-t{min(2, clients)}",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    if case.header != ": ":
        command += ["-H", case.header]
    done = subprocess.run(  # noqa: S603
        [*command, base + case.path], capture_output=True, text=True, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRKJSON "))
    result = json.loads(line.removeprefix("WRKJSON "))
    result["rps"] = result["requests"] / result["seconds"]
    result["errors"] = sum(result[k] for k in ("non2xx", "connect", "read", "write", "timeout"))
    return result


def _errors(r: dict) -> str:
    if not r["errors"]:
        return "0"
    kinds = ("non2xx", "connect", "read", "write", "timeout")
    parts = [f"{r[k]} {k}" for k in kinds if r[k]]
    if r["non2xx"]:
        parts.append(f"first status {r['first_bad_status']}")
    return ", ".join(parts)


def _verdict(case: Case, clients: int, r: dict) -> str:
    if case.kind == "floor" or clients != max(CLIENTS):
        return ""
    target = TARGETS[case.kind]
    p95 = "met" if r["p95"] <= target else f"MISSED by {r['p95'] / target:.1f}×"
    return f"p95 ≤ {target:g} ms: {p95}; errors: {'none' if not r['errors'] else 'SOME'}"


def run(base: str, info: dict, session: Session) -> tuple[list, list[Ratio]]:
    rows, ratios, floor = [], [], {}
    for case in cases(info, session):
        single = _check(base, case)
        wrk(base, case, 16, max(2, min(5, SECONDS // 6)))  # warm every worker's caches
        for clients in CLIENTS:
            seconds = SECONDS if clients == max(CLIENTS) else max(3, SECONDS // 3)
            r = wrk(base, case, clients, seconds)
            load = os.getloadavg()[0]
            print(
                f"{case.name}, {clients} clients, {seconds} s: p50 {r['p50']:.1f} ms, "
                f"p95 {r['p95']:.1f} ms, p99 {r['p99']:.1f} ms, {r['rps']:.0f} req/s, "
                f"errors {_errors(r)} (load {load:.1f})",
                flush=True,
            )
            if case.kind == "floor":
                floor.setdefault(clients, r)
            base_r = floor[clients]
            rows.append(
                (
                    case.name,
                    str(clients),
                    f"{single:.0f}",
                    f"{r['p50']:.1f}",
                    f"{r['p95']:.1f}",
                    f"{r['p99']:.1f}",
                    f"{r['rps']:,.0f}",
                    _errors(r),
                    f"{r['p95'] / base_r['p95']:.1f}×" if case.kind != "floor" else "—",
                    _verdict(case, clients, r),
                )
            )
            if case.kind != "floor":
                ratios.append(
                    Ratio(
                        "web",
                        f"{case.name}, {clients} clients, p95"
                        + (f" ({r['errors']} errors)" if r["errors"] else ""),
                        r["p95"],
                        "stylesheet p95",
                        base_r["p95"],
                        target=TARGETS[case.kind] if clients == max(CLIENTS) else None,
                    )
                )
    return rows, ratios


def report(info: dict, backend: str, workers: int, rows: list) -> str:
    ward = info["ward"]
    return "\n".join(
        [
            f"### The web under load, {backend} ({time.strftime('%Y-%m-%d')})\n",
            f"- Data: tongket.synth city × {SCALE:g}: {info['orgs']:,} organizations, "
            f"{info['members']:,} members, {info['evaluations']:,} evaluation results, "
            f"written in {info['seconds']:.0f} s (0: a kept database reused)",
            f"- User: viewer over {ward['name']} ({ward['code']}: {info['ward_orgs']} "
            f"organizations, {info['ward_members']:,} members in scope; the search finds "
            f"{info['found']})",
            f"- Server: `tongket serve`, gunicorn, {workers} sync workers (the product's "
            f"default), on loopback; wrk with 2 threads on the same {os.cpu_count()} cores",
            f"- Durations: {max(3, SECONDS // 3)} s at 16 clients, {SECONDS} s at 64, after a "
            "short warm-up; wrk time-out 10 s",
            "",
            table(
                (
                    "case",
                    "clients",
                    "alone (ms)",
                    "p50 (ms)",
                    "p95 (ms)",
                    "p99 (ms)",
                    "req/s",
                    "errors",
                    "p95 ÷ floor",
                    "target",
                ),
                rows,
            ),
        ]
    )


# --- Processes ------------------------------------------------------------------------------


def main() -> list[Ratio]:
    if len(sys.argv) > 2 and sys.argv[1] == "--setup":
        child(sys.argv[2])
        return []
    if shutil.which("wrk") is None:
        print("wrk is not installed (scripts/system-packages --bench): skipped", flush=True)
        return []
    pg = os.environ.get("TONGKET_BENCH_PG")
    drop = _postgres(pg) if pg else None
    # TONGKET_BENCH_WEB_KEEP=<folder>: the SQLite database is kept there and reused by the next
    # run (the city takes minutes to write); without it, a temporary folder removed after.
    keep = os.environ.get("TONGKET_BENCH_WEB_KEEP")
    var = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="tongket-bench-web-"))
    var.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "TONGKET_VAR_DIR": str(var),
        "TONGKET_DATABASE_URL": pg or f"sqlite:///{var / 'bench.sqlite3'}",
        "TONGKET_LOG_LEVEL": "WARNING",
    }
    server = None
    try:
        started = time.perf_counter()
        info = _setup(var, env)
        print(f"city and user written in {time.perf_counter() - started:.0f} s", flush=True)
        port = _free_port()
        server = _serve(var, env, port)
        base = f"http://127.0.0.1:{port}"
        rows, ratios = run(base, info, _login(base))
        print()
        print(report(info, "PostgreSQL" if pg else "SQLite", _workers(server), rows))
        return ratios
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        if drop:
            drop()
        if not keep:
            shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()

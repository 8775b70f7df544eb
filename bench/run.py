#!/usr/bin/env python
"""`make bench`: measure the main pages side by side with a bare-Django floor.

1. Creates a separate PostgreSQL database (BENCH_DATABASE_URL), migrates it and
   fills it with `seed_demo --scale` (100 units; SMOKE: 1), timing the fill.
2. Serves the portal with gunicorn (DEBUG off, BENCH on, a fixed number of
   sync workers) on loopback.
3. Logs in as the demo member with a real login form post, then drives each page
   with wrk from a separate process: requests/s, p50 and p99 latency.
4. Counts SQL queries per page (`manage.py bench_targets`).
5. Runs the other measurements the commands exist for (digest composition,
   invitation queuing, full-text search alone).
6. Prints a table and writes bench/RESULTS.md with the machine facts.

Needs PostgreSQL (trust or password in the URL) and wrk (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/thementisch_bench"
MEMBER = "mitglied@example.org"
PASSWORD = "thementisch-demo"  # noqa: S105 -- the documented demo login of seed_demo


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def bench_env(database_url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thementisch.settings.base",
        "DEBUG": "0",
        "SECURE": "0",
        "BENCH": "1",
        "SECRET_KEY": "bench-only-secret-key-" + "b" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "600",
        "CELERY_BROKER_URL": "",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout if capture else ""


def recreate_database(database_url: str) -> None:
    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing odd database name {name!r}")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def analyze(database_url: str) -> None:
    """Fresh planner statistics after the bulk load, as autovacuum keeps them in production."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")  # write the bulk load out now, not during the first page


def postgres_version(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "thementisch.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited (is port {port} taken?)")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("gunicorn did not come up")


def login_cookie(port: int) -> str:
    """Log in through the real allauth form; return the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "login": MEMBER, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data)
    request.add_header("Referer", f"{base}/accounts/login/")
    opener.open(request)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit("login failed: no session cookie")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)


def to_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, cookie: str, seconds: int, connections: int) -> dict[str, float]:
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latencies = {p: to_ms(v, u) for p, v, u in LATENCY.findall(output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "rps": rps,
        "p50": latencies.get("50", 0.0),
        "p99": latencies.get("99", 0.0),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def extra_measurements(env: dict[str, str], smoke: bool) -> list[tuple[str, str]]:
    """Measurements of commands that exist: digest, invitations, search."""
    available = manage(env, "help", "--commands", capture=True).split()
    rows = []
    commands = [
        ("bench_digest", ["--members", "200" if smoke else "10000"]),
        ("bench_invitations", ["--invitees", "100" if smoke else "5000"]),
        ("bench_search", ["--queries", "20" if smoke else "200"]),
    ]
    for command, args in commands:
        if command not in available:
            rows.append((command, "not available yet"))
            continue
        output = manage(env, command, *args, capture=True).strip().splitlines()
        rows.append((command, output[-1] if output else "(no output)"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny data, a few seconds of load")
    parser.add_argument("--scale", type=int, default=None)
    parser.add_argument("--seconds", type=int, default=None)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=(
            "keep the database of the last run (only migrate it); for repeated runs. A full "
            "run's digest measurement leaves 10,000 members in it, so /members/ is slower then: "
            "compare pages on a fresh fill"
        ),
    )
    parser.add_argument("--only", nargs="*", default=(), help="only pages whose name contains")
    parser.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    options = parser.parse_args()
    smoke = options.smoke
    scale = options.scale if options.scale is not None else (6 if smoke else 100)
    seconds = options.seconds or (2 if smoke else 15)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    options.port = options.port or free_port()
    env = bench_env(database_url, options.port)

    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    fill_seconds = None
    if options.reuse:
        log(f"database {name}: reused")
        manage(env, "migrate", "--noinput", "-v0")
    else:
        log(f"database {name}: recreating")
        recreate_database(database_url)
        manage(env, "migrate", "--noinput", "-v0")
        started = time.monotonic()
        manage(env, "seed_demo", "--allow-production", "--scale", str(scale))
        fill_seconds = time.monotonic() - started
        log(f"seed_demo --scale {scale}: {fill_seconds:.1f} s")
        manage(env, "bench_fixtures")
        analyze(database_url)
    manage(env, "collectstatic", "--noinput", "-v0")

    targets = json.loads(manage(env, "bench_targets", "--user", MEMBER, capture=True))
    server = start_gunicorn(env, options.port, options.workers)
    try:
        cookie = login_cookie(options.port)
        rows = []
        floor = next(target for target in targets if target["name"] == "floor")
        floor_url = f"http://127.0.0.1:{options.port}{floor['path']}"
        # The floor is measured first, again between every two pages (shorter) and
        # last. A machine that slows down or speeds up during the run (it does, by
        # 15% and more) then shows in the floors next to each page: each page's
        # ratio is taken against the faster of its two neighbouring floors, and a
        # second ratio against the fastest floor of the whole run (the strictest).
        floor_seconds = max(2, seconds // 3)
        floor_runs = []
        measured_targets = [*targets, {**floor, "name": "floor (again, last)"}]
        for target in measured_targets:
            skipped = options.only and not target["name"].startswith("floor")
            if skipped and not any(part in target["name"] for part in options.only):
                continue
            if target["path"] is None:
                rows.append({**target, "rps": None})
                continue
            url = f"http://127.0.0.1:{options.port}{target['path']}"
            is_floor = target["name"].startswith("floor")
            if not is_floor and rows and rows[-1]["name"] != "floor":
                between = run_wrk(floor_url, cookie, floor_seconds, options.connections)
                floor_runs.append(between["rps"])
                log(f"floor (between pages): {between['rps']:.1f} req/s")
            run_wrk(url, cookie, 1, options.connections)  # warm-up
            measured = run_wrk(url, cookie, seconds, options.connections)
            if is_floor:
                floor_runs.append(measured["rps"])
            rows.append({**target, **measured, "floor_index": len(floor_runs) - 1})
            log(f"{target['name']}: {measured['rps']:.1f} req/s, {measured['errors']} errors")
        # The floor measured right after each page.
        for row in rows:
            if row.get("rps") is None or row["name"].startswith("floor"):
                continue
            index = row["floor_index"]
            row["floor_before"] = floor_runs[index] if index >= 0 else None
            row["floor_after"] = floor_runs[index + 1] if index + 1 < len(floor_runs) else None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    extras = [] if options.only else extra_measurements(env, smoke)
    report = render(rows, extras, scale, fill_seconds, seconds, options, database_url, floor_runs)
    print(report)
    if not smoke and not options.only:
        Path(options.results).write_text(report, encoding="utf-8")
        log(f"written to {options.results}")
    failed = [r["name"] for r in rows if r.get("status") not in (None, 200) or r.get("errors")]
    if failed:
        raise SystemExit(f"pages answered with errors: {', '.join(failed)}")


def render(rows, extras, scale, fill_seconds, seconds, options, database_url, floors) -> str:
    floor = max(floors) if floors else None
    lines = [
        "# Benchmark results",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}, PostgreSQL {postgres_version(database_url)}",
        f"- data: `seed_demo --scale {scale}` "
        + (f"(filled in {fill_seconds:.0f} s)" if fill_seconds else "(database of an earlier run)"),
        f"- server: gunicorn, {options.workers} sync workers, DEBUG off; load: wrk, 1 thread, "
        f"{options.connections} connections, {seconds} s per page, logged in as a member",
        "- ratio to floor: against the faster of the floor runs right before and right after "
        "the page; 'strictest' against the fastest floor run of the whole run",
        "- floor runs in order (req/s): " + ", ".join(f"{rps:.0f}" for rps in floors),
        "",
        "| page | requests/s | p50 ms | p99 ms | p99/p50 | SQL queries | ratio to floor "
        "| strictest ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        if row.get("rps") is None:
            lines.append(f"| {row['name']} | – | – | – | – | – | not built yet | – |")
            continue
        neighbours = [r for r in (row.get("floor_before"), row.get("floor_after")) if r]
        if row["name"].startswith("floor"):
            neighbours = [row["rps"]]
        near = max(neighbours) if neighbours else None
        ratio = f"{row['rps'] / near:.2f}" if near else "–"
        strictest = f"{row['rps'] / floor:.2f}" if floor else "–"
        spread = f"{row['p99'] / row['p50']:.1f}" if row["p50"] else "–"
        lines.append(
            f"| {row['name']} | {row['rps']:.1f} | {row['p50']:.1f} | {row['p99']:.1f} | "
            f"{spread} | {row['queries']} | {ratio} | {strictest} |"
        )
    lines += ["", "| measurement | result |", "| --- | --- |"]
    lines += [f"| {name} | {result} |" for name, result in extras]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Time the benchmark pages in-process, next to the floor, to find what a page spends.

Runs against the database `make bench` filled (BENCH_DATABASE_URL), with the
settings the bench server uses, logged in as the demo member through the test
client: no HTTP, no load generator, so it answers in seconds while a page is
being worked on. The ratio floor/page approximates the ratio `make bench`
reports (the server adds a fixed cost to both). Wall time includes the
database; CPU time is this process's alone and stays steady when the machine
is busy. Each figure is the best of --rounds rounds of -n requests.

    .venv/bin/python bench/pages.py                 # every page, 50 requests each
    .venv/bin/python bench/pages.py -n 20 barriers  # pages whose name contains "barriers"
    .venv/bin/python bench/pages.py --cprofile --sort cumulative dashboard
    .venv/bin/python bench/pages.py --sql meeting   # the SQL of one request, with times
    .venv/bin/python bench/pages.py --sql --explain policy  # and each query's plan
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import run  # noqa: E402 -- the harness next to this file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", help="only pages whose name contains one of these")
    parser.add_argument("-n", type=int, default=30, help="requests per round")
    parser.add_argument("--rounds", type=int, default=3, help="the best round counts")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--sql", action="store_true")
    parser.add_argument(
        "--explain", action="store_true", help="with --sql: EXPLAIN ANALYZE each query"
    )
    parser.add_argument("--user", default=run.MEMBER)
    options = parser.parse_args()
    env = run.bench_env(os.environ.get("BENCH_DATABASE_URL", run.DEFAULT_DB), 8000)
    env["ALLOWED_HOSTS"] += ",testserver"
    os.environ.update(env)
    os.chdir(ROOT)
    import django

    django.setup()
    from django.db import connections
    from django.test import Client

    from digests.management.commands.bench_targets import targets
    from members.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=options.user))
    floor_ms = floor_cpu = None
    for name, path in targets():
        wanted = name == "floor" or not options.pages or any(p in name for p in options.pages)
        if path is None or not wanted:
            continue
        for _ in range(3):
            response = client.get(path)
        if response.status_code != 200:
            print(f"{name}: HTTP {response.status_code}")
            continue
        connection = connections["default"]
        connection.force_debug_cursor = True
        connection.queries_log.clear()
        client.get(path)
        queries = list(connection.queries_log)
        connection.force_debug_cursor = False
        wall, cpu = [], []
        for _ in range(options.rounds):
            started, started_cpu = time.perf_counter(), time.process_time()
            for _ in range(options.n):
                client.get(path)
            wall.append((time.perf_counter() - started) / options.n * 1000)
            cpu.append((time.process_time() - started_cpu) / options.n * 1000)
        ms, cpu_ms = min(wall), min(cpu)
        if name == "floor":
            floor_ms, floor_cpu = ms, cpu_ms
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        print(
            f"{name:50s} {ms:6.2f} ms (ratio {floor_ms / ms:4.2f})  "
            f"cpu {cpu_ms:6.2f} ms (ratio {floor_cpu / cpu_ms:4.2f})  "
            f"{len(queries):2d} queries ({sql_ms:.1f} ms)  {len(response.content) // 1024} KB",
            flush=True,
        )
        if options.sql:
            for query in queries:
                sql = query["sql"] or ""  # None for some prepared statements
                print(f"    {float(query['time']) * 1000:6.1f} ms  {sql[:400] or '(prepared)'}")
                if options.explain and sql.lstrip(" \n(").upper().startswith("SELECT"):
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                        for (line,) in cursor.fetchall():
                            print(f"        {line}")
        if options.cprofile and name != "floor":
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(options.n):
                client.get(path)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(options.sort).print_stats(40)
            print(out.getvalue())


if __name__ == "__main__":
    main()

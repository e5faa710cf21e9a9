"""Benchmark: every page kind of issue 16, uncached, at demo size and at 10x demo size, as a share of hello world.

Run: .venv/bin/python bench/pages.py [--db sqlite|postgresql|both] [--scales 1,10] [--duration SECONDS]
     [--only TEXT] [--redis-url redis://127.0.0.1:6379/3] [--postgres-url postgres://postgres@127.0.0.1:5432]

For each database and each scale it builds a throw-away site (its own temporary folder; on PostgreSQL its own
database, dropped at the end, with Redis as cache and rate limiter: the Redis database given is emptied before and
after), seeds the demo data, grows it (tests/pages.py: 10x copies the rows under every page, and adds a
2,000-nomination campaign for the staff list), counts each page's SQL queries in-process, then serves it with
gunicorn (4 sync workers, LAUREL_DEBUG=0) and loads each page with wrk from 127.0.0.1 for --duration seconds.
Logged-in pages carry a session cookie the bench creates. The reference is bench/bare_hello_wsgi.py's bare view
outside Laurel's middleware, measured before and after the pages (their mean). "own ms" is the page's median time
in-process (Django's test client, no gunicorn, no wrk), steadier than req/s on a loaded machine. Targets: public pages and API lists
>= 0.3 of hello world, staff/expert/member pages >= 0.15 at 10x.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from _web import HELLO, PYTHON, ROOT, gunicorn, load_average, manage, scratch, site_env, warm, wrk

TARGETS = {"public": 0.3, "api": 0.3, "staff": 0.15}


def site(env: dict, scale: int, folder: str) -> list[dict]:
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput")
    if scale > 1:
        run(env, "grow", str(scale), "--big-campaign")
    plan = Path(folder) / "plan.json"
    run(env, "plan", str(plan))
    return json.loads(plan.read_text())


def run(env: dict, *args: str) -> None:
    subprocess.run(
        [PYTHON, "bench/_pages_site.py", *args], cwd=ROOT, env={**env, "LAUREL_BENCH_TIMINGS": "3", "LAUREL_ACCESS_LOG": "0"}, check=True,
        stdout=subprocess.DEVNULL, timeout=1800,
    )  # fmt: skip


def empty_redis(url: str) -> None:
    import redis

    if int(urlsplit(url).path.strip("/") or 0) in (0, 1):
        raise SystemExit("refusing to empty Redis database 0 or 1: give --redis-url with a database of your own")
    redis.Redis.from_url(url).flushdb()


def measure(db: str, scale: int, args) -> list[dict]:
    with scratch(f"laurel-bench-pages-{db}-") as folder:
        extra = {}
        database = f"laurel_bench_pages_{os.getpid()}_{scale}"
        if db == "postgresql":
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
            extra = {"LAUREL_DATABASE_URL": f"{args.postgres_url}/{database}", "LAUREL_CACHE_URL": args.redis_url}
            empty_redis(args.redis_url)
        try:
            env = site_env(folder, **extra)
            print(f"{db}, {scale}x demo: seeding and growing in {folder} ...", flush=True)
            rows = [row for row in site(env, scale, folder) if args.only.lower() in row["kind"].lower()]
            with gunicorn(env) as base:
                for row in rows:
                    row["warm_status"] = warm(base + row["path"], cookie=row["cookie"])
                warm(base + HELLO)
                before = wrk(base + HELLO, duration=args.duration)
                for row in rows:
                    row.update(wrk(base + row["path"], duration=args.duration, cookie=row["cookie"]))
                after = wrk(base + HELLO, duration=args.duration)
            hello = (before["rps"] + after["rps"]) / 2
            print(
                f"\n{db}, {scale}x demo; gunicorn -w 4 (sync), wrk -t2 -c8 -d{args.duration}s, 127.0.0.1; {load_average()}"
            )
            print(
                f"hello world (bare Django, no middleware): {before['rps']:.0f} req/s before, {after['rps']:.0f} after"
            )
            print(
                f"{'page':<30}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'queries':>8}{'own ms':>8}{'ratio':>7}{'target':>8}"
            )
            for row in rows:
                row["ratio"] = row["rps"] / hello
                target = TARGETS[row["audience"]] if scale > 1 or row["audience"] != "staff" else 0
                missed = row["ratio"] < target or row["errors"] or row["warm_status"] != 200
                latency = f"{row['p50']:>9.1f}{row['p99']:>9.1f}" if row["rps"] else f"{'(none done)':>18}"
                print(
                    f"{row['kind']:<30}{row['rps']:>8.0f}{latency}{row['queries']:>8}{row['ms']:>8.1f}"
                    f"{row['ratio']:>7.2f}{target:>8.2f}  {'MISSED' if missed else 'met'}"
                    + (f" ({row['errors']} errors)" if row["errors"] else "")
                    + (f" (status {row['warm_status']})" if row["warm_status"] != 200 else "")
                )
            return rows
        finally:
            if db == "postgresql":
                time.sleep(1)  # gunicorn's connections close
                subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", database])
                empty_redis(args.redis_url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--scales", default="1,10", help="comma-separated multiples of the demo data (default 1,10)")
    parser.add_argument("--duration", type=int, default=3, help="seconds of load per page (default 3)")
    parser.add_argument("--only", default="", help="only the page kinds whose name contains this text")
    parser.add_argument("--redis-url", default=os.environ.get("LAUREL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"))
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    print(load_average())
    for db in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        for scale in [int(value) for value in args.scales.split(",")]:
            measure(db, scale, args)
    # A missed target is a figure, not a failure of the script: `make bench` runs on loaded machines too.
    return 0


if __name__ == "__main__":
    sys.exit(main())

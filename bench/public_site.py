"""Benchmark: the public front page and an article page, as a share of a bare Django hello-world view.

Run: .venv/bin/python bench/public_site.py
Seeds a throw-away SQLite data directory with the demo data, serves it with gunicorn (4 sync workers,
LAUREL_DEBUG=0) and loads each page with wrk from 127.0.0.1 (bounded: -t2 -c16 -d10s by default). Prints
requests/s, the ratio to hello-world (target >= 50%), and p50/p99 latency. Stops its server in any case.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WRK = os.environ.get("LAUREL_BENCH_WRK", "/usr/bin/wrk")
DURATION = os.environ.get("LAUREL_BENCH_DURATION", "10s")
PAGES = [("hello world", "/bench/hello/"), ("front page", "/"), ("article page", "/news/NEWSZH06/")]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer at {url}")


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def load(url: str) -> dict:
    output = subprocess.run(
        [WRK, "-t2", "-c16", f"-d{DURATION}", "--latency", "-H", f"User-Agent: {BROWSER}", url],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def main() -> int:
    data_dir = tempfile.mkdtemp(prefix="laurel-bench-site-")
    port = free_port()
    env = {
        **os.environ,
        "LAUREL_DEBUG": "0",
        "LAUREL_SECURE": "0",
        "LAUREL_SECRET_KEY": "bench-" + "x" * 60,
        "LAUREL_DATA_DIR": data_dir,
        "LAUREL_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LAUREL_REQUIRE_2FA": "0",
        "PYTHONPATH": str(ROOT),
    }
    print(f"seeding demo data in {data_dir} ...", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput")
    server = subprocess.Popen(
        [GUNICORN, "bench.public_site_wsgi:application", "-w", "4", "-k", "sync", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/bench/hello/")
        for _label, path in PAGES:  # warm every worker's caches and template loaders
            for _ in range(20):
                urllib.request.urlopen(base + path, timeout=5).read()
        results = {label: load(base + path) for label, path in PAGES}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    hello = results["hello world"]["rps"]
    print(f"gunicorn -w 4 (sync), wrk -t2 -c16 -d{DURATION}, 127.0.0.1")
    print(f"{'page':<14}{'req/s':>10}{'ratio':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    ok = True
    for label, result in results.items():
        ratio = result["rps"] / hello
        print(
            f"{label:<14}{result['rps']:>10.0f}{ratio:>8.0%} {result['p50']:>8.2f} {result['p99']:>8.2f}"
            f"{result['errors']:>9}"
        )
        if label != "hello world" and (ratio < 0.5 or result["errors"]):
            ok = False
    print("target (>= 50% of hello world, no errors):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

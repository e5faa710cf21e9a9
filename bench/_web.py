"""What the web benchmarks share (not a benchmark: `make bench` skips `bench/_*.py`): a throw-away site served by
gunicorn with production settings, and wrk from 127.0.0.1, bounded in time.

The reference is bench/bare_hello_wsgi.py's /bench/hello/: a bare Django view outside Laurel's middleware, served by
the same gunicorn in the same run.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WRK = os.environ.get("LAUREL_BENCH_WRK", shutil.which("wrk") or "/usr/bin/wrk")
HELLO = "/bench/hello/"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
# Each request a visitor never seen before (its own User-Agent, so its own visitor hash): the view counter works.
NEW_VISITORS_LUA = """
counter = 0
request = function()
  counter = counter + 1
  local agent = "%s visitor/" .. math.random(1, 2000000000) .. "-" .. counter
  return wrk.format(nil, nil, {["User-Agent"] = agent})
end
""" % BROWSER.replace('"', "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def site_env(data_dir: str, **extra: str) -> dict:
    """Production-like settings (no debug, no debug toolbar, cached templates) on a throw-away data folder."""
    return {
        **os.environ,
        "LAUREL_DEBUG": "0",
        "LAUREL_SECURE": "0",
        "LAUREL_SECRET_KEY": "bench-" + "x" * 60,
        "LAUREL_DATA_DIR": data_dir,
        "LAUREL_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LAUREL_REQUIRE_2FA": "0",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def manage(env: dict, *args: str, timeout: float = 900) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, timeout=timeout
    )


@contextlib.contextmanager
def scratch(prefix: str):
    """A temporary folder removed on the way out, whatever happens."""
    folder = tempfile.mkdtemp(prefix=prefix)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer at {url}")


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int = 4, app: str = "bench.bare_hello_wsgi:application"):
    """gunicorn with sync workers on a free port of 127.0.0.1; yields the base URL; stopped in any case."""
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, app, "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip  (its access log would drown the figures)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + HELLO)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def warm(url: str, *, cookie: str = "", times: int = 8) -> int:
    """A few requests so every worker has loaded its templates; returns the last status."""
    status = 0
    for _ in range(times):
        request = urllib.request.Request(url, headers={"User-Agent": BROWSER, **({"Cookie": cookie} if cookie else {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
    return status


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url: str, *, duration: int = 5, connections: int = 8, cookie: str = "", new_visitors: bool = False) -> dict:
    """Requests/s, p50 and p99 in ms, and the count of non-2xx/3xx answers, from wrk -t2 on 127.0.0.1."""
    command = [WRK, "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    command += ["-H", f"Cookie: {cookie}"] if cookie else []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="laurel-bench-") as script:
        if new_visitors:
            script.write(NEW_VISITORS_LUA)
            script.flush()
            command += ["-s", script.name]
        else:
            command += ["-H", f"User-Agent: {BROWSER}"]
        output = subprocess.run(
            [*command, url], capture_output=True, text=True, check=True, timeout=duration + 60
        ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99": to_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, errors.groups())) if errors else 0),
    }

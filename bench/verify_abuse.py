"""Benchmark: genuine verifications while four clients send poisoned credentials as fast as they can.

Run: .venv/bin/python bench/verify_abuse.py
Seeds a throw-away SQLite data directory with the demo data and serves it with gunicorn as production would on this
machine: 2 x cores + 1 sync workers (gunicorn's own recommendation; 5 on 2 cores; LAUREL_BENCH_WORKERS overrides),
timeout 120 s, LAUREL_DEBUG=0, the cache and the rate limits in Redis (db LAUREL_BENCH_REDIS_DB, default 2, emptied
afterwards) if Redis answers on 127.0.0.1:6379, else in the database. It takes a genuine credential of the demo
issuer and sends it to /credentials/verify, one request after another, each followed by a request for a bare Django
hello-world view (no middleware: what gunicorn and Django alone cost, the reference).

Idle and poisoned phases alternate (LAUREL_BENCH_ROUNDS rounds, default 5, of LAUREL_BENCH_REQUESTS genuine
verifications per phase, default 1000 in all), so that a change in the machine's other load touches both alike.
In a poisoned phase four client processes send poisoned credentials, each the next as soon as its last was
answered: the blank-node clique, the look-alike tree, the 200 KB name list, the 200 KB proofValue, 500 levels of
nesting, a 300 KB body (tests/security/poisoned_credentials.py). The clients share the machine's cores with the
server, so they are made light: one process each, plain sockets, request bytes encoded once. Each request comes
from its own address in 127.0.0.0/8, as from many machines, so that the per-address rate limit (which an attacker
with many addresses passes anyway) does not hide the cost of the poison. LAUREL_BENCH_CONTROL=1 has the four clients
send the genuine credential instead: what honest clients at full speed cost, for comparison.

Prints the server's CPU per request of each kind (sent one at a time, before the phases), p50/p99 of the genuine
verifications and of the hello-world view in both phases, each poison's latency distribution and rate, and the
load average per round. Targets: the genuine p99 under poison at most 3x the idle p99; every poisoned request
answered with a 400 within 1 s. Exits 1 if one is missed. Stops its server and deletes its data directory in any case.
"""

import itertools
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.security.poisoned_credentials import POISONS  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
CORES = os.cpu_count() or 1
WORKERS = int(os.environ.get("LAUREL_BENCH_WORKERS", str(2 * CORES + 1)))
REQUESTS = int(os.environ.get("LAUREL_BENCH_REQUESTS", "1000"))
ROUNDS = int(os.environ.get("LAUREL_BENCH_ROUNDS", "5"))
CONTROL = os.environ.get("LAUREL_BENCH_CONTROL") == "1"
REDIS_DB = int(os.environ.get("LAUREL_BENCH_REDIS_DB", "2"))
POISONERS = 4
PATH = "/credentials/verify"
HELLO = "/bench/hello/"
RATIO_TARGET = 3
LATENCY_TARGET = 1.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def manage(env, *args) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def post_bytes(port: int, body: bytes) -> bytes:
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def get_bytes(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()


# Source addresses: 127.<sender>.x.y, each used once. A repeated random address (20,000 connections a run among
# 16 million addresses repeat a dozen times) reuses a 4-tuple the server still holds in TIME_WAIT; the kernel then
# drops the SYN (TcpExtPAWSTimewait) and the client waits 1 s to resend it, a stall of the benchmark, not the server.
_SENDER = 10
_SENT = itertools.count()


def next_address() -> str:
    number = next(_SENT)
    return f"127.{_SENDER}.{number // 254 % 256}.{number % 254 + 1}"


def send(port: int, request: bytes) -> tuple[int, float]:
    """(status, seconds) of one prepared request from a fresh address in 127.0.0.0/8 (Linux routes the whole block
    to the loopback interface); status 0 if no answer came. A new connection each time: gunicorn's sync workers
    close it after every response anyway."""
    source = next_address()
    started = time.perf_counter()
    answer = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60, source_address=(source, 0)) as sock:
            try:
                sock.sendall(request)
            except OSError:  # refused before the whole body was read: the answer may still be there
                pass
            while chunk := sock.recv(65536):
                answer += chunk
    except OSError:
        pass
    status = int(answer[9:12]) if answer.startswith(b"HTTP/1.") else 0
    return status, time.perf_counter() - started


def poisoner(port: int, requests: list[tuple[str, bytes]], offset: int, active, stop, answers) -> None:
    """One client process: while `active` is set, the next poisoned credential as soon as the last was answered."""
    global _SENDER
    _SENDER = 11 + offset
    sent = []
    index = offset
    while not stop.is_set():
        if not active.wait(0.05):
            continue
        name, request = requests[index % len(requests)]
        sent.append((name, *send(port, request)))
        index += 1
    answers.put(sent)


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) the server's worker processes have used so far."""
    total = 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def cost_per_request(port: int, master: int, request: bytes, count: int = 100) -> tuple[float, set]:
    """The workers' CPU per request, requests sent one at a time (the machine's other load does not count)."""
    before = workers_cpu(master)
    statuses = {send(port, request)[0] for _ in range(count)}
    return (workers_cpu(master) - before) / count, statuses


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measured_run(port: int, genuine: bytes, hello: bytes, count: int) -> tuple[list[float], list[float]]:
    verifications, hellos = [], []
    for _ in range(count):
        status, seconds = send(port, genuine)
        if status != 200:
            raise RuntimeError(f"the genuine credential was answered {status}")
        verifications.append(seconds)
        status, seconds = send(port, hello)
        if status != 200:
            raise RuntimeError(f"the hello-world view was answered {status}")
        hellos.append(seconds)
    return verifications, hellos


def row(label: str, times: list[float], extra: str = "") -> str:
    return (
        f"{label:<30}{len(times):>6}{1000 * statistics.median(times):>9.1f}{1000 * percentile(times, 0.9):>9.1f}"
        f"{1000 * percentile(times, 0.99):>9.1f}{1000 * max(times):>9.1f}{extra}"
    )


def main() -> int:
    data_dir = tempfile.mkdtemp(prefix="laurel-bench-abuse-")
    port = free_port()
    cache = f"redis://127.0.0.1:6379/{REDIS_DB}" if redis_answers() else ""
    env = {
        **os.environ,
        "LAUREL_DEBUG": "0",
        "LAUREL_SECURE": "0",
        "LAUREL_SECRET_KEY": "bench-" + "x" * 60,
        "LAUREL_DATA_DIR": data_dir,
        "LAUREL_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LAUREL_REQUIRE_2FA": "0",
        "LAUREL_CACHE_URL": cache,
        "PYTHONPATH": str(ROOT),
    }
    server = None
    loads = []
    try:
        print(f"seeding demo data in {data_dir} ...", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        manage(env, "seed_demo")
        printed = manage(
            env, "shell", "-c",
            "import json; from laurel.certificates.models import Certificate;"
            "print('CREDENTIAL', json.dumps(Certificate.objects.filter(status='valid').order_by('pk').first().credential))",
        )  # fmt: skip
        credential = json.loads(printed.split("CREDENTIAL ", 1)[1])
        server_log = open(Path(data_dir) / "server.log", "wb")  # noqa: SIM115 (closed with the data directory)
        server = subprocess.Popen(
            [GUNICORN, "bench.bare_hello_wsgi:application", "-w", str(WORKERS), "-k", "sync", "--timeout", "120",
             "-b", f"127.0.0.1:{port}", "--log-level", "error"],
            cwd=ROOT, env=env, start_new_session=True, stdout=server_log, stderr=server_log,
        )  # fmt: skip
        genuine = post_bytes(port, json.dumps({"verifiableCredential": credential}, ensure_ascii=False).encode())
        hello = get_bytes(port, HELLO)
        deadline = time.monotonic() + 30
        while send(port, genuine)[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the server did not verify the genuine credential")
            time.sleep(0.3)
        poisons = [
            (
                name,
                post_bytes(port, json.dumps({"verifiableCredential": make(credential)}, ensure_ascii=False).encode()),
            )
            for name, make in POISONS.items()
        ]
        requests = [("genuine (control)", genuine)] if CONTROL else poisons

        # Warm every worker (each keeps its own processed JSON-LD contexts): concurrent requests reach all of them.
        def warm() -> None:
            for _ in range(10):
                for _name, request in [("genuine", genuine), *poisons]:
                    send(port, request)
                send(port, hello)

        warmers = [threading.Thread(target=warm) for _ in range(WORKERS)]
        for thread in warmers:
            thread.start()
        for thread in warmers:
            thread.join()

        costs = {"genuine": cost_per_request(port, server.pid, genuine)}
        costs["hello world (bare)"] = cost_per_request(port, server.pid, hello)
        for name, request in poisons:
            costs[name] = cost_per_request(port, server.pid, request)

        processes = multiprocessing.get_context("spawn")
        active, stop, queue = processes.Event(), processes.Event(), processes.Queue()
        clients = [
            processes.Process(target=poisoner, args=(port, requests, offset, active, stop, queue))
            for offset in range(POISONERS)
        ]
        for client in clients:
            client.start()
        idle, poisoned, idle_hello, poisoned_hello = [], [], [], []
        poisoned_seconds = 0.0
        try:
            active.set()  # one second of poison to warm up, not measured
            time.sleep(1)
            active.clear()
            time.sleep(0.5)
            for _round in range(ROUNDS):
                load = os.getloadavg()[0]
                verifications, hellos = measured_run(port, genuine, hello, REQUESTS // ROUNDS)
                idle += verifications
                idle_hello += hellos
                active.set()
                started = time.monotonic()
                time.sleep(0.5)
                verifications, hellos = measured_run(port, genuine, hello, REQUESTS // ROUNDS)
                active.clear()
                poisoned_seconds += time.monotonic() - started
                poisoned += verifications
                poisoned_hello += hellos
                time.sleep(0.5)  # the poisoned requests still in flight are answered
                loads.append((load, os.getloadavg()[0]))
        finally:
            stop.set()
            answers = [answer for _client in clients for answer in queue.get(timeout=120)]
            for client in clients:
                client.join()
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if server is not None and server.returncode not in (0, -signal.SIGTERM):
            print((Path(data_dir) / "server.log").read_text(errors="replace")[-3000:])
        if cache:
            subprocess.run([PYTHON, "-c", f"import redis; redis.Redis(db={REDIS_DB}).flushdb()"], cwd=ROOT, check=False)
        shutil.rmtree(data_dir, ignore_errors=True)

    print(
        f"gunicorn -w {WORKERS} (sync: 2 x {CORES} cores + 1 unless LAUREL_BENCH_WORKERS; timeout 120 s), {PATH},"
        f" cache and rate limits: {'Redis' if cache else 'database'}; {POISONERS} client processes"
        f" {'sending the genuine credential (control)' if CONTROL else 'poisoning'}, sharing the {CORES} cores"
    )
    print("load average (1 min) at the start and end of each round: " + ", ".join(f"{a:.1f}-{b:.1f}" for a, b in loads))
    print(f"{'server CPU per request':<30}{'ms':>9}  (one at a time, idle; answers)")
    for name, (seconds, statuses) in costs.items():
        print(f"{name:<30}{1000 * seconds:>9.2f}  {sorted(statuses)}")
    print(f"{'latency, ms':<30}{'n':>6}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}")
    print(row("genuine, idle", idle))
    print(row(f"genuine, under {POISONERS} clients", poisoned))
    print(row("hello world (bare), idle", idle_hello))
    print(row(f"hello world (bare), under {POISONERS}", poisoned_hello))
    worst, wrong = 0.0, 0
    expected = 200 if CONTROL else 400
    for name in dict.fromkeys(kind for kind, _request in requests):
        times = [seconds for kind, _status, seconds in answers if kind == name]
        if not times:
            continue
        statuses = sorted({status for kind, status, _seconds in answers if kind == name})
        wrong += sum(1 for kind, status, _seconds in answers if kind == name and status != expected)
        worst = max(worst, max(times))
        print(row(name, times, f"  {len(times) / poisoned_seconds:5.0f}/s {statuses}"))
    ratio = percentile(poisoned, 0.99) / percentile(idle, 0.99)
    hello_ratio = percentile(poisoned_hello, 0.99) / percentile(idle_hello, 0.99)
    ratio_met = ratio <= RATIO_TARGET
    latency_met = worst <= LATENCY_TARGET and wrong == 0
    print(f"hello world (bare) p99 under load / idle: {hello_ratio:.2f} (the machine's own contention, for reference)")
    print(
        f"genuine p99 under load / idle p99: {ratio:.2f} (target <= {RATIO_TARGET}): {'met' if ratio_met else 'NOT met'}"
    )
    print(
        f"slowest client request: {1000 * worst:.0f} ms, {wrong} not answered {expected}"
        f" (target <= {1000 * LATENCY_TARGET:.0f} ms, all {expected}): {'met' if latency_met else 'NOT met'}"
    )
    return 0 if ratio_met and latency_met else 1


if __name__ == "__main__":
    sys.exit(main())

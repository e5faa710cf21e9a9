"""Benchmark the public vote: accepted votes per second through Laurel (gunicorn, 4 sync workers, production
settings), beside a bare vote view of the same run (bench/votes_wsgi.py: no middleware, no session, no rule: one
row and the tally in one transaction), on SQLite and on PostgreSQL + Redis.

Run: .venv/bin/python bench/votes.py [sqlite|postgresql ...]   (both by default)
PostgreSQL: database laurel_bench_votes on 127.0.0.1 (LAUREL_BENCH_PG_URL to change; dropped and created again),
Redis db LAUREL_BENCH_REDIS_DB (default 4) on 127.0.0.1, flushed. SQLite: a temporary directory, deleted after.

2,000 voters with verified emails, each signed in (a session row) with a CSRF cookie, sending real HTMX vote POSTs
from 127.0.0.1 through one trusted proxy hop (X-Forwarded-For): 1,960 voters on an address of their own try 3
candidates (accepted), a 4th (over the daily cap of 3) and their first again (the per-candidate limit), the 40
voters of a school share one address and try 3 candidates each (120 tries against the address limit of 60). The
school's tries go first (so that all fall in the limit's 10-minute window however slow the machine), then the others',
shuffled, from 16 connections at once, so that the same voter's tries race. Exact outcome: 5,940 accepted. Checked
against the database: accepted answers = vote rows = the tallies (0 lost), no voter with two votes for a candidate
or more than 3 candidates (0 double), the school's address exactly 60. Prints votes/s, the bare vote's rows/s, their
ratio, p50/p99, each worker's peak RSS and the load average. Exits 1 when a rule did not hold (a lost or double
vote, an inexact limit, an error), not for the speed, which depends on the machine's load.
"""

import http.client
import multiprocessing
import os
import random
import secrets
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
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PG_URL = os.environ.get("LAUREL_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/laurel_bench_votes")
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('LAUREL_BENCH_REDIS_DB', '4')}"
VOTERS = 2000
SCHOOL = 40  # voters sharing one address
CANDIDATES = 10
PER_DAY = 3
CONNECTIONS = 16
CLIENT_PROCESSES = 2
ADDRESS_LIMIT = 60
EXPECTED = (VOTERS - SCHOOL) * PER_DAY + ADDRESS_LIMIT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(store: str, data_dir: str) -> dict:
    env = {
        **os.environ,
        "LAUREL_DEBUG": "0",
        "LAUREL_SECURE": "0",
        "LAUREL_SECRET_KEY": "bench-votes-" + "x" * 60,
        "LAUREL_DATA_DIR": data_dir,
        "LAUREL_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LAUREL_REQUIRE_2FA": "0",
        "LAUREL_TRUSTED_PROXIES": "1",
        "LAUREL_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "laurel.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("LAUREL_DATABASE_URL", None)
    env.pop("LAUREL_CACHE_URL", None)
    if store == "postgresql":
        env["LAUREL_DATABASE_URL"] = PG_URL
        env["LAUREL_CACHE_URL"] = REDIS_URL
    return env


SETUP = r"""
import datetime, json, secrets, sys
import django
django.setup()
from allauth.account.models import EmailAddress
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from laurel.honors.models import Stage
from laurel.people.models import User
from tests.factories.honors import vote_campaign

call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
voters, candidates = int(sys.argv[1]), int(sys.argv[2])
fields = {"candidates_per_day": 3, "votes_per_candidate_per_day": 1}
campaign, nominations = vote_campaign(candidates=candidates, **fields)
bare_campaign, bare_nominations = vote_campaign(candidates=candidates, **fields)
users = User.objects.bulk_create(
    [User(email=f"voter{index}@example.org", full_name=f"Voter {index}", password="!") for index in range(voters)]
)
users = list(User.objects.filter(email__startswith="voter").order_by("pk"))
EmailAddress.objects.bulk_create(
    [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users]
)
store = SessionStore()
expires = timezone.now() + datetime.timedelta(days=1)
sessions, out = [], []
for user in users:
    key = secrets.token_hex(16)
    data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash()}
    sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
    out.append([user.pk, key])
Session.objects.bulk_create(sessions)
print(json.dumps({
    "campaign": campaign.code, "nominations": [n.code for n in nominations],
    "bare": [n.pk for n in bare_nominations], "voters": out,
}))
"""

CHECK = r"""
import json, sys
import django
django.setup()
from django.db.models import Count, Sum
from laurel.honors.models import Campaign, Nomination, Vote
from laurel.honors.votes import address_hash
campaign = Campaign.objects.get(code=sys.argv[1])
votes = Vote.objects.filter(campaign=campaign)
bare = Vote.objects.filter(address_hash="bare")
print(json.dumps({
    "rows": votes.count(),
    "tally": Nomination.objects.filter(campaign=campaign).aggregate(total=Sum("public_votes"))["total"],
    "double": votes.values("voter", "nomination").annotate(n=Count("pk")).filter(n__gt=1).count(),
    "over_cap": votes.values("voter").annotate(n=Count("nomination", distinct=True)).filter(n__gt=3).count(),
    "school": votes.filter(address_hash=address_hash(sys.argv[2])).count(),
    "bare_rows": bare.count(),
    "bare_tally": Nomination.objects.exclude(campaign=campaign).aggregate(total=Sum("public_votes"))["total"],
}))
"""


def django_script(env: dict, script: str, *arguments: str) -> dict:
    import json

    result = subprocess.run(
        [sys.executable, "-c", script, *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def plan(data: dict) -> tuple[list, list]:
    """Laurel's tries and the bare tries, each (path, headers-or-None, address), shuffled."""
    codes = data["nominations"]
    tries, bare = [], []
    for index, (user_pk, session) in enumerate(data["voters"]):
        token = secrets.token_hex(16)
        headers = {
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "X-CSRFToken": token,
            "HX-Request": "true",
            "Accept-Language": "en",
        }
        school = index < SCHOOL
        address = "192.0.2.77" if school else f"10.{index // 250}.{index % 250}.7"
        picks = [(index + offset) % CANDIDATES for offset in range(PER_DAY + 1)]
        chosen = picks[:PER_DAY] if school else [*picks, picks[0]]  # a 4th candidate, the first again
        path = f"/campaigns/{data['campaign']}/vote/candidates/"
        tries += [(f"{path}{codes[pick]}/", {**headers, "X-Forwarded-For": address}) for pick in chosen]
        bare += [(f"/bench/vote/{user_pk}/{data['bare'][pick]}/", {}) for pick in [*picks[:PER_DAY], *picks[:2]]]
    # The school's tries first, shuffled among themselves (a burst against the address limit inside its 10-minute
    # window however slow the machine), then everyone else's.
    school_tries = tries[: SCHOOL * PER_DAY]
    others = tries[SCHOOL * PER_DAY :]
    random.Random(6).shuffle(school_tries)
    random.Random(7).shuffle(others)
    random.Random(8).shuffle(bare)
    return school_tries + others, bare


def send(port: int, path: str, headers: dict) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", path, body=b"", headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, body, time.perf_counter() - started


def client(arguments) -> dict:
    port, tries, threads = arguments
    position = iter(range(len(tries)))
    lock = threading.Lock()
    outcome = {"accepted": 0, "refused": 0, "errors": [], "latencies": []}

    def work():
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                return
            path, headers = tries[index]
            try:
                status, body, seconds = send(port, path, headers)
            except OSError as error:
                with lock:
                    outcome["errors"].append(repr(error))
                continue
            with lock:
                outcome["latencies"].append(seconds)
                if status != 200:
                    outcome["errors"].append(f"{status} {path}")
                elif b"message-success" in body or body == b"recorded":
                    outcome["accepted"] += 1
                else:
                    outcome["refused"] += 1

    workers = [threading.Thread(target=work) for _index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcome


def load(port: int, tries: list) -> dict:
    slices = [tries[index::CLIENT_PROCESSES] for index in range(CLIENT_PROCESSES)]
    with multiprocessing.get_context("fork").Pool(CLIENT_PROCESSES) as pool:
        started = time.perf_counter()
        outcomes = pool.map(client, [(port, part, CONNECTIONS // CLIENT_PROCESSES) for part in slices])
        elapsed = time.perf_counter() - started
    latencies = sorted(latency for outcome in outcomes for latency in outcome["latencies"])
    return {
        "seconds": elapsed,
        "accepted": sum(outcome["accepted"] for outcome in outcomes),
        "refused": sum(outcome["refused"] for outcome in outcomes),
        "errors": [error for outcome in outcomes for error in outcome["errors"]],
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
    }


def peak_rss(server: subprocess.Popen) -> list[float]:
    """Each gunicorn worker's peak resident memory (VmHWM), in MB."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return sorted(peaks)


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/hello/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not answer")


def run(store: str) -> bool:
    data_dir = tempfile.mkdtemp(prefix="laurel-bench-votes-")
    env = environment(store, data_dir)
    if store == "postgresql":
        import redis

        name = PG_URL.rsplit("/", 1)[1]
        try:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
            redis.Redis.from_url(REDIS_URL).flushdb()
        except (OSError, subprocess.CalledProcessError, redis.ConnectionError) as error:
            print(f"\nPostgreSQL + Redis: skipped ({error})")
            return True
    port = free_port()
    server = None
    server_log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 (closed in finally)
    try:
        data = django_script(env, SETUP, str(VOTERS), str(CANDIDATES))
        tries, bare = plan(data)
        server = subprocess.Popen(
            [GUNICORN, "-c", "python:laurel.gunicorn_conf", "bench.votes_wsgi:application", "-w", "4",
             "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True, stderr=server_log, stdout=server_log,
        )  # fmt: skip
        wait_until_up(port)
        for _index in range(8):  # each worker's first request (templates, connections) is not what we measure
            send(port, "/", {})
            send(port, f"/campaigns/{data['campaign']}/vote/", {"Cookie": f"sessionid={data['voters'][-1][1]}"})
        laurel = load(port, tries)
        reference = load(port, bare)
        peaks = peak_rss(server)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        server_log.close()
    check = django_script(env, CHECK, data["campaign"], "192.0.2.77")
    log = (Path(data_dir) / "server.log").read_text(errors="replace").splitlines()
    server_errors = [line[:300] for line in log if '"level": "INFO"' not in line][-5:]
    shutil.rmtree(data_dir, ignore_errors=True)
    if store == "postgresql":
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_URL.rsplit("/", 1)[1]])

    rate = laurel["accepted"] / laurel["seconds"]
    bare_rate = reference["accepted"] / reference["seconds"]
    lost = max(laurel["accepted"] - check["rows"], 0) + abs(check["rows"] - (check["tally"] or 0))
    extra = max(check["rows"] - laurel["accepted"], 0)  # rows no answer announced
    exact = laurel["accepted"] == EXPECTED and check["school"] == ADDRESS_LIMIT and not check["over_cap"]
    bare_lost = abs(reference["accepted"] - check["bare_rows"]) + abs(check["bare_rows"] - (check["bare_tally"] or 0))
    label = "SQLite (database limits)" if store == "sqlite" else "PostgreSQL + Redis"
    print(f"\n{label}: {len(tries)} tries by {VOTERS} voters, {CONNECTIONS} connections, gunicorn -w 4 sync")
    print(
        f"  Laurel: {rate:7.0f} accepted votes/s ({len(tries) / laurel['seconds']:.0f} tries/s), "
        f"p50 {laurel['p50']:.1f} ms, p99 {laurel['p99']:.1f} ms; accepted {laurel['accepted']} (exact: {EXPECTED}), "
        f"refused {laurel['refused']}, errors {len(laurel['errors'])}"
    )
    print(
        f"          lost {lost}, unannounced {extra}, double {check['double']}, over the daily cap "
        f"{check['over_cap']}, the school's address {check['school']} (limit {ADDRESS_LIMIT})"
    )
    print(
        f"  bare vote: {bare_rate:7.0f} rows/s, p50 {reference['p50']:.1f} ms, p99 {reference['p99']:.1f} ms; "
        f"accepted {reference['accepted']}, lost {bare_lost}, errors {len(reference['errors'])}"
    )
    print(f"  Laurel / bare: {rate / bare_rate:.2f}; workers' peak RSS: {', '.join(f'{p:.0f}' for p in peaks)} MB")
    if laurel["errors"]:
        print("  first errors:", laurel["errors"][:3], *server_errors, sep="\n    ")
    correct = not lost and not extra and not check["double"] and exact and not laurel["errors"]
    print("  0 lost, 0 double, limits exact:", "yes" if correct else "NO")
    print("  target >= 500 accepted votes/s:", "met" if rate >= 500 else "NOT met", "(depends on the machine's load)")
    return correct


def main() -> int:
    stores = sys.argv[1:] or ["sqlite", "postgresql"]
    print(f"load average before: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    results = [run(store) for store in stores]
    print(f"\nload average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

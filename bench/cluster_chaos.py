"""Benchmark and chaos test of the production topology (`make cluster`): throughput side by side, then breaking it.

Run: `make chaos` (installs what it needs) or .venv/bin/python bench/cluster_chaos.py [--quick] [--keep]. Bounded:
votes stop at a cap (240 s, --quick 100 s) and the batch is awaited at most 240 s (120 s) more. On a shared 2-core
machine at load average 15-22 a full run took 15 minutes, 5.5 of them starting the cluster and loading the demo.

It starts `make cluster` on a database of its own (`laurel_cluster_chaos`, dropped before and after; --keep keeps
it), with the app processes serving Laurel plus a bare hello-world view (bench/bare_hello_wsgi.py), the scheduler's daily
jobs every 20 s and a worker counted dead after 12 s of silence. It always stops the cluster it started. It refuses
to start when a cluster runs already or its ports are taken. Everything is on 127.0.0.1.

1. Throughput through Caddy (wrk): hello world and the front page with two app processes, then with one (the other
   stopped through supervisord); votes/s on PostgreSQL from distinct accounts, with the hello world of the same
   client. Figures are ratios to the hello world of the same run: the load generator shares the machine's cores.
2. Chaos: public pages, votes from 2,000 distinct accounts (and refused ones: a second vote for the same candidate,
   unconfirmed accounts, one address over its limit), certificate verifications and a 1,000-certificate batch at
   once. Midway one app process (gunicorn and its workers) and the worker running the batch are killed with
   SIGKILL; supervisord restarts them. Later Redis is restarted, and an article is edited.
3. Checks (the exit status is 1 when one fails): every accepted vote is in the database exactly once and in the
   tally, every refused one was refused with a reason and left nothing, votes whose answer was lost are counted;
   every batch entry has exactly one certificate; 5xx answers and lost answers only for requests in flight at a
   kill or the Redis restart; both app processes show the edited article within 5 s; each scheduled job was
   enqueued on time and run by a worker soon after.
"""

import argparse
import http.client
import os
import queue
import random
import re
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

DATABASE = "laurel_cluster_chaos"
# Daily jobs every 20 s so that each runs several times during the bench; the two periodic ones faster too.
SCHEDULE = {
    "requeue_stuck_tasks": 5,
    "flush_view_counts": 10,
    "send_talk_reminders": 20,
    "expire_talk_requests": 20,
    "refresh_status_list": 20,
}
DEAD_AFTER = 12  # seconds: a killed worker's task goes back to the queue this long after its last heartbeat
ADDRESSES = [f"127.0.1.{number}" for number in range(1, 101)]  # the voters' networks: 127.0.0.0/8 is all loopback
STUFFER = "127.0.2.1"  # one address that sends more votes than its limit allows (60 in 10 minutes)
STUFFED_VOTES = 130  # over two windows if Redis restarts in between (its counts go): one still passes 60
EDIT_DEADLINE = 5.0
WRK = shutil.which("wrk") or "/usr/bin/wrk"


def now() -> float:
    return time.monotonic()


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# The cluster


def cluster_env() -> None:
    os.environ.pop("LAUREL_DEBUG", None)  # `make bench` sets it; the cluster runs as in production
    os.environ.update(
        {
            "CLUSTER_DATABASE": DATABASE,
            "CLUSTER_APP_MODULE": "bench.bare_hello_wsgi:application",
            "CLUSTER_SCHEDULE_EVERY": ",".join(f"{name}={seconds}" for name, seconds in SCHEDULE.items()),
            "CLUSTER_WORKER_DEAD_AFTER": str(DEAD_AFTER),
        }
    )


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True)


def supervisorctl(*arguments: str) -> str:
    import cluster

    return cluster.supervisorctl(*arguments, check=False).stdout.strip()


def program_pid(name: str) -> int:
    return int(supervisorctl("pid", name))


def wait_port(port: int, timeout: float = 60) -> float:
    deadline = now() + timeout
    while now() < deadline:
        with socket.socket() as probe:
            probe.settimeout(1)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return now()
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def wait_http(port: int, path: str = "/healthz", timeout: float = 90) -> None:
    deadline = now() + timeout
    while now() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"127.0.0.1:{port}{path} did not answer 200 within {timeout:.0f} s")


# An HTTP client that records every request's interval and outcome


TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE  # Caddy's internal CA; the bench checks the topology, not the certificate


@dataclass
class Outcome:
    kind: str  # "page", "verify", "vote", "hello"
    started: float
    ended: float
    status: int | None  # None: no answer (connection lost)
    detail: str = ""


@dataclass
class Log:
    outcomes: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


class Client:
    """One keep-alive HTTPS connection to Caddy from a chosen loopback address."""

    def __init__(self, source: str = "127.0.0.1", port: int = 8443, tls: bool = True):
        self.source, self.port, self.tls = source, port, tls
        self.connection = None

    def request(self, method: str, path: str, headers: dict | None = None, body: str = ""):
        if self.connection is None:
            if self.tls:
                self.connection = http.client.HTTPSConnection(
                    "127.0.0.1", self.port, context=TLS, timeout=60, source_address=(self.source, 0)
                )
            else:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=30, source_address=(self.source, 0)
                )
        try:
            self.connection.request(method, path, body=body or None, headers=headers or {})
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, text
        except (OSError, http.client.HTTPException):
            self.close()
            return None, ""

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None


BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) laurel-cluster-chaos", "Accept-Language": "zh-hans"}
# Asking one app process directly, as the proxy does (else Laurel redirects to HTTPS).
DIRECT = {**BROWSER, "Host": "127.0.0.1", "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
MESSAGE = re.compile(r'class="message message-(success|error)"[^>]*>([^<]*)<')


@dataclass
class VoteJob:
    account: int
    session: str
    candidate: str
    source: str
    expect: str  # "accept", "duplicate", "unverified", "limit" (the last may be either: the limit decides)
    result: str = ""  # "accepted", "refused", "lost" (5xx or no answer), "unexpected"
    reason: str = ""
    outcome: Outcome | None = None


def cast(client: Client, job: VoteJob, campaign: str, site: str, log: Log) -> None:
    csrf = "chaos" + "x" * 27  # a 32-character CSRF secret of the client's choosing, as Django allows
    headers = {
        **BROWSER,
        "Cookie": f"sessionid={job.session}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "HX-Request": "true",
        "Origin": site,
        "Referer": f"{site}/campaigns/{campaign}/vote/",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    started = now()
    status, text = client.request("POST", f"/campaigns/{campaign}/vote/candidates/{job.candidate}/", headers)
    outcome = Outcome("vote", started, now(), status)
    match = MESSAGE.search(text) if status == 200 else None
    if status is None or status >= 500:
        job.result = "lost"
    elif match and match.group(1) == "success":
        job.result = "accepted"
    elif match and match.group(2).strip():
        job.result, job.reason = "refused", match.group(2).strip()
    else:
        job.result, job.reason = "unexpected", f"HTTP {status}: {text[:200]!r}"
    outcome.detail = job.result
    job.outcome = outcome
    log.add(outcome)


def run_votes(jobs: list[VoteJob], campaign: str, site: str, log: Log, threads: int, stop_at: float) -> None:
    """Each thread takes one address's votes at a time, over one keep-alive connection from that address."""
    groups: dict[tuple, list[VoteJob]] = {}
    per_source: dict[str, int] = {}
    for job in jobs:  # an address's votes in runs of 25, so that the stuffer's are sent by three threads at once
        index = per_source[job.source] = per_source.get(job.source, -1) + 1
        groups.setdefault((job.source, index // 25), []).append(job)
    work = queue.Queue()
    for group in sorted(groups.values(), key=lambda group: group[0].account):
        work.put(group)

    def voter():
        while now() < stop_at:
            try:
                group = work.get_nowait()
            except queue.Empty:
                return
            client = Client(group[0].source)
            for job in group:
                if now() >= stop_at:
                    break
                cast(client, job, campaign, site, log)
            client.close()

    workers = [threading.Thread(target=voter, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def browse(paths: list[tuple[str, str, int]], log: Log, stop: threading.Event, source: str) -> None:
    """GET the given (kind, path, expected status) round and round until stopped."""
    client = Client(source)
    rng = random.Random(source)
    while not stop.is_set():
        kind, path, expected = rng.choice(paths)
        started = now()
        status, _text = client.request("GET", path, BROWSER)
        log.add(Outcome(kind, started, now(), status, "ok" if status == expected else f"expected {expected}"))
    client.close()


def wrk(url: str, seconds: int) -> dict:
    output = subprocess.run(
        [WRK, "-t2", "-c16", f"-d{seconds}s", "-H", f"User-Agent: {BROWSER['User-Agent']}", url],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def python_hello(site: str, requests: int, threads: int) -> float:
    """Hello world through the same Python client and thread count as the votes: the votes' own reference."""
    counter = iter(range(requests))
    lock = threading.Lock()
    failures = []

    def run(source):
        client = Client(source)
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            status, _ = client.request("GET", "/bench/hello/", BROWSER)
            if status != 200:
                failures.append(status)
        client.close()

    started = now()
    workers = [threading.Thread(target=run, args=(ADDRESSES[i],), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if failures:
        raise RuntimeError(f"hello world failed {len(failures)} times: {failures[:5]}")
    return requests / (now() - started)


# The database side (the bench process is a Django client of the cluster's database, with the cluster's settings)


def django_setup() -> None:
    import cluster
    import django

    os.environ.update({key: value for key, value in cluster.laurel_env().items() if value != ""})
    os.environ["DJANGO_SETTINGS_MODULE"] = "laurel.settings"
    django.setup()


def make_accounts(count: int, verified: int, prefix: str) -> list[tuple[int, str]]:
    """`count` accounts (the first `verified` with a confirmed email), each signed in: (user pk, session key)."""
    import datetime

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from laurel.people.models import User

    password = make_password(None)  # unusable; these accounts are signed in by the sessions below
    users = User.objects.bulk_create(
        [User(email=f"{prefix}{number:05d}@example.invalid", password=password) for number in range(count)]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users[:verified]]
    )
    store = SessionStore()
    expires = timezone.now() + datetime.timedelta(hours=2)
    sessions = []
    for user in users:
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
    Session.objects.bulk_create(sessions)
    return [(user.pk, session.session_key) for user, session in zip(users, sessions, strict=True)]


def prepare(batch_size: int) -> dict:
    from laurel.certificates.models import Certificate, CertificateTemplate
    from laurel.honors import votes
    from laurel.honors.models import Campaign, Stage
    from laurel.news.models import Article
    from laurel.people.models import Organization, Person, User

    campaign = Campaign.objects.filter(public_vote=True, stage=Stage.PUBLIC_VOTE).order_by("pk").first()
    if campaign is None or votes.state(campaign) != votes.State.OPEN:
        raise RuntimeError("the demo has no campaign in an open public vote")
    unit = Organization.objects.order_by("code").first()
    stamp = int(time.time())
    people = Person.objects.bulk_create(
        [
            Person(name=f"混沌测试{number:04d}", gender=Person.Gender.FEMALE, organization=unit)
            for number in range(batch_size)
        ]
    )
    articles = list(Article.objects.published().filter(language="zh-hans").order_by("-release_at")[:6])
    return {
        "campaign": campaign.code,
        "campaign_pk": campaign.pk,
        "candidates": list(votes.candidates(campaign).values_list("code", flat=True)),
        "template": CertificateTemplate.objects.order_by("pk").first().pk,
        "staff": User.objects.filter(is_superuser=True).order_by("pk").first().pk,
        "people": [person.pk for person in people],
        "batch_key": f"chaos-{stamp}",
        "articles": [article.get_absolute_url() for article in articles],
        "article_pk": articles[0].pk,
        "tokens": list(Certificate.objects.order_by("pk").values_list("token", flat=True)[:40]),
    }


def start_batch(setup: dict) -> int:
    from laurel.certificates import services
    from laurel.certificates.models import CertificateTemplate
    from laurel.people.models import Person, User

    people = Person.objects.filter(pk__in=setup["people"]).order_by("pk")
    batch = services.start_batch(
        template=CertificateTemplate.objects.get(pk=setup["template"]),
        recipients=[services.Recipient(person=person, title="云州市科普志愿者") for person in people],
        batch_key=setup["batch_key"],
        title="Cluster chaos batch",
        actor=User.objects.get(pk=setup["staff"]),
    )
    return batch.pk


def batch_state(batch_pk: int) -> tuple[str, int, int]:
    from laurel.certificates.models import IssuanceBatch

    batch = IssuanceBatch.objects.get(pk=batch_pk)
    return batch.status, batch.done, batch.total


def batch_worker_pid(batch_pk: int) -> int | None:
    """The pid of the worker running the batch's task, from its claim and its heartbeat."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from laurel.core.models import WorkerHeartbeat

    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, task_path__endswith="issue_batch"):
        if result.args_kwargs.get("args") == [batch_pk] and result.worker_ids:
            beat = WorkerHeartbeat.objects.filter(worker_id=result.worker_ids[-1]).first()
            return beat.pid if beat else None
    return None


def edit_article(article_pk: int, staff_pk: int, title: str) -> None:
    from laurel.news import services
    from laurel.news.models import Article
    from laurel.people.models import User

    services.save_article(
        Article.objects.get(pk=article_pk), actor=User.objects.get(pk=staff_pk), data={"title": title}
    )


# The run


def throughput(args, setup: dict, site: str, report: list[str]) -> dict:
    """wrk through Caddy: two app processes, then one (app2 stopped), then two again, so that a change of the
    machine's background load during the run shows as a difference between the two "two" rows."""
    seconds = 3 if args.quick else 8
    hello, page = site + "/bench/hello/", site + "/"
    for url in (hello, page):  # warm both app processes' workers
        for _ in range(30):
            Client().request("GET", url[len(site) :], BROWSER)
    rounds = []

    def measure(processes: int) -> None:
        figures = {"hello": wrk(hello, seconds), "page": wrk(page, seconds), "load": load_average()}
        rounds.append((processes, figures))

    measure(2)
    supervisorctl("stop", "app2")
    time.sleep(3)  # a refused connection takes app2 out of the balancer for 10 s at a time
    measure(1)
    supervisorctl("start", "app2")
    wait_http(8102)
    time.sleep(3)
    measure(2)
    report.append(f"Throughput through Caddy (wrk -t2 -c16 -d{seconds}s each, https://127.0.0.1:8443)")
    report.append(f"  {'':<30}{'req/s':>8}{'of hello':>10}{'errors':>8}  load average")
    for processes, figures in rounds:
        name = f"{processes} app process" + ("es" if processes > 1 else "")
        for label, key in (("hello world", "hello"), ("front page", "page")):
            result = figures[key]
            report.append(
                f"  {label + ', ' + name:<30}{result['rps']:>8.0f}{result['rps'] / figures['hello']['rps']:>10.0%}"
                f"{result['non_2xx'] + result['socket_errors']:>8}  {figures['load']}"
            )
    two = [figures for processes, figures in rounds if processes == 2]
    one = next(figures for processes, figures in rounds if processes == 1)
    for key, label in (("page", "front page"), ("hello", "hello world")):
        mean_two = statistics.mean(figures[key]["rps"] for figures in two)
        report.append(f"  {label}: two app processes (mean of both rounds) / one = x{mean_two / one[key]['rps']:.2f}")
    return {"hello 2": two[0]["hello"]}


def vote_burst(args, setup: dict, accounts, site: str, figures: dict, report: list[str]) -> dict:
    """Votes as fast as 16 client threads send them, one vote per account, then counted in the database."""
    from laurel.honors.models import Vote

    threads = 16
    count = 300 if args.quick else 1000
    candidates = setup["candidates"]
    jobs = [
        VoteJob(i, accounts[i][1], candidates[i % len(candidates)], ADDRESSES[i % len(ADDRESSES)], "accept")
        for i in range(count)
    ]
    hello = python_hello(site, count, threads)
    log = Log()
    started = now()
    run_votes(jobs, setup["campaign"], site, log, threads, now() + 300)
    elapsed = now() - started
    accepted = [job for job in jobs if job.result == "accepted"]
    voters = [accounts[i][0] for i in range(count)]
    rows = Vote.objects.filter(campaign_id=setup["campaign_pk"], voter_id__in=voters).count()
    lost = len(accepted) - rows
    rate = len(accepted) / elapsed
    others = {result: sum(job.result == result for job in jobs) for result in ("refused", "lost", "unexpected")}
    report.append(
        f"Votes on PostgreSQL ({count} accounts, one vote each, {threads} client threads over TLS; load "
        f"{load_average()})"
    )
    report.append(
        f"  {rate:.0f} votes/s accepted; hello world from the same client {hello:.0f} req/s "
        f"(votes {rate / hello:.0%} of it), with wrk {figures['hello 2']['rps']:.0f} req/s "
        f"(votes {rate / figures['hello 2']['rps']:.0%} of it)"
    )
    report.append(f"  accepted {len(accepted)}, rows {rows}, lost {lost}; other answers {others}")
    return {"accepted": len(accepted), "rows": rows, "lost": lost, "others": others, "rate": rate}


@dataclass
class Disruption:
    name: str
    started: float
    ended: float


def chaos(args, setup: dict, accounts, unverified, site: str, report: list[str], checks: list) -> None:
    import cluster

    from laurel.honors.models import Nomination, Vote

    duration = 25 if args.quick else 60
    candidates = setup["candidates"]
    log = Log()
    disruptions: list[Disruption] = []
    before = dict(Nomination.objects.filter(code__in=candidates).values_list("code", "public_votes"))
    # The votes: every account once for the candidate after its burst one; 5% of them twice; the unconfirmed
    # accounts; the first STUFFED_VOTES accounts from one address.
    jobs = []
    for i, (_pk, session) in enumerate(accounts):
        source = STUFFER if i < STUFFED_VOTES else ADDRESSES[i % len(ADDRESSES)]
        candidate = candidates[(i + 1) % len(candidates)]
        jobs.append(VoteJob(i, session, candidate, source, "limit" if source == STUFFER else "accept"))
        if i % 20 == 7:
            jobs.append(VoteJob(i, session, candidate, source, "duplicate"))
    for i, (_pk, session) in enumerate(unverified):
        jobs.append(VoteJob(len(accounts) + i, session, candidates[0], ADDRESSES[i % len(ADDRESSES)], "unverified"))
    pages = [("page", "/", 200), ("page", "/news/", 200), ("page", f"/campaigns/{setup['campaign']}/vote/", 200)]
    pages += [("page", url, 200) for url in setup["articles"]]
    verifications = [("verify", f"/verify/{token}/", 200) for token in setup["tokens"]]
    verifications += [("verify", f"/verify/{'bogus' + str(n) * 20}/", 404) for n in range(5)]

    stop = threading.Event()
    browsers = [
        threading.Thread(target=browse, args=(pages, log, stop, f"127.0.3.{n}"), daemon=True) for n in range(1, 4)
    ] + [threading.Thread(target=browse, args=(verifications, log, stop, f"127.0.4.{n}"), daemon=True) for n in (1, 2)]
    started = now()
    batch_pk = start_batch(setup)
    # The votes stop being sent at this cap even if some are left (a loaded machine), which the checks then say.
    cap = 100 if args.quick else 240
    vote_thread = threading.Thread(
        target=run_votes, args=(jobs, setup["campaign"], site, log, 8, started + cap), daemon=True
    )
    for thread in [*browsers, vote_thread]:
        thread.start()
    events = []

    def at(moment: float) -> None:
        while now() < started + moment:
            time.sleep(0.1)

    # Kill one app process (gunicorn's master and its workers: the whole process group) with SIGKILL.
    at(0.3 * duration)
    old_app = program_pid("app1")
    killed_at = now()
    os.killpg(os.getpgid(old_app), signal.SIGKILL)
    disruptions.append(Disruption("app1 killed", killed_at, killed_at))
    events.append(f"t={killed_at - started:5.1f}s  kill -9 app1 (gunicorn {old_app} and its workers)")
    # Kill the worker running the batch.
    worker_pid = None
    deadline = now() + 20
    while worker_pid is None and now() < deadline:
        worker_pid = batch_worker_pid(batch_pk)
        if worker_pid is None:
            time.sleep(0.2)
    status, done, total = batch_state(batch_pk)
    if worker_pid is None:
        checks.append(("the worker running the batch was found and killed", False, f"batch {status} {done}/{total}"))
    else:
        os.kill(worker_pid, signal.SIGKILL)
        worker_killed_at = now()
        events.append(
            f"t={worker_killed_at - started:5.1f}s  kill -9 worker {worker_pid} running the batch ({done}/{total} done)"
        )
    # Restart Redis (the cluster's own): stop, start; the window lasts until it answers again.
    at(0.65 * duration)
    redis_started = now()
    supervisorctl("restart", "redis")
    redis_back = wait_port(cluster.REDIS_PORT)
    disruptions.append(Disruption("Redis restart", redis_started, redis_back))
    events.append(f"t={redis_started - started:5.1f}s  Redis restarted (back after {redis_back - redis_started:.1f} s)")
    # Edit an article that both app processes have just served, then ask each directly until both show it.
    at(0.75 * duration)
    wait_http(8101)
    article = setup["articles"][0]
    for port in (8101, 8102):
        Client(tls=False, port=port).request("GET", article, DIRECT)
    title = f"集群一致性检查 {int(time.time())}"
    edit_article(setup["article_pk"], setup["staff"], title)
    edited_at = now()
    seen = {}

    def watch(port: int) -> None:
        """Ask one app process again and again (one request at a time) until it shows the new title."""
        client = Client(tls=False, port=port)
        while now() - edited_at < 30:
            status, text = client.request("GET", article, DIRECT)
            if status == 200 and title in text:
                seen[port] = now() - edited_at  # when the answer came: an upper bound
                return
            time.sleep(0.05)

    watchers = [threading.Thread(target=watch, args=(port,), daemon=True) for port in (8101, 8102)]
    for watcher in watchers:
        watcher.start()
    for watcher in watchers:
        watcher.join()
    slowest = max(seen.values()) if len(seen) == 2 else float("inf")
    events.append(
        f"t={edited_at - started:5.1f}s  article edited; shown by "
        + ", ".join(f"127.0.0.1:{port} after {seen[port]:.2f} s" for port in sorted(seen))
    )
    checks.append(
        (f"both app processes show the edited article within {EDIT_DEADLINE:.0f} s", slowest <= EDIT_DEADLINE,
         f"slowest {slowest:.2f} s")
    )  # fmt: skip
    # Until the votes are all sent (and at least the planned duration), then stop the readers.
    at(duration)
    vote_thread.join()
    stop.set()
    for thread in browsers:
        thread.join()
    load_ended = now()
    app_restarted = program_pid("app1") != old_app
    checks.append(("supervisord restarted app1", app_restarted, f"app1 pid {old_app} -> {program_pid('app1')}"))
    # The batch: the killed worker's task comes back (requeue_stuck_tasks) and finishes.
    deadline = now() + (120 if args.quick else 240)
    while now() < deadline and batch_state(batch_pk)[0] not in ("finished", "failed"):
        time.sleep(1)
    batch_done = now()
    status, done, total = batch_state(batch_pk)
    events.append(f"t={batch_done - started:5.1f}s  batch {status} ({done}/{total})")

    report.append(
        f"Chaos ({len(jobs)} vote requests, pages and verifications at once for {load_ended - started:.0f} s)"
    )
    report.extend("  " + event for event in events)
    outcomes = log.outcomes
    for kind in ("page", "verify", "vote"):
        mine = [o for o in outcomes if o.kind == kind]
        statuses = {}
        for outcome in mine:
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
        span = max(o.ended for o in mine) - min(o.started for o in mine)
        latencies = sorted(o.ended - o.started for o in mine)
        report.append(
            f"  {kind:<7}{len(mine):>6} requests, {len(mine) / span:6.1f}/s, p50 {statistics.median(latencies) * 1000:.0f} ms"
            f", p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms; answers "
            + ", ".join(f"{status or 'none'}: {count}" for status, count in sorted(statuses.items(), key=str))
        )
    # 5xx and lost answers only for requests in flight at a disruption.
    margin = 0.5  # the clock readings of two threads; a request ending within this of a kill was in flight

    def in_flight(outcome: Outcome) -> str | None:
        for disruption in disruptions:
            if outcome.started <= disruption.ended + margin and outcome.ended >= disruption.started - margin:
                return disruption.name
        return None

    failed = [o for o in outcomes if o.status is None or o.status >= 500]
    explained = {}
    unexplained = []
    for outcome in failed:
        name = in_flight(outcome)
        if name:
            explained[name] = explained.get(name, 0) + 1
        else:
            unexplained.append(outcome)
    report.append(
        f"  5xx or no answer: {len(failed)}, in flight at "
        + (", ".join(f"{name}: {count}" for name, count in explained.items()) or "-")
        + f"; outside any disruption: {len(unexplained)}"
    )
    for outcome in unexplained[:5]:
        report.append(f"    {outcome.kind} {outcome.status} at t={outcome.started - started:.1f}s {outcome.detail}")
    checks.append(("5xx and lost answers only for requests in flight at a kill or restart", not unexplained,
                   f"{len(unexplained)} outside"))  # fmt: skip
    wrong = [o for o in outcomes if o.kind != "vote" and o.status is not None and o.status < 500 and o.detail != "ok"]
    checks.append(("every page and verification answered as expected (200, 404 for unknown tokens)", not wrong,
                   f"{len(wrong)} otherwise" + (f", e.g. {wrong[0].status} {wrong[0].detail}" if wrong else "")))  # fmt: skip

    # Votes: the client's view against the rows and the tally.
    sent = [job for job in jobs if job.result]
    by_result = {result: [job for job in sent if job.result == result] for result in ("accepted", "refused", "lost")}
    unexpected = [job for job in sent if job.result == "unexpected"]
    session_pk = {session: pk for pk, session in [*accounts, *unverified]}
    rows = {}
    for voter, candidate in Vote.objects.filter(
        campaign_id=setup["campaign_pk"], voter_id__in=list(session_pk.values())
    ).values_list("voter_id", "nomination__code"):
        rows[(voter, candidate)] = rows.get((voter, candidate), 0) + 1
    accepted_pairs = {}
    for job in by_result["accepted"]:
        pair = (session_pk[job.session], job.candidate)
        accepted_pairs[pair] = accepted_pairs.get(pair, 0) + 1
    lost_pairs = {(session_pk[job.session], job.candidate) for job in by_result["lost"]}
    burst_pairs = {
        (accounts[i][0], candidates[i % len(candidates)]) for i in range(300 if args.quick else 1000)
    }  # counted in the burst
    missing = [pair for pair in accepted_pairs if rows.get(pair, 0) != 1]
    double = [pair for pair, count in accepted_pairs.items() if count > 1]
    phantom = [
        pair for pair in rows if pair not in accepted_pairs and pair not in lost_pairs and pair not in burst_pairs
    ]
    lost_counted = sum(1 for pair in lost_pairs if rows.get(pair) and pair not in accepted_pairs)
    refused_without_reason = [job for job in by_result["refused"] if not job.reason]
    reasons = {}
    for job in by_result["refused"]:
        reasons[job.reason] = reasons.get(job.reason, 0) + 1
    report.append(
        f"  votes: sent {len(sent)} of {len(jobs)}, accepted {len(by_result['accepted'])}, refused "
        f"{len(by_result['refused'])}, answer lost {len(by_result['lost'])} ({lost_counted} of those counted), "
        f"unexpected {len(unexpected)}"
    )
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        report.append(f"    refused {count:>4}: {reason}")
    report.append(
        f"  accepted votes missing from the database: {len(missing)}; accepted twice: {len(double)}; rows nobody was "
        f"told were accepted (and not lost in flight): {len(phantom)}"
    )
    checks.append(("every accepted vote is in the database exactly once (0 lost, 0 double)", not missing and not double,
                   f"{len(missing)} missing, {len(double)} double"))  # fmt: skip
    checks.append(("no refused vote was counted", not phantom, f"{len(phantom)} rows"))
    checks.append(("every refused vote was refused with a reason", not refused_without_reason and not unexpected,
                   f"{len(refused_without_reason)} without reason, {len(unexpected)} unexpected answers"))  # fmt: skip
    distinct = len({job.session for job in sent if job.expect != "unverified"})
    checks.append((f"votes from {len(accounts)} distinct accounts were sent (before the {cap} s cap)",
                   distinct == len(accounts), f"{distinct} accounts, {len(sent)}/{len(jobs)} requests"))  # fmt: skip
    # A second vote for the same candidate is refused once the first was accepted (the "exactly once" check above);
    # when the first one's answer was lost, the second may be the one counted.
    wrongly = [job for job in by_result["accepted"] if job.expect == "unverified"]
    checks.append(("unconfirmed accounts were refused", not wrongly, f"{len(wrongly)} accepted"))
    tally = dict(Nomination.objects.filter(code__in=candidates).values_list("code", "public_votes"))
    counted = {}
    for code in (
        Vote.objects.counted().filter(nomination__code__in=candidates).values_list("nomination__code", flat=True)
    ):
        counted[code] = counted.get(code, 0) + 1
    mismatched = {
        code: (tally[code], counted.get(code, 0)) for code in candidates if tally[code] != counted.get(code, 0)
    }
    grown = sum(tally.values()) - sum(before.values())
    report.append(
        f"  tally: grew by {grown} during the chaos; candidates whose tally differs from their rows: {mismatched or 0}"
    )
    checks.append(("the tally equals the counted rows for every candidate", not mismatched, str(mismatched)))

    # Certificates: one per batch entry, distinct numbers, nothing left in the queue (the scheduler stops first, so
    # that what it enqueued last can be run).
    supervisorctl("stop", "scheduler")
    drain(30)
    certificate_checks(setup, batch_pk, report, checks)
    scheduler_checks(started, report, checks)


def drain(timeout: float) -> None:
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    deadline = now() + timeout
    while now() < deadline:
        if not DBTaskResult.objects.filter(status__in=[TaskResultStatus.RUNNING, TaskResultStatus.READY]).exists():
            return
        time.sleep(0.5)


def certificate_checks(setup: dict, batch_pk: int, report: list[str], checks: list) -> None:
    from django.db.models import Count
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from laurel.certificates.models import BatchEntry, Certificate, IssuanceBatch

    batch = IssuanceBatch.objects.get(pk=batch_pk)
    entries = BatchEntry.objects.filter(batch=batch).count()
    certificates = Certificate.objects.filter(batch_key=setup["batch_key"])
    per_entry = certificates.values("batch_entry").annotate(n=Count("pk")).filter(n__gt=1).count()
    per_person = certificates.values("recipient").annotate(n=Count("pk")).filter(n__gt=1).count()
    without = BatchEntry.objects.filter(batch=batch, certificate=None).count()
    numbers = certificates.values("number").distinct().count()
    runs = DBTaskResult.objects.filter(task_path__endswith="issue_batch", args_kwargs__args=[batch_pk])
    statuses = sorted(runs.values_list("status", flat=True))
    report.append(
        f"  certificates: batch {batch.status}, {certificates.count()} issued for {entries} entries, "
        f"{without} entries without one, {per_entry} entries and {per_person} people with two, {numbers} distinct "
        f"numbers; issued by an earlier run {batch.issued_by_earlier_run}; its task: {statuses}"
    )
    ok = (
        batch.status == IssuanceBatch.Status.FINISHED
        and certificates.count() == entries
        and not without
        and not per_entry
        and not per_person
        and numbers == entries
    )
    checks.append(("every certificate of the batch issued exactly once", ok, f"{certificates.count()}/{entries}"))
    stuck = DBTaskResult.objects.filter(status__in=[TaskResultStatus.RUNNING, TaskResultStatus.READY]).count()
    checks.append(("no task lost or left behind in the queue", stuck == 0, f"{stuck} ready or running"))


def scheduler_checks(started_monotonic: float, report: list[str], checks: list) -> None:
    """The scheduler's records: each job's runs during the bench were enqueued `every` apart (give or take 2 s: the
    scheduler wakes every second), none missing; then each was run by a worker and succeeded. How long a run waited
    for a free worker is printed: it depends on the workers, not on the scheduler."""
    import datetime

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from laurel.core.scheduler import jobs

    since = timezone.now() - datetime.timedelta(seconds=now() - started_monotonic)
    late_total = failed_total = 0
    for job in jobs():
        if job.every is None:
            continue  # a daily job (`at=`): its hour does not fall in a bench run; tests/core/test_scheduler.py times it
        every = job.every.total_seconds()
        runs = list(
            DBTaskResult.objects.filter(task_path=job.task, enqueued_at__gte=since)
            .order_by("enqueued_at")
            .values_list("enqueued_at", "started_at", "status")
        )
        gaps = [(b[0] - a[0]).total_seconds() for a, b in zip(runs, runs[1:], strict=False)]
        late = [gap for gap in gaps if gap > every + 2]
        waits = sorted((started - enqueued).total_seconds() for enqueued, started, _ in runs if started)
        failed = [status for _, _, status in runs if status != "SUCCESSFUL"]
        expected = int((timezone.now() - since).total_seconds() // every) - 2  # the first and the one cut off
        late_total += len(late) + (len(runs) < expected)
        failed_total += len(failed)
        report.append(
            f"  scheduler: {job.name:<21} every {every:>3.0f} s: {len(runs):>3} runs (>= {expected} due), enqueued "
            f"{min(gaps, default=0):.1f}-{max(gaps, default=0):.1f} s apart; waited for a worker median "
            f"{statistics.median(waits) if waits else 0:.1f} s, max {max(waits, default=0):.1f} s; not successful "
            f"{len(failed)}"
        )
    checks.append(("the scheduler enqueued each job on time, none missed", late_total == 0,
                   f"{late_total} late or missing"))  # fmt: skip
    checks.append(("every scheduled run was run by a worker and succeeded", failed_total == 0,
                   f"{failed_total} not successful"))  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run of about two minutes")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE} afterwards")
    args = parser.parse_args()
    cluster_env()
    import cluster

    if cluster.running_pid():
        raise SystemExit("a cluster is running already (make cluster-stop first); the bench starts its own")
    busy = cluster.busy_ports()
    if busy:
        raise SystemExit(f"ports {busy} on 127.0.0.1 are taken; the bench needs them")
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: `make cluster` installs it (scripts/cluster-deps)")
    report: list[str] = []
    checks: list[tuple[str, bool, str]] = []
    began = now()
    psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    try:
        print(f"Starting the cluster on database {DATABASE} (load {load_average()}) ...", flush=True)
        subprocess.run(["make", "--no-print-directory", "cluster"], cwd=ROOT, check=True)
        report.append(f"make cluster (fresh database, demo loaded) ready after {now() - began:.0f} s")
        django_setup()
        count = 600 if args.quick else 2000
        batch_size = 200 if args.quick else 1000
        setup = prepare(batch_size)
        accounts = make_accounts(count, count, "chaos")
        unverified = make_accounts(20, 0, "unconfirmed")
        site = cluster.SITE
        print(f"Prepared {count} accounts, {batch_size} batch recipients; measuring throughput ...", flush=True)
        figures = throughput(args, setup, site, report)
        burst = vote_burst(args, setup, accounts, site, figures, report)
        checks.append(("votes/s measured with 0 lost", burst["lost"] == 0 and not burst["others"]["lost"],
                       f"{burst['lost']} lost"))  # fmt: skip
        print(f"Chaos ... (t={now() - began:.0f} s)", flush=True)
        chaos(args, setup, accounts, unverified, site, report, checks)
    finally:
        print("Stopping the cluster ...", flush=True)
        subprocess.run(["make", "--no-print-directory", "cluster-stop"], cwd=ROOT, check=False)
        if not args.keep:
            psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    print()
    print(f"bench/cluster_chaos.py{' --quick' if args.quick else ''}: {now() - began:.0f} s, load average {load_average()}"
          f", {os.cpu_count()} cores")  # fmt: skip
    print("\n".join(report))
    print()
    for name, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name} ({detail})")
    failed = [name for name, ok, _ in checks if not ok]
    print(f"\n{len(checks) - len(failed)} of {len(checks)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

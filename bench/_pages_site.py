"""The pages benchmark's data side (not a benchmark: `make bench` skips `bench/_*.py`), run inside the site's settings
by bench/pages.py:

    python bench/_pages_site.py grow FACTOR [--big-campaign]  # demo data -> FACTOR x (tests/pages.py), and a 2,000-nomination campaign
    python bench/_pages_site.py plan FILE     # JSON in FILE: every page kind, its path, its login cookie, queries

Queries are counted in this process with Django's test client against the same database the server reads, as
the page's persona (a session the bench creates and gives wrk as a cookie).
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from laurel.people.models import User  # noqa: E402
from tests.pages import add_big_campaign, grow, page_kinds  # noqa: E402


def plan(out: str) -> None:
    clients: dict[str, Client] = {}
    rows = []
    for row in page_kinds():
        persona = row["persona"]
        if persona and persona not in clients:
            client = Client()
            client.force_login(User.objects.get(email=persona))
            clients[persona] = client
        client = clients.get(persona) or Client()
        client.get(row["path"], headers={"user-agent": "Mozilla/5.0 warm"})  # per-process caches, as a warm worker
        with CaptureQueriesContext(connection) as queries:
            response = client.get(row["path"], headers={"user-agent": "Mozilla/5.0 counted"})
        count = len(queries)  # before the next request empties the connection's log
        timings = []
        for _ in range(int(os.environ.get("LAUREL_BENCH_TIMINGS", "5"))):
            started = time.perf_counter()
            client.get(row["path"], headers={"user-agent": "Mozilla/5.0 timed"})
            timings.append((time.perf_counter() - started) * 1000)
        cookie = f"sessionid={clients[persona].cookies['sessionid'].value}" if persona else ""
        rows.append(
            {
                **row,
                "status": response.status_code,
                "queries": count,
                "ms": statistics.median(timings) if timings else 0,
                "cookie": cookie,
            }
        )
    Path(out).write_text(json.dumps(rows))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "plan":
        plan(sys.argv[2])
    elif command == "grow":
        with transaction.atomic():
            grow(int(sys.argv[2]))
            if "--big-campaign" in sys.argv:
                add_big_campaign()
    else:
        raise SystemExit(f"unknown command {command}")

"""Benchmark: how long a comment post takes on SQLite while a certificate batch runs in a worker, against the
same post with nothing else running. A batch that renders its PDFs inside a write transaction keeps every other
writer waiting for the whole render (a comment once took 2.6 s instead of 12 ms); rendered outside, posts stay
close to their idle time.

Run: .venv/bin/python bench/write_lock.py
Uses a throw-away SQLite database and media directory, the database task queue and a real `manage.py db_worker
--batch` process; posts comments through the article page (Django's test client, a new address each time so the
flood limit never refuses one), idle first and then every 50 ms while the worker issues the batch. Bounded:
LAUREL_BENCH_CERTIFICATES certificates (default 40), at most 300 s. Prints the figures.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LAUREL_DEBUG", "1")
os.environ["LAUREL_DATA_DIR"] = tempfile.mkdtemp(prefix="laurel-bench-")
os.environ["LAUREL_MEDIA_ROOT"] = os.path.join(os.environ["LAUREL_DATA_DIR"], "media")
os.environ["LAUREL_TASKS_BACKEND"] = "database"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")

import django

django.setup()

ROOT = Path(__file__).resolve().parent.parent

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

COUNT = int(os.environ.get("LAUREL_BENCH_CERTIFICATES", "40"))
IDLE_POSTS = 30
DEADLINE_SECONDS = 300


def post(client: Client, article, number: int) -> float:
    started = time.perf_counter()
    response = client.post(
        article.get_absolute_url(),
        {"name": "读者", "body": f"第{number}条留言：讲座很精彩，期待下一场。", "website": ""},
        REMOTE_ADDR=f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}",
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed


def figures(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{name}: {len(times)} posts, median {1000 * statistics.median(times):.0f} ms, "
        f"p95 {1000 * p95:.0f} ms, max {1000 * max(times):.0f} ms"
    )


def main():
    from laurel.certificates import services
    from laurel.certificates.models import Certificate, CertificateTemplate, IssuanceBatch
    from laurel.news.models import Article, Comment
    from laurel.people.models import Organization, Person, User

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    staff = User.objects.create_user("bench@example.org")
    unit = Organization.objects.create(name="云州大学", kind="university")
    people = Person.objects.bulk_create(
        Person(name=f"王䶮{index}", gender="female", organization=unit) for index in range(COUNT)
    )
    template = CertificateTemplate.objects.create(
        kind="honor", name="bench", heading="荣誉证书", heading_en="Certificate of Honor",
        association_name="云州市科学技术协会", association_name_en="Yunzhou Association for Science and Technology",
    )  # fmt: skip
    article = Article.objects.create(
        title="科普讲座走进社区", body="讲座现场。", status=Article.Status.PUBLISHED, release_at=timezone.now()
    )
    client = Client()
    post(client, article, 0)  # warm up: templates, translations

    idle = [post(client, article, number) for number in range(1, IDLE_POSTS + 1)]

    batch = services.start_batch(
        template=template,
        recipients=[services.Recipient(person=person, title="云州市最美科技工作者") for person in people],
        batch_key="bench",
        title="云州市最美科技工作者",
        actor=staff,
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0.1"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    busy, number, started = [], IDLE_POSTS + 1, time.perf_counter()
    try:
        while worker.poll() is None and time.perf_counter() - started < DEADLINE_SECONDS:
            if IssuanceBatch.objects.filter(pk=batch.pk, status=IssuanceBatch.Status.RUNNING).exists():
                busy.append(post(client, article, number))
                number += 1
            time.sleep(0.05)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait()
    elapsed = time.perf_counter() - started
    issued = Certificate.objects.count()
    print(f"batch: {issued} of {COUNT} certificates issued by db_worker in {elapsed:.1f} s")
    print(figures("comment post, nothing else running", idle))
    print(figures("comment post, while the batch runs", busy))
    print(f"comments stored: {Comment.objects.count()} (1 warm-up + {len(idle)} + {len(busy)})")


if __name__ == "__main__":
    main()

"""Benchmark: issue 1,000 certificates (PDF + signed credential; target < 30 s), the verification page's
server time (median < 20 ms) and verifying an uploaded credential (median < 10 ms); also verifying another
issuer's credential whose did:web document and status list come from an HTTPS site on this machine, first with
an empty cache (two HTTPS requests) and then from the cache.

Run: LAUREL_DEBUG=1 .venv/bin/python bench/certificates.py
Uses a throw-away SQLite database and media directory; prints the figures.
"""

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LAUREL_DEBUG", "1")
os.environ["LAUREL_DATA_DIR"] = tempfile.mkdtemp(prefix="laurel-bench-")
os.environ["LAUREL_MEDIA_ROOT"] = os.path.join(os.environ["LAUREL_DATA_DIR"], "media")
os.environ["LAUREL_TASKS_BACKEND"] = "immediate"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laurel.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

COUNT = int(os.environ.get("LAUREL_BENCH_CERTIFICATES", "1000"))


def main():
    from laurel.certificates import services, verification
    from laurel.certificates.models import Certificate, CertificateTemplate
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
    started, cpu_started = time.perf_counter(), time.process_time()
    batch = services.start_batch(
        template=template,
        recipients=[
            services.Recipient(
                person=person, title="云州市最美科技工作者", citation=f"{person.name}扎根一线，热心科普。"
            )
            for person in people
        ],
        batch_key="bench",
        title="云州市最美科技工作者",
        actor=staff,
    )
    services.run_batch(batch.pk)
    issued, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert Certificate.objects.count() == COUNT
    print(
        f"issued {COUNT} certificates (PDF + signed credential) in {issued:.1f} s ({1000 * issued / COUNT:.1f} ms each;"
        f" {cpu:.1f} s of CPU in this process, load average {os.getloadavg()[0]:.1f});"
        f" peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )

    client = Client()
    certificates = list(Certificate.objects.order_by("?")[:200])
    page_times = []
    for certificate in certificates:
        started = time.perf_counter()
        response = client.get(certificate.get_absolute_url())
        page_times.append(time.perf_counter() - started)
        assert response.status_code == 200
    print(f"verification page: median {1000 * statistics.median(page_times):.1f} ms over {len(page_times)} requests")

    verify_times = []
    for certificate in certificates:
        data = services.credential_bytes(certificate)
        started = time.perf_counter()
        document, error = verification.parse_upload(data)
        result = verification.verify_document(document)
        verify_times.append(time.perf_counter() - started)
        assert result.verified, result.errors
    print(f"verifying an uploaded credential: median {1000 * statistics.median(verify_times):.1f} ms")
    other_issuer()


def other_issuer():
    import functools

    from django.core.cache import cache

    from laurel.certificates import verification
    from laurel.certificates.credentials import web
    from tests.certificates.https_site import HttpsSite, OtherIssuer

    with HttpsSite(Path(os.environ["LAUREL_DATA_DIR"])) as site:
        # The site is on this machine, so the guards against private addresses and unknown authorities are relaxed.
        web.fetch_json = functools.partial(web.fetch_json, allow_private=True, ssl_context=site.client_context())
        credential = OtherIssuer(site).credential()
        cold, warm = [], []
        for _ in range(20):
            cache.clear()
            started = time.perf_counter()
            assert verification.verify_document(credential).verified
            cold.append(time.perf_counter() - started)
        for _ in range(200):
            started = time.perf_counter()
            assert verification.verify_document(credential).verified
            warm.append(time.perf_counter() - started)
    print(
        f"another issuer's credential (did:web over HTTPS): median {1000 * statistics.median(cold):.1f} ms with an"
        f" empty cache ({len(site.requests)} requests in all), {1000 * statistics.median(warm):.1f} ms from the cache"
    )


if __name__ == "__main__":
    main()

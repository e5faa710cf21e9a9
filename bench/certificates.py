"""Benchmark: issue 1,000 certificates (PDF + signed credential; target < 30 s), the verification page's
server time (median < 20 ms) and verifying an uploaded credential (median < 10 ms); also verifying another
issuer's credential whose did:web document and status list come from an HTTPS site on this machine, first with
an empty cache (two HTTPS requests) and then from the cache.

Also verifying a credential of each proof kind the verifier reads (eddsa-rdfc-2022, eddsa-jcs-2022,
ecdsa-rdfc-2019 with P-256 and P-384, a proof set of three; target < 10 ms median each), beside the bare signature
check and the bare canonicalization of the same credential, and a VC 1.1 credential of another issuer over HTTPS
with an empty cache (target < 20 ms).

Run: LAUREL_DEBUG=1 .venv/bin/python bench/certificates.py            (everything)
     LAUREL_DEBUG=1 .venv/bin/python bench/certificates.py --verify   (verification figures only, no issuing)
Uses a throw-away SQLite database and media directory; prints the figures and the load average.
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
    if "--verify" in sys.argv:
        proof_kinds()
        other_issuer()
        return
    staff = User.objects.create_user("bench@example.org")
    unit = Organization.objects.create(name="云州大学", kind="university")
    people = Person.objects.bulk_create(
        Person(name=f"王䶮{index}", gender="female", organization=unit) for index in range(COUNT)
    )
    # The ceremony layout as the demo prints it: red and gold border, tracked title, the seal over the date and a
    # signature beside it (images decoded once per template version, not per certificate)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from laurel.core.demo import seal_png

    template = CertificateTemplate.objects.create(
        kind="honor", name="bench", heading="荣誉证书", heading_en="Certificate of Honor",
        association_name="云州市科学技术协会", association_name_en="Yunzhou Association for Science and Technology",
        signatory="主席 周雅", occasion="云州市“最美科技工作者”学习宣传活动",
        occasion_en="Yunzhou's Most Beautiful Sci-tech Worker campaign", border="ceremony", heading_tracking=60,
        seal=SimpleUploadedFile("seal.png", seal_png(), content_type="image/png"),
        signature=SimpleUploadedFile("signature.png", seal_png(size=200), content_type="image/png"),
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
        f" {cpu:.1f} s of CPU in this process, {1000 * cpu / COUNT:.1f} ms each, load average"
        f" {os.getloadavg()[0]:.1f}); peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    render_reference(template, Certificate.objects.first())

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
    proof_kinds()
    other_issuer()


def render_reference(template, certificate, runs: int = 50):
    """The bare typst compile of one certificate (the compiler and fonts warm) beside the whole render. Each run
    prints another number: typst memoizes a compile whose inputs it has seen, which would time nothing."""
    import itertools
    import json

    from laurel.certificates import pdf, services

    data, credential = services.pdf_data(certificate), services.credential_bytes(certificate)
    compiler, inputs = pdf._inputs(template=template, data=data)
    numbers = itertools.count()

    def bare():
        fresh = {**inputs, "number": f"R{next(numbers)}"}
        compiler.compile(sys_inputs={"data": json.dumps(fresh, ensure_ascii=False), "credential": credential.decode()})

    def whole():
        pdf.render(template=template, data={**data, "number": f"W{next(numbers)}"}, credential=credential)

    print(
        f"reference: bare typst compile of one certificate {_median_ms(bare, runs):.1f} ms; the whole render"
        f" (wording, QR, tracking) {_median_ms(whole, runs):.1f} ms; load average {os.getloadavg()[0]:.1f}"
    )


def _median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def proof_kinds(runs: int = 200):
    """Each proof kind on the same Open Badge from a did:key issuer (no network, no status list)."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from laurel.certificates import verification
    from laurel.certificates.credentials import jsonld, multikey, proofs
    from tests.certificates.test_interop_suites import _open_badge

    def signed(key, suite, *, model="2.0", cosigners=()):
        issuer = multikey.did_key(key.public_key())
        document = _open_badge(model)
        document["issuer"]["id"] = issuer
        method = f"{issuer}#{issuer.removeprefix('did:key:')}"
        document = proofs.add_proof(document, private_key=key, verification_method=method, cryptosuite=suite)
        for other, other_suite in cosigners:
            other_did = multikey.did_key(other.public_key())
            document = proofs.add_proof(
                document, private_key=other, verification_method=f"{other_did}#{other_did.removeprefix('did:key:')}",
                cryptosuite=other_suite,
            )  # fmt: skip
        return document

    ed25519, p256, p384 = (
        Ed25519PrivateKey.generate(),
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP384R1()),
    )
    kinds = {
        "eddsa-rdfc-2022": signed(ed25519, "eddsa-rdfc-2022"),
        "eddsa-jcs-2022": signed(ed25519, "eddsa-jcs-2022"),
        "ecdsa-rdfc-2019 P-256": signed(p256, "ecdsa-rdfc-2019"),
        "ecdsa-rdfc-2019 P-384": signed(p384, "ecdsa-rdfc-2019"),
        "eddsa-rdfc-2022, VC 1.1": signed(ed25519, "eddsa-rdfc-2022", model="1.1"),
        "proof set (eddsa-rdfc, ecdsa P-384, eddsa-jcs)": signed(
            ed25519, "eddsa-rdfc-2022", cosigners=[(p384, "ecdsa-rdfc-2019"), (ed25519, "eddsa-jcs-2022")]
        ),
    }
    unsigned = {key: value for key, value in kinds["eddsa-rdfc-2022"].items() if key != "proof"}
    signature = ed25519.sign(b"x" * 64)
    print(
        f"references: canonicalizing the Open Badge (RDFC-1.0) {_median_ms(lambda: jsonld.canonicalize(unsigned), runs):.2f}"
        f" ms; bare Ed25519 check {_median_ms(lambda: ed25519.public_key().verify(signature, b'x' * 64), runs):.3f} ms;"
        f" load average {os.getloadavg()[0]:.1f}"
    )
    for name, document in kinds.items():
        assert verification.verify_document(document).verified, name
        print(f"verifying {name}: median {_median_ms(lambda d=document: verification.verify_document(d), runs):.1f} ms")


def other_issuer():
    import functools

    from django.core.cache import cache

    from laurel.certificates import verification
    from laurel.certificates.credentials import web
    from tests.certificates.https_site import HttpsSite, OtherIssuer

    with HttpsSite(Path(os.environ["LAUREL_DATA_DIR"])) as site:
        # The site is on this machine, so the guards against private addresses and unknown authorities are relaxed.
        web.fetch_json = functools.partial(web.fetch_json, allow_private=True, ssl_context=site.client_context())
        credential = OtherIssuer(site).credential(model="1.1")
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
        f"another issuer's VC 1.1 credential (did:web over HTTPS): median {1000 * statistics.median(cold):.1f} ms with"
        f" an empty cache ({len(site.requests)} requests in all), {1000 * statistics.median(warm):.1f} ms from the"
        f" cache; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()

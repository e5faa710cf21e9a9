"""Benchmark: an honoree's wallet pickup (OID4VCI pre-authorized code), step by step through the whole Django stack:
the desk's "Add to a wallet" (offer, QR code), the metadata, the token, the nonce and the credential (key proof
checked, the credential bound and signed), each for N honorees; beside it the bare signing of the same credential
(the floor of the credential step) and a trivial view (the DID document) through the same middleware. Also the
badge PNG of an award: drawn with a cold font cache, then warm.

Run: LAUREL_DEBUG=1 .venv/bin/python bench/wallet.py        (LAUREL_BENCH_HONOREES=50 by default)
Uses a throw-away SQLite database and media directory; prints the figures and the load average.
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

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

COUNT = int(os.environ.get("LAUREL_BENCH_HONOREES", "50"))


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:6.1f} ms  p90 {sorted(samples)[int(len(samples) * 0.9)] * 1000:6.1f} ms"


def main():
    from joserfc import jwt
    from joserfc.jwk import ECKey

    from laurel.certificates import badge_image, badges, services, wallet, wallet_proofs
    from laurel.certificates.models import CertificateTemplate
    from laurel.people.models import Organization, Person, User

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    staff = User.objects.create_user("bench@example.org")
    unit = Organization.objects.create(name="云州大学", kind="university")
    template = CertificateTemplate.objects.create(
        kind="honor", name="bench", heading="荣誉证书", heading_en="Certificate of Honor",
        association_name="云州市科学技术协会", association_name_en="Yunzhou Association for Science and Technology",
    )  # fmt: skip

    started = time.perf_counter()
    badge_image._font.cache_clear()
    badge_image.draw("云州市最美科技工作者", "荣誉证书")
    cold = time.perf_counter() - started
    warm = []
    for index in range(10):
        started = time.perf_counter()
        badge_image.draw(f"云州市最美科技工作者{index}", "荣誉证书")
        warm.append(time.perf_counter() - started)

    certificates = []
    for index in range(COUNT):
        user = User.objects.create_user(f"honoree{index}@example.org")
        person = Person.objects.create(name=f"王䶮{index}", gender="female", organization=unit, user=user)
        certificate = services.issue_one(
            template=template, recipient=person, title="云州市最美科技工作者", batch_key="bench", actor=staff
        )
        certificates.append((user, certificate))

    steps = {name: [] for name in ("offer (desk)", "metadata", "token", "nonce", "credential", "whole pickup")}
    bare_sign, bare_view = [], []
    for index, (user, certificate) in enumerate(certificates):
        # Each honoree from their own address: the per-address limits are not what is measured.
        client = Client(REMOTE_ADDR=f"10.{index // 250}.{index % 250}.1")
        client.force_login(user)
        whole = time.perf_counter()
        started = time.perf_counter()
        page = client.post(f"/my/certificates/{certificate.pk}/wallet/", headers={"HX-Request": "true"})
        steps["offer (desk)"].append(time.perf_counter() - started)
        text = page.content.decode()
        uri = text.split('data-offer-uri="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        pin = text.split('data-testid="wallet-pin">', 1)[1].split("<", 1)[0]
        offer = json.loads(parse_qs(urlsplit(uri).query)["credential_offer"][0])
        started = time.perf_counter()
        metadata = client.get("/.well-known/openid-credential-issuer").json()
        steps["metadata"].append(time.perf_counter() - started)
        code = offer["grants"][wallet.PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
        form = urlencode({"grant_type": wallet.PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, "tx_code": pin})
        started = time.perf_counter()
        token = client.post("/oid4vci/token", form, content_type="application/x-www-form-urlencoded").json()
        steps["token"].append(time.perf_counter() - started)
        started = time.perf_counter()
        nonce = client.post("/oid4vci/nonce").json()["c_nonce"]
        steps["nonce"].append(time.perf_counter() - started)
        key = ECKey.generate_key("P-256")
        proof = jwt.encode(
            {"typ": wallet_proofs.PROOF_TYPE, "alg": "ES256", "jwk": key.as_dict(private=False)},
            {"aud": metadata["credential_issuer"], "iat": int(time.time()), "nonce": nonce},
            key,
            algorithms=["ES256"],
        )
        body = json.dumps({"credential_configuration_id": wallet.CONFIGURATION_ID, "proofs": {"jwt": [proof]}})
        started = time.perf_counter()
        response = client.post(
            "/oid4vci/credential",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token['access_token']}"},
        )
        steps["credential"].append(time.perf_counter() - started)
        steps["whole pickup"].append(time.perf_counter() - whole)
        assert response.status_code == 200, response.content
        unsigned = {name: value for name, value in certificate.credential.items() if name != "proof"}
        started = time.perf_counter()
        badges.sign(unsigned)
        bare_sign.append(time.perf_counter() - started)
        started = time.perf_counter()
        client.get("/.well-known/did.json")
        bare_view.append(time.perf_counter() - started)

    print(f"wallet pickup, {COUNT} honorees (Django test client, SQLite, in process)")
    for name, samples in steps.items():
        print(f"  {name:<14} {_ms(samples)}")
    print(f"  reference: bare signing of the credential      {_ms(bare_sign)}")
    print(f"  reference: trivial view (/.well-known/did.json) {_ms(bare_view)}")
    print(f"badge PNG: cold font {cold * 1000:.0f} ms, warm {_ms(warm)}")
    print("load average:", " ".join(f"{value:.2f}" for value in os.getloadavg()))


if __name__ == "__main__":
    main()

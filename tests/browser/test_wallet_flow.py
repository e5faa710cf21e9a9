"""The honoree adds a certificate to a wallet from the desk (in Chinese), and a scripted wallet picks it up from the
running site over HTTP with the offer the page shows."""

import json
import time
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from laurel.certificates import services, wallet, wallet_proofs
from laurel.certificates.models import WalletOffer
from tests.conftest import login
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.people import PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _call(url: str, *, data: bytes | None = None, headers: dict | None = None) -> dict:
    request = urllib.request.Request(
        url, data=data, headers=headers or {}, method="POST" if data is not None else "GET"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_honoree_shows_the_qr_code_and_a_wallet_picks_up_the_certificate(page, live_server, settings, staff):
    settings.SITE_URL = live_server.url  # the credential issuer is the running site
    user = UserFactory(email="honoree@example.org")
    person = PersonFactory(name="王䶮", user=user)
    certificate = services.issue_one(
        template=CertificateTemplateFactory(),
        recipient=person,
        title="云州市最美科技工作者",
        batch_key="2026",
        actor=staff,
    )
    login(page, user)
    page.click("[data-testid=wallet-button]")
    offer = page.locator("[data-testid=wallet-offer]")
    offer.wait_for()
    assert "扫描此二维码" in offer.inner_text()
    assert page.locator("svg.wallet-qr").is_visible()
    uri = offer.get_attribute("data-offer-uri")
    pin = page.locator("[data-testid=wallet-pin]").inner_text()
    assert page.locator("[data-testid=wallet-link]").get_attribute("href") == uri

    # The wallet, on the honoree's phone.
    document = json.loads(parse_qs(urlsplit(uri).query)["credential_offer"][0])
    issuer = document["credential_issuer"]
    metadata = _call(issuer + "/.well-known/openid-credential-issuer")
    server = _call(issuer + "/.well-known/oauth-authorization-server")
    code = document["grants"][wallet.PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    token = _call(
        server["token_endpoint"],
        data=urlencode(
            {"grant_type": wallet.PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, "tx_code": pin}
        ).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    nonce = _call(metadata["nonce_endpoint"], data=b"")["c_nonce"]
    key = ECKey.generate_key("P-256")
    proof = jwt.encode(
        {"typ": wallet_proofs.PROOF_TYPE, "alg": "ES256", "jwk": key.as_dict(private=False)},
        {"aud": issuer, "iat": int(time.time()), "nonce": nonce},
        key,
        algorithms=["ES256"],
    )
    answer = _call(
        metadata["credential_endpoint"],
        data=json.dumps(
            {"credential_configuration_id": document["credential_configuration_ids"][0], "proofs": {"jwt": [proof]}}
        ).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token['access_token']}"},
    )
    credential = answer["credentials"][0]["credential"]
    assert credential["id"] == certificate.credential["id"]
    assert credential["credentialSubject"]["id"] == wallet_proofs.did_jwk(key.as_dict(private=False))
    assert WalletOffer.objects.get().status == WalletOffer.Status.PICKED_UP

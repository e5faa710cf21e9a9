"""Into a wallet (OID4VCI 1.0, pre-authorized code flow), played end to end by a scripted wallet: it reads the offer
from the honoree's desk, reads this site's metadata, exchanges the code and PIN, proves possession of its key and
gets the credential, which Digital Bazaar's reference libraries then verify (tests/interop/verify.mjs). Then
every way it must fail."""

import datetime
import html
import json
import re
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import ECKey, OKPKey

from laurel.certificates import services, verification, wallet, wallet_proofs
from laurel.certificates.credentials import multikey
from laurel.certificates.models import WalletOffer
from laurel.core.models import AuditEntry
from tests.certificates.test_independent_verifier import served, verify_independently
from tests.factories.people import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def honoree_user(honoree):
    user = UserFactory(email="honoree@example.org")
    honoree.user = user
    honoree.save(update_fields=["user"])
    return user


def _path(url: str) -> str:
    """The test client speaks to this site by path; the wallet reads absolute URLs from the metadata."""
    return urlsplit(url).path


class ScriptedWallet:
    """A wallet as OID4VCI 1.0 describes it, over Django's test client. Its key: P-256 in the proof's `jwk`
    header, or Ed25519 named by a did:key `kid`."""

    def __init__(self, client, *, key_kind: str = "P-256", algorithm: str = "Ed25519"):
        self.client = client
        self.key_kind = key_kind
        if key_kind == "P-256":
            self.key = ECKey.generate_key("P-256")
            self.algorithm = "ES256"
            self.did = wallet_proofs.did_jwk(self.key.as_dict(private=False))
        else:
            self.key = OKPKey.generate_key("Ed25519")
            self.algorithm = algorithm  # "Ed25519" (RFC 9864) or the older "EdDSA" most wallets still send
            self.did = multikey.did_key(self.key.public_key)

    @staticmethod
    def read_offer(uri: str) -> dict:
        assert uri.startswith("openid-credential-offer://?")
        query = parse_qs(urlsplit(uri).query)
        return json.loads(query["credential_offer"][0])

    def metadata(self, issuer: str) -> dict:
        response = self.client.get(_path(issuer) + "/.well-known/openid-credential-issuer")
        assert response.status_code == 200
        metadata = response.json()
        assert metadata["credential_issuer"] == issuer
        return metadata

    def token_endpoint(self, issuer: str) -> str:
        response = self.client.get(_path(issuer) + "/.well-known/oauth-authorization-server")
        assert response.status_code == 200
        assert response.json()["issuer"] == issuer
        return response.json()["token_endpoint"]

    def exchange(self, issuer: str, code: str, pin: str | None):
        data = {"grant_type": wallet.PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
        if pin is not None:
            data["tx_code"] = pin
        return self.client.post(_path(self.token_endpoint(issuer)), urlencode(data), content_type=FORM)

    def nonce(self, metadata: dict) -> str:
        response = self.client.post(_path(metadata["nonce_endpoint"]))
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        return response.json()["c_nonce"]

    def proof(self, *, audience: str, nonce: str | None, issued_at: int | None = None, header: dict | None = None):
        if header is None:
            header = {"typ": wallet_proofs.PROOF_TYPE, "alg": self.algorithm}
            if self.key_kind == "P-256":
                header["jwk"] = self.key.as_dict(private=False)
            else:
                header["kid"] = f"{self.did}#{self.did.removeprefix('did:key:')}"
        claims = {"aud": audience, "iat": issued_at or int(time.time())}
        if nonce is not None:
            claims["nonce"] = nonce
        return jwt.encode(header, claims, self.key, algorithms=[header.get("alg", self.algorithm)])

    def request_credential(self, metadata: dict, access_token: str, body: dict):
        return self.client.post(
            _path(metadata["credential_endpoint"]),
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {access_token}"},
        )

    def pick_up(self, uri: str, pin: str) -> dict:
        """The whole flow from the offer URI; returns the credential."""
        offer = self.read_offer(uri)
        issuer = offer["credential_issuer"]
        metadata = self.metadata(issuer)
        (configuration_id,) = offer["credential_configuration_ids"]
        configuration = metadata["credential_configurations_supported"][configuration_id]
        assert configuration["format"] == "ldp_vc"
        assert self.algorithm in configuration["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"]
        grant = offer["grants"][wallet.PRE_AUTHORIZED_GRANT]
        assert grant["tx_code"]["length"] == len(pin)
        token = self.exchange(issuer, grant["pre-authorized_code"], pin)
        assert token.status_code == 200, token.json()
        proof = self.proof(audience=issuer, nonce=self.nonce(metadata))
        response = self.request_credential(
            metadata,
            token.json()["access_token"],
            {"credential_configuration_id": configuration_id, "proofs": {"jwt": [proof]}},
        )
        assert response.status_code == 200, response.json()
        (item,) = response.json()["credentials"]
        return item["credential"]


def desk_offer(client, user) -> tuple[str, str]:
    """What the honoree sees: the desk's "Add to a wallet" button, pressed; the offer URI and PIN on the page."""
    client.force_login(user)
    desk = client.get("/dashboard/").content.decode()
    action = re.search(r'<form method="post" action="([^"]+/wallet/)"', desk).group(1)
    page = client.post(action, headers={"HX-Request": "true"}).content.decode()
    uri = html.unescape(re.search(r'data-offer-uri="([^"]+)"', page).group(1))
    pin = re.search(r'data-testid="wallet-pin">(\d+)<', page).group(1)
    assert "<svg" in page and "<script" not in page
    client.logout()
    return uri, pin


def _code(uri: str) -> str:
    return ScriptedWallet.read_offer(uri)["grants"][wallet.PRE_AUTHORIZED_GRANT]["pre-authorized_code"]


@pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")  # joserfc: EdDSA is deprecated by RFC 9864
@pytest.mark.parametrize(("key_kind", "algorithm"), [("P-256", "ES256"), ("Ed25519", "Ed25519"), ("Ed25519", "EdDSA")])
def test_a_scripted_wallet_picks_up_the_certificate_and_the_reference_library_verifies_it(
    client, tmp_path, certificate, honoree_user, key_kind, algorithm
):
    uri, pin = desk_offer(client, honoree_user)
    holder = ScriptedWallet(client, key_kind=key_kind, algorithm=algorithm)
    credential = holder.pick_up(uri, pin)
    # The certificate's own credential, bound to the wallet's key: same id, number, status entry and issuer.
    assert credential["credentialSubject"]["id"] == holder.did
    assert credential["id"] == certificate.credential["id"]
    assert credential["credentialStatus"] == certificate.credential["credentialStatus"]
    unbound = {**credential["credentialSubject"]}
    del unbound["id"]
    assert unbound == certificate.credential["credentialSubject"]
    result = verify_independently(tmp_path, credential, **served(client))
    assert result == {"verified": True, "proofVerified": True, "revoked": False, "errors": []}
    assert verification.verify_document(credential).verified
    offer = WalletOffer.objects.get()
    assert (offer.status, offer.holder) == (WalletOffer.Status.PICKED_UP, holder.did)
    actions = list(
        AuditEntry.objects.filter(action__startswith="certificates.wallet.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["certificates.wallet.offered", "certificates.wallet.picked_up"]


def test_the_wallet_copy_is_revoked_with_the_certificate(client, tmp_path, certificate, honoree_user, staff):
    uri, pin = desk_offer(client, honoree_user)
    credential = ScriptedWallet(client).pick_up(uri, pin)
    services.revoke(certificate, reason="事迹不实", actor=staff)
    result = verify_independently(tmp_path, credential, **served(client))
    assert (result["verified"], result["revoked"]) == (False, True)


def test_codes_pins_and_tokens_are_stored_only_as_hashes(client, certificate, honoree_user):
    uri, pin = desk_offer(client, honoree_user)
    offer = WalletOffer.objects.get()
    stored = json.dumps([getattr(offer, field.attname) for field in offer._meta.fields], default=str)
    assert _code(uri) not in stored and pin not in stored


def test_the_metadata_describes_the_offered_credential(client):
    metadata = client.get("/.well-known/openid-credential-issuer").json()
    assert metadata["credential_issuer"] == "http://127.0.0.1:8000"
    configuration = metadata["credential_configurations_supported"][wallet.CONFIGURATION_ID]
    assert configuration["format"] == "ldp_vc"
    assert configuration["credential_definition"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert configuration["cryptographic_binding_methods_supported"] == ["did:key", "did:jwk"]
    assert metadata["nonce_endpoint"].endswith("/oid4vci/nonce")
    server = client.get("/.well-known/oauth-authorization-server").json()
    assert server["pre-authorized_grant_anonymous_access_supported"] is True


# Refusals at the token endpoint.


def _token(client, code, pin, grant_type=wallet.PRE_AUTHORIZED_GRANT):
    data = {"grant_type": grant_type, "pre-authorized_code": code}
    if pin is not None:
        data["tx_code"] = pin
    return client.post(reverse("certificates:wallet_token"), urlencode(data), content_type=FORM)


def test_a_used_code_is_refused(client, certificate, honoree_user):
    uri, pin = desk_offer(client, honoree_user)
    assert _token(client, _code(uri), pin).status_code == 200
    second = _token(client, _code(uri), pin)
    assert (second.status_code, second.json()["error"]) == (400, "invalid_grant")
    assert second["Cache-Control"] == "no-store"


def test_an_expired_code_is_refused(client, certificate, honoree_user):
    uri, pin = desk_offer(client, honoree_user)
    WalletOffer.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = _token(client, _code(uri), pin)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    assert "expired" in response.json()["error_description"]


def test_a_wrong_pin_is_refused_and_five_lock_the_code(client, certificate, honoree_user):
    uri, pin = desk_offer(client, honoree_user)
    wrong = "000000" if pin != "000000" else "111111"
    missing = _token(client, _code(uri), None)
    assert missing.json()["error"] == "invalid_request"
    for _ in range(wallet.MAX_WRONG_PINS):
        response = _token(client, _code(uri), wrong)
        assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    assert WalletOffer.objects.get().status == WalletOffer.Status.LOCKED
    # Locked: even the right PIN no longer opens it.
    assert _token(client, _code(uri), pin).json()["error"] == "invalid_grant"
    assert AuditEntry.objects.filter(action="certificates.wallet.locked").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_pins_never_get_more_than_five_guesses(client, certificate, honoree_user, monkeypatch):
    """Guesses sent at once: each reserves its attempt before its PIN is compared, so however many arrive together
    at most MAX_WRONG_PINS PINs are ever compared, and a right PIN beyond them redeems nothing."""
    uri, pin = desk_offer(client, honoree_user)
    code = _code(uri)
    guesses = 12
    compared = []
    real = wallet._pin_hash
    barrier = threading.Barrier(guesses + 1)

    def slow_pin_hash(code, pin):
        compared.append(pin)
        time.sleep(0.2)  # every request is inside the comparison at the same moment
        return real(code, pin)

    monkeypatch.setattr(wallet, "_pin_hash", slow_pin_hash)
    results = []

    def guess(value):
        barrier.wait()
        try:
            wallet.exchange_code(grant_type=wallet.PRE_AUTHORIZED_GRANT, code=code, pin=value)
            results.append("redeemed")
        except wallet.OAuthError as error:
            results.append(error.description)
        finally:
            connection.close()

    wrong = [f"{(int(pin) + step) % 1_000_000:06d}" for step in range(1, guesses + 1)]
    threads = [threading.Thread(target=guess, args=(value,)) for value in wrong]
    threads.append(threading.Thread(target=guess, args=(pin,)))  # the right PIN among them, last to start
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == guesses + 1
    assert len(compared) <= wallet.MAX_WRONG_PINS, compared
    offer = WalletOffer.objects.get()
    if "redeemed" in results:  # only when the right PIN was one of the five compared
        assert pin in compared and offer.status == WalletOffer.Status.REDEEMED
    else:
        assert offer.status == WalletOffer.Status.LOCKED
        assert offer.failed_pins == wallet.MAX_WRONG_PINS
    # However it went, the code opens nothing now, not even with the right PIN.
    monkeypatch.setattr(wallet, "_pin_hash", real)
    assert _token(client, code, pin).json()["error"] == "invalid_grant"


def test_a_right_pin_does_not_count_as_a_wrong_one(client, certificate, honoree_user):
    """An attempt is reserved before the comparison and a right PIN gives it back: failed_pins counts wrong PINs."""
    uri, pin = desk_offer(client, honoree_user)
    wrong = "000000" if pin != "000000" else "111111"
    for _ in range(wallet.MAX_WRONG_PINS - 1):
        assert _token(client, _code(uri), wrong).json()["error"] == "invalid_grant"
    assert _token(client, _code(uri), pin).status_code == 200
    offer = WalletOffer.objects.get()
    assert (offer.status, offer.failed_pins) == (WalletOffer.Status.REDEEMED, wallet.MAX_WRONG_PINS - 1)


def test_an_unknown_code_and_other_grants_are_refused(client, db):
    assert _token(client, "no-such-code", "123456").json()["error"] == "invalid_grant"
    assert _token(client, "x", "1", grant_type="authorization_code").json()["error"] == "unsupported_grant_type"
    assert _token(client, "", "1").json()["error"] == "invalid_request"
    as_json = client.post(reverse("certificates:wallet_token"), {"a": 1}, content_type="application/json")
    assert as_json.json()["error"] == "invalid_request"
    huge = client.post(
        reverse("certificates:wallet_token"), urlencode({"pre-authorized_code": "x" * 5000}), content_type=FORM
    )
    assert (huge.status_code, huge.json()["error"]) == (400, "invalid_request")


def test_a_revoked_certificate_is_not_handed_out(client, certificate, honoree_user, staff):
    uri, pin = desk_offer(client, honoree_user)
    second_uri, second_pin = desk_offer(client, honoree_user)
    token = _token(client, _code(second_uri), second_pin).json()["access_token"]
    services.revoke(certificate, reason="事迹不实", actor=staff)
    assert _token(client, _code(uri), pin).json()["error"] == "invalid_grant"
    holder = ScriptedWallet(client)
    metadata = holder.metadata(wallet.issuer_id())
    proof = holder.proof(audience=wallet.issuer_id(), nonce=holder.nonce(metadata))
    response = holder.request_credential(
        metadata, token, {"credential_configuration_id": wallet.CONFIGURATION_ID, "proofs": {"jwt": [proof]}}
    )
    assert (response.status_code, response.json()["error"]) == (400, "credential_request_denied")
    # And the desk offers no more QR codes for it.
    client.force_login(honoree_user)
    assert "wallet-button" not in client.get("/dashboard/").content.decode()
    assert client.post(reverse("certificates:wallet_offer", kwargs={"pk": certificate.pk})).status_code == 403


# Who may ask for an offer.


def test_only_the_honoree_gets_a_qr_code_for_their_certificate(client, certificate, honoree_user, staff, stranger):
    url = reverse("certificates:wallet_offer", kwargs={"pk": certificate.pk})
    assert client.post(url).status_code == 302  # anonymous: to the login page
    other = UserFactory(email="other-honoree@example.org")
    PersonFactory(name="李明", user=other)
    for user in (other, stranger, staff):  # staff too: the wallet binds it to whoever picks it up
        client.force_login(user)
        assert client.post(url).status_code == 403
    assert not WalletOffer.objects.exists()
    client.force_login(honoree_user)
    assert client.get(url).status_code == 405


def test_the_offer_page_is_never_stored_by_a_browser_or_proxy(client, certificate, honoree_user):
    """It shows a live code and its PIN: the back button or a shared proxy must not show them again."""
    client.force_login(honoree_user)
    url = reverse("certificates:wallet_offer", kwargs={"pk": certificate.pk})
    for headers in ({}, {"HX-Request": "true"}):
        response = client.post(url, headers=headers)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    client.force_login(UserFactory(email="someone-else@example.org"))
    assert client.post(url).status_code == 403


def test_another_honoree_cannot_use_the_code_to_get_their_own(client, certificate, honoree_user, template, staff):
    """The code names one certificate: whoever redeems it gets that one, never another honoree's."""
    other_person = PersonFactory(name="李明")
    other_user = UserFactory(email="other-honoree@example.org")
    other_person.user = other_user
    other_person.save(update_fields=["user"])
    other = services.issue_one(
        template=template, recipient=other_person, title="云州市最美科技工作者", batch_key="2026-最美", actor=staff
    )
    uri, pin = desk_offer(client, other_user)
    credential = ScriptedWallet(client).pick_up(uri, pin)
    assert credential["id"] == other.credential["id"] != certificate.credential["id"]
    assert credential["credentialSubject"]["name"] == "李明"


def test_too_many_offers_in_an_hour_are_refused(client, certificate, honoree_user):
    client.force_login(honoree_user)
    url = reverse("certificates:wallet_offer", kwargs={"pk": certificate.pk})
    for _ in range(10):
        assert client.post(url).status_code == 200
    refused = client.post(url, headers={"Accept-Language": "zh-hans"})
    assert refused.status_code == 429
    assert WalletOffer.objects.count() == 10


# Refusals at the credential endpoint.


@pytest.fixture
def redeemed(client, certificate, honoree_user):
    """(the wallet, the metadata, a fresh access token) for the honoree's certificate."""
    uri, pin = desk_offer(client, honoree_user)
    holder = ScriptedWallet(client)
    token = _token(client, _code(uri), pin).json()
    assert token["c_nonce"] and token["expires_in"] == 300
    return holder, holder.metadata(wallet.issuer_id()), token["access_token"]


def _ask(holder, metadata, token, proof, **extra):
    body = {"credential_configuration_id": wallet.CONFIGURATION_ID, "proofs": {"jwt": [proof]}, **extra}
    return holder.request_credential(metadata, token, body)


def test_a_wrong_or_stale_nonce_is_refused(redeemed):
    holder, metadata, token = redeemed
    issuer = wallet.issuer_id()
    forged = holder.proof(audience=issuer, nonce="made-up:nonce:value")
    assert _ask(holder, metadata, token, forged).json()["error"] == "invalid_nonce"
    stale = wallet_proofs.new_nonce()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wallet_proofs, "NONCE_SECONDS", -1)
        assert (
            _ask(holder, metadata, token, holder.proof(audience=issuer, nonce=stale)).json()["error"] == "invalid_nonce"
        )
    missing = holder.proof(audience=issuer, nonce=None)
    assert _ask(holder, metadata, token, missing).json()["error"] == "invalid_proof"
    # Refusals spend nothing: the right proof still gets the credential.
    good = _ask(holder, metadata, token, holder.proof(audience=issuer, nonce=holder.nonce(metadata)))
    assert good.status_code == 200


def test_bad_key_proofs_are_refused(redeemed):
    holder, metadata, token = redeemed
    issuer = wallet.issuer_id()
    nonce = holder.nonce(metadata)
    public = holder.key.as_dict(private=False)
    another = ECKey.generate_key("P-256")
    cases = {
        "wrong audience": holder.proof(audience="https://elsewhere.example", nonce=nonce),
        "old iat": holder.proof(audience=issuer, nonce=nonce, issued_at=int(time.time()) - 3600),
        "future iat": holder.proof(audience=issuer, nonce=nonce, issued_at=int(time.time()) + 3600),
        "no typ": holder.proof(audience=issuer, nonce=nonce, header={"alg": "ES256", "jwk": public}),
        "key of another": holder.proof(
            audience=issuer,
            nonce=nonce,
            header={"typ": wallet_proofs.PROOF_TYPE, "alg": "ES256", "jwk": another.as_dict(private=False)},
        ),
        "private key in header": holder.proof(
            audience=issuer,
            nonce=nonce,
            header={"typ": wallet_proofs.PROOF_TYPE, "alg": "ES256", "jwk": holder.key.as_dict(private=True)},
        ),
        "no key": holder.proof(audience=issuer, nonce=nonce, header={"typ": wallet_proofs.PROOF_TYPE, "alg": "ES256"}),
        "kid of another method": holder.proof(
            audience=issuer,
            nonce=nonce,
            header={"typ": wallet_proofs.PROOF_TYPE, "alg": "ES256", "kid": "did:web:example.org#key-1"},
        ),
        "not a jwt": "not.a.jwt",
        "unsigned": "eyJhbGciOiJub25lIiwidHlwIjoib3BlbmlkNHZjaS1wcm9vZitqd3QifQ.e30.",
        "too long": "a" * (wallet_proofs.MAX_PROOF_CHARS + 1),
    }
    for name, proof in cases.items():
        response = _ask(holder, metadata, token, proof)
        assert (response.status_code, response.json()["error"]) == (400, "invalid_proof"), name
        assert response.json()["error_description"].isascii(), name
    assert WalletOffer.objects.get().status == WalletOffer.Status.REDEEMED


@pytest.mark.parametrize("issued_at", ["NaN", "Infinity", "-Infinity", "true", "1e999", "1" + "0" * 400])
def test_a_key_proof_whose_iat_is_not_a_finite_number_is_refused(redeemed, issued_at):
    """JSON as Python reads it allows NaN and Infinity; a NaN iat compares false with every bound, so it would pass
    for fresh forever."""
    from joserfc import jws

    holder, metadata, token = redeemed
    payload = '{"aud": %s, "iat": %s, "nonce": %s}' % (
        json.dumps(wallet.issuer_id()),
        issued_at,
        json.dumps(holder.nonce(metadata)),
    )
    header = {"typ": wallet_proofs.PROOF_TYPE, "alg": "ES256", "jwk": holder.key.as_dict(private=False)}
    proof = jws.serialize_compact(header, payload.encode(), holder.key, algorithms=["ES256"])
    response = _ask(holder, metadata, token, proof)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_proof")
    assert "iat" in response.json()["error_description"]


def test_malformed_credential_requests_are_refused(redeemed):
    holder, metadata, token = redeemed
    proof = holder.proof(audience=wallet.issuer_id(), nonce=holder.nonce(metadata))
    url = _path(metadata["credential_endpoint"])
    auth = {"Authorization": f"Bearer {token}"}

    def post(body, content_type="application/json"):
        return holder.client.post(url, body, content_type=content_type, headers=auth)

    assert post("not json").json()["error"] == "invalid_credential_request"
    assert post("[1]").json()["error"] == "invalid_credential_request"
    assert post(json.dumps({"a": [[[[[[[[[[1]]]]]]]]]]})).json()["error"] == "invalid_credential_request"
    assert post(json.dumps({"x": "y" * 20000})).json()["error"] == "invalid_credential_request"
    assert post("a=b", content_type="application/x-www-form-urlencoded").json()["error"] == "invalid_credential_request"
    assert post(json.dumps({"proofs": {"jwt": [proof]}})).json()["error"] == "invalid_credential_request"
    unknown = {"credential_configuration_id": "Diploma", "proofs": {"jwt": [proof]}}
    assert post(json.dumps(unknown)).json()["error"] == "unknown_credential_configuration"
    two = {"credential_configuration_id": wallet.CONFIGURATION_ID, "proofs": {"jwt": [proof, proof]}}
    assert post(json.dumps(two)).json()["error"] == "invalid_credential_request"
    none = {"credential_configuration_id": wallet.CONFIGURATION_ID}
    assert post(json.dumps(none)).json()["error"] == "invalid_proof"
    # Draft 13's single `proof` is understood.
    draft13 = {"format": "ldp_vc", "proof": {"proof_type": "jwt", "jwt": proof}}
    assert post(json.dumps(draft13)).status_code == 200


def test_access_tokens_are_single_use_and_short_lived(redeemed):
    holder, metadata, token = redeemed
    issuer = wallet.issuer_id()
    assert _ask(holder, metadata, token, holder.proof(audience=issuer, nonce=holder.nonce(metadata))).status_code == 200
    again = _ask(holder, metadata, token, holder.proof(audience=issuer, nonce=holder.nonce(metadata)))
    assert (again.status_code, again.json()["error"]) == (401, "invalid_token")
    assert again["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    nothing = holder.request_credential(metadata, "", {})
    assert (nothing.status_code, nothing.json()["error"]) == (401, "invalid_token")


def test_an_expired_access_token_is_refused(redeemed):
    holder, metadata, token = redeemed
    WalletOffer.objects.update(access_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = _ask(holder, metadata, token, holder.proof(audience=wallet.issuer_id(), nonce=holder.nonce(metadata)))
    assert (response.status_code, response.json()["error"]) == (401, "invalid_token")


def test_no_credential_request_body_makes_a_server_error(client, certificate, honoree_user):
    """Hostile bodies behind a valid access token: every one is an OAuth refusal, never a 500."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    uri, pin = desk_offer(client, honoree_user)
    token = _token(client, _code(uri), pin).json()["access_token"]
    # No NUL: the site's middleware refuses such requests before any view (its own 400 page).
    text = st.text(st.characters(exclude_characters="\x00"), max_size=30)
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text
    documents = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
        max_leaves=20,
    )
    keys = st.sampled_from(["credential_configuration_id", "format", "proofs", "proof", "credential_identifier"])
    bodies = st.dictionaries(
        keys, documents | st.just(wallet.CONFIGURATION_ID) | st.just({"jwt": ["a.b.c"]}), max_size=4
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=bodies)
    def check(body):
        response = client.post(
            reverse("certificates:wallet_credential"),
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code in (400, 401, 429), (body, response.content)
        assert response["Content-Type"] == "application/json", (body, response.content[:300])
        assert response.json()["error"]

    check()

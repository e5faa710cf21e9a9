"""Credentials of other issuers: `did:web` keys and status lists read over real HTTPS, guarded and cached."""

import functools
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laurel.certificates.credentials import jsonld, web
from tests.certificates.https_site import HttpsSite, OtherIssuer

pytestmark = pytest.mark.django_db


# The did:web method's own examples.
@pytest.mark.parametrize(
    ("identifier", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:KX.Example.org", "https://kx.example.org/.well-known/did.json"),
    ],
)
def test_did_web_urls(identifier, url):
    assert web.did_web_url(identifier) == url


@pytest.mark.parametrize(
    "identifier",
    [
        "did:key:z6Mk",
        "did:web:",
        "did:web:exa mple.com",
        "did:web:user%40host.example",
        "did:web:host.example%2Fpath",
        "did:web:host.example%3A99999",
        "did:web:host.example:..:secret",
        "did:web:host.example::x",
        "did:web:host.example#key",
        None,
    ],
)
def test_malformed_did_web_is_refused(identifier):
    with pytest.raises(web.WebError) as caught:
        web.did_web_url(identifier)
    assert caught.value.code == "unsupported_did"


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.9", "169.254.169.254", "::1", "fd00::1", "::ffff:10.0.0.1", "0.0.0.0"],
)
def test_private_addresses_are_never_read(monkeypatch, address):
    """A credential cannot make the server read its own network: the name is looked up and every address
    checked before any connection."""
    monkeypatch.setattr(web, "_addresses", lambda host, port, timeout: ["93.184.216.34", address])
    with pytest.raises(web.WebError) as caught:
        web.fetch_json("https://issuer.example/.well-known/did.json", timeout=1, max_bytes=1000)
    assert caught.value.code == "issuer_address_refused"


@pytest.mark.parametrize(
    "url", ["http://issuer.example/did.json", "ftp://issuer.example/x", "https://user:pw@issuer.example/x", "x"]
)
def test_only_plain_https_addresses_are_read(url):
    with pytest.raises(web.WebError) as caught:
        web.fetch_json(url, timeout=1, max_bytes=1000)
    assert caught.value.code == "unsupported_did"


@pytest.fixture
def site(tmp_path):
    with HttpsSite(tmp_path) as running:
        yield running


def _fetch(site, path, **options):
    options = {"timeout": 2, "max_bytes": 1000, "allow_private": True, "ssl_context": site.client_context()} | options
    return web.fetch_json(site.url(path), **options)


def test_fetches_json_over_https(site):
    site.serve_json("/doc.json", {"id": "x", "名": "云州"})
    assert _fetch(site, "/doc.json") == {"id": "x", "名": "云州"}


@pytest.mark.parametrize(
    ("route", "code"),
    [
        ((302, {"Location": "https://localhost/other"}, b"", 0), "issuer_unreachable"),  # redirects are not followed
        ((500, {}, b"oops", 0), "issuer_unreachable"),
        ((200, {}, b"{not json", 0), "issuer_document_invalid"),
        ((200, {}, b"[" * 100_000, 0), "issuer_document_invalid"),  # too large (declared length)
        ((200, {}, b"[1]", 3), "issuer_unreachable"),  # slower than the timeout
    ],
)
def test_bad_answers_are_clear_reasons(site, route, code):
    site.routes["/doc.json"] = route
    with pytest.raises(web.WebError) as caught:
        _fetch(site, "/doc.json", timeout=0.5, max_bytes=50_000)
    assert caught.value.code == code


def test_a_body_larger_than_declared_is_cut_off(site, monkeypatch):
    site.routes["/doc.json"] = (200, {"Content-Length": "10"}, b"[" + b"1," * 5000 + b"1]", 0)
    with pytest.raises(web.WebError) as caught:
        _fetch(site, "/doc.json", max_bytes=100)
    assert caught.value.code in {"issuer_document_invalid", "issuer_unreachable"}


def test_the_site_certificate_must_be_trusted_and_for_the_host(site):
    site.serve_json("/doc.json", {})
    with pytest.raises(web.WebError) as untrusted:
        _fetch(site, "/doc.json", ssl_context=None)  # the system's authorities do not know the test one
    with pytest.raises(web.WebError) as wrong_host:
        web.fetch_json(
            f"https://127.0.0.1:{site.port}/doc.json",
            timeout=2,
            max_bytes=1000,
            allow_private=True,
            ssl_context=site.client_context(),
        )
    assert untrusted.value.code == wrong_host.value.code == "issuer_unreachable"


def test_the_document_must_be_about_the_did(site):
    site.serve_json("/.well-known/did.json", {"id": "did:web:someone.else"})
    with pytest.raises(web.WebError) as caught:
        web.fetch_did_document(site.did, timeout=2, allow_private=True, ssl_context=site.client_context())
    assert caught.value.code == "issuer_document_invalid"


@pytest.fixture
def other_issuer(site, monkeypatch):
    """The network edge is real; only the two guards a test machine cannot meet are relaxed: the site is on
    this machine (a private address) and its certificate comes from a test authority."""
    monkeypatch.setattr(
        web, "fetch_json", functools.partial(web.fetch_json, allow_private=True, ssl_context=site.client_context())
    )
    return OtherIssuer(site)


def _verify(client, credential, language="en"):
    return client.post(
        "/credentials/verify",
        {"verifiableCredential": credential, "options": {}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_credential_of_another_did_web_issuer_verifies(client, other_issuer, site):
    credential = other_issuer.credential()
    response = _verify(client, credential)
    assert (response.status_code, response.json()) == (
        200,
        {
            "verified": True,
            "checks": ["proof", "validity_period", "status"],
            "warnings": [],
            "errors": [],
            "proofs": [{**_proof_report(credential), "verified": True}],
        },
    )
    assert site.requests == ["/.well-known/did.json", "/status/1"]


def test_keys_and_status_lists_are_read_once_for_a_burst_of_uploads(client, other_issuer, site):
    for _ in range(3):
        assert _verify(client, other_issuer.credential()).status_code == 200
    assert site.requests == ["/.well-known/did.json", "/status/1"]


def test_relative_method_ids_in_the_did_document_resolve(client, site, monkeypatch):
    monkeypatch.setattr(
        web, "fetch_json", functools.partial(web.fetch_json, allow_private=True, ssl_context=site.client_context())
    )
    issuer = OtherIssuer(site, relative_ids=True)
    assert _verify(client, issuer.credential()).json()["verified"] is True


def test_revocation_by_another_issuer_shows(client, other_issuer):
    other_issuer.publish_status({7})
    response = _verify(client, other_issuer.credential(index=7))
    assert (response.status_code, response.json()["errors"]) == (400, ["revoked"])


def test_vc_1_1_credential_of_another_did_web_issuer_verifies_and_shows_revocation(client, other_issuer):
    credential = other_issuer.credential(model="1.1")
    response = _verify(client, credential)
    assert (response.status_code, response.json()["checks"]) == (200, ["proof", "validity_period", "status"])
    other_issuer.publish_status({7})
    from django.core.cache import cache

    cache.clear()  # the status list is kept five minutes
    assert _verify(client, credential).json()["errors"] == ["revoked"]


def _proof_report(credential) -> dict:
    proof = credential["proof"][0] if isinstance(credential["proof"], list) else credential["proof"]
    return {"cryptosuite": proof["cryptosuite"], "verificationMethod": proof["verificationMethod"]}


def test_tampered_credential_of_another_issuer_is_refused(client, other_issuer):
    tampered = json.loads(json.dumps(other_issuer.credential(), ensure_ascii=False).replace("王䶮", "王岩"))
    assert _verify(client, tampered).json() == {
        "verified": False,
        "checks": [],
        "warnings": [],
        "errors": ["invalid_signature"],
        "proofs": [{**_proof_report(tampered), "verified": False, "error": "invalid_signature"}],
        "problems": [
            {
                "code": "invalid_signature",
                "check": "proof",
                "detail": "The signature does not match: the credential has been altered.",
            }
        ],
    }


def test_a_key_the_issuer_does_not_publish_is_refused(client, other_issuer):
    forged = other_issuer.credential(key=Ed25519PrivateKey.generate())
    assert _verify(client, forged).json()["errors"] == ["invalid_signature"]
    unlisted = other_issuer.credential()
    unlisted["proof"]["verificationMethod"] = f"{other_issuer.did}#key-2"
    assert _verify(client, unlisted).json()["errors"] == ["unresolvable_key"]


def test_an_unreachable_issuer_is_asked_once_a_minute(client, site, monkeypatch):
    monkeypatch.setattr(
        web, "fetch_json", functools.partial(web.fetch_json, allow_private=True, ssl_context=site.client_context())
    )
    issuer = OtherIssuer(site)
    site.routes.pop("/.well-known/did.json")  # 404 now
    for _ in range(2):
        assert _verify(client, issuer.credential()).json()["errors"] == ["issuer_unreachable"]
    assert site.requests == ["/.well-known/did.json"]


def test_issuers_on_private_addresses_are_refused_with_a_reason(client, site):
    issuer = OtherIssuer(site)  # the guards are not relaxed: localhost is not a public address
    assert _verify(client, issuer.credential()).json()["errors"] == ["issuer_address_refused"]
    assert site.requests == []


def test_other_did_methods_are_refused_with_a_reason(client, other_issuer):
    credential = other_issuer.credential()
    credential["issuer"]["id"] = "did:ion:EiAnKD8"
    credential["proof"]["verificationMethod"] = "did:ion:EiAnKD8#key-1"
    assert _verify(client, credential).json()["errors"] == ["unsupported_did_method"]


def test_resolution_can_be_switched_off(client, other_issuer, settings, site):
    settings.LAUREL_DID_WEB_TIMEOUT_MS = 0
    assert _verify(client, other_issuer.credential()).json()["errors"] == ["issuer_not_resolved"]
    assert site.requests == []


def _upload(client, document, language):
    response = client.post(
        reverse("certificates:verify_upload"),
        {"file": SimpleUploadedFile("c.json", json.dumps(document).encode())},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    return response.content.decode()


def test_upload_page_says_whose_credential_it_is_in_both_languages(client, other_issuer, site):
    english = _upload(client, other_issuer.credential(), "en")
    assert "Valid" in english and "This credential was not issued by this site" in english
    assert site.url("/.well-known/did.json") in english and "云岭省科学技术协会" in english
    chinese = _upload(client, other_issuer.credential(), "zh-hans")
    assert "此凭证不是本站颁发的" in chinese


def test_unreachable_issuer_message_in_both_languages(client, db):
    credential = {
        "@context": [jsonld.CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:gone.example",
        "credentialSubject": {"name": "x"},
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": "did:web:gone.example#key-1",
            "proofPurpose": "assertionMethod",
            "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKiZXxMPyQHr8T2B8h",
        },
    }
    assert "could not be read in time" in _upload(client, credential, "en")
    assert "未能及时读取" in _upload(client, credential, "zh-hans")

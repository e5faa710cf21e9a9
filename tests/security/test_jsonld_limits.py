"""Untrusted JSON-LD cannot stall the site: each poison is answered at once with a 400 naming the limit, on the
upload page, on the VC API's verify and on its issue.

Without the limits these requests took minutes (the blank-node clique more than gunicorn's 120 s, the 200 KB name
array 344 s, the long proofValue seconds, growing with the square of its length) or were verified regardless of
their size; `deadline` turns such a stall into a failure instead of a hung test run."""

import json
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laurel.certificates import services
from laurel.certificates.credentials import jsonld, limits, multikey, proofs
from laurel.people.services import create_api_token
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.people import PersonFactory
from tests.security.poisoned_credentials import (
    blank_node_clique,
    deadline,
    deep_nesting,
    long_name_list,
    long_proof_value,
    look_alike_tree,
    oversize,
)

GUARD_SECONDS = 20

# Each poison, the refusal's code and the limit it names.
POISONS = [
    (blank_node_clique, "too_many_blank_node_labels", limits.MAX_BLANK_NODE_LABELS),
    (look_alike_tree, "canonicalization_too_costly", limits.MAX_CANONICALIZATION_WORK),
    (long_name_list, "array_too_long", limits.MAX_ARRAY_LENGTH),
    (deep_nesting, "too_deep", limits.MAX_DEPTH),
    (oversize, "credential_too_large", limits.MAX_CREDENTIAL_BYTES // 1024),
]
SIGNED_POISONS = [*POISONS, (long_proof_value, "proof_value_too_long", limits.MAX_PROOF_VALUE_CHARS)]


@pytest.fixture
def credential(db, staff) -> dict:
    certificate = services.issue_one(
        template=CertificateTemplateFactory(),
        recipient=PersonFactory(name="王䶮", name_en="Wang Yan"),
        title="云州市最美科技工作者",
        citation="在材料科学领域取得突出成就。",
        batch_key="2026-最美",
        actor=staff,
    )
    return certificate.credential


def _api_verify(client, document):
    with deadline(GUARD_SECONDS):
        return client.post(
            reverse("certificates:api_verify"),
            json.dumps({"verifiableCredential": document}, ensure_ascii=False),
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )


def _upload(client, document):
    data = json.dumps(document, ensure_ascii=False).encode()
    with deadline(GUARD_SECONDS):
        return client.post(
            reverse("certificates:verify_upload"),
            {"file": SimpleUploadedFile("credential.json", data)},
            HTTP_ACCEPT_LANGUAGE="en",
        )


@pytest.mark.parametrize(("poison", "code", "limit"), SIGNED_POISONS, ids=lambda value: getattr(value, "__name__", ""))
def test_poisoned_credential_is_refused_by_the_verify_api_naming_the_limit(client, credential, poison, code, limit):
    response = _api_verify(client, poison(credential))
    assert response.status_code == 400
    body = response.json()
    assert (body["verified"], body["errors"]) == (False, [code])
    assert body["problems"][0]["code"] == code and body["problems"][0]["limit"] == limit
    assert str(limit) in body["problems"][0]["detail"]


@pytest.mark.parametrize(("poison", "code", "limit"), SIGNED_POISONS, ids=lambda value: getattr(value, "__name__", ""))
def test_poisoned_credential_is_refused_on_the_upload_page_naming_the_limit(client, credential, poison, code, limit):
    response = _upload(client, poison(credential))
    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-testid="upload-error"' in content and f"{limit}" in content
    assert "Valid: this certificate" not in content and "Not valid" not in content


@pytest.mark.parametrize(("poison", "code", "limit"), POISONS, ids=lambda value: getattr(value, "__name__", ""))
def test_poisoned_credential_is_refused_by_the_issue_api_naming_the_limit(
    client, credential, staff, poison, code, limit
):
    unsigned = {name: value for name, value in credential.items() if name not in {"proof", "credentialStatus", "id"}}
    token = create_api_token(user=staff, name="issuer", scope="write")
    with deadline(GUARD_SECONDS):
        response = client.post(
            reverse("certificates:api_issue"),
            json.dumps({"credential": poison(unsigned)}, ensure_ascii=False),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["limit"]) == (code, limit)
    assert str(limit) in response.json()["detail"]


@pytest.mark.parametrize(
    ("poison", "limit", "words"),
    [
        (look_alike_tree, limits.MAX_CANONICALIZATION_WORK, "签名"),
        (blank_node_clique, limits.MAX_BLANK_NODE_LABELS, "空白节点"),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_refusal_names_the_limit_in_chinese(client, credential, poison, limit, words):
    response = client.post(
        reverse("certificates:api_verify"),
        json.dumps({"verifiableCredential": poison(credential)}, ensure_ascii=False),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    detail = response.json()["problems"][0]["detail"]
    assert str(limit) in detail and words in detail


def test_blank_node_clique_is_refused_before_expansion(client, credential, monkeypatch):
    """Refused only after expansion, the clique cost a worker more than a genuine verification (7.5 ms against
    5.7 ms), so four clients sending it kept the workers as busy as honest traffic. Counting its 64 blank-node
    identifiers on the parsed JSON refuses it before the JSON-LD processor starts."""
    expanded = []
    real_to_rdf = jsonld._Processor.to_rdf

    def to_rdf(self, document, options):
        expanded.append(document)
        return real_to_rdf(self, document, options)

    monkeypatch.setattr(jsonld._Processor, "to_rdf", to_rdf)
    response = _api_verify(client, blank_node_clique(credential))
    assert response.status_code == 400 and response.json()["errors"] == ["too_many_blank_node_labels"]
    assert expanded == []
    assert _api_verify(client, credential).json()["verified"] is True and expanded  # the probe sees expansion


def test_blank_node_labels_are_counted_up_to_the_limit():
    def labelled(count: int) -> dict:
        return {"https://example.org/vocab#knows": [{"id": f"_:b{index}"} for index in range(count)]}

    limits.check_structure(labelled(limits.MAX_BLANK_NODE_LABELS))
    with pytest.raises(limits.LimitExceeded) as refused:
        limits.check_structure(labelled(limits.MAX_BLANK_NODE_LABELS + 1))
    assert refused.value.code == "too_many_blank_node_labels"


def test_look_alike_objects_are_refused_within_a_small_canonicalization_budget(credential):
    """Two objects of four alike children, all without an id, need 436 steps of Hash N-Degree Quads: the former
    budget of 1000 let them through and a ring of 32 blank nodes cost 30 ms; no honest credential needs a step."""
    document = {name: value for name, value in look_alike_tree(credential).items() if name != "proof"}
    with deadline(GUARD_SECONDS), pytest.raises(limits.LimitExceeded) as refused:
        jsonld.canonicalize(document)
    assert refused.value.code == "canonicalization_too_costly"
    assert jsonld.canonicalize({name: value for name, value in credential.items() if name != "proof"})


def test_upload_larger_than_any_certificate_is_refused_before_it_is_read(client, db):
    response = client.post(
        reverse("certificates:verify_upload"),
        {"file": SimpleUploadedFile("big.pdf", b"%PDF" + b" " * (6 * 1024 * 1024))},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "too large (at most 5 MB)" in response.content.decode()


def test_long_did_key_is_refused_before_base58_decoding(credential):
    """Decoding a million base58 characters took minutes; no key or signature has more than 133."""
    poisoned = json.loads(json.dumps(credential))
    poisoned["proof"][0]["verificationMethod"] = "did:key:z" + "2" * 1_000_000
    poisoned["issuer"]["id"] = poisoned["proof"][0]["verificationMethod"]
    with deadline(GUARD_SECONDS), pytest.raises(proofs.ProofError) as refused:
        proofs.verify(poisoned, resolve_key=multikey.resolve_did_key)
    assert refused.value.code == "unresolvable_key"
    with pytest.raises(multikey.KeyError_):
        multikey.base58_decode("2" * 137)
    assert len(multikey.base58_decode("2" * 136)) == 99


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"name": [str(index) for index in range(limits.MAX_VALUES + 1)]}, "array_too_long"),
        ({"names": [[str(index)] * 10 for index in range(limits.MAX_VALUES // 10 + 1)]}, "too_many_values"),
        ({"a": [{} for _ in range(200)], "b": [{} for _ in range(limits.MAX_OBJECTS - 200)]}, "too_many_objects"),
        (
            {"@context": {f"t{index}": f"https://example.org/{'t' * 200}" for index in range(80)}},
            "inline_context_too_large",
        ),
    ],
)
def test_shape_limits_hold_before_expansion(document, code):
    with pytest.raises(limits.LimitExceeded) as refused:
        jsonld.canonicalize(document)
    assert refused.value.code == code


def test_blank_nodes_are_counted_after_expansion(credential):
    """Below every shape limit, but with more blank nodes than any honest credential."""
    document = {name: value for name, value in credential.items() if name != "proof"}
    chains = [{"https://example.org/vocab#part": {"https://example.org/vocab#part": {}}} for _ in range(40)]
    document["credentialSubject"] = {**document["credentialSubject"], "https://example.org/vocab#has": chains}
    with pytest.raises(limits.LimitExceeded) as refused:
        jsonld.canonicalize(document)
    assert refused.value.code == "too_many_blank_nodes"


def test_values_pooled_on_one_property_count_as_one_list(credential):
    """Four objects with one id each give `name` 70 values: pyld pools them on one node, 280 in all."""
    document = {name: value for name, value in credential.items() if name != "proof"}
    document["credentialSubject"] = [
        {"id": "urn:example:honoree", "https://example.org/vocab#name": [f"{part}-{index}" for index in range(70)]}
        for part in range(4)
    ]
    with pytest.raises(limits.LimitExceeded) as refused:
        jsonld.canonicalize(document)
    assert refused.value.code == "array_too_long"


def test_one_slow_canonicalization_does_not_hold_up_another(credential, monkeypatch):
    """Canonicalization used to run under a process-wide lock: while one request was inside it, every other
    waited. Here one thread is held inside canonicalize (its context loads slowly); another still finishes."""
    slow_context = "https://example.org/slow-context"
    inside, release = threading.Event(), threading.Event()
    real_loader = jsonld.document_loader

    def slow_loader(url, options=None):
        if url == slow_context:
            inside.set()
            release.wait(GUARD_SECONDS)
            return {"contextUrl": None, "documentUrl": url, "document": {"@context": {}}}
        return real_loader(url, options)

    monkeypatch.setattr(jsonld, "document_loader", slow_loader)
    monkeypatch.setitem(jsonld.BUNDLED, slow_context, "slow-context.jsonld")  # known, so it reaches the loader
    slow = {**credential, "@context": [*credential["@context"], slow_context]}
    slow.pop("proof")
    held = threading.Thread(target=jsonld.canonicalize, args=(slow,))
    held.start()
    try:
        assert inside.wait(GUARD_SECONDS)  # the first thread is inside canonicalize now
        with deadline(GUARD_SECONDS):
            assert "王䶮" in jsonld.canonicalize({name: value for name, value in credential.items() if name != "proof"})
        assert held.is_alive()  # and is still there: the second did not wait for it
    finally:
        release.set()
        held.join()


def _with_lists(credential: dict, lengths: list[int]) -> dict:
    subject = {**credential["credentialSubject"]}
    for number, length in enumerate(lengths):
        subject[f"https://example.org/vocab#list{number}"] = [f"{number}-{index:05d}" for index in range(length)]
    return {**credential, "credentialSubject": subject}


def test_long_lists_together_are_refused_before_expansion(client, credential):
    """Three lists of 200 names pass every other limit, and pyld's duplicate check compared 60,000 pairs of values
    (109 ms of CPU for three lists of 256, 25 genuine verifications) before the signature was found wrong."""
    poisoned = _with_lists(credential, [200, 200, 200])
    with pytest.raises(limits.LimitExceeded) as refused:
        limits.check_structure(poisoned)
    assert refused.value.code == "lists_too_long"
    body = _api_verify(client, poisoned).json()
    assert body["errors"] == ["lists_too_long"] and body["problems"][0]["limit"] == limits.MAX_VALUE_PAIRS
    limits.check_structure(_with_lists(credential, [limits.MAX_ARRAY_LENGTH]))  # one full list is still read


def test_pairs_pooled_on_one_node_are_counted_after_expansion(credential):
    """Eight objects sharing an id, each with two short lists: few pairs as written, 57,000 once pyld pools them."""
    document = {name: value for name, value in credential.items() if name != "proof"}
    document["credentialSubject"] = [
        {
            "id": "urn:example:honoree",
            **{f"https://example.org/vocab#{key}": [f"{key}{part}-{index}" for index in range(30)] for key in "ab"},
        }
        for part in range(8)
    ]
    limits.check_structure(document)
    with pytest.raises(limits.LimitExceeded) as refused:
        jsonld.canonicalize(document)
    assert refused.value.code == "lists_too_long"

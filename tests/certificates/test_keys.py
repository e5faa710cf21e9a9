"""The signing key in LAUREL_SIGNING_KEY_FILE instead of the encrypted database row."""

import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from laurel.certificates import keys, services, verification
from laurel.certificates.credentials import multikey
from laurel.certificates.credentials.verification import Verdict
from laurel.certificates.models import SigningKey
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_file(settings, tmp_path):
    path = tmp_path / "secrets" / "signing.pem"
    settings.LAUREL_SIGNING_KEY_FILE = str(path)
    return path


def _issue(template, staff, batch_key="k"):
    return services.issue_one(template=template, recipient=PersonFactory(), title="t", batch_key=batch_key, actor=staff)


def _did_keys():
    return [method["publicKeyMultibase"] for method in keys.did_document()["verificationMethod"]]


def test_key_file_is_generated_owner_only_and_signs(key_file, template, staff):
    certificate = _issue(template, staff)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    key = SigningKey.objects.get()
    assert (key.is_current, key.encrypted_private_key) == (True, "")
    assert multikey.public_key_to_multikey(keys.private_key(key).public_key()) == key.public_multikey
    assert _did_keys() == [key.public_multikey]
    assert verification.verify_document(certificate.credential).verdict == Verdict.VALID


def test_existing_key_file_is_used(key_file, template, staff):
    private_key = Ed25519PrivateKey.generate()
    key_file.parent.mkdir()
    key_file.write_bytes(private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    certificate = _issue(template, staff)
    expected = multikey.public_key_to_multikey(private_key.public_key())
    assert certificate.credential["proof"][0]["verificationMethod"].endswith(expected[-16:])


def test_rotation_replaces_the_file_and_keeps_old_public_keys(key_file, template, staff):
    old = _issue(template, staff, "a")
    old_pem = key_file.read_bytes()
    old_public = keys.current_key().public_multikey
    new_key = keys.rotate()
    assert key_file.read_bytes() != old_pem and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _did_keys() == [new_key.public_multikey, old_public]
    new = _issue(template, staff, "b")
    assert new.credential["proof"][0]["verificationMethod"] == keys.verification_method(new_key)
    assert [verification.verify_document(c.credential).verdict for c in (old, new)] == [Verdict.VALID] * 2


def test_moving_from_the_database_to_a_key_file_keeps_the_old_key_listed(settings, tmp_path, template, staff):
    old = _issue(template, staff, "a")
    database_public = keys.current_key().public_multikey
    settings.LAUREL_SIGNING_KEY_FILE = str(tmp_path / "signing.pem")
    file_key = keys.current_key()
    assert file_key.public_multikey != database_public
    assert _did_keys() == [file_key.public_multikey, database_public]
    assert verification.verify_document(old.credential).verdict == Verdict.VALID


def test_unreadable_key_file_fails_loudly(key_file, template, staff):
    from django.core.exceptions import ImproperlyConfigured

    key_file.parent.mkdir()
    key_file.write_text("not a key")
    with pytest.raises(ImproperlyConfigured, match="LAUREL_SIGNING_KEY_FILE"):
        keys.current_key()

"""The association's signing keys: generated on first use, stored encrypted, rotatable.

The private key is encrypted with Fernet under a key derived from SECRET_KEY: changing SECRET_KEY makes
stored keys unreadable, so rotate the signing key (`manage.py rotate_signing_key`) after doing so.
Retired keys stay in the DID document so that old credentials keep verifying."""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from laurel.certificates.credentials import did, multikey
from laurel.certificates.models import SigningKey


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"laurel.certificates.signing-key:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def issuer_did() -> str:
    return did.did_web(settings.SITE_URL)


def verification_method(key: SigningKey) -> str:
    return f"{issuer_did()}#{key.fragment}"


def _create_key() -> SigningKey:
    private_key = Ed25519PrivateKey.generate()
    public = multikey.public_key_to_multikey(private_key.public_key())
    return SigningKey.objects.create(
        fragment=public[-16:],
        public_multikey=public,
        encrypted_private_key=_fernet().encrypt(multikey.private_key_to_multikey(private_key).encode()).decode(),
    )


def current_key() -> SigningKey:
    key = SigningKey.objects.filter(is_current=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return _create_key()
    except IntegrityError:  # another process created it first
        return SigningKey.objects.get(is_current=True)


@lru_cache(maxsize=16)
def _private_key(encrypted: str) -> Ed25519PrivateKey:
    return multikey.multikey_to_private_key(_fernet().decrypt(encrypted.encode()).decode())


def private_key(key: SigningKey) -> Ed25519PrivateKey:
    return _private_key(key.encrypted_private_key)


def rotate() -> SigningKey:
    with transaction.atomic():
        SigningKey.objects.filter(is_current=True).update(is_current=False, retired_at=timezone.now())
        return _create_key()


def did_document() -> dict:
    current_key()
    keys = SigningKey.objects.order_by("-is_current", "-created_at", "-pk")
    return did.did_document(issuer_did(), [(key.fragment, key.public_multikey) for key in keys])


@lru_cache(maxsize=64)
def _public_key(public_multikey: str) -> Ed25519PublicKey:
    return multikey.multikey_to_public_key(public_multikey)


def resolve_key(verification_method: str) -> Ed25519PublicKey:
    """Laurel's own did:web keys from the database (no network); did:key locally; anything else refused."""
    if verification_method.startswith("did:key:"):
        return multikey.resolve_did_key(verification_method)
    own, _hash, fragment = verification_method.partition("#")
    if own != issuer_did():
        raise multikey.KeyError_("unknown issuer")
    key = SigningKey.objects.filter(fragment=fragment).first()
    if key is None:
        raise multikey.KeyError_("unknown key")
    return _public_key(key.public_multikey)

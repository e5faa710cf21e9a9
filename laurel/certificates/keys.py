"""The association's signing keys: generated on first use, stored encrypted or in a file, rotatable.

By default the private key is encrypted with Fernet under a key derived from SECRET_KEY: changing SECRET_KEY
makes stored keys unreadable, so rotate the signing key (`manage.py rotate_signing_key`) after doing so.
With `LAUREL_SIGNING_KEY_FILE` set, the private key lives in that PEM file instead (created with mode 0600 on
first use) and the database keeps only public keys. Either way retired keys stay in the DID document so that
old credentials keep verifying; replacing the file by hand counts as a rotation too."""

import base64
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from laurel.certificates import issuers
from laurel.certificates.credentials import did, multikey
from laurel.certificates.models import SigningKey


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"laurel.certificates.signing-key:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def issuer_did() -> str:
    return did.did_web(settings.SITE_URL)


def verification_method(key: SigningKey) -> str:
    return f"{issuer_did()}#{key.fragment}"


# The key file.
def key_file() -> Path | None:
    name = getattr(settings, "LAUREL_SIGNING_KEY_FILE", "")
    return Path(name) if name else None


def _pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())


def _write_key_file(path: Path, private_key: Ed25519PrivateKey, *, replace: bool) -> None:
    """Write the PEM readable by its owner only. Without `replace`, an existing file wins (another process
    created it first). With it, the new file takes the old one's place atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    target = path.with_name(f".{path.name}.{os.getpid()}.new") if replace else path
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(_pem(private_key))
        file.flush()
        os.fsync(file.fileno())
    if replace:
        os.replace(target, path)


@lru_cache(maxsize=4)
def _load_key_file(path: str, _inode: int, _mtime_ns: int) -> Ed25519PrivateKey:
    try:
        private_key = load_pem_private_key(Path(path).read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"LAUREL_SIGNING_KEY_FILE {path} is not an unencrypted PEM private key") from error
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"LAUREL_SIGNING_KEY_FILE {path} must hold an Ed25519 key")
    return private_key


def _file_private_key(path: Path) -> Ed25519PrivateKey:
    """The key in the file, generated into it if the file does not exist yet."""
    if not path.exists():
        try:
            _write_key_file(path, Ed25519PrivateKey.generate(), replace=False)
        except FileExistsError:
            pass
    stat = path.stat()
    return _load_key_file(str(path), stat.st_ino, stat.st_mtime_ns)


def _current_file_key(path: Path) -> SigningKey:
    """The database row of the file's key, made current (retiring any other current key) if it is new."""
    public = multikey.public_key_to_multikey(_file_private_key(path).public_key())
    key = SigningKey.objects.filter(public_multikey=public).first()
    if key is not None and key.is_current:
        return key
    try:
        with transaction.atomic():
            SigningKey.objects.filter(is_current=True).update(is_current=False, retired_at=timezone.now())
            if key is not None:  # a file restored from a backup: its key becomes current again
                SigningKey.objects.filter(pk=key.pk).update(is_current=True, retired_at=None)
                key.is_current, key.retired_at = True, None
                return key
            return SigningKey.objects.create(fragment=public[-16:], public_multikey=public, encrypted_private_key="")
    except IntegrityError:  # another process recorded it first
        return SigningKey.objects.get(is_current=True)


# The encrypted database row.
def _create_key() -> SigningKey:
    private_key = Ed25519PrivateKey.generate()
    public = multikey.public_key_to_multikey(private_key.public_key())
    return SigningKey.objects.create(
        fragment=public[-16:],
        public_multikey=public,
        encrypted_private_key=_fernet().encrypt(multikey.private_key_to_multikey(private_key).encode()).decode(),
    )


def current_key() -> SigningKey:
    path = key_file()
    if path is not None:
        return _current_file_key(path)
    key = SigningKey.objects.filter(is_current=True, encrypted_private_key__gt="").first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            # A key left current by a key file that is no longer configured retires.
            SigningKey.objects.filter(is_current=True).update(is_current=False, retired_at=timezone.now())
            return _create_key()
    except IntegrityError:  # another process created it first
        return SigningKey.objects.get(is_current=True)


@lru_cache(maxsize=16)
def _private_key(encrypted: str) -> Ed25519PrivateKey:
    return multikey.multikey_to_private_key(_fernet().decrypt(encrypted.encode()).decode())


def private_key(key: SigningKey) -> Ed25519PrivateKey:
    if key.encrypted_private_key:
        return _private_key(key.encrypted_private_key)
    path = key_file()
    private = _file_private_key(path) if path is not None else None
    if private is None or multikey.public_key_to_multikey(private.public_key()) != key.public_multikey:
        raise ImproperlyConfigured(f"the private half of signing key {key.fragment} is not in LAUREL_SIGNING_KEY_FILE")
    return private


def rotate() -> SigningKey:
    """A new current key; the old one is retired but stays in the DID document. With a key file, the new key
    replaces the file's content (the old private key is gone: nothing needs it to verify)."""
    path = key_file()
    with transaction.atomic():
        if path is not None:
            _write_key_file(path, Ed25519PrivateKey.generate(), replace=True)
            return _current_file_key(path)
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
    """Laurel's own did:web keys from the database (no network); did:key locally; other did:web issuers over
    HTTPS (`issuers.py`); any other method refused. Raises ValueError with a `code`."""
    if verification_method.startswith("did:key:"):
        return multikey.resolve_did_key(verification_method)
    own, _hash, fragment = verification_method.partition("#")
    if own != issuer_did():
        return issuers.resolve_key(verification_method)
    key = SigningKey.objects.filter(fragment=fragment).first()
    if key is not None:
        return _public_key(key.public_multikey)
    raise multikey.KeyError_("unknown key")

"""Ed25519 keys as Multikeys (multibase base58btc of multicodec 0xed01 + key) and `did:key` resolution."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUBLIC_PREFIX = b"\xed\x01"
ED25519_SECRET_PREFIX = b"\x80\x26"


class KeyError_(ValueError):
    """A key or identifier that cannot be decoded or found. `code` says why, for the verifier's verdict."""

    def __init__(self, detail: str = "", code: str = "unresolvable_key"):
        super().__init__(detail or code)
        self.code = code


def base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = BASE58_ALPHABET[remainder] + encoded
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + encoded


# Everything Laurel decodes is short: a public or secret Multikey is 48 characters, an Ed25519 signature at most
# 88. Base conversion costs the square of the length (in any library: the `base58` package loops the same way),
# so longer input is refused before it is read, and the decoder's work stays bounded.
MAX_BASE58_CHARS = 128
_BASE58_INDEX = {char: index for index, char in enumerate(BASE58_ALPHABET)}


def base58_decode(text: str) -> bytes:
    if len(text) > MAX_BASE58_CHARS:
        raise KeyError_(f"longer than {MAX_BASE58_CHARS} base58 characters")
    number = 0
    for char in text:
        index = _BASE58_INDEX.get(char)
        if index is None:
            raise KeyError_(f"not base58: {char!r}")
        number = number * 58 + index
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_zeros + body


def multibase_decode(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise KeyError_("only multibase base58btc ('z') is supported")
    return base58_decode(value[1:])


def public_key_to_multikey(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58_encode(ED25519_PUBLIC_PREFIX + raw)


def multikey_to_public_key(multikey: str) -> Ed25519PublicKey:
    data = multibase_decode(multikey)
    if len(data) != 34 or not data.startswith(ED25519_PUBLIC_PREFIX):
        raise KeyError_("not an Ed25519 public Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_key_to_multikey(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + base58_encode(ED25519_SECRET_PREFIX + raw)


def multikey_to_private_key(multikey: str) -> Ed25519PrivateKey:
    data = multibase_decode(multikey)
    if len(data) != 34 or not data.startswith(ED25519_SECRET_PREFIX):
        raise KeyError_("not an Ed25519 secret Multikey")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


def did_key(public_key: Ed25519PublicKey) -> str:
    return "did:key:" + public_key_to_multikey(public_key)


def resolve_did_key(verification_method: str) -> Ed25519PublicKey:
    """`did:key:z6Mk...#z6Mk...` (or without the fragment) -> the public key, with no network."""
    did, _hash, fragment = verification_method.partition("#")
    if not did.startswith("did:key:"):
        raise KeyError_("not a did:key")
    multikey = did.removeprefix("did:key:")
    if fragment and fragment != multikey:
        raise KeyError_("the did:key fragment does not match its key")
    return multikey_to_public_key(multikey)

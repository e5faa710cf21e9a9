"""Public keys as Multikeys (multibase base58btc of a multicodec prefix + key) and `did:key` resolution:
Ed25519 (0xed01 + 32 bytes) and the NIST curves P-256 (0x1200) and P-384 (0x1201) as compressed points, the keys
of the eddsa-* and ecdsa-* Data Integrity cryptosuites. Laurel signs with Ed25519; it verifies all three."""

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUBLIC_PREFIX = b"\xed\x01"
ED25519_SECRET_PREFIX = b"\x80\x26"
# Multicodec p256-pub and p384-pub as varints, and the length of a compressed point on each curve.
EC_PUBLIC_PREFIXES = {b"\x80\x24": (ec.SECP256R1, 33), b"\x81\x24": (ec.SECP384R1, 49)}
PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey


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


# Everything Laurel decodes is short: a public or secret Ed25519 Multikey is 48 characters, a P-384 one 70, an
# Ed25519 or P-256 signature at most 88, a P-384 signature (96 bytes) at most 132. Base conversion costs the square of the length (in any library: the `base58` package loops the same way),
# so longer input is refused before it is read, and the decoder's work stays bounded.
MAX_BASE58_CHARS = 136
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


def public_key_bytes(public_key: PublicKey) -> bytes:
    """The key's bytes as a Multikey carries them (raw Ed25519, or the compressed point)."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return public_key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_to_multikey(public_key: PublicKey) -> str:
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        for prefix, (curve, _length) in EC_PUBLIC_PREFIXES.items():
            if isinstance(public_key.curve, curve):
                return "z" + base58_encode(prefix + public_key_bytes(public_key))
        raise KeyError_("only P-256 and P-384 keys are written as Multikeys")
    return "z" + base58_encode(ED25519_PUBLIC_PREFIX + public_key_bytes(public_key))


def multikey_to_public_key(multikey: str) -> PublicKey:
    """An Ed25519, P-256 or P-384 public key. Raises KeyError_ for anything else or a point off its curve."""
    data = multibase_decode(multikey)
    if len(data) == 34 and data.startswith(ED25519_PUBLIC_PREFIX):
        return Ed25519PublicKey.from_public_bytes(data[2:])
    curve_and_length = EC_PUBLIC_PREFIXES.get(data[:2])
    if curve_and_length is None or len(data) != 2 + curve_and_length[1]:
        raise KeyError_("not an Ed25519, P-256 or P-384 public Multikey")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(curve_and_length[0](), data[2:])
    except ValueError as error:
        raise KeyError_("the key is not a point on its curve") from error


def private_key_to_multikey(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + base58_encode(ED25519_SECRET_PREFIX + raw)


def multikey_to_private_key(multikey: str) -> Ed25519PrivateKey:
    data = multibase_decode(multikey)
    if len(data) != 34 or not data.startswith(ED25519_SECRET_PREFIX):
        raise KeyError_("not an Ed25519 secret Multikey")
    return Ed25519PrivateKey.from_private_bytes(data[2:])


def did_key(public_key: PublicKey) -> str:
    return "did:key:" + public_key_to_multikey(public_key)


def resolve_did_key(verification_method: str) -> PublicKey:
    """`did:key:z6Mk...#z6Mk...` (or without the fragment) -> the public key, with no network."""
    did, _hash, fragment = verification_method.partition("#")
    if not did.startswith("did:key:"):
        raise KeyError_("not a did:key")
    multikey = did.removeprefix("did:key:")
    if fragment and fragment != multikey:
        raise KeyError_("the did:key fragment does not match its key")
    return multikey_to_public_key(multikey)

"""Bitstring Status List v1.0: a gzip-compressed bitstring, multibase base64url ('u') encoded."""

import base64
import gzip
import zlib

MINIMUM_BITS = 131_072  # 16 KiB, the spec's minimum for herd privacy
MAXIMUM_BYTES = 16 * 1024 * 1024  # refuse decompression bombs


class StatusListError(ValueError):
    pass


def encode(revoked_indexes: set[int], *, size: int = MINIMUM_BITS) -> str:
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        if not 0 <= index < size:
            raise StatusListError(f"index {index} outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded_list: str) -> bytes:
    if not isinstance(encoded_list, str) or not encoded_list.startswith("u"):
        raise StatusListError("encodedList must be multibase base64url")
    body = encoded_list[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        bits = inflater.decompress(compressed, MAXIMUM_BYTES)
    except (ValueError, zlib.error) as error:
        raise StatusListError("encodedList is not a gzip bitstring") from error
    if inflater.unconsumed_tail:
        raise StatusListError("encodedList is too large")
    return bits


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"index {index} outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))

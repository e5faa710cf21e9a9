"""Readable public codes without look-alike characters (no 0/O, 1/I/L)."""

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def make_code(length: int = 8) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def make_token() -> str:
    """An unguessable token for private links (e.g. a host's request link, a certificate's QR code)."""
    return secrets.token_urlsafe(24)

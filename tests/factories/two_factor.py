"""TOTP for tests: enrol a user with a known secret and compute the code an authenticator app would show."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value


def enrol_totp(user) -> str:
    """Give `user` a TOTP authenticator, as allauth's enrolment page does, and return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, *, margin_seconds: int = 3) -> str:
    """The current code; waits for the next period when this one ends within `margin_seconds` (allauth accepts
    only the current period's code, so a code computed just before the period ends could be stale on arrival)."""
    period = app_settings.TOTP_PERIOD
    if period - time.time() % period < margin_seconds:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))

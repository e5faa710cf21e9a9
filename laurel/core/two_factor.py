"""Who must use a second factor, who has one, and whether this session's login used it.

Shared by the enrolment middleware, the admin site and the API tokens, so that all three read the rule the
same way. The second factor itself (TOTP, recovery codes, the login stage that asks for them and its rate
limit) is django-allauth's.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def must_enrol(user) -> bool:
    """True for a user this installation requires to use TOTP (`LAUREL_REQUIRE_2FA`) who has none yet."""
    if not settings.LAUREL_REQUIRE_2FA:
        return False
    if not getattr(user, "is_authenticated", False) or not user.requires_two_factor:
        return False
    return not has_totp(user)


def login_used_second_factor(request) -> bool:
    """Whether this session's user passed allauth's second-factor step (at login or a re-authentication).

    allauth records each step of a login in the session; a session opened any other way (by enrolling TOTP
    after a password login, by an old session from before enrolment) holds no "mfa" record.
    """
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)

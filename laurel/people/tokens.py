"""API tokens: how long they live, and the check of a bearer token on every request.

A token is checked afresh on each request against its owner as they are now: an expired token, a read token
asked to change something, and the token of a staff member or expert who no longer has the second factor this
installation requires are refused, each with the reason. The owner's roles are read at request time too, so a
token whose owner lost the staff role can no longer do staff work.
"""

import hashlib

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from laurel.core import two_factor
from laurel.core.api import CredentialRefused
from laurel.people.models import ApiToken, User

# A token lives 90 days unless its owner chooses otherwise, and never more than a year: a leaked token that
# nobody revoked stops working on its own.
DEFAULT_DAYS = 90
MAX_DAYS = 365

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def check_bearer(request, raw: str) -> User | None:
    """The user a bearer token acts as for this request; None for an unknown token or an inactive owner."""
    try:
        token = ApiToken.objects.select_related("user").get(token_hash=hash_token(raw))
    except ApiToken.DoesNotExist:
        return None
    user = token.user
    if not user.is_active:
        return None
    now = timezone.now()
    if token.expires_at <= now:
        expired_on = date_format(timezone.localtime(token.expires_at), "Y-m-d H:i")
        raise CredentialRefused(
            401,
            _("This API token expired on %(date)s. Create a new token on the API tokens page.") % {"date": expired_on},
        )
    if token.scope == ApiToken.Scope.READ and request.method not in SAFE_METHODS:
        raise CredentialRefused(
            403,
            _("This API token has the read scope: it can only read. Use a token with the write scope to make changes."),
        )
    if two_factor.must_enrol(user):
        raise CredentialRefused(
            403,
            _(
                "The owner of this API token must use two-factor authentication and has none enrolled; "
                "the token works again once they enrol it."
            ),
        )
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user

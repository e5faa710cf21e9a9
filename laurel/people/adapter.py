"""Laurel's allauth adapter: allauth sees the client address Laurel sees, and wrong passwords are limited so
that one address cannot guess many passwords while a stranger cannot lock anyone else out.

allauth's own "login_failed" limit counts failures per email from every address together: five wrong
passwords typed by anyone lock the account. Here a failure counts against the address (all accounts) and
against the account *from that address*; the account's owner, from any other address, still signs in.
A right password uncounts its attempt, so a successful sign-in now and then does not shelter guessing.
"""

from allauth.account.adapter import DefaultAccountAdapter

from laurel.core import identity, ratelimit
from laurel.core.net import address_block, client_address

# A school or an office shares one address: enough for its people's typos, too few for guessing.
LOGIN_FAILURES_PER_ADDRESS = ratelimit.Limit("account.login_failed.address", count=10, seconds=60)
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = ratelimit.Limit("account.login_failed.account", count=5, seconds=300)


def login_attempt_keys(request, login: str) -> list[tuple[ratelimit.Limit, str]]:
    block = address_block(client_address(request))
    return [
        (LOGIN_FAILURES_PER_ADDRESS, f"address:{block}"),
        (LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS, f"{login.strip().lower()}\naddress:{block}"),
    ]


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        return client_address(request)

    def format_email_subject(self, subject) -> str:
        """Account mails (confirmation, password reset) carry the association's name like every other mail."""
        return identity.mail_subject(str(subject))

    def pre_authenticate(self, request, **credentials) -> None:
        """Count this attempt under both limits before the password is checked (so that simultaneous attempts
        cannot all slip under a limit), and refuse it when either is exhausted."""
        login = credentials.get("email", credentials.get("username", "")) or ""
        self._counted_attempts = []
        for limit, key in login_attempt_keys(request, login):
            if not ratelimit.allow(limit, key):
                raise self.validation_error("too_many_login_attempts")
            self._counted_attempts.append((limit, key))

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            for limit, key in getattr(self, "_counted_attempts", []):
                ratelimit.release(limit, key)
        return user

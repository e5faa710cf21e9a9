"""Two-factor authentication is required for association staff and experts."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enroll(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_enroll(self, request) -> bool:
        if not settings.LAUREL_REQUIRE_2FA:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.requires_two_factor:
            return False
        if request.path.startswith(ALLOWED_PREFIXES):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

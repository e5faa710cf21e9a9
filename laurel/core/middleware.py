"""Two-factor authentication is required for association staff and experts."""

from django.shortcuts import redirect
from django.urls import reverse

from laurel.core import two_factor

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/i18n/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(ALLOWED_PREFIXES) and two_factor.must_enrol(getattr(request, "user", None)):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class RejectNullCharactersMiddleware:
    """Refuse requests carrying a NUL character in the path, the query or a form/JSON body.

    PostgreSQL text cannot hold NUL, so such a value would otherwise reach the database as a server
    error; no real user sends one. Uploaded files are not inspected (binary content may hold NULs).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_null(request):
            from django.http import HttpResponseBadRequest, JsonResponse
            from django.utils.translation import gettext as _

            message = _("The request contains a NUL character, which Laurel does not accept.")
            if request.path.startswith(("/api/", "/credentials/")):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)

    @staticmethod
    def _carries_null(request) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            return True
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            content_type = request.content_type or ""
            if content_type == "application/json" or content_type.endswith("+json"):
                body = request.body
                return b"\x00" in body or b"\\u0000" in body
            if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                return any("\x00" in value for values in request.POST.lists() for value in values[1])
        return False

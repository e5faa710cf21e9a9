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


# The largest JSON body any view reads: the VC API's credentials are at most 256 KB
# (laurel.certificates.credentials.limits), the REST API's payloads a few KB. Scanning a body for NULs reads all of
# it first, up to DATA_UPLOAD_MAX_MEMORY_SIZE (60 MB): a 20 MB body to /credentials/verify cost a worker 35 ms of CPU
# and 20 MB of memory before the view refused it from its declared length.
MAX_JSON_BODY_BYTES = 1024 * 1024
JSON_PATHS = ("/api/", "/credentials/")


class RejectNullCharactersMiddleware:
    """Refuse requests carrying a NUL character in the path, the query or a form/JSON body, and JSON bodies larger
    than any view reads (before reading them).

    PostgreSQL text cannot hold NUL, so such a value would otherwise reach the database as a server
    error; no real user sends one. Uploaded files are not inspected (binary content may hold NULs).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation
        from django.utils.translation import gettext as _

        if self._json_too_large(request):
            # LocaleMiddleware comes later, so the refusal picks the client's language itself.
            with translation.override(translation.get_language_from_request(request)):
                message = _("The request body is larger than %(limit)s KB, the most this site reads.") % {
                    "limit": MAX_JSON_BODY_BYTES // 1024
                }
            return self._refusal(request, message, status=413)
        if self._carries_null(request):
            message = _("The request contains a NUL character, which Laurel does not accept.")
            return self._refusal(request, message, status=400)
        return self.get_response(request)

    @staticmethod
    def _refusal(request, message: str, *, status: int):
        from django.http import HttpResponse, JsonResponse

        if request.path.startswith(JSON_PATHS):
            return JsonResponse({"detail": message}, status=status)
        return HttpResponse(message, status=status)

    @staticmethod
    def _json_too_large(request) -> bool:
        """From the declared length alone: nothing of the body has been read."""
        content_type = request.content_type or ""
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return False
        if content_type != "application/json" and not content_type.endswith("+json"):
            return False
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_JSON_BODY_BYTES
        except ValueError:
            return False

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

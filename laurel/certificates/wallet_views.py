"""Into a wallet (OID4VCI 1.0, pre-authorized code): the honoree's offer on the desk, the issuer's metadata and the
token, nonce and credential endpoints wallets call. The endpoints are plain views: the specification fixes their
paths, bodies and error format; `openapi.py` documents them."""

import io
import json

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from laurel.certificates import permissions, wallet
from laurel.certificates.models import Certificate
from laurel.core import identity, ratelimit
from laurel.core.net import client_address

# A token request is a few short form fields; a credential request one JSON object with one key proof.
MAX_TOKEN_REQUEST_BYTES = 4 * 1024
MAX_CREDENTIAL_REQUEST_BYTES = 16 * 1024
MAX_JSON_DEPTH = 8

TOKENS_PER_ADDRESS = ratelimit.Limit("certificates.wallet.token", count=30, seconds=60)
NONCES_PER_ADDRESS = ratelimit.Limit("certificates.wallet.nonce", count=60, seconds=60)
CREDENTIALS_PER_ADDRESS = ratelimit.Limit("certificates.wallet.credential", count=30, seconds=60)
OFFERS_PER_USER = ratelimit.Limit("certificates.wallet.offer", count=10, seconds=3600)


def _json(data: dict, status: int = 200, **headers) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _refusal(error: wallet.OAuthError) -> JsonResponse:
    headers = {}
    if error.status == 401:  # RFC 6750, 3
        headers["WWW_Authenticate"] = f'Bearer error="{error.error}"'
    return _json(error.as_json(), status=error.status, **headers)


def _too_many() -> JsonResponse:
    return _json({"error": "slow_down", "error_description": "Too many requests from this address."}, status=429)


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _depth(value, limit: int) -> bool:
    """Whether `value` nests at most `limit` deep (iteratively: no recursion on hostile input)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


def _read_json(request) -> dict:
    if _declared_length(request) > MAX_CREDENTIAL_REQUEST_BYTES:
        raise wallet.OAuthError("invalid_credential_request", "The request is larger than 16 KB.")
    data = request.read(MAX_CREDENTIAL_REQUEST_BYTES + 1)
    if len(data) > MAX_CREDENTIAL_REQUEST_BYTES:
        raise wallet.OAuthError("invalid_credential_request", "The request is larger than 16 KB.")
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise wallet.OAuthError("invalid_credential_request", "The body is not JSON.") from error
    if not isinstance(body, dict):
        raise wallet.OAuthError("invalid_credential_request", "Send a JSON object.")
    if not _depth(body, MAX_JSON_DEPTH):
        raise wallet.OAuthError("invalid_credential_request", "The JSON nests too deep.")
    return body


# Metadata: public, cacheable, readable by browser-based wallets.


@require_GET
def issuer_metadata(request):
    response = JsonResponse(wallet.issuer_metadata(identity.current()))
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def authorization_server_metadata(request):
    response = JsonResponse(wallet.authorization_server_metadata())
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


# The endpoints wallets call.


@csrf_exempt
@require_POST
def token(request):
    if not ratelimit.allow_address(TOKENS_PER_ADDRESS, client_address(request)):
        return _too_many()
    if _declared_length(request) > MAX_TOKEN_REQUEST_BYTES:
        return _refusal(wallet.OAuthError("invalid_request", "The request is larger than 4 KB."))
    if request.content_type != "application/x-www-form-urlencoded":
        return _refusal(wallet.OAuthError("invalid_request", "Send application/x-www-form-urlencoded."))
    try:
        fields = request.POST
        answer = wallet.exchange_code(
            grant_type=fields.get("grant_type"), code=fields.get("pre-authorized_code"), pin=fields.get("tx_code")
        )
    except wallet.OAuthError as error:
        return _refusal(error)
    return _json(answer, Pragma="no-cache")


@csrf_exempt
@require_POST
def nonce(request):
    if not ratelimit.allow_address(NONCES_PER_ADDRESS, client_address(request)):
        return _too_many()
    return _json({"c_nonce": wallet.new_nonce()})


@csrf_exempt
@require_POST
def credential(request):
    if not ratelimit.allow_address(CREDENTIALS_PER_ADDRESS, client_address(request)):
        return _too_many()
    try:
        # The token first: a request without one learns nothing about the body's checks.
        wallet.offer_for_token(request.headers.get("Authorization", ""))
        if request.content_type != "application/json":
            raise wallet.OAuthError("invalid_credential_request", "Send application/json.")
        answer = wallet.pick_up(authorization=request.headers.get("Authorization", ""), body=_read_json(request))
    except wallet.OAuthError as error:
        return _refusal(error)
    return _json(answer)


# The honoree's desk.


def qr_svg(uri: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make_qr(uri, error="l").save(
        buffer, kind="svg", scale=3, border=4, xmldecl=False, svgclass="wallet-qr", title=_("QR code for a wallet")
    )
    return buffer.getvalue().decode()


# The page shows a live code and its PIN: no browser history or proxy keeps a copy (Cache-Control: no-store).
@never_cache
@require_POST
def offer(request, pk):
    """A new offer of the honoree's certificate: the QR code, the PIN and the same-device link, shown once."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    certificate = get_object_or_404(Certificate.objects.select_related("recipient"), pk=pk)
    if not permissions.can_take_to_wallet(request.user, certificate):
        raise PermissionDenied
    partial = "#wallet" if request.htmx else ""
    if not ratelimit.allow(OFFERS_PER_USER, f"user:{request.user.pk}"):
        context = {"certificate": certificate, "error": _("Too many QR codes in an hour. Try again later.")}
        return render(request, f"certificates/wallet_offer.html{partial}", context, status=429)
    try:
        made = wallet.make_offer(certificate, actor=request.user)
    except wallet.OAuthError:  # revoked since the permission check
        raise PermissionDenied from None
    context = {"certificate": certificate, "offer": made, "qr": qr_svg(made.uri), "minutes": wallet.CODE_MINUTES}
    return render(request, f"certificates/wallet_offer.html{partial}", context)

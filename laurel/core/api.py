"""The JSON API's shared parts: authentication, errors and the NinjaAPI instance apps add routers to."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer


class SessionAuth(APIKeyCookie):
    """The browser's session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        if request.user.is_authenticated:
            return request.user
        return None


class CredentialRefused(HttpError):
    """A credential Laurel knows but does not accept for this request; the message tells the caller why."""


# How a bearer token is checked: (request, raw token) -> the token's user, or None for an unknown token; raises
# CredentialRefused. Tokens belong to people, a higher app, which registers its check in PeopleConfig.ready().
token_checks: list[Callable[[HttpRequest, str], Any]] = []


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        for check in token_checks:
            user = check(request, token)
            if user is not None:
                request.user = user
                return user
        return None


def anonymous(request):
    """Lets a read go through without credentials; the endpoint then shows only what is public."""
    return True


AUTH = [TokenAuth(), SessionAuth(csrf=True)]
OPTIONAL_AUTH = [TokenAuth(), SessionAuth(csrf=False), anonymous]


class _Api(NinjaAPI):
    """The NinjaAPI, whose schema also documents endpoints that apps serve outside it (the VC API's, whose paths
    and bodies a W3C specification fixes): `register_openapi_paths`."""

    external_paths: dict = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["paths"].update(self.external_paths)
        return schema


def register_openapi_paths(paths: dict) -> None:
    """Add OpenAPI path items ({"/absolute/path": {...}}) for endpoints served outside the NinjaAPI."""
    _Api.external_paths = {**_Api.external_paths, **paths}


api = _Api(
    title="Laurel API",
    version="1",
    urls_namespace="api",
    description="Laurel's JSON API. Reads of public data need no login; writes need a staff session or token.",
)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    if hasattr(exc, "message_dict"):
        detail = {field: [str(message) for message in messages] for field, messages in exc.message_dict.items()}
    else:
        detail = {"__all__": [str(message) for message in exc.messages]}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"detail": _("You do not have permission to do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return api.create_response(request, {"detail": _("Log in or send an API token.")}, status=401)

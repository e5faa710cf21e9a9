"""Django's admin behind the site's one login.

Django's admin brings its own login form, which knows nothing of allauth: no rate limit on failed passwords
and no TOTP step, so a superuser's password alone would open the admin. Here the admin has no login, logout
or password form of its own: it sends people to allauth's (whose rate limits and second-factor stage apply)
and comes back with `next`. And it trusts no session whose user has TOTP unless that session's login used it,
whatever way the session came to be.
"""

from allauth.account import views as account_views
from allauth.account.utils import get_next_redirect_url
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from laurel.core import two_factor


class LaurelAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        if two_factor.has_totp(request.user):
            return two_factor.login_used_second_factor(request)
        return not two_factor.must_enrol(request.user)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """Never reads a password: sends the visitor to the step they are missing, then back to `next`."""
        next_url = get_next_redirect_url(request) or reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return _redirect("account_login", next_url)
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        if user.is_active and user.is_staff:
            if two_factor.has_totp(user):
                # Signed in without the second factor (e.g. enrolled TOTP after a password login).
                return _redirect("mfa_reauthenticate", next_url)
            if two_factor.must_enrol(user):
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
        raise PermissionDenied

    def logout(self, request, extra_context=None):
        return account_views.logout(request)

    def password_change(self, request, extra_context=None):
        # allauth's form asks for the current password, is rate limited and mails the owner.
        return HttpResponseRedirect(reverse("account_change_password"))

    def password_change_done(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("admin:index", current_app=self.name))


def _redirect(url_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")

"""Shared view helpers (permission mixins), the dashboard and the audit log pages."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import ListView, TemplateView

from laurel.core import exports, pagecache, permissions, registry
from laurel.core.models import AuditEntry


def report_errors(request, error: ValidationError) -> None:
    """Show each message of a service's ValidationError to the user, in their language."""
    for message in error.messages:
        messages.error(request, message)


class PermissionRequiredMixin(AccessMixin):
    """Ask a predicate from a permissions module; anonymous users go to login, others get 403."""

    permission_predicate = staticmethod(permissions.is_staff_member)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self) -> bool:
        return self.permission_predicate(self.request.user)


class StaffRequiredMixin(PermissionRequiredMixin):
    permission_predicate = staticmethod(permissions.is_staff_member)


class HomeView(TemplateView):
    """The public front page. Anonymous visitors get a copy rendered at most a minute ago."""

    template_name = "core/home.html"
    cache_seconds = 60

    def get(self, request, *args, **kwargs):
        if not pagecache.cacheable(request):
            return super().get(request, *args, **kwargs)
        key = pagecache.front_page_key(get_language())
        html = pagecache.get(key)
        if html is None:
            context = self.get_context_data(**kwargs)
            context["csrf_token"] = pagecache.PLACEHOLDER
            html = render_to_string(self.template_name, context, request=request)
            cache.set(key, html, timeout=self.cache_seconds)
        return HttpResponse(pagecache.personalize(html, request))

    def get_context_data(self, **kwargs):
        return super().get_context_data(sections=registry.front_page_sections(self.request), **kwargs)


class DashboardView(TemplateView):
    template_name = "core/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roles"] = self.request.user.roles.select_related("organization")
        context["sections"] = registry.desk_sections(self.request)
        return context


class PrivacyView(TemplateView):
    template_name = "core/privacy.html"


class AuditLogView(PermissionRequiredMixin, ListView):
    permission_predicate = staticmethod(permissions.can_read_audit_log)
    template_name = "core/audit_log.html"
    paginate_by = 100

    def get_queryset(self):
        queryset = AuditEntry.objects.select_related("content_type")
        action = self.request.GET.get("action", "").strip()
        if action:
            queryset = queryset.filter(action__startswith=action[:100])
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action"] = self.request.GET.get("action", "")[:100]
        return context


def audit_rows(queryset):
    """The audit log as CSV lines for a streaming response; the actor as recorded when they acted."""
    writer = exports.CsvWriter(exports.Echo())
    yield "\ufeff"
    yield writer.writerow(["time", "actor", "actor_name", "action", "object_type", "object_id", "object", "data"])
    for entry in queryset.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                # The association's own time zone, as everywhere else staff read a time.
                timezone.localtime(entry.created_at).isoformat(),
                entry.actor_email,
                entry.actor_name,
                entry.action,
                entry.content_type.model if entry.content_type else "",
                entry.object_id,
                entry.object_repr,
                json.dumps(entry.data, ensure_ascii=False, sort_keys=True),
            ]
        )


class AuditLogExportView(AuditLogView):
    def get(self, request, *args, **kwargs):
        response = StreamingHttpResponse(audit_rows(self.get_queryset()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="laurel-audit-log.csv"'
        return response

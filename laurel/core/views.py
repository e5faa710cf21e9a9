"""Shared view helpers (permission mixins), the dashboard and the audit log pages."""

import datetime
import json

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from laurel.core import audit_texts, exports, identity, pagecache, permissions, registry
from laurel.core.forms import AuditFilterForm, SiteIdentityForm
from laurel.core.models import AuditEntry, SiteIdentity


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
        key = pagecache.page_key(request.path_info, get_language())
        page = pagecache.get(key)
        if page is not None:
            return HttpResponse(pagecache.personalize(page.html, request))
        context = self.get_context_data(**kwargs)
        context["csrf_token"] = pagecache.PLACEHOLDER
        page = pagecache.Page(render_to_string(self.template_name, context, request=request))
        response = HttpResponse(pagecache.personalize(page.html, request))
        return pagecache.offer(response, key, page, timeout=self.cache_seconds)

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
        context["todos"] = registry.todos(self.request.user)
        context["has_todo_sources"] = permissions.is_staff_member(self.request.user)
        return context


class SiteIdentityView(PermissionRequiredMixin, TemplateView):
    """Staff set the association's name, images, contact and filing numbers: no redeploy."""

    permission_predicate = staticmethod(permissions.can_manage_site)
    template_name = "core/site_identity.html"

    def get_context_data(self, **kwargs):
        row = SiteIdentity.objects.filter(pk=1).first() or SiteIdentity(pk=1)
        form = kwargs.pop("form", None) or SiteIdentityForm(
            initial={field: getattr(row, field) for field in identity.TEXT_FIELDS}
        )
        groups = [
            [form[name] for name in ("name", "name_en", "about", "about_en")],
            [
                form[name]
                for name in ("address", "address_en", "phone", "email", "icp_number", "public_security_number")
            ],
            [form[name] for name in ("logo", "wechat_qr", "seal", "signature", "clear")],
        ]
        return super().get_context_data(form=form, row=row, groups=groups, **kwargs)

    def post(self, request, *args, **kwargs):
        form = SiteIdentityForm(request.POST, request.FILES)
        if form.is_valid():
            data = {field: form.cleaned_data[field] for field in identity.TEXT_FIELDS}
            files = {field: form.cleaned_data[field] for field in identity.IMAGE_FIELDS if form.cleaned_data[field]}
            try:
                identity.save_identity(
                    actor=request.user, data=data, files=files, clear=tuple(form.cleaned_data["clear"])
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("The association's identity is saved; every page shows it now."))
                return redirect("core:site_identity")
        return self.render_to_response(self.get_context_data(form=form), status=400)


def add_form_errors(form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: each field's messages beside the field, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class PrivacyView(TemplateView):
    template_name = "core/privacy.html"


class AuditLogView(PermissionRequiredMixin, ListView):
    permission_predicate = staticmethod(permissions.can_read_audit_log)
    template_name = "core/audit_log.html"
    paginate_by = 100

    def get_queryset(self):
        self.filters = AuditFilterForm(self.request.GET or None)
        queryset = AuditEntry.objects.select_related("content_type")
        if self.filters.is_bound and self.filters.is_valid():
            wanted = self.filters.cleaned_data
            if wanted["person"]:
                queryset = queryset.filter(
                    Q(actor_name__icontains=wanted["person"]) | Q(actor_email__icontains=wanted["person"])
                )
            if wanted["object"]:
                queryset = queryset.filter(object_repr__icontains=wanted["object"])
            if wanted["action"]:
                queryset = queryset.filter(action__startswith=wanted["action"])
            zone = timezone.get_current_timezone()
            if wanted["date_from"]:
                start = datetime.datetime.combine(wanted["date_from"], datetime.time.min, tzinfo=zone)
                queryset = queryset.filter(created_at__gte=start)
            if wanted["date_to"]:
                end = datetime.datetime.combine(
                    wanted["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
                )
                queryset = queryset.filter(created_at__lt=end)
        elif self.filters.is_bound:
            queryset = queryset.none()  # a filter that does not parse shows its error, not the whole log
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = self.filters
        context["query"] = self.request.GET.urlencode()
        params = self.request.GET.copy()
        params.pop("page", None)
        context["page_query"] = params.urlencode()
        context["rows"] = [
            (entry, audit_texts.sentence(entry), audit_texts.details(entry)) for entry in context["object_list"]
        ]
        return context


def audit_rows(queryset):
    """The audit log as CSV lines for a streaming response; the actor as recorded when they acted."""
    writer = exports.CsvWriter(exports.Echo())
    yield "\ufeff"
    yield writer.writerow(["time", "actor", "actor_name", "action", "object_type", "object_id", "object", "data"])
    for entry in queryset.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                timezone.localtime(entry.created_at).isoformat(),  # the association's time zone, with its offset
                entry.actor_email,
                entry.actor_name,
                entry.action,
                entry.content_type.model if entry.content_type else "",
                entry.object_id,
                entry.object_repr,
                json.dumps(entry.data, ensure_ascii=False, sort_keys=True, default=str),
            ]
        )


class AuditLogExportView(AuditLogView):
    def get(self, request, *args, **kwargs):
        response = StreamingHttpResponse(audit_rows(self.get_queryset()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="laurel-audit-log.csv"'
        return response

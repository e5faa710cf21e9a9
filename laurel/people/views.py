from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView

from laurel.core.storage import serve_file
from laurel.core.views import PermissionRequiredMixin, StaffRequiredMixin
from laurel.people import permissions, services, spreadsheets
from laurel.people.forms import ApiTokenForm, ImportForm, OrganizationForm, PersonForm, RoleForm
from laurel.people.models import ApiToken, Organization, Person, Role, SpreadsheetImport


class PersonListView(StaffRequiredMixin, ListView):
    paginate_by = 50

    def get_queryset(self):
        queryset = Person.objects.with_unit()
        query = self.request.GET.get("q", "").strip()[:100]
        if query:
            queryset = queryset.filter(
                Q(name__icontains=query) | Q(name_en__icontains=query) | Q(organization__name__icontains=query)
            )
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.request.GET.get("q", "")[:100], **kwargs)


class PersonDetailView(PermissionRequiredMixin, DetailView):
    slug_field = slug_url_kwarg = "code"

    def get_queryset(self):
        return Person.objects.with_unit()

    def has_permission(self):
        return permissions.can_view_person_details(self.request.user, self.get_object())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if permissions.can_manage_people(self.request.user):
            from laurel.people.account_views import account_context

            context.update(account_context(self.object), can_link=True)
        return context


def person_photo(request, code):
    """A person's photo is a private file: for those who may see the person's details, never a media URL."""
    person = get_object_or_404(Person, code=code)
    if not permissions.can_view_person_details(request.user, person):
        raise PermissionDenied
    return serve_file(person.photo, filename=f"{person.code}-photo")


class PersonFormView(StaffRequiredMixin, FormView):
    form_class = PersonForm
    template_name = "people/person_form.html"

    def get_instance(self):
        if "code" in self.kwargs:
            return get_object_or_404(Person, code=self.kwargs["code"])
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_instance()}

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in services.PERSON_FIELDS}
        photo = self.request.FILES.get("photo")
        instance = self.get_instance()
        try:
            if instance is None:
                person = services.create_person(actor=self.request.user, data=data, photo=photo)
            else:
                person = services.update_person(instance, actor=self.request.user, data=data, photo=photo)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(person)


class OrganizationListView(StaffRequiredMixin, ListView):
    paginate_by = 50

    def get_queryset(self):
        return Organization.objects.select_related("parent")


class OrganizationDetailView(StaffRequiredMixin, DetailView):
    slug_field = slug_url_kwarg = "code"
    model = Organization

    def get_context_data(self, **kwargs):
        return super().get_context_data(people=self.object.people.all()[:200], **kwargs)


class OrganizationFormView(StaffRequiredMixin, FormView):
    form_class = OrganizationForm
    template_name = "people/organization_form.html"

    def get_instance(self):
        if "code" in self.kwargs:
            return get_object_or_404(Organization, code=self.kwargs["code"])
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_instance()}

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in services.ORGANIZATION_FIELDS}
        instance = self.get_instance()
        try:
            if instance is None:
                organization = services.create_organization(actor=self.request.user, data=data)
            else:
                organization = services.update_organization(instance, actor=self.request.user, data=data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(organization)


class ImportView(StaffRequiredMixin, FormView):
    form_class = ImportForm
    template_name = "people/import_form.html"

    def form_valid(self, form):
        try:
            spreadsheet_import = services.start_import(
                actor=self.request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                language=get_language(),
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        return redirect(spreadsheet_import)


class ImportPreviewView(StaffRequiredMixin, DetailView):
    """The import's page: a progress bar while a task reads or writes the file (HTMX polls the status
    fragment), then the preview with its errors and the confirm button, then the result."""

    model = SpreadsheetImport
    template_name = "people/import_preview.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["people/import_preview.html#status"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        list_view = (
            "people:person_list" if self.object.kind == SpreadsheetImport.Kind.PERSONS else "people:organization_list"
        )
        return super().get_context_data(list_url=reverse(list_view), **kwargs)


@require_POST
def confirm_import(request, pk):
    if not request.user.is_authenticated or not permissions.can_manage_people(request.user):
        raise PermissionDenied
    spreadsheet_import = get_object_or_404(SpreadsheetImport, pk=pk)
    try:
        services.confirm_import(spreadsheet_import, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(spreadsheet_import)


class ExportView(StaffRequiredMixin, ListView):
    def get(self, request, kind, file_format):
        language = get_language()
        if file_format == "xlsx":
            content = spreadsheets.export_xlsx(kind, language)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content = spreadsheets.export_csv(kind, language)
            content_type = "text/csv; charset=utf-8"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="laurel-{kind}.{file_format}"'
        return response


class RoleListView(StaffRequiredMixin, ListView):
    template_name = "people/role_list.html"
    paginate_by = 100

    def get_queryset(self):
        return Role.objects.select_related("user", "organization").order_by("kind", "user__email")

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=kwargs.pop("form", None) or RoleForm(), **kwargs)

    def post(self, request):
        form = RoleForm(request.POST)
        if form.is_valid():
            services.grant_role(
                actor=request.user,
                user=form.cleaned_data["user"],
                kind=form.cleaned_data["kind"],
                organization=form.cleaned_data["organization"],
            )
            messages.success(request, _("Role given."))
            return redirect("people:role_list")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form))


@require_POST
def revoke_role(request, pk):
    if not request.user.is_authenticated or not permissions.can_manage_people(request.user):
        raise PermissionDenied
    role = get_object_or_404(Role, pk=pk)
    services.revoke_role(role, actor=request.user)
    messages.success(request, _("Role removed."))
    return redirect("people:role_list")


class ApiTokenView(StaffRequiredMixin, FormView):
    """Staff create bearer tokens for the JSON API; a token is shown once."""

    form_class = ApiTokenForm
    template_name = "people/api_tokens.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tokens=ApiToken.objects.filter(user=self.request.user), **kwargs)

    def form_valid(self, form):
        try:
            raw = services.create_api_token(
                user=self.request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=ApiTokenForm(), new_token=raw))


@require_POST
def revoke_api_token(request, pk):
    if not request.user.is_authenticated or not permissions.can_manage_people(request.user):
        raise PermissionDenied
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("people:api_tokens")

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView

from laurel.core.views import PermissionRequiredMixin, StaffRequiredMixin
from laurel.people import permissions, services, spreadsheets
from laurel.people.forms import ImportForm, OrganizationForm, PersonForm
from laurel.people.models import Organization, Person, SpreadsheetImport


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
                actor=self.request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        return redirect(spreadsheet_import)


class ImportPreviewView(StaffRequiredMixin, DetailView):
    model = SpreadsheetImport
    template_name = "people/import_preview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            with self.object.file.open("rb") as handle:
                preview = spreadsheets.preview_import(self.object.kind, handle.read())
            context["preview"] = preview
            context["sample"] = preview.rows[:20]
        except spreadsheets.SpreadsheetError as error:
            context["file_error"] = str(error)
        return context


@require_POST
def confirm_import(request, pk):
    if not request.user.is_authenticated or not permissions.can_manage_people(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    spreadsheet_import = get_object_or_404(SpreadsheetImport, pk=pk)
    try:
        result = services.confirm_import(spreadsheet_import, actor=request.user)
    except (ValidationError, spreadsheets.SpreadsheetError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        messages.error(request, message)
        return redirect(spreadsheet_import)
    messages.success(
        request,
        _("Imported: %(created)d new, %(updated)d updated.")
        % {"created": result["created"], "updated": result["updated"]},
    )
    return redirect("people:person_list" if spreadsheet_import.kind == "persons" else "people:organization_list")


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

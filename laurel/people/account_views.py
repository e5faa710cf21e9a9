"""Staff link a sci-tech worker's profile to an account (found by search, HTMX) or invite the person to a new
account; an account without a profile declares its unit."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView

from laurel.core.views import report_errors
from laurel.people import accounts, permissions
from laurel.people.models import DeclaredUnit, Organization, Person, User

SEARCH_LIMIT = 20
INDEPENDENT = "none"


def _staff(request) -> None:
    if not request.user.is_authenticated or not permissions.can_manage_people(request.user):
        raise PermissionDenied


class InviteForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("role"),
        choices=[(kind.value, kind.label) for kind in accounts.INVITABLE_ROLES],
    )
    organization = forms.ModelChoiceField(
        label=gettext_lazy("unit (for a nominator)"), queryset=Organization.objects.all(), required=False
    )


def account_context(person: Person) -> dict:
    """What the staff part of the person page shows about the account."""
    return {"invite_form": InviteForm(initial={"organization": person.organization_id})}


@require_GET
def account_search(request, code):
    """Accounts staff may link (`accounts.linkable_accounts`) whose email or name contains the query, for the person page (HTMX fragment)."""
    _staff(request)
    person = get_object_or_404(Person, code=code)
    query = request.GET.get("q", "").strip()[:100]
    results = []
    if len(query) >= 2:
        results = list(
            accounts.linkable_accounts()
            .exclude(pk=request.user.pk)
            .filter(Q(email__icontains=query) | Q(full_name__icontains=query))
            .distinct()
            .order_by("email")[: SEARCH_LIMIT + 1]
        )
    return render(
        request,
        "people/_account_results.html",
        {
            "person": person,
            "results": results[:SEARCH_LIMIT],
            "truncated": len(results) > SEARCH_LIMIT,
            "query": query,
        },
    )


@require_POST
def link(request, code):
    _staff(request)
    person = get_object_or_404(Person, code=code)
    try:
        user = User.objects.get(pk=int(request.POST.get("user", "")))
    except (ValueError, User.DoesNotExist):
        messages.error(request, _("Choose an account from the search results."))
        return redirect(person)
    try:
        accounts.link_person(user=user, person=person, actor=request.user)
        messages.success(
            request, _("%(person)s is linked to %(email)s.") % {"person": person.name, "email": user.email}
        )
    except ValidationError as error:
        report_errors(request, error)
    return redirect(person)


@require_POST
def invite(request, code):
    _staff(request)
    person = get_object_or_404(Person, code=code)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the role to give."))
        return redirect(person)
    try:
        user = accounts.invite_person(
            person=person,
            kind=form.cleaned_data["kind"],
            organization=form.cleaned_data["organization"],
            actor=request.user,
        )
        messages.success(
            request, _("An account for %(email)s is made and linked; the invitation is mailed.") % {"email": user.email}
        )
    except ValidationError as error:
        report_errors(request, error)
    return redirect(person)


class DeclareUnitForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("my unit"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            ("", "—"),
            (INDEPENDENT, _("None: I work independently")),
            *((unit.code, unit.name) for unit in Organization.objects.order_by("name")),
        ]

    def organization(self):
        code = self.cleaned_data["unit"]
        return None if code == INDEPENDENT else Organization.objects.get(code=code)


class DeclareUnitView(FormView):
    """An account without a profile (an expert from outside the association's records) says where it works."""

    template_name = "people/declare_unit.html"
    form_class = DeclareUnitForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if Person.objects.filter(user=request.user).exists():
            messages.info(request, _("Your unit comes from your sci-tech worker profile; ask the staff to correct it."))
            return redirect("core:dashboard")
        # Declared once: the page then only shows it (the service refuses a second declaration anyway).
        self.declared = DeclaredUnit.objects.filter(user=request.user).select_related("organization").first()
        if self.declared is not None:
            if request.method == "POST":
                messages.error(
                    request, _("You have already declared your unit; ask the association's staff to change it.")
                )
                return redirect("people:declare_unit")
            return render(request, self.template_name, {"declared": self.declared})
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            accounts.declare_unit(user=self.request.user, organization=form.organization(), actor=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your unit is recorded."))
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return redirect(target)
        return redirect("core:dashboard")

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.request.GET.get("next", "")[:500], **kwargs)


class ChangeUnitForm(DeclareUnitForm):
    reason = forms.CharField(label=gettext_lazy("reason for the change"), max_length=500, widget=forms.Textarea)


class ChangeUnitView(FormView):
    """Staff change the unit an account without a profile declared (the expert declares only once), saying why."""

    template_name = "people/change_unit.html"
    form_class = ChangeUnitForm

    def dispatch(self, request, *args, **kwargs):
        _staff(request)
        self.account = get_object_or_404(User, pk=kwargs["pk"])
        if Person.objects.filter(user=self.account).exists():
            messages.info(request, _("This account's unit comes from its sci-tech worker profile; correct it there."))
            return redirect(Person.objects.get(user=self.account))
        self.declared = DeclaredUnit.objects.filter(user=self.account).select_related("organization").first()
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            accounts.declare_unit(
                user=self.account,
                organization=form.organization(),
                actor=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The unit of %(email)s is changed.") % {"email": self.account.email})
        return redirect("people:role_list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(account=self.account, declared=self.declared, **kwargs)

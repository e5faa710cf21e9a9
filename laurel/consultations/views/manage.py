"""Staff pages: the list, entering a consultation, and one page per consultation with every step on it."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView

from laurel.consultations import delphi, panel, permissions, queries, report, services
from laurel.consultations.forms import (
    CloseForm,
    ConsultationForm,
    DeliveryForm,
    InterestForm,
    RejectForm,
    ResponseForm,
    RoundForm,
    StatementForm,
)
from laurel.consultations.models import Consultation, Round, Seat
from laurel.core.storage import serve_file
from laurel.core.views import PermissionRequiredMixin, report_errors
from laurel.people.models import Person


class StaffMixin(PermissionRequiredMixin):
    permission_predicate = staticmethod(permissions.can_manage_consultations)


class ManageListView(StaffMixin, ListView):
    paginate_by = 50
    template_name = "consultations/manage_list.html"

    def get_queryset(self):
        return Consultation.objects.select_related("asking_body")


class CreateView(StaffMixin, FormView):
    form_class = ConsultationForm
    template_name = "consultations/manage_form.html"

    def form_valid(self, form):
        try:
            consultation = services.create_consultation(
                actor=self.request.user,
                data=form.consultation_data(),
                classified=form.cleaned_data["classified"],
                uploads=form.cleaned_data["materials"],
            )
        except ValidationError as error:
            form.add_error("classified" if error.code == "classified" else None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The consultation is entered."))
        return redirect(consultation.get_absolute_url())


def _get(code: str) -> Consultation:
    return get_object_or_404(Consultation.objects.select_related("asking_body"), code=code)


REPORT_STATUSES = {Consultation.Status.CONCLUDED, Consultation.Status.DELIVERED, Consultation.Status.RESPONDED}


class DetailView(StaffMixin, FormView):
    """Everything about one consultation; each step posts to `manage_action`."""

    template_name = "consultations/manage_detail.html"
    form_class = StatementForm

    def get_context_data(self, **kwargs):
        consultation = _get(self.kwargs["code"])
        open_round = delphi.current_round(consultation)
        rounds = list(consultation.rounds.order_by("number"))
        seats = list(consultation.seats.select_related("person__organization", "user").order_by("pk"))
        forming = consultation.status in panel.OPEN_STATUSES
        picking = report.comments_for_picking(consultation) if consultation.status in REPORT_STATUSES else []
        return super().get_context_data(
            consultation=consultation,
            seats=seats,
            serving=sum(1 for seat in seats if seat.status == Seat.Status.ACCEPTED),
            suggestions=panel.suggest(consultation, limit=8) if forming else [],
            interests=consultation.interests.select_related("person"),
            statements=consultation.statements.order_by("pk"),
            rounds=[(item, queries.statements_with_results(consultation, item)) for item in rounds],
            open_round=open_round,
            rating_counts=(open_round.ratings.values("seat").distinct().count() if open_round is not None else 0),
            can_open_round=forming and open_round is None and consultation.status == Consultation.Status.ACCEPTED,
            can_add_statements=forming and (open_round is None or open_round.number == 1),
            timeline=queries.timeline(consultation),
            reject_form=RejectForm(),
            interest_form=InterestForm(),
            round_form=RoundForm(),
            close_form=CloseForm(),
            delivery_form=DeliveryForm(),
            response_form=ResponseForm(),
            composition=panel.composition(consultation),
            picking=picking,
            comments_picked=any(rating.in_report for _index, _text, ratings in picking for rating in ratings),
            can_pick_comments=consultation.status == Consultation.Status.CONCLUDED,
            comments_per_statement=report.COMMENTS_PER_STATEMENT,
            **kwargs,
        )


def _form_action(request, consultation, form_class, call) -> bool:
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, error if field == "__all__" else f"{form.fields[field].label}: {error}")
        return False
    call(form.cleaned_data)
    return True


def staff_only(view):
    """Anonymous users go to login, others without the staff role get 403 (as PermissionRequiredMixin does)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.can_manage_consultations(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@require_POST
@staff_only
def manage_action(request, code):
    consultation = _get(code)
    action = request.POST.get("action", "")
    actor = request.user
    done = {
        "accept": _("The consultation is accepted."),
        "reject": _("The consultation is not accepted; the body is told why."),
        "invite": _("The expert is invited."),
        "interest": _("The interest is recorded; the expert will not be proposed."),
        "statement": _("The statement is added."),
        "open_round": _("The round is open; the panel is told."),
        "close_round": _("The round is closed."),
        "render": _("The report is rendered."),
        "pick_comments": _("The report's comments are saved; render the report again to use them."),
        "deliver": _("The delivery is recorded."),
        "respond": _("The response is recorded."),
    }
    ok = True
    try:
        if action == "accept":
            services.accept(consultation, actor=actor)
        elif action == "reject":
            ok = _form_action(
                request, consultation, RejectForm, lambda data: services.reject(consultation, actor=actor, **data)
            )
        elif action == "invite":
            person = get_object_or_404(Person, pk=_int(request.POST.get("person")))
            suggestion = next(
                (item for item in panel.suggest(consultation, limit=50) if item.person.pk == person.pk), None
            )
            panel.invite(consultation, person=person, actor=actor, suggestion=suggestion)
        elif action == "interest":
            ok = _form_action(
                request,
                consultation,
                InterestForm,
                lambda data: services.declare_interest(consultation, actor=actor, **data),
            )
        elif action == "statement":
            ok = _form_action(
                request,
                consultation,
                StatementForm,
                lambda data: delphi.add_statement(consultation, actor=actor, **data),
            )
        elif action == "open_round":
            ok = _form_action(
                request, consultation, RoundForm, lambda data: delphi.open_round(consultation, actor=actor, **data)
            )
        elif action == "close_round":
            delphi_round = get_object_or_404(Round, consultation=consultation, pk=_int(request.POST.get("round")))
            ok = _form_action(
                request, consultation, CloseForm, lambda data: delphi.close_round(delphi_round, actor=actor, **data)
            )
        elif action == "pick_comments":
            picked = [_int(value) for value in request.POST.getlist("rating")[: report.MAX_PICKED_PER_STATEMENT * 300]]
            report.pick_comments(consultation, rating_pks=[pk for pk in picked if pk], actor=actor)
        elif action == "render":
            report.render_report(consultation, actor=actor)
        elif action == "deliver":
            ok = _form_action(
                request,
                consultation,
                DeliveryForm,
                lambda data: services.record_delivery(consultation, actor=actor, **data),
            )
        elif action == "respond":
            ok = _form_action(
                request,
                consultation,
                ResponseForm,
                lambda data: services.record_response(consultation, actor=actor, **data),
            )
        else:
            messages.error(request, _("Unknown action."))
            return redirect(consultation.get_absolute_url())
    except ValidationError as error:
        report_errors(request, error)
    else:
        if ok:
            messages.success(request, done[action])
    return redirect(consultation.get_absolute_url())


def _int(value) -> int:
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) < 10 else 0


@staff_only
def report_file(request, code):
    consultation = _get(code)
    if not consultation.report:
        raise Http404
    return serve_file(consultation.report, filename=f"report-{consultation.code}.pdf", download=True)

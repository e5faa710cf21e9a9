from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView

from laurel.core.net import client_address
from laurel.core.views import PermissionRequiredMixin, report_errors
from laurel.events import documents, permissions, queries, services
from laurel.events.forms import (
    AgendaItemForm,
    AgendaPersonForm,
    AwardRoundsForm,
    CheckInForm,
    EventForm,
    InviteForm,
    OrganizerForm,
    RegistrationForm,
    ReplyForm,
)
from laurel.events.models import REGISTRATION_CONFIRM_HOURS, AgendaItem, Attendee, Event, PendingRegistration
from laurel.honors.models import Stage


class EventStaffMixin(PermissionRequiredMixin):
    permission_predicate = staticmethod(permissions.can_manage_events)


def _require(request, predicate):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not predicate(request.user):
        raise PermissionDenied
    return None


# Staff pages


class EventListView(EventStaffMixin, ListView):
    model = Event
    paginate_by = 50
    template_name = "events/event_list.html"


class EventFormView(EventStaffMixin, FormView):
    form_class = EventForm
    template_name = "events/event_form.html"

    def get_instance(self):
        return get_object_or_404(Event, code=self.kwargs["code"]) if "code" in self.kwargs else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_instance()}

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in services.EVENT_FIELDS}
        instance = self.get_instance()
        try:
            if instance is None:
                event = services.create_event(actor=self.request.user, data=data)
            else:
                event = services.update_event(instance, actor=self.request.user, data=data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(event)


class EventDetailView(EventStaffMixin, DetailView):
    slug_field = slug_url_kwarg = "code"
    model = Event
    template_name = "events/event_detail.html"

    def get_context_data(self, **kwargs):
        event = self.object
        return super().get_context_data(
            organizers=event.organizers.select_related("organization"),
            agenda=event.agenda_items.prefetch_related("people__person"),
            attendees=event.attendees.all(),
            counts=queries.counts(event),
            organizer_form=OrganizerForm(),
            agenda_item_form=AgendaItemForm(),
            agenda_person_form=AgendaPersonForm(),
            invite_form=InviteForm(),
            award_rounds_form=AwardRoundsForm(initial={"campaign": event.campaign_id}),
            **kwargs,
        )


def _post_form(request, code, form_class, action):
    denied = _require(request, permissions.can_manage_events)
    if denied:
        return denied
    event = get_object_or_404(Event, code=code)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(event, form.cleaned_data)
            messages.success(request, _("Saved."))
        except ValidationError as error:
            report_errors(request, error)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect(event)


@require_POST
def add_organizer(request, code):
    return _post_form(
        request, code, OrganizerForm, lambda event, data: services.add_organizer(event, actor=request.user, **data)
    )


@require_POST
def add_agenda_item(request, code):
    return _post_form(
        request, code, AgendaItemForm, lambda event, data: services.add_agenda_item(event, actor=request.user, **data)
    )


@require_POST
def add_agenda_person(request, code, item_pk):
    def action(event, data):
        item = get_object_or_404(AgendaItem, pk=item_pk, event=event)
        services.add_agenda_person(item, actor=request.user, **data)

    return _post_form(request, code, AgendaPersonForm, action)


@require_POST
def build_award_rounds(request, code):
    def action(event, data):
        services.build_rounds_from_campaign(
            event,
            campaign=data["campaign"],
            per_round=data["per_round"],
            presenters=data["presenters"],
            actor=request.user,
        )

    return _post_form(request, code, AwardRoundsForm, action)


@require_POST
def remove_agenda_item(request, code, item_pk):
    denied = _require(request, permissions.can_manage_events)
    if denied:
        return denied
    item = get_object_or_404(AgendaItem, pk=item_pk, event__code=code)
    event = item.event
    services.remove_agenda_item(item, actor=request.user)
    messages.success(request, _("Removed."))
    return redirect(event)


@require_POST
def invite(request, code):
    return _post_form(
        request, code, InviteForm, lambda event, data: services.invite_attendee(event, actor=request.user, **data)
    )


def run_of_show(request, code):
    denied = _require(request, permissions.can_manage_events)
    if denied:
        return denied
    event = get_object_or_404(Event, code=code)
    response = HttpResponse(documents.run_of_show_pdf(event), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="run-of-show-{event.code}.pdf"'
    return response


def attendance_export(request, code):
    denied = _require(request, permissions.can_manage_events)
    if denied:
        return denied
    event = get_object_or_404(Event, code=code)
    response = HttpResponse(
        documents.attendance_xlsx(event),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="attendance-{event.code}.xlsx"'
    return response


def check_in(request, code):
    if request.headers.get("X-Laurel-Scanner") == "1" and not permissions.can_check_in(request.user):
        # The scanner at the door reads JSON: a signed-out or stripped session says so instead of a login page
        return JsonResponse(
            {"ok": False, "message": _("Your session has ended or no longer allows check-in: sign in again.")},
            status=403,
        )
    denied = _require(request, permissions.can_check_in)
    if denied:
        return denied
    event = get_object_or_404(Event, code=code)
    form = CheckInForm(request.POST or None)
    # The camera scanner posts each code in the background and shows the answer in big letters at the door,
    # scanning on; a typed code gets the page again with the answer as a message.
    scanner = request.headers.get("X-Laurel-Scanner") == "1"
    if request.method == "POST":
        ok, text = False, _("Enter the pass code.")
        if form.is_valid():
            try:
                attendee = services.check_in(event, code=form.cleaned_data["code"], actor=request.user)
            except ValidationError as error:
                text = " ".join(error.messages)
            else:
                ok = True
                if attendee.is_late():
                    text = _("%(name)s checked in (late).") % {"name": attendee.name}
                else:
                    text = _("%(name)s checked in.") % {"name": attendee.name}
        if scanner:
            return JsonResponse({"ok": ok, "message": text}, status=200 if ok else 400)
        if ok:
            messages.success(request, text)
        else:
            messages.error(request, text)
        return redirect("events:check_in", code=event.code)
    return render(request, "events/check_in.html", {"event": event, "form": form, **queries.attendance(event)})


def check_in_status(request, code):
    denied = _require(request, permissions.can_check_in)
    if denied:
        return denied
    event = get_object_or_404(Event, code=code)
    return render(request, "events/check_in.html#status", {"event": event, **queries.attendance(event)})


# Public pages


class PublicEventListView(ListView):
    template_name = "events/public_list.html"
    context_object_name = "events"

    def get_queryset(self):
        return Event.objects.public().upcoming()[:50]

    def get_context_data(self, **kwargs):
        past = Event.objects.public().exclude(pk__in=[event.pk for event in self.object_list])[:20]
        return super().get_context_data(past_events=past, **kwargs)


def public_detail(request, code):
    event = get_object_or_404(Event.objects.public().select_related("campaign"), code=code)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_public(event, address=client_address(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            # The same answer whether or not the address is already registered: its mailbox is told which.
            messages.success(
                request,
                _(
                    "Check your mailbox: we have sent a message to %(email)s. Open the link in it within %(hours)d "
                    "hours to confirm your registration."
                )
                % {"email": form.cleaned_data["email"].strip().lower(), "hours": REGISTRATION_CONFIRM_HOURS},
            )
            return redirect(event.get_public_url())
    return render(
        request,
        "events/public_detail.html",
        {
            "event": event,
            "form": form,
            "organizers": event.organizers.select_related("organization"),
            "agenda": event.agenda_items.prefetch_related("people__person"),
            "can_register": event.registration_open and not event.is_finished(),
            "campaign": event.campaign if event.campaign and event.campaign.stage == Stage.PUBLISHED else None,
        },
    )


def registration_confirm(request, token):
    """The link mailed to a visitor who registered: a page with one button (so that a mail scanner opening the link
    confirms nothing), then the seat or the waiting list."""
    pending = None
    if 16 <= len(token) <= 64:
        pending = PendingRegistration.objects.select_related("event").filter(token=token).first()
    if pending is None or pending.is_expired():
        return render(request, "events/registration_confirm.html", {"pending": None}, status=404)
    if request.method == "POST":
        try:
            attendee = services.confirm_registration(pending)
        except ValidationError as error:
            report_errors(request, error)
            return redirect(pending.event.get_public_url())
        if attendee.status == Attendee.Status.CONFIRMED:
            messages.success(request, _("You are registered. Your pass has been sent by email."))
        elif attendee.status == Attendee.Status.WAITLISTED:
            messages.success(request, _("The event is full: you are on the waiting list. We will email you."))
        return redirect(attendee.get_rsvp_url())
    return render(request, "events/registration_confirm.html", {"pending": pending, "event": pending.event})


def rsvp(request, token):
    attendee = get_object_or_404(Attendee.objects.select_related("event"), token=token)
    initial = {"status": attendee.status, "special_needs": attendee.special_needs}
    form = ReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply(
                attendee, status=form.cleaned_data["status"], special_needs=form.cleaned_data["special_needs"]
            )
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(request, _("Thank you, your reply is saved."))
        return redirect(attendee.get_rsvp_url())
    return render(request, "events/rsvp.html", {"attendee": attendee, "event": attendee.event, "form": form})


def attendee_pass(request, token):
    attendee = get_object_or_404(Attendee.objects.select_related("event"), token=token)
    return render(request, "events/pass.html", {"attendee": attendee, "event": attendee.event})


def attendee_pass_qr(request, token):
    attendee = get_object_or_404(Attendee, token=token)
    response = HttpResponse(documents.pass_svg(attendee.pass_code), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response

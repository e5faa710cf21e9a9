"""Pages of S&T service matching: the public board and posting, the poster's private link, experts, staff."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView

from laurel.core import ratelimit
from laurel.core.net import client_address
from laurel.core.storage import serve_file
from laurel.core.views import PermissionRequiredMixin, report_errors
from laurel.needs import permissions, reports, services
from laurel.needs.forms import (
    BoardFilterForm,
    FeedbackForm,
    InterestForm,
    IntroduceForm,
    MeetingForm,
    NeedForm,
    OutcomeForm,
    ServiceForm,
    SubscriptionForm,
)
from laurel.needs.matching import suggest
from laurel.needs.models import Need, ServicePhoto, ServiceRecord, Subscription
from laurel.people.models import User

# Needs per client address and hour, and per contact email and day: each one mails a link to verify.
POSTS_PER_ADDRESS = ratelimit.Limit("needs.post", count=5, seconds=3600)
POSTS_PER_EMAIL = ratelimit.Limit("needs.post_email", count=3, seconds=86400)


# Public ------------------------------------------------------------------------------------------------


class BoardView(ListView):
    """The public needs board (公开需求), filtered by field and region; contacts are never shown."""

    template_name = "needs/board.html"
    paginate_by = 30

    def get_queryset(self):
        self.filter_form = BoardFilterForm(self.request.GET or None)
        queryset = Need.objects.on_board().select_related("region")
        if self.filter_form.is_valid():
            if self.filter_form.cleaned_data["field"]:
                queryset = queryset.filter(field=self.filter_form.cleaned_data["field"])
            if self.filter_form.cleaned_data["region"]:
                queryset = queryset.filter(region=self.filter_form.cleaned_data["region"])
        return queryset.order_by("-published_at", "-pk")

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form, query=query.urlencode(), language=get_language(), **kwargs
        )


class NeedDetailView(DetailView):
    """A need on the board. Staff and the matched expert also see the contact; experts may offer help."""

    template_name = "needs/need_detail.html"
    slug_field = slug_url_kwarg = "code"

    def get_queryset(self):
        return Need.objects.on_board().select_related("region", "expert")

    def get_context_data(self, **kwargs):
        need, user = self.object, self.request.user
        offered = user.is_authenticated and need.interests.filter(user=user).exists()
        return super().get_context_data(
            region_name=need.region.display_name(get_language()),
            show_contact=permissions.can_see_contact(user, need),
            can_offer=permissions.can_offer_help(user) and need.status == Need.Status.PUBLISHED and not offered,
            offered=offered,
            interest_form=InterestForm(),
            is_staff=permissions.can_manage_needs(user),
            **kwargs,
        )


class PostNeedView(FormView):
    form_class = NeedForm
    template_name = "needs/need_form.html"

    def form_valid(self, form):
        if form.cleaned_data["website"]:
            form.add_error(None, _("Your need could not be accepted."))
            return self.form_invalid(form)
        # Counted before the need is written: a refused post still costs one of the window's tries.
        if not ratelimit.allow_address(POSTS_PER_ADDRESS, client_address(self.request)):
            form.add_error(None, _("Too many needs from your network in the last hour. Please try again later."))
            return self.form_invalid(form)
        if not ratelimit.allow(POSTS_PER_EMAIL, f"email:{form.cleaned_data['contact_email'].lower()}"):
            form.add_error(None, _("Too many needs from this email address today. Please try again tomorrow."))
            return self.form_invalid(form)
        try:
            need = services.create_need(data=form.need_data())
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return render(self.request, "needs/need_sent.html", {"need": need})


def _by_token(field: str, token: str) -> Need:
    if not 16 <= len(token) <= 64:
        raise Http404
    return get_object_or_404(Need.objects.select_related("region", "expert"), **{field: token})


def verify(request, token):
    need = _by_token("verify_token", token)
    if request.method == "POST" and need.status == Need.Status.UNVERIFIED:
        try:
            services.verify(need)
        except ValidationError as error:
            report_errors(request, error)
        else:
            messages.success(
                request, _("Your email is verified: the association reviews the need before publishing it.")
            )
        return redirect(need.get_follow_url())
    return render(request, "needs/verify.html", {"need": need})


class FollowView(TemplateView):
    """The poster's private page: status, withdrawal, the introduced expert and feedback."""

    template_name = "needs/follow.html"

    def get_context_data(self, **kwargs):
        need = _by_token("follow_token", self.kwargs["token"])
        return super().get_context_data(
            need=need,
            feedback_form=kwargs.pop("feedback_form", None) or FeedbackForm(),
            can_withdraw=Need.Status.WITHDRAWN in services.TRANSITIONS[need.status],
            can_give_feedback=need.status in (Need.Status.MET, Need.Status.CONCLUDED) and need.poster_rating is None,
            **kwargs,
        )

    def post(self, request, token):
        need = _by_token("follow_token", token)
        try:
            if request.POST.get("action") == "withdraw":
                services.withdraw(need, reason=request.POST.get("reason", ""))
                messages.success(request, _("The need is withdrawn."))
            elif request.POST.get("action") == "feedback":
                form = FeedbackForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(feedback_form=form), status=422)
                services.give_feedback(
                    need, side="poster", rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
                )
                messages.success(request, _("Thank you for your feedback."))
            else:
                raise Http404
        except ValidationError as error:
            report_errors(request, error)
        return redirect(need.get_follow_url())


# Experts -----------------------------------------------------------------------------------------------


class SubscriptionView(PermissionRequiredMixin, FormView):
    permission_predicate = staticmethod(permissions.can_offer_help)
    form_class = SubscriptionForm
    template_name = "needs/subscription.html"

    def get_initial(self):
        subscription = Subscription.objects.filter(user=self.request.user).first()
        if subscription is None:
            return super().get_initial()
        return {
            "fields": subscription.fields,
            "regions": list(subscription.regions.all()),
            "expertise": subscription.expertise,
            "is_available": subscription.is_available,
            "max_active": subscription.max_active,
            "notify": subscription.notify,
        }

    def form_valid(self, form):
        try:
            services.save_subscription(user=self.request.user, actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved: you will hear of new needs in your fields and regions."))
        return redirect("needs:subscription")


@require_POST
def offer_help(request, code):
    if not permissions.can_offer_help(request.user):
        raise PermissionDenied
    need = get_object_or_404(Need.objects.on_board(), code=code)
    form = InterestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note may have at most 1,000 characters."))
        return redirect(need)
    try:
        services.express_interest(need, user=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("Thank you: staff see your offer when they broker the match."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect(need)


@require_POST
def expert_feedback(request, code):
    need = get_object_or_404(Need, code=code)
    if not permissions.is_matched_expert(request.user, need):
        raise PermissionDenied
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The rating must be from 1 to 5."))
        return redirect("core:dashboard")
    try:
        services.give_feedback(
            need,
            side="expert",
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            actor=request.user,
        )
        messages.success(request, _("Thank you for your feedback."))
    except ValidationError as error:
        report_errors(request, error)
    return redirect("core:dashboard")


class ServiceView(PermissionRequiredMixin, TemplateView):
    """An expert's volunteer service records, and the form to add one."""

    permission_predicate = staticmethod(permissions.can_offer_help)
    template_name = "needs/services.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ServiceForm(user=self.request.user))
        records = ServiceRecord.objects.filter(user=self.request.user).select_related("region", "need")
        return super().get_context_data(records=records, totals=reports.service_totals(self.request.user), **kwargs)

    def post(self, request, *args, **kwargs):
        form = ServiceForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                services.record_service(user=request.user, data=form.service_data(), photos=form.cleaned_data["photos"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Recorded: staff validate the record before it counts."))
                return redirect("needs:services")
        return self.render_to_response(self.get_context_data(form=form), status=422)


def service_photo(request, pk):
    """Service photos are private files: for the expert who recorded them and staff (never a media URL)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    photo = get_object_or_404(ServicePhoto.objects.select_related("record"), pk=pk)
    if not (permissions.can_manage_needs(request.user) or photo.record.user_id == request.user.pk):
        raise PermissionDenied
    return serve_file(photo.image, filename=f"service-{photo.record_id}-photo-{pk}")


# Staff -------------------------------------------------------------------------------------------------


class ManageListView(PermissionRequiredMixin, ListView):
    permission_predicate = staticmethod(permissions.can_manage_needs)
    template_name = "needs/manage/list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = Need.objects.exclude(status=Need.Status.UNVERIFIED).select_related("region", "expert")
        status = self.request.GET.get("status", "")
        if status in Need.Status.values:
            queryset = queryset.filter(status=status)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=Need.Status.choices, status=self.request.GET.get("status", "")[:20], **kwargs
        )


class ManageDetailView(PermissionRequiredMixin, DetailView):
    permission_predicate = staticmethod(permissions.can_manage_needs)
    template_name = "needs/manage/detail.html"
    slug_field = slug_url_kwarg = "code"

    def get_queryset(self):
        return Need.objects.select_related("region", "expert__person")

    def get_context_data(self, **kwargs):
        need = self.object
        context = {
            "interests": need.interests.select_related("user__person"),
            "meeting_form": MeetingForm(),
            "outcome_form": OutcomeForm(),
        }
        if need.status == Need.Status.PUBLISHED:
            context["suggestions"] = suggest(need)
        return super().get_context_data(**context, **kwargs)


def _staff(request):
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not permissions.can_manage_needs(request.user):
        raise PermissionDenied


@require_POST
def manage_action(request, code):
    """Staff moves: publish, reject, release an introduction, record the meeting, conclude."""
    _staff(request)
    need = get_object_or_404(Need, code=code)
    action, actor = request.POST.get("action"), request.user
    try:
        if action == "publish":
            services.publish(need, actor=actor)
        elif action == "reject":
            services.reject(need, actor=actor, reason=request.POST.get("reason", ""))
        elif action == "release":
            services.release(need, actor=actor, reason=request.POST.get("reason", ""))
        elif action == "introduce":
            form = IntroduceForm(request.POST)
            expert = form.is_valid() and User.objects.filter(pk=form.cleaned_data["expert"]).first()
            if not expert:
                raise ValidationError(_("Choose an expert."))
            services.introduce(need, expert=expert, actor=actor)
        elif action == "meeting":
            form = MeetingForm(request.POST)
            if not form.is_valid():
                raise ValidationError([error for errors in form.errors.values() for error in errors])
            services.record_meeting(
                need, actor=actor, meeting_on=form.cleaned_data["meeting_on"], notes=form.cleaned_data["notes"]
            )
        elif action == "conclude":
            form = OutcomeForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose an outcome."))
            services.conclude(need, actor=actor, **form.cleaned_data)
        else:
            raise Http404
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("Done: the need is now “%(status)s”.") % {"status": need.get_status_display()})
    return redirect(need.get_manage_url())


class ServiceReviewView(PermissionRequiredMixin, ListView):
    permission_predicate = staticmethod(permissions.can_manage_needs)
    template_name = "needs/manage/services.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            ServiceRecord.objects.filter(status=ServiceRecord.Status.SUBMITTED)
            .select_related("user", "region", "need")
            .prefetch_related("photos")
            .order_by("created_at", "pk")
        )


@require_POST
def review_service(request, pk):
    _staff(request)
    record = get_object_or_404(ServiceRecord, pk=pk)
    try:
        services.review_service(
            record,
            actor=request.user,
            validate=request.POST.get("decision") == "validate",
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("The record is “%(status)s”.") % {"status": record.get_status_display()})
    except ValidationError as error:
        report_errors(request, error)
    return redirect("needs:service_review")


class ReachView(PermissionRequiredMixin, TemplateView):
    permission_predicate = staticmethod(permissions.can_manage_needs)
    template_name = "needs/reach.html"

    def year(self) -> int | None:
        year = self.request.GET.get("year", "")
        return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None

    def get_context_data(self, **kwargs):
        figures = reports.reach(year=self.year(), language=get_language())
        charts = []
        for title, key in ((_("By month"), "by_month"), (_("By field"), "by_field"), (_("By region"), "by_region")):
            rows = reports.bars(figures[key])
            charts.append({"title": title, "rows": rows, "key": key, "height": 30 * len(rows) + 4})
        return super().get_context_data(figures=figures, charts=charts, year=self.year(), **kwargs)


class ReachExportView(ReachView):
    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            reports.reach_xlsx(reports.reach(year=self.year(), language=get_language())),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="laurel-needs-reach.xlsx"'
        return response

"""Pages of the lecture groups: public menu and requests, the host's private link, staff work, speakers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView

from laurel.core import ratelimit
from laurel.core.net import client_address
from laurel.core.storage import serve_file
from laurel.core.views import PermissionRequiredMixin, StaffRequiredMixin
from laurel.outreach import permissions, queries, reports, services
from laurel.outreach.forms import (
    DispatchForm,
    ExpensesForm,
    MenuFilterForm,
    ProfileForm,
    RatingForm,
    ReportForm,
    TalkRequestForm,
    TopicForm,
)
from laurel.outreach.matching import suggest
from laurel.outreach.models import LectureGroup, Membership, Talk, TalkPhoto, TalkTopic

# Talk requests per client address and hour: each one mails the host a link to verify.
REQUESTS_PER_ADDRESS = ratelimit.Limit("outreach.talk_request", count=5, seconds=3600)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# Public ------------------------------------------------------------------------------------------------


class GroupListView(ListView):
    model = LectureGroup


class GroupDetailView(DetailView):
    """A group's public page: its current members, 48 a page (a group of hundreds is one page of cards at a time,
    read with their topics in a fixed number of queries)."""

    model = LectureGroup
    members_per_page = 48

    def get_context_data(self, **kwargs):
        members = (
            self.object.memberships.active()
            .select_related("person__organization", "batch")
            .prefetch_related("topics")
            .order_by("role", "pk")
        )
        page = Paginator(members, self.members_per_page).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            members=page.object_list,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            batches=self.object.batches.all(),
            **kwargs,
        )


class TopicMenuView(ListView):
    template_name = "outreach/topic_menu.html"
    paginate_by = 30

    def get_queryset(self):
        self.filter_form = MenuFilterForm(self.request.GET or None)
        queryset = TalkTopic.objects.filter(membership__retired_on=None).select_related(
            "membership__person__organization", "membership__group"
        )
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["q"]:
                queryset = queryset.filter(Q(title__icontains=data["q"]) | Q(abstract__icontains=data["q"]))
            if data["audience"]:
                queryset = queryset.filter(audience_types__contains=f",{data['audience']},")
            if data["district"]:
                queryset = queryset.filter(membership__districts=data["district"])
            if data["speaker"]:
                queryset = queryset.filter(
                    Q(membership__person__name__icontains=data["speaker"])
                    | Q(membership__person__name_en__icontains=data["speaker"])
                )
        return queryset.order_by("pk")

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filter_form=self.filter_form, query=query.urlencode(), **kwargs)


class TalkRequestView(FormView):
    form_class = TalkRequestForm
    template_name = "outreach/talk_request_form.html"

    def get_initial(self):
        initial = super().get_initial()
        speaker = self.request.GET.get("speaker", "")
        if speaker.isdigit():
            initial["wanted_speaker"] = speaker
        initial["wanted_topic"] = self.request.GET.get("topic", "")[:200]
        return initial

    def form_valid(self, form):
        if not ratelimit.allow_address(REQUESTS_PER_ADDRESS, client_address(self.request)):
            form.add_error(None, _("Too many requests from your network in the last hour. Please try again later."))
            return self.form_invalid(form)
        try:
            talk = services.create_request(data=form.talk_data(), preferred=form.preferred())
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return render(self.request, "outreach/talk_request_sent.html", {"talk": talk})


def _by_token(field: str, token: str) -> Talk:
    if not 16 <= len(token) <= 64:
        raise Http404
    return get_object_or_404(Talk.objects.select_related("speaker__person", "topic", "district"), **{field: token})


def verify(request, token):
    talk = _by_token("verify_token", token)
    if request.method == "POST" and talk.status == Talk.Status.UNVERIFIED:
        try:
            services.verify_request(talk)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Your email is verified: the request is now with the association."))
        return redirect(talk.get_follow_url())
    return render(request, "outreach/verify.html", {"talk": talk})


class FollowView(TemplateView):
    template_name = "outreach/follow.html"

    def get_context_data(self, **kwargs):
        talk = _by_token("follow_token", self.kwargs["token"])
        return super().get_context_data(
            talk=talk,
            rating_form=kwargs.pop("rating_form", None) or RatingForm(),
            report_form=kwargs.pop("report_form", None) or ReportForm(),
            can_cancel=Talk.Status.CANCELLED in services.TRANSITIONS[talk.status],
            can_report=talk.status in (Talk.Status.CONFIRMED, Talk.Status.DELIVERED)
            and talk.date is not None
            and talk.date <= timezone.localdate(),
            **kwargs,
        )

    def post(self, request, token):
        talk = _by_token("follow_token", token)
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.cancel(talk, reason=request.POST.get("reason", ""))
                messages.success(request, _("The request is cancelled."))
            elif action == "rate":
                form = RatingForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(rating_form=form))
                services.rate(talk, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
                messages.success(request, _("Thank you for your rating."))
            elif action == "report":
                form = ReportForm(request.POST, request.FILES)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(report_form=form))
                services.file_report(talk, actor=None, photos=form.cleaned_data["photos"], **_report_data(form))
                messages.success(request, _("The report is filed. Thank you."))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect(talk.get_follow_url())


def follow_ics(request, token):
    talk = _by_token("follow_token", token)
    return _ics_response(talk)


def _ics_response(talk: Talk) -> HttpResponse:
    from laurel.outreach.calendar import talk_ics

    if talk.status not in (Talk.Status.CONFIRMED, *Talk.HELD) or talk.date is None:
        raise Http404
    response = HttpResponse(talk_ics(talk), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="talk-{talk.code}.ics"'
    return response


def _report_data(form: ReportForm) -> dict:
    return {
        "headcount": form.cleaned_data["headcount"],
        "online_views": form.cleaned_data["online_views"] or 0,
        "news_link": form.cleaned_data["news_link"],
    }


# Staff and speakers ------------------------------------------------------------------------------------


class TalkListView(StaffRequiredMixin, ListView):
    paginate_by = 50
    template_name = "outreach/talk_list.html"

    def get_queryset(self):
        queryset = Talk.objects.select_related("district", "speaker__person").exclude(status=Talk.Status.UNVERIFIED)
        status = self.request.GET.get("status", "")
        if status in Talk.Status.values:
            queryset = queryset.filter(status=status)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=Talk.Status.choices, status=self.request.GET.get("status", "")[:20], **kwargs
        )


def _talk_for(request, code: str) -> Talk:
    if not request.user.is_authenticated:
        raise PermissionDenied
    talk = get_object_or_404(
        Talk.objects.select_related("speaker__person", "speaker__user", "topic", "district", "wanted_speaker__person"),
        code=code,
    )
    if not permissions.can_report_talk(request.user, talk):
        raise PermissionDenied
    return talk


class TalkDetailView(PermissionRequiredMixin, TemplateView):
    template_name = "outreach/talk_detail.html"

    def has_permission(self):
        self.talk = _talk_for(self.request, self.kwargs["code"])
        return True

    def get_context_data(self, **kwargs):
        talk = self.talk
        is_staff = permissions.can_manage_talks(self.request.user)
        context = {
            "talk": talk,
            "is_staff": is_staff,
            "preferred": talk.preferred_dates.all(),
            "photos": talk.photos.all(),
            "report_form": ReportForm(),
            "expenses_form": ExpensesForm(instance=talk),
            "can_answer": talk.status == Talk.Status.DISPATCHED
            and permissions.can_answer_talk(self.request.user, talk),
            "can_report": talk.status in (Talk.Status.CONFIRMED, Talk.Status.DELIVERED)
            and talk.date is not None
            and talk.date <= timezone.localdate(),
        }
        if is_staff and talk.status == Talk.Status.REVIEWED:
            context["suggestions"] = suggest(talk)
        return super().get_context_data(**context, **kwargs)


def _staff(request):
    if not request.user.is_authenticated or not permissions.can_manage_talks(request.user):
        raise PermissionDenied


@require_POST
def talk_action(request, code):
    """Staff moves: review (optionally open for claims), decline, mark delivered, close."""
    _staff(request)
    talk = get_object_or_404(Talk, code=code)
    action = request.POST.get("action")
    moves = {
        "review": lambda: services.review(talk, actor=request.user, is_open=request.POST.get("open") == "1"),
        "decline": lambda: services.decline_request(talk, actor=request.user, reason=request.POST.get("reason", "")),
        "delivered": lambda: services.mark_delivered(talk, actor=request.user),
        "close": lambda: services.close(talk, actor=request.user),
        "cancel": lambda: services.cancel(talk, actor=request.user),
    }
    if action not in moves:
        raise Http404
    try:
        moves[action]()
        messages.success(request, _("Done: the talk is now “%(status)s”.") % {"status": talk.get_status_display()})
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(talk)


@require_POST
def dispatch_talk(request, code):
    _staff(request)
    talk = get_object_or_404(Talk, code=code)
    form = DispatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a speaker, a date and a slot."))
        return redirect(talk)
    try:
        services.dispatch(
            talk,
            membership=form.cleaned_data["membership"],
            date=form.cleaned_data["date"],
            slot=form.cleaned_data["slot"],
            actor=request.user,
        )
        messages.success(request, _("Dispatched to %(name)s.") % {"name": talk.speaker.person.name})
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(talk)


@require_POST
def answer_talk(request, code):
    talk = _talk_for(request, code)
    if not permissions.can_answer_talk(request.user, talk):
        raise PermissionDenied
    try:
        if request.POST.get("answer") == "accept":
            services.accept(talk, actor=request.user)
            messages.success(request, _("Thank you: the talk is confirmed. The host receives the invitation."))
        else:
            services.refuse(talk, actor=request.user)
            messages.success(request, _("You declined the talk; it goes to the next speaker."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("core:dashboard")


@require_POST
def report_talk(request, code):
    talk = _talk_for(request, code)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_report(talk, actor=request.user, photos=form.cleaned_data["photos"], **_report_data(form))
            messages.success(request, _("The report is filed. Thank you."))
            return redirect(talk)
        except ValidationError as error:
            form.add_error(None, error)
    messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(talk)


def talk_photo(request, code, pk):
    """A talk's photos are private files, for those who see the talk's page (never a media URL)."""
    talk = _talk_for(request, code)
    return serve_file(get_object_or_404(TalkPhoto, pk=pk, talk=talk).image, filename=f"{talk.code}-photo-{pk}")


@require_POST
def record_expenses(request, code):
    _staff(request)
    talk = get_object_or_404(Talk, code=code)
    form = ExpensesForm(request.POST, instance=Talk.objects.get(pk=talk.pk))
    if form.is_valid():
        services.record_expenses(talk, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Expenses saved."))
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(talk)


def talk_ics_download(request, code):
    return _ics_response(_talk_for(request, code))


class OpenTalksView(PermissionRequiredMixin, ListView):
    permission_predicate = staticmethod(permissions.can_claim_talks)
    template_name = "outreach/open_talks.html"

    def get_queryset(self):
        return queries.open_requests().select_related("district").prefetch_related("preferred_dates")


@require_POST
def claim_talk(request, code):
    if not permissions.can_claim_talks(request.user):
        raise PermissionDenied
    talk = get_object_or_404(Talk, code=code, status=Talk.Status.REVIEWED, is_open=True)
    membership = request.user.memberships.filter(retired_on=None).first()
    try:
        services.claim(talk, membership=membership, actor=request.user)
        messages.success(request, _("The talk is yours and confirmed."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("outreach:open_talks")
    return redirect(talk)


class ReachDashboardView(StaffRequiredMixin, TemplateView):
    template_name = "outreach/reach.html"

    def year(self) -> int | None:
        year = self.request.GET.get("year", "")
        return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None

    def get_context_data(self, **kwargs):
        figures = reports.reach(year=self.year())
        charts = []
        for title, key in (
            (_("By month"), "by_month"),
            (_("By district"), "by_district"),
            (_("By host type"), "by_host_type"),
            (_("By audience type"), "by_audience"),
            (_("By speaker"), "by_speaker"),
        ):
            rows = reports.bars(figures[key])
            charts.append({"title": title, "rows": rows, "height": 22 * len(rows) + 4})
        return super().get_context_data(figures=figures, charts=charts, year=self.year(), **kwargs)


class ReachExportView(ReachDashboardView):
    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            reports.reach_xlsx(reports.reach(year=self.year())),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="laurel-reach.xlsx"'
        return response


def speaker_memberships(user):
    return Membership.objects.filter(user=user).prefetch_related(
        Prefetch("talks", queryset=Talk.objects.select_related("district").order_by("-date"))
    )


class ProfileView(PermissionRequiredMixin, TemplateView):
    """A member keeps their own profile: reach, availability, blocked dates and topics."""

    permission_predicate = staticmethod(permissions.can_claim_talks)
    template_name = "outreach/profile.html"

    def membership(self) -> Membership:
        return self.request.user.memberships.filter(retired_on=None).select_related("group").first()

    def get_context_data(self, **kwargs):
        membership = self.membership()
        kwargs.setdefault("form", ProfileForm(instance=membership))
        kwargs.setdefault("topic_form", TopicForm())
        return super().get_context_data(membership=membership, topics=membership.topics.all(), **kwargs)

    def post(self, request, *args, **kwargs):
        membership = self.membership()
        if request.POST.get("part") == "topic":
            topic_form = TopicForm(request.POST)
            if not topic_form.is_valid():
                return self.render_to_response(self.get_context_data(topic_form=topic_form), status=422)
            data = {name: topic_form.cleaned_data[name] for name in TopicForm.Meta.fields}
            services.add_topic(
                membership, actor=request.user, data=data, audiences=topic_form.cleaned_data["audiences"]
            )
        else:
            form = ProfileForm(request.POST, instance=Membership.objects.get(pk=membership.pk))
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form), status=422)
            services.update_profile(membership, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("outreach:profile")

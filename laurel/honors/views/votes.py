"""The public vote: the candidates' page, the vote button (HTMX, works without JS), and staff's figures."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseClientRedirect

from laurel.core.net import client_address
from laurel.core.views import StaffRequiredMixin, report_errors
from laurel.honors import permissions, votes
from laurel.honors.forms import VoidVotesForm, VoteWindowForm
from laurel.honors.models import Campaign, Stage
from laurel.people.models import User

TEMPLATE = "honors/vote.html"


def _vote_campaign(code) -> Campaign:
    campaign = get_object_or_404(Campaign, code=code)
    if not campaign.public_vote or campaign.stage != Stage.PUBLIC_VOTE:
        raise Http404
    return campaign


def _voter_context(campaign: Campaign, user) -> dict:
    today = votes.voter_today(campaign, user)
    return {
        "campaign": campaign,
        "state": votes.state(campaign),
        "today": today,
        "candidates_today": len(today),
        "cap_reached": len(today) >= campaign.candidates_per_day,
        "verified": permissions.has_verified_email(user),
    }


def _mark(candidates, today: dict[int, int]):
    """Each candidate with the voter's votes for them today (what the card shows instead of the button)."""
    for candidate in candidates:
        candidate.votes_today = today.get(candidate.pk, 0)
    return candidates


class VoteView(TemplateView):
    template_name = TEMPLATE

    def get_context_data(self, **kwargs):
        campaign = _vote_campaign(self.kwargs["code"])
        context = _voter_context(campaign, self.request.user)
        candidates = _mark(list(votes.candidates(campaign)), context["today"])
        return super().get_context_data(candidates=candidates, **context, **kwargs)


@require_POST
def cast(request, code, nomination):
    # The candidate and its campaign in one query (the vote's hot path); the campaign alone only to answer 404.
    candidate = votes.vote_candidate(code, nomination)
    if candidate is None:
        get_object_or_404(Campaign, code=code, public_vote=True)
        raise Http404
    campaign = candidate.campaign  # the service says if the vote is over
    if not request.user.is_authenticated:
        if request.htmx:
            return HttpResponseClientRedirect(f"{reverse('account_login')}?next={_page(campaign)}")
        return redirect_to_login(_page(campaign))
    ballot = votes.try_vote(candidate, actor=request.user, address=client_address(request))
    if ballot.refusal is None:
        result = {
            "level": "success",
            "text": _("Your vote for %(name)s is recorded.") % {"name": candidate.person.name},
        }
    else:
        result = {"level": "error", "text": ballot.refusal.messages[0]}
    if not request.htmx:
        getattr(messages, result["level"])(request, result["text"])
        return redirect(f"{_page(campaign)}#candidate-{candidate.code}")
    return HttpResponse(_answer(request, campaign, candidate, ballot, result))


def _page(campaign: Campaign) -> str:
    if campaign.stage == Stage.PUBLIC_VOTE:
        return reverse("honors:vote", kwargs={"code": campaign.code})
    return campaign.get_absolute_url()


def _answer(request, campaign: Campaign, candidate, ballot: votes.Ballot, result: dict) -> str:
    """The candidate's card and the day's summary (out of band), from the counts the vote read; counted again only
    after a try refused before them. Rendered without the context processors (menus, the site's identity): the two
    fragments show none of it, and they cost a query and more time than the vote's own writes."""
    if ballot.today is None:
        today = votes.voter_today(campaign, request.user)
        votes_today, candidates_today = today.get(candidate.pk, 0), len(today)
    else:
        votes_today, candidates_today = ballot.today.for_candidate, ballot.today.candidates
    candidate.votes_today = votes_today
    context = {
        "campaign": campaign,
        "candidate": candidate,
        "result": result,
        "state": votes.state(campaign),
        "candidates_today": candidates_today,
        "cap_reached": candidates_today >= campaign.candidates_per_day,
        "user": request.user,
        **csrf(request),
    }
    html = render_to_string(f"{TEMPLATE}#candidate", context)
    return html + render_to_string(f"{TEMPLATE}#summary", {**context, "swap_oob": True})


class VoteStaffView(StaffRequiredMixin, TemplateView):
    template_name = "honors/vote_staff.html"

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(Campaign, code=self.kwargs["code"], public_vote=True)
        return super().get_context_data(
            campaign=campaign,
            state=votes.state(campaign),
            tally=votes.candidates(campaign).order_by("-public_votes", "person__name"),
            days=votes.days(campaign),
            addresses=votes.busiest_addresses(campaign),
            voters=votes.busiest_voters(campaign),
            void_form=VoidVotesForm(),
            can_void=campaign.stage in votes.VOIDABLE_STAGES,
            **kwargs,
        )


def _staff_campaign(request, code) -> Campaign:
    if not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied
    return get_object_or_404(Campaign, code=code)


@require_POST
def void(request, code):
    campaign = _staff_campaign(request, code)
    form = VoidVotesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the voter's email address."))
        return redirect("honors:vote_staff", code=campaign.code)
    voter = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
    if voter is None:
        messages.error(request, _("No user has this email address."))
        return redirect("honors:vote_staff", code=campaign.code)
    try:
        count = votes.void_votes(campaign, voter=voter, reason=form.cleaned_data["reason"], actor=request.user)
        messages.success(
            request,
            ngettext("%(count)d vote of %(email)s voided.", "%(count)d votes of %(email)s voided.", count)
            % {"count": count, "email": voter.email},
        )
    except ValidationError as error:
        report_errors(request, error)
    return redirect("honors:vote_staff", code=campaign.code)


@require_POST
def set_window(request, code):
    campaign = _staff_campaign(request, code)
    form = VoteWindowForm(request.POST)
    if form.is_valid():
        try:
            votes.set_window(
                campaign,
                opens_at=form.cleaned_data["vote_opens_at"],
                closes_at=form.cleaned_data["vote_closes_at"],
                actor=request.user,
            )
            messages.success(request, _("Saved."))
        except ValidationError as error:
            report_errors(request, error)
    else:
        messages.error(request, _("Give the times the public vote opens and closes."))
    return redirect(campaign)

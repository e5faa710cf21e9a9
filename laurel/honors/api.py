"""Campaigns in the JSON API: public reads; nominations and the eligibility check for staff; the public vote's
candidates (public) and casting a vote (a signed-in account with a confirmed email, session or token)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.text import Truncator
from ninja import Field, Query, Router, Schema, Status

from laurel.core.api import AUTH
from laurel.core.net import client_address
from laurel.honors import nominations, permissions, votes
from laurel.honors.models import Campaign, Nomination, Stage

router = Router(tags=["honors"])
PAGE_SIZE = 50


class ErrorOut(Schema):
    detail: dict[str, list[str]] | str


class PageIn(Schema):
    page: int = Field(1, ge=1, le=100_000)


class CampaignOut(Schema):
    code: str
    series: str
    name: str
    name_en: str
    edition: int
    level: str
    honorees_count: int
    stage: str
    nomination_deadline: datetime.datetime
    notice_starts_on: datetime.date | None
    notice_ends_on: datetime.date | None
    public_vote: bool
    public_vote_weight: int
    vote_opens_at: datetime.datetime | None
    vote_closes_at: datetime.datetime | None
    votes_per_candidate_per_day: int
    candidates_per_day: int


class NominationOut(Schema):
    code: str
    person_name: str = Field(..., alias="person.name")
    unit_name: str = Field(..., alias="unit.name")
    category: str
    status: str
    status_reason: str
    eligibility_problems: list[str]
    score: float | None
    rank: int | None
    notice_starts_on: datetime.date | None = Field(None, description="a replacement's own public notice")
    notice_ends_on: datetime.date | None = None


class EligibilityIn(Schema):
    outcome: str = Field(..., pattern="^(pass|return|reject)$")
    reason: str = Field("", max_length=2000)


def _page(queryset, page: int):
    start = (page - 1) * PAGE_SIZE
    return list(queryset[start : start + PAGE_SIZE])


@router.get("/campaigns", response=list[CampaignOut])
def list_campaigns(request, paging: Query[PageIn]):
    return _page(Campaign.objects.public().order_by("-edition", "pk"), paging.page)


@router.get("/campaigns/{code}", response={200: CampaignOut, 404: ErrorOut})
def get_campaign(request, code: str):
    return get_object_or_404(Campaign.objects.public(), code=code)


@router.get(
    "/campaigns/{code}/nominations",
    response={200: list[NominationOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def list_nominations(request, code: str, paging: Query[PageIn]):
    if not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, code=code)
    return _page(campaign.nominations.for_list().order_by("rank", "pk"), paging.page)


@router.post(
    "/nominations/{code}/eligibility",
    response={200: NominationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
)
def check_eligibility(request, code: str, payload: EligibilityIn):
    if not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied
    nomination = get_object_or_404(Nomination.objects.for_list(), code=code)
    return nominations.check_eligibility(nomination, outcome=payload.outcome, reason=payload.reason, actor=request.user)


class CandidateOut(Schema):
    code: str
    name: str
    unit: str
    category: str
    citation: str
    story_excerpt: str
    public_votes: int | None = Field(..., description="Hidden (null) until the vote closes.")


class VoteOut(Schema):
    candidate: str
    day: datetime.date
    cast_at: datetime.datetime
    votes_for_candidate: int = Field(..., description="This account's votes for the candidate today.")


def _vote_campaign(code: str) -> Campaign:
    return get_object_or_404(Campaign.objects.public(), code=code, public_vote=True, stage=Stage.PUBLIC_VOTE)


@router.get("/campaigns/{code}/vote/candidates", response={200: list[CandidateOut], 404: ErrorOut})
def list_vote_candidates(request, code: str, paging: Query[PageIn]):
    """The candidates of a campaign's public vote, while it is in its public vote stage."""
    campaign = _vote_campaign(code)
    closed = votes.state(campaign) == votes.State.CLOSED
    return [
        {
            "code": candidate.code,
            "name": candidate.person.name,
            "unit": candidate.unit.name,
            "category": candidate.category,
            "citation": candidate.display_citation(),
            "story_excerpt": Truncator(candidate.story).chars(140),
            "public_votes": candidate.public_votes if closed else None,
        }
        for candidate in _page(votes.candidates(campaign), paging.page)
    ]


@router.post(
    "/campaigns/{code}/vote/candidates/{nomination}",
    response={201: VoteOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=AUTH,
)
def cast_vote(request, code: str, nomination: str):
    """One vote for a candidate, under the same rules as the vote page; a refusal is a 422 (429 when the
    network address sent too many votes) with the reason in the caller's language."""
    campaign = get_object_or_404(Campaign.objects.public(), code=code, public_vote=True)
    candidate = get_object_or_404(votes.candidates(campaign), code=nomination)
    try:
        vote = votes.cast_vote(candidate, actor=request.user, address=client_address(request))
    except votes.RateLimited as error:
        return Status(429, {"detail": error.messages[0]})
    return Status(
        201,
        {"candidate": candidate.code, "day": vote.day, "cast_at": vote.cast_at, "votes_for_candidate": vote.ordinal},
    )

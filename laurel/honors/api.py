"""Campaigns in the JSON API: public reads; nominations and the eligibility check for staff."""

import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from laurel.core.api import AUTH
from laurel.honors import nominations, permissions
from laurel.honors.models import Campaign, Nomination

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

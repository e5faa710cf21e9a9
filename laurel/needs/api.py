"""Technical needs in the JSON API: the public board (never a contact), an expert's offer of help, and the full
list for staff. The same services as the pages."""

import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from laurel.core.api import AUTH
from laurel.needs import permissions, services
from laurel.needs.models import Need, NeedField

router = Router(tags=["needs"])


class BoundedPagination(LimitOffsetPagination):
    """Limit and offset within what a database can take (huge integers would overflow SQLite)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=1_000_000_000)


class NeedOut(Schema):
    code: str
    status: str
    poster_name: str
    poster_type: str
    field: str
    title: str
    problem: str
    tried: str
    region: str = Field(..., alias="region.name")
    region_en: str = Field(..., alias="region.name_en")
    budget: str
    deadline: datetime.date
    outcome: str


class ManagedNeedOut(NeedOut):
    contact_name: str
    contact_email: str
    contact_phone: str
    expert: str | None = Field(None, alias="expert.email")


class BoardFilter(Schema):
    field: NeedField | None = None
    region: int | None = Field(None, ge=1, le=2**31 - 1)


class InterestIn(Schema):
    note: str = Field("", max_length=1000)


class InterestOut(Schema):
    need: str = Field(..., alias="need.code")
    note: str


class ErrorOut(Schema):
    detail: dict[str, list[str]] | str


@router.get("/needs", response=list[NeedOut])
@paginate(BoundedPagination)
def list_needs(request, filters: Query[BoardFilter]):
    """The public needs board, newest first, filtered by field and region (a district's id)."""
    needs = Need.objects.on_board().select_related("region")
    if filters.field:
        needs = needs.filter(field=filters.field)
    if filters.region:
        needs = needs.filter(region_id=filters.region)
    return needs.order_by("-published_at", "-pk")


@router.get("/needs/manage", response={200: list[ManagedNeedOut], 401: ErrorOut, 403: ErrorOut}, auth=AUTH)
@paginate(BoundedPagination)
def list_managed_needs(request, status: Need.Status | None = None):
    """Every confirmed need with its contact and matched expert (staff)."""
    if not permissions.can_manage_needs(request.user):
        raise PermissionDenied
    needs = Need.objects.exclude(status=Need.Status.UNVERIFIED).select_related("region", "expert")
    if status:
        needs = needs.filter(status=status)
    return needs.order_by("-pk")


@router.get("/needs/{code}", response={200: NeedOut, 404: ErrorOut})
def get_need(request, code: str):
    return get_object_or_404(Need.objects.on_board().select_related("region"), code=code[:12])


@router.post(
    "/needs/{code}/interest",
    response={201: InterestOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
)
def offer_help(request, code: str, payload: InterestIn):
    """An expert offers help with a published need (once); staff see it beside the suggestions."""
    if not permissions.can_offer_help(request.user):
        raise PermissionDenied
    need = get_object_or_404(Need.objects.on_board(), code=code[:12])
    return Status(201, services.express_interest(need, user=request.user, note=payload.note.replace("\x00", "")))

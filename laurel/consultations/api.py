"""Consultations in the JSON API: public consultations (only what is public); a round's figures for staff; an
expert's rating in the open round (the same service as the page)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from laurel.consultations import delphi, permissions
from laurel.consultations.models import Consultation, Round
from laurel.core.api import AUTH
from laurel.core.pagination import BoundedLimitOffsetPagination

router = Router(tags=["consultations"])
CODE = Field(..., max_length=12)


class ConsultationOut(Schema):
    code: str
    title: str
    question: str
    background: str
    asking_body: str = Field(..., alias="asking_body.name")
    asking_body_en: str = Field(..., alias="asking_body.name_en")
    status: str
    deadline: datetime.date
    stop_reason: str


class StatementFigures(Schema):
    statement: int
    text: str
    n: int
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    share_high: float
    consensus: bool
    stable: bool
    feasibility_median: float | None


class RoundOut(Schema):
    number: int
    status: str
    deadline: datetime.datetime
    kendall_w: float | None
    p_value: float | None
    statements: list[StatementFigures]


class RatingIn(Schema):
    statement: int = Field(..., ge=1, le=2**31 - 1)
    importance: int = Field(..., ge=1, le=9)
    feasibility: int = Field(..., ge=1, le=9)
    comment: str = Field("", max_length=1000)


class RatingOut(Schema):
    round: int
    statement: int
    importance: int
    feasibility: int


class ErrorOut(Schema):
    detail: dict[str, list[str]] | str


@router.get("/consultations", response=list[ConsultationOut])
@paginate(BoundedLimitOffsetPagination)
def list_consultations(request):
    """Public consultations that the association accepted (internal ones are never listed)."""
    return Consultation.objects.public().select_related("asking_body").order_by("-pk")


@router.get("/consultations/{code}", response={200: ConsultationOut, 404: ErrorOut})
def get_consultation(request, code: str):
    return get_object_or_404(Consultation.objects.public().select_related("asking_body"), code=code[:12])


def _round_out(delphi_round: Round, texts: dict[int, str]) -> dict:
    results = delphi_round.results or {}
    figures = results.get("statements", {})
    return {
        "number": delphi_round.number,
        "status": delphi_round.status,
        "deadline": delphi_round.deadline,
        "kendall_w": results.get("kendall_w"),
        "p_value": results.get("p_value"),
        "statements": [
            {
                "statement": int(pk),
                "text": texts.get(int(pk), ""),
                **{key: item[key] for key in StatementFigures.model_fields if key in item},
            }
            for pk, item in figures.items()
        ],
    }


@router.get(
    "/consultations/{code}/rounds",
    response={200: list[RoundOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def list_rounds(request, code: str):
    """Each round with its figures once closed (staff only)."""
    if not permissions.can_manage_consultations(request.user):
        raise PermissionDenied
    consultation = get_object_or_404(Consultation, code=code[:12])
    texts = dict(consultation.statements.values_list("pk", "text"))
    return [_round_out(item, texts) for item in consultation.rounds.order_by("number")]


@router.post(
    "/consultations/{code}/ratings",
    response={200: RatingOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
)
def rate(request, code: str, payload: RatingIn):
    """An expert serving on the panel rates one statement in the open round; a second rating replaces the first."""
    consultation = get_object_or_404(Consultation, code=code[:12])
    seat = permissions.seat_for(request.user, consultation)
    if seat is None:
        raise PermissionDenied
    delphi_round = delphi.current_round(consultation)
    if delphi_round is None:
        raise ValidationError(_("No round is open; ratings are no longer accepted."))
    statement = get_object_or_404(consultation.statements, pk=payload.statement)
    rating = delphi.rate(
        seat,
        delphi_round=delphi_round,
        statement=statement,
        importance=payload.importance,
        feasibility=payload.feasibility,
        comment=payload.comment,
        actor=request.user,
    )
    return {
        "round": delphi_round.number,
        "statement": statement.pk,
        "importance": rating.importance,
        "feasibility": rating.feasibility,
    }

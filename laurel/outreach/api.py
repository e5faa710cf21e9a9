"""Lecture groups in the JSON API: the public groups, their batches and current members, the menu of topics;
talk requests for staff."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import field_validator

from laurel.core.api import AUTH
from laurel.outreach import permissions
from laurel.outreach.models import Batch, LectureGroup, Membership, Talk, TalkTopic

router = Router(tags=["outreach"])


class BoundedPagination(LimitOffsetPagination):
    """Limit and offset within what a database can take (huge integers would overflow SQLite)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=1_000_000_000)


class TopicOut(Schema):
    id: int
    title: str
    abstract: str
    audience_types: list[str]
    language: str
    speaker: str
    speaker_en: str
    group: str

    @field_validator("audience_types", mode="before")
    @classmethod
    def split_audience_types(cls, value):
        # Stored as ",school,community," (one LIKE finds a type); the API gives the list.
        return [code for code in value.strip(",").split(",") if code] if isinstance(value, str) else value


# The menu's columns, flat: a page of topics is one query of plain rows, not 100 model instances with their
# speaker's whole row walked by dotted aliases (which cost most of this endpoint's time).
TOPIC_COLUMNS = {
    "speaker": F("membership__person__name"),
    "speaker_en": F("membership__person__name_en"),
    "group": F("membership__group__slug"),
}


class TalkOut(Schema):
    code: str
    status: str
    host_name: str
    host_type: str
    district: str = Field(..., alias="district.name")
    audience_type: str
    audience_size: int
    wanted_topic: str
    delivery: str
    speaker: str | None = Field(None, alias="speaker.person.name")
    date: datetime.date | None
    slot: str
    headcount: int | None
    online_views: int | None


class BatchOut(Schema):
    number: int
    announced_on: datetime.date
    announced_at: str


class GroupOut(Schema):
    slug: str
    name: str
    name_en: str
    description: str
    description_en: str
    active_members: int
    batches: list[BatchOut]

    @staticmethod
    def resolve_batches(group) -> list:
        return list(group.batches.all())


class MemberOut(Schema):
    name: str = Field(..., alias="person.name")
    name_en: str = Field(..., alias="person.name_en")
    person: str = Field(..., alias="person.code")
    unit: str | None = Field(None, alias="person.organization.name")
    role: str
    batch: int = Field(..., alias="batch.number")
    term_start: datetime.date
    term_end: datetime.date | None


class GroupDetailOut(GroupOut):
    members: list[MemberOut]

    @staticmethod
    def resolve_members(group) -> list:
        return list(group.current_members)


class TopicFilter(Schema):
    q: str = Field("", max_length=100)
    audience: str = Field("", max_length=20)


class ErrorOut(Schema):
    detail: dict[str, list[str]] | str


def _groups():
    return LectureGroup.objects.annotate(
        active_members=Count("memberships", filter=Q(memberships__retired_on=None))
    ).prefetch_related(Prefetch("batches", queryset=Batch.objects.order_by("number")))


@router.get("/outreach/groups", response=list[GroupOut])
@paginate(BoundedPagination)
def list_groups(request):
    """Lecture groups with their batches and how many members currently serve."""
    return _groups().order_by("pk")


@router.get("/outreach/groups/{slug}", response={200: GroupDetailOut, 404: ErrorOut})
def get_group(request, slug: str):
    """A lecture group with its current members (retired members are not listed)."""
    group = get_object_or_404(_groups(), slug=slug[:50])
    group.current_members = (
        Membership.objects.active()
        .filter(group=group)
        .select_related("person__organization", "batch")
        .order_by("role", "batch__number", "pk")
    )
    return group


@router.get("/outreach/topics", response=list[TopicOut])
@paginate(BoundedPagination)
def list_topics(request, filters: Query[TopicFilter]):
    topics = TalkTopic.objects.filter(membership__retired_on=None)
    query, audience = filters.q.replace("\x00", ""), filters.audience.replace("\x00", "")  # PostgreSQL refuses NUL
    if query:
        topics = topics.filter(title__icontains=query)
    if audience:
        topics = topics.filter(audience_types__contains=f",{audience},")
    return topics.order_by("pk").values("id", "title", "abstract", "audience_types", "language", **TOPIC_COLUMNS)


@router.get("/outreach/talks", response={200: list[TalkOut], 401: ErrorOut, 403: ErrorOut}, auth=AUTH)
@paginate(BoundedPagination)
def list_talks(request, status: Talk.Status | None = None):
    if not permissions.can_manage_talks(request.user):
        raise PermissionDenied
    talks = Talk.objects.select_related("district", "speaker__person").exclude(status=Talk.Status.UNVERIFIED)
    if status:
        talks = talks.filter(status=status)
    return talks.order_by("-pk")

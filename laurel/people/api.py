"""People and units in the JSON API. Reads show public fields; writes are for staff and call the services."""

import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from laurel.core.api import AUTH, OPTIONAL_AUTH
from laurel.people import permissions, services
from laurel.people.models import Organization, Person

router = Router(tags=["people"])


class OrganizationOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    region: str
    parent_code: str | None = Field(None, alias="parent.code")


class OrganizationIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    kind: Organization.Kind
    region: str = Field("", max_length=100)
    parent_code: str | None = Field(None, max_length=12)


class PersonOut(Schema):
    code: str
    name: str
    name_en: str
    gender: str
    organization_code: str = Field(..., alias="organization.code")
    position: str
    position_en: str
    title: str
    title_en: str
    field: str
    is_front_line: bool
    bio: str


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    name_en: str = Field("", max_length=100)
    gender: Person.Gender
    date_of_birth: datetime.date | None = None
    organization_code: str = Field(..., max_length=12)
    position: str = Field("", max_length=100)
    position_en: str = Field("", max_length=100)
    title: str = Field("", max_length=100)
    title_en: str = Field("", max_length=100)
    field: str = Field("", max_length=100)
    is_front_line: bool = False
    bio: str = Field("", max_length=2000)
    email: str = Field("", max_length=254)


class ErrorOut(Schema):
    detail: dict[str, list[str]] | str


def _require_staff(request):
    if not permissions.can_manage_people(request.user):
        raise PermissionDenied


def _organization_data(payload: OrganizationIn) -> dict:
    data = payload.dict()
    parent_code = data.pop("parent_code")
    data["parent"] = get_object_or_404(Organization, code=parent_code) if parent_code else None
    return data


def _person_data(payload: PersonIn) -> dict:
    data = payload.dict()
    data["organization"] = get_object_or_404(Organization, code=data.pop("organization_code"))
    return data


@router.get("/organizations", response=list[OrganizationOut])
@paginate
def list_organizations(request):
    return Organization.objects.select_related("parent").order_by("name")


@router.get("/organizations/{code}", response={200: OrganizationOut, 404: ErrorOut})
def get_organization(request, code: str):
    return get_object_or_404(Organization.objects.select_related("parent"), code=code)


@router.post(
    "/organizations",
    response={201: OrganizationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
)
def create_organization(request, payload: OrganizationIn):
    _require_staff(request)
    return Status(201, services.create_organization(actor=request.user, data=_organization_data(payload)))


@router.put(
    "/organizations/{code}",
    response={200: OrganizationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
)
def update_organization(request, code: str, payload: OrganizationIn):
    _require_staff(request)
    organization = get_object_or_404(Organization, code=code)
    return services.update_organization(organization, actor=request.user, data=_organization_data(payload))


def _visible_persons(request):
    """Staff (by session or token) read every person; everyone else reads only public ones."""
    persons = Person.objects.with_unit()
    if permissions.can_manage_people(request.user):
        return persons
    return persons.public()


@router.get("/persons", response=list[PersonOut], auth=OPTIONAL_AUTH)
@paginate
def list_persons(request):
    return _visible_persons(request).order_by("pk")


@router.get("/persons/{code}", response={200: PersonOut, 404: ErrorOut}, auth=OPTIONAL_AUTH)
def get_person(request, code: str):
    return get_object_or_404(_visible_persons(request), code=code)


@router.post(
    "/persons", response={201: PersonOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=AUTH
)
def create_person(request, payload: PersonIn):
    _require_staff(request)
    return Status(201, services.create_person(actor=request.user, data=_person_data(payload)))


@router.put(
    "/persons/{code}", response={200: PersonOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=AUTH
)
def update_person(request, code: str, payload: PersonIn):
    _require_staff(request)
    person = get_object_or_404(Person, code=code)
    return services.update_person(person, actor=request.user, data=_person_data(payload))

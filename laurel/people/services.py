"""Writes about people, units and roles. Views and the API both call these."""

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.core import two_factor
from laurel.core.services import log_action
from laurel.core.uploads import judge_image
from laurel.people import importfiles, tasks, tokens
from laurel.people.models import ApiToken, Organization, Person, Role, SpreadsheetImport, User

PERSON_FIELDS = (
    "name",
    "name_en",
    "gender",
    "date_of_birth",
    "organization",
    "position",
    "position_en",
    "title",
    "title_en",
    "field",
    "is_front_line",
    "is_public",
    "bio",
    "email",
)
ORGANIZATION_FIELDS = ("name", "name_en", "kind", "region", "parent")


def _changes(instance, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    changes = {}
    for field in fields:
        if field in data and getattr(instance, field) != data[field]:
            changes[field] = [str(getattr(instance, field)), str(data[field])]
            setattr(instance, field, data[field])
    return changes


def create_organization(*, actor: User, data: dict[str, Any]) -> Organization:
    organization = Organization(**{key: value for key, value in data.items() if key in ORGANIZATION_FIELDS})
    organization.full_clean()
    with transaction.atomic():
        organization.save()
        log_action("people.organization.created", actor=actor, obj=organization, data={"name": organization.name})
    return organization


def update_organization(organization: Organization, *, actor: User, data: dict[str, Any]) -> Organization:
    changes = _changes(organization, data, ORGANIZATION_FIELDS)
    if organization.parent_id and organization.parent_id == organization.pk:
        raise ValidationError({"parent": ValidationError("A unit cannot be its own parent.", code="own_parent")})
    organization.full_clean()
    with transaction.atomic():
        organization.save()
        log_action("people.organization.updated", actor=actor, obj=organization, data={"changes": changes})
    return organization


def _judged_photo(photo):
    """The photo judged by its content and re-encoded without metadata (laurel/core/uploads.py)."""
    try:
        return judge_image(photo)
    except ValidationError as error:
        raise ValidationError({"photo": error.error_list}) from None


def create_person(*, actor: User, data: dict[str, Any], photo=None) -> Person:
    person = Person(**{key: value for key, value in data.items() if key in PERSON_FIELDS})
    if photo is not None:
        person.photo = _judged_photo(photo)
    person.full_clean()
    with transaction.atomic():
        person.save()
        log_action("people.person.created", actor=actor, obj=person, data={"name": person.name})
    return person


def update_person(person: Person, *, actor: User, data: dict[str, Any], photo=None) -> Person:
    changes = _changes(person, data, PERSON_FIELDS)
    if photo is not None:
        person.photo = _judged_photo(photo)
    person.full_clean()
    with transaction.atomic():
        person.save()
        if photo is not None:
            changes["photo"] = ["", person.photo.name]
        log_action("people.person.updated", actor=actor, obj=person, data={"changes": changes})
    return person


def grant_role(*, actor: User | None, user: User, kind: str, organization: Organization | None = None) -> Role:
    with transaction.atomic():
        role, created = Role.objects.get_or_create(user=user, kind=kind, organization=organization)
        if created:
            log_action(
                "people.role.granted",
                actor=actor,
                obj=user,
                data={"kind": kind, "organization": organization.name if organization else None},
            )
    user.__dict__.pop("role_set", None)
    return role


def create_api_token(*, user: User, name: str, scope: str, expires_at: datetime.datetime | None = None) -> str:
    """Create a bearer token for `user` and return it once; only its hash is kept.

    The token expires (by default after `tokens.DEFAULT_DAYS`, never after more than `tokens.MAX_DAYS`).
    Where two-factor authentication is required, a staff member or expert must have enrolled TOTP first:
    a token acts with their powers, and must not be a way to use them without the second factor.
    """
    now = timezone.now()
    if expires_at is None:
        expires_at = now + datetime.timedelta(days=tokens.DEFAULT_DAYS)
    if two_factor.must_enrol(user):
        raise ValidationError(
            _("Enrol two-factor authentication (an authenticator app) before creating an API token."),
            code="two_factor_required",
        )
    if expires_at <= now:
        raise ValidationError({"expires_at": _("An API token must expire in the future.")})
    if expires_at > now + datetime.timedelta(days=tokens.MAX_DAYS):
        raise ValidationError(
            {"expires_at": _("An API token can be valid for at most %(days)d days.") % {"days": tokens.MAX_DAYS}}
        )
    raw = "lrl_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, scope=scope, expires_at=expires_at, token_hash=tokens.hash_token(raw))
    token.full_clean(exclude=["created_at"])
    with transaction.atomic():
        token.save()
        log_action(
            "people.api_token.created",
            actor=user,
            obj=token,
            data={"name": name, "scope": scope, "expires_at": expires_at.isoformat()},
        )
    return raw


def start_import(*, actor: User, kind: str, upload, language: str = settings.LANGUAGE_CODE) -> SpreadsheetImport:
    """Keep an uploaded spreadsheet and queue its reading. Refused at once when it is too big or a zip bomb
    (the zip directory tells, in milliseconds); everything else about the file is checked by the task, in
    `language`."""
    if upload.size > importfiles.MAX_BYTES:
        raise ValidationError(
            _("The file is over %(size)d MB.") % {"size": importfiles.MAX_BYTES // (1024 * 1024)}, code="too_big"
        )
    try:
        importfiles.check_upload(upload.read())
    except importfiles.SpreadsheetError as error:
        raise ValidationError(str(error), code="refused") from None
    upload.seek(0)
    with transaction.atomic():
        spreadsheet_import = SpreadsheetImport.objects.create(
            kind=kind, file=upload, original_name=upload.name[:255], created_by=actor, language=language
        )
        transaction.on_commit(lambda: tasks.read_import.enqueue(spreadsheet_import.pk))
    return spreadsheet_import


def confirm_import(spreadsheet_import: SpreadsheetImport, *, actor: User) -> None:
    """Queue the writing of a previewed import, exactly once even if the button is clicked twice."""
    if spreadsheet_import.status in (SpreadsheetImport.Status.APPLYING, SpreadsheetImport.Status.APPLIED):
        raise ValidationError(_("This file has already been imported."), code="already_applied")
    if not spreadsheet_import.can_be_confirmed:
        raise ValidationError(_("This file cannot be imported; its page says why."), code="not_ready")
    with transaction.atomic():
        claimed = SpreadsheetImport.objects.filter(
            pk=spreadsheet_import.pk, status=SpreadsheetImport.Status.PREVIEWED
        ).update(status=SpreadsheetImport.Status.APPLYING, confirmed_by=actor, rows_done=0)
        if claimed != 1:
            raise ValidationError(_("This file has already been imported."), code="already_applied")
        transaction.on_commit(lambda: tasks.write_import.enqueue(spreadsheet_import.pk))


def revoke_role(role: Role, *, actor: User) -> None:
    with transaction.atomic():
        log_action(
            "people.role.revoked",
            actor=actor,
            obj=role.user,
            data={"kind": role.kind, "organization": role.organization.name if role.organization else None},
        )
        role.delete()


def revoke_api_token(token: ApiToken, *, actor: User) -> None:
    with transaction.atomic():
        log_action(
            "people.api_token.revoked", actor=actor, obj=token.user, data={"name": token.name, "scope": token.scope}
        )
        token.delete()


def make_person_public(person: Person, *, actor: User | None, reason: str) -> None:
    """Show a person on the public site (e.g. a published honoree, a lecture group member)."""
    if person.is_public:
        return
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(is_public=True)
        person.is_public = True
        log_action("people.person.made_public", actor=actor, obj=person, data={"reason": reason})

"""Every write about lecture groups, their batches and their members."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from laurel.core import changes as public_changes
from laurel.core.services import log_action
from laurel.outreach.models import Batch, LectureGroup, Membership
from laurel.people.models import Person
from laurel.people.services import make_person_public

GROUP_FIELDS = ("name", "name_en", "description", "description_en", "slug")
# Addresses the lecture group pages already use under /lecture-groups/.
RESERVED_SLUGS = {"manage", "topics", "request", "verify", "follow", "profile", "talks"}


def _unique_group_errors(data: dict[str, Any], *, exclude: int | None = None) -> dict[str, str]:
    others = LectureGroup.objects.exclude(pk=exclude)
    errors = {}
    if others.filter(name=data.get("name")).exists():
        errors["name"] = _("Another lecture group already has this name.")
    if data.get("slug") in RESERVED_SLUGS:
        errors["slug"] = _("This address is reserved; choose another one.")
    elif others.filter(slug=data.get("slug")).exists():
        errors["slug"] = _("Another lecture group already uses this address.")
    return errors


def create_group(*, actor, data: dict[str, Any]) -> LectureGroup:
    if errors := _unique_group_errors(data):
        raise ValidationError(errors)
    with transaction.atomic():
        group = LectureGroup.objects.create(**{field: data.get(field, "") for field in GROUP_FIELDS})
        log_action("outreach.group.created", actor=actor, obj=group, data={"name": group.name, "slug": group.slug})
    return group


def update_group(group: LectureGroup, *, actor, data: dict[str, Any]) -> LectureGroup:
    if errors := _unique_group_errors(data, exclude=group.pk):
        raise ValidationError(errors)
    changes = {
        field: [getattr(group, field), data[field]]
        for field in GROUP_FIELDS
        if field in data and getattr(group, field) != data[field]
    }
    with transaction.atomic():
        for field, (_old, new) in changes.items():
            setattr(group, field, new)
        group.save()
        log_action("outreach.group.updated", actor=actor, obj=group, data=changes)
    return group


def add_batch(group: LectureGroup, *, actor, announced_on: datetime.date, announced_at: str = "") -> Batch:
    """The group's next batch, numbered after the last one; the row lock keeps two staff from taking one number."""
    with transaction.atomic():
        LectureGroup.objects.select_for_update().filter(pk=group.pk).first()
        last = group.batches.order_by("-number").values_list("number", flat=True).first() or 0
        batch = Batch.objects.create(group=group, number=last + 1, announced_on=announced_on, announced_at=announced_at)
        log_action(
            "outreach.batch.created",
            actor=actor,
            obj=group,
            data={"batch": batch.number, "announced_on": announced_on.isoformat(), "announced_at": announced_at},
        )
    return batch


def add_member(
    batch: Batch,
    *,
    actor,
    person: Person,
    role: str = Membership.Role.MEMBER,
    term_start: datetime.date | None = None,
    term_end: datetime.date | None = None,
) -> Membership:
    """Appoint a sci-tech worker to the batch's group; a member is shown on the public site from then on."""
    term_start = term_start or batch.announced_on
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose head, deputy head or member.")})
    if term_end is not None and term_end <= term_start:
        raise ValidationError({"term_end": _("The term must end after it starts.")})
    if role == Membership.Role.HEAD:
        _refuse_second_head(batch.group_id)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                group_id=batch.group_id, batch=batch, person=person, role=role, term_start=term_start, term_end=term_end
            )
            log_action(
                "outreach.membership.added",
                actor=actor,
                obj=membership,
                data={"group": batch.group_id, "batch": batch.number, "person": person.code, "role": role},
            )
            make_person_public(person, actor=actor, reason=f"outreach.membership:{batch.group.slug}")
    except IntegrityError as error:
        if (
            role == Membership.Role.HEAD
            and not Membership.objects.filter(group_id=batch.group_id, person=person).exists()
        ):
            _refuse_second_head(batch.group_id)  # someone appointed a head at the same moment
        raise ValidationError(
            {"person": _("%(name)s is already a member of this group.") % {"name": person.name}}, code="duplicate"
        ) from error
    return membership


def _refuse_second_head(group_id: int) -> None:
    """A group has one head at a time (a database constraint); the message names the current one."""
    head = Membership.objects.active().filter(group_id=group_id, role=Membership.Role.HEAD).select_related("person")
    head = head.first()
    if head is not None:
        raise ValidationError(
            {
                "role": _("%(name)s is the group's head; retire them before appointing another head.")
                % {"name": head.person.name}
            },
            code="second_head",
        )


def add_members(
    batch: Batch,
    *,
    actor,
    persons: list[Person],
    role: str = Membership.Role.MEMBER,
    term_start: datetime.date | None = None,
    term_end: datetime.date | None = None,
) -> list[Membership]:
    """Appoint several people at once: all of them, or none if one cannot join."""
    if not persons:
        raise ValidationError({"persons": _("Choose at least one sci-tech worker.")})
    if role == Membership.Role.HEAD and len(persons) > 1:
        raise ValidationError({"persons": _("A group has one head: choose one sci-tech worker.")}, code="second_head")
    with transaction.atomic():
        return [
            add_member(batch, actor=actor, person=person, role=role, term_start=term_start, term_end=term_end)
            for person in persons
        ]


def retire_member(membership: Membership, *, actor, retired_on: datetime.date) -> Membership:
    """End a member's service. Refused before the term started, or if someone retired them first."""
    if retired_on < membership.term_start:
        raise ValidationError({"retired_on": _("A member cannot retire before their term starts.")})
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, retired_on=None).update(retired_on=retired_on)
        if updated != 1:
            raise ValidationError(_("This member has already retired."), code="already_retired")
        membership.retired_on = retired_on
        log_action(
            "outreach.membership.retired", actor=actor, obj=membership, data={"retired_on": retired_on.isoformat()}
        )
        public_changes.changed(membership)
    return membership

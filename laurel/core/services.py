"""Writes that every app shares: the audit log."""

import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder

from laurel.core.models import AuditEntry


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def log_action(action: str, *, actor=None, obj=None, data: dict[str, Any] | None = None) -> AuditEntry:
    """Append one decision to the audit log. `action` is a namespaced code: `people.person.updated`."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_name=(actor.get_full_name() if actor is not None else "")[:100],
        actor_email=actor.email if actor is not None else "",
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        data=_jsonable(data),
    )


def log_actions(action: str, *, actor=None, entries: list[tuple[Any, dict[str, Any]]]) -> int:
    """Append one entry per (object, data) pair in one insert: a step that decides many things at once (an
    assignment run's pairs) still leaves one entry per thing decided."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    rows = [
        AuditEntry(
            action=action,
            actor=actor,
            actor_name=(actor.get_full_name() if actor is not None else "")[:100],
            actor_email=actor.email if actor is not None else "",
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            data=_jsonable(data),
        )
        for obj, data in entries
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)

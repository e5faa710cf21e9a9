"""The panel: experts proposed by affinity with the question, conflicts excluded, fields and unit types balanced;
invitations, answers (a decline invites the next suggestion) and the confidentiality pledge."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laurel.assignment import conflicts as conflict_rules
from laurel.consultations import mail
from laurel.consultations.models import Consultation, DeclaredInterest, Seat
from laurel.core.services import log_action
from laurel.honors.models import PanelMember
from laurel.people.models import Organization, Person
from laurel.people.roles import RoleKind

# A suggestion's score is its affinity divided by 1 + these weights x the experts already on (or proposed for)
# the panel who share its field or its unit type: a second hydrologist must be clearly closer to the question
# than a first economist to come before them.
SAME_FIELD_WEIGHT = 0.6
SAME_KIND_WEIGHT = 0.3
EXCLUDED_LABELS = {
    conflict_rules.SAME_UNIT: gettext_lazy("Works for the asking body, or a parent or child unit"),
    conflict_rules.RELATION: gettext_lazy("Declared interest"),
}
OPEN_STATUSES = (Consultation.Status.ACCEPTED, Consultation.Status.IN_ROUNDS)


@dataclass
class Suggestion:
    person: Person
    affinity: float
    score: float
    explanation: list[tuple[str, float]] = field(default_factory=list)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("、", ",").split(",") if part.strip()]


def question_text(consultation: Consultation) -> str:
    return " ".join([consultation.title, consultation.expertise_wanted, consultation.question])


def _pool() -> list[Person]:
    """Sci-tech workers with an expert account."""
    return list(
        Person.objects.filter(user__roles__kind=RoleKind.EXPERT, user__is_active=True)
        .select_related("organization", "user")
        .distinct()
        .order_by("pk")
    )


def _expert_texts(people: list[Person]) -> list[str]:
    from laurel.assignment.affinity import expert_text

    profiles: dict[int, list[str]] = {}
    for user_id, fields, keywords, expertise in PanelMember.objects.filter(
        expert_id__in=[person.user_id for person in people]
    ).values_list("expert_id", "fields", "keywords", "expertise"):
        profiles.setdefault(user_id, []).append(
            expert_text(fields=_split(fields), keywords=_split(keywords), expertise=expertise)
        )
    return [
        " ".join([person.field, person.title, person.position, person.bio, *profiles.get(person.user_id, [])])
        for person in people
    ]


def excluded(consultation: Consultation, people: list[Person]) -> dict[int, tuple[str, ...]]:
    """person pk -> conflict codes: people of the asking body (or a parent or child unit) and declared interests."""
    parents = dict(Organization.objects.filter(parent__isnull=False).values_list("pk", "parent_id"))
    interests = frozenset(
        DeclaredInterest.objects.filter(consultation=consultation).values_list("person_id", flat=True)
    )
    item = conflict_rules.ItemRecord(nominee=None, nominee_unit=consultation.asking_body_id, relations=interests)
    experts = [conflict_rules.ExpertRecord(person=person.pk, unit=person.organization_id) for person in people]
    found = conflict_rules.detect_conflicts([item], experts, unit_parents=parents)
    return {people[expert].pk: reasons for (_item, expert), reasons in found.items()}


def suggest(consultation: Consultation, *, limit: int = 10) -> list[Suggestion]:
    """Experts not yet invited, ranked by affinity with the question and balanced by field and unit type."""
    from laurel.assignment.affinity import explain, text_affinity

    seated = set(consultation.seats.values_list("person_id", flat=True))
    people = [person for person in _pool() if person.pk not in seated]
    if not people:
        return []
    blocked = excluded(consultation, people)
    people = [person for person in people if person.pk not in blocked]
    if not people:
        return []
    question = question_text(consultation)
    texts = _expert_texts(people)
    affinity, vectorizer = text_affinity([question], texts)
    scores = affinity[0].tolist()
    on_panel = consultation.seats.exclude(status=Seat.Status.DECLINED).select_related("person__organization")
    fields = Counter(seat.person.field for seat in on_panel)
    kinds = Counter(seat.person.organization.kind for seat in on_panel)
    remaining = set(range(len(people)))
    chosen: list[Suggestion] = []
    while remaining and len(chosen) < limit:

        def balanced(index: int) -> float:
            person = people[index]
            penalty = SAME_FIELD_WEIGHT * fields[person.field] + SAME_KIND_WEIGHT * kinds[person.organization.kind]
            return scores[index] / (1 + penalty)

        best = max(remaining, key=lambda index: (balanced(index), -people[index].pk))
        remaining.discard(best)
        person = people[best]
        chosen.append(
            Suggestion(
                person=person,
                affinity=round(scores[best], 4),
                score=round(balanced(best), 4),
                explanation=explain(texts[best], question, vectorizer, top=5),
            )
        )
        fields[person.field] += 1
        kinds[person.organization.kind] += 1
    return chosen


def invite(consultation: Consultation, *, person: Person, actor, suggestion: Suggestion | None = None) -> Seat:
    if consultation.status not in OPEN_STATUSES:
        raise ValidationError(_("Experts can be invited while the panel is formed or the rounds run."), code="closed")
    if person.user_id is None or not person.user.has_role(RoleKind.EXPERT):
        raise ValidationError(_("Only sci-tech workers with an expert account can be invited."), code="not_expert")
    reasons = excluded(consultation, [person]).get(person.pk)
    if reasons:
        labels = ", ".join(str(EXCLUDED_LABELS.get(code, code)) for code in reasons)
        raise ValidationError(_("This expert has a conflict: %(reasons)s.") % {"reasons": labels}, code="conflict")
    try:
        with transaction.atomic():
            seat = Seat.objects.create(
                consultation=consultation,
                person=person,
                user_id=person.user_id,
                affinity=suggestion.affinity if suggestion else 0,
                explanation=[list(pair) for pair in suggestion.explanation] if suggestion else [],
            )
            log_action(
                "consultations.seat.invited",
                actor=actor,
                obj=consultation,
                data={"person": person.pk, "affinity": seat.affinity},
            )
    except IntegrityError:
        raise ValidationError(_("This expert is already invited."), code="duplicate") from None
    transaction.on_commit(lambda: mail.send_invitation(seat.pk))
    return seat


def accept_seat(seat: Seat, *, actor, pledge: bool, may_be_named: bool) -> Seat:
    if not pledge:
        raise ValidationError({"pledge": _("Serving on the panel requires the confidentiality pledge.")})
    now = timezone.now()
    with transaction.atomic():
        updated = Seat.objects.filter(pk=seat.pk, status=Seat.Status.INVITED).update(
            status=Seat.Status.ACCEPTED, answered_at=now, pledged_at=now, may_be_named=may_be_named
        )
        if updated != 1:
            raise ValidationError(_("This invitation is already answered."), code="answered")
        seat.status, seat.answered_at, seat.pledged_at, seat.may_be_named = Seat.Status.ACCEPTED, now, now, may_be_named
        log_action("consultations.seat.accepted", actor=actor, obj=seat.consultation, data={"seat": seat.pk})
    return seat


def decline_seat(seat: Seat, *, actor, interest: str = "") -> Seat | None:
    """The expert declines (a declared interest is recorded); the next suggestion is invited. Returns its seat."""
    consultation = seat.consultation
    with transaction.atomic():
        updated = Seat.objects.filter(pk=seat.pk, status=Seat.Status.INVITED).update(
            status=Seat.Status.DECLINED, answered_at=timezone.now()
        )
        if updated != 1:
            raise ValidationError(_("This invitation is already answered."), code="answered")
        seat.status = Seat.Status.DECLINED
        if interest.strip():
            DeclaredInterest.objects.update_or_create(
                consultation=consultation, person=seat.person, defaults={"note": interest.strip()[:300]}
            )
        log_action(
            "consultations.seat.declined",
            actor=actor,
            obj=consultation,
            data={"seat": seat.pk, "interest": bool(interest.strip())},
        )
        if consultation.status not in OPEN_STATUSES:
            return None
        for suggestion in suggest(consultation, limit=1):
            return invite(consultation, person=suggestion.person, actor=None, suggestion=suggestion)
    return None


def composition(consultation: Consultation) -> dict:
    """The serving panel by field and by unit type, and the names of those who agreed to be named."""
    seats = list(
        consultation.seats.filter(status=Seat.Status.ACCEPTED).select_related("person__organization").order_by("pk")
    )
    kinds = dict(Organization.Kind.choices)
    by_field = Counter(seat.person.field or "—" for seat in seats)
    by_kind = Counter(str(kinds.get(seat.person.organization.kind, "")) for seat in seats)
    return {
        "size": len(seats),
        "by_field": sorted(by_field.items(), key=lambda pair: (-pair[1], pair[0])),
        "by_kind": sorted(by_kind.items(), key=lambda pair: (-pair[1], pair[0])),
        "named": [seat.person for seat in seats if seat.may_be_named],
    }

"""Delphi rounds (RAND's method): statements, anonymous ratings 1-9 with comments, closing a round with its
statistics, and the stopping rule (consensus, stability or the round limit)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.consultations import mail, stats
from laurel.consultations.models import Consultation, Rating, Round, Seat, Statement
from laurel.consultations.services import transition
from laurel.core.services import log_action

S = Consultation.Status
MAX_PROPOSALS = 5  # statements one expert may propose in round 1
MAX_STATEMENTS = 300


def rule(consultation: Consultation) -> stats.Rule:
    return stats.Rule(
        iqr=float(consultation.consensus_iqr),
        share=consultation.consensus_share / 100,
        stability=consultation.stability_share / 100,
    )


def current_round(consultation: Consultation) -> Round | None:
    return consultation.rounds.filter(status=Round.Status.OPEN).first()


def _check_deadline(deadline: datetime.datetime) -> None:
    if deadline <= timezone.now():
        raise ValidationError({"deadline": _("The round's deadline must be in the future.")})


def open_round(consultation: Consultation, *, deadline: datetime.datetime, actor) -> Round:
    """Round 1 starts the rounds (it needs at least one serving expert); later rounds follow a closed one."""
    _check_deadline(deadline)
    last = consultation.rounds.order_by("-number").first()
    if last is not None and last.status == Round.Status.OPEN:
        raise ValidationError(_("Round %(number)d is still open.") % {"number": last.number}, code="round_open")
    number = 1 if last is None else last.number + 1
    if number > consultation.max_rounds:
        raise ValidationError(_("The round limit is reached."), code="limit")
    if number == 1:
        if not consultation.seats.filter(status=Seat.Status.ACCEPTED).exists():
            raise ValidationError(_("At least one expert must have accepted before round 1."), code="no_panel")
    elif consultation.status != S.IN_ROUNDS or not consultation.statements.exists():
        raise ValidationError(_("This consultation's rounds are over."), code="over")
    try:
        with transaction.atomic():
            if number == 1:
                transition(consultation, to=S.IN_ROUNDS, actor=actor)
            delphi_round = Round.objects.create(consultation=consultation, number=number, deadline=deadline)
            log_action(
                "consultations.round.opened",
                actor=actor,
                obj=consultation,
                data={"round": number, "deadline": deadline.isoformat()},
            )
    except IntegrityError:
        raise ValidationError(_("Another round was opened meanwhile; reload the page."), code="duplicate") from None
    transaction.on_commit(lambda: mail.send_round_opened(delphi_round.pk))
    return delphi_round


def add_statement(consultation: Consultation, *, text: str, actor, seat: Seat | None = None) -> Statement:
    """Staff add statements before round 1 or in it; serving experts propose up to five in round 1."""
    text = " ".join(text.split())[:500]
    if len(text) < 4:
        raise ValidationError({"text": _("Write the statement in a full sentence.")})
    open_round_now = current_round(consultation)
    number = open_round_now.number if open_round_now else 0
    if consultation.status not in (S.ACCEPTED, S.IN_ROUNDS) or number > 1:
        raise ValidationError(_("Statements are added before round 1 or during it."), code="closed")
    if seat is not None:
        if number != 1 or seat.status != Seat.Status.ACCEPTED:
            raise ValidationError(_("Serving experts propose statements during round 1."), code="closed")
        if Statement.objects.filter(consultation=consultation, proposed_by=seat).count() >= MAX_PROPOSALS:
            raise ValidationError(
                _("You can propose at most %(count)d statements.") % {"count": MAX_PROPOSALS}, code="too_many"
            )
    if consultation.statements.count() >= MAX_STATEMENTS:
        raise ValidationError(_("This consultation has as many statements as it can take."), code="too_many")
    try:
        with transaction.atomic():
            statement = Statement.objects.create(
                consultation=consultation, text=text, added_in_round=max(number, 1), proposed_by=seat
            )
            log_action(
                "consultations.statement.added",
                actor=actor,
                obj=consultation,
                data={"statement": statement.pk, "by_expert": seat is not None},
            )
    except IntegrityError:
        raise ValidationError({"text": _("This statement is already on the list.")}) from None
    return statement


def _check_scale(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= stats.SCALE:
        raise ValidationError({name: _("Ratings run from 1 to 9.")})
    return value


def rate(
    seat: Seat,
    *,
    delphi_round: Round,
    statement: Statement,
    importance: int,
    feasibility: int,
    comment: str = "",
    actor,
) -> Rating:
    """An expert's rating of one statement in the open round. A second rating in the same round replaces the
    first (the expert revises until the deadline); only the last one counts and the audit log keeps both."""
    importance = _check_scale("importance", importance)
    feasibility = _check_scale("feasibility", feasibility)
    if seat.status != Seat.Status.ACCEPTED or seat.consultation_id != delphi_round.consultation_id:
        raise ValidationError(_("Only experts serving on this panel can rate."), code="not_serving")
    if statement.consultation_id != delphi_round.consultation_id:
        raise ValidationError(_("This statement belongs to another consultation."), code="wrong_statement")
    if delphi_round.status != Round.Status.OPEN:
        raise ValidationError(_("This round is closed; ratings are no longer accepted."), code="closed")
    if timezone.now() > delphi_round.deadline:
        raise ValidationError(_("The round's deadline has passed; ratings are no longer accepted."), code="late")
    comment = comment.strip()[:1000]
    with transaction.atomic():
        # Locks the round row: a close that starts now waits for this rating, and a rating after it sees "closed".
        locked = Round.objects.select_for_update().get(pk=delphi_round.pk)
        if locked.status != Round.Status.OPEN:
            raise ValidationError(_("This round is closed; ratings are no longer accepted."), code="closed")
        rating, created = Rating.objects.update_or_create(
            round=delphi_round,
            statement=statement,
            seat=seat,
            defaults={"importance": importance, "feasibility": feasibility, "comment": comment},
        )
        log_action(
            "consultations.rating.given" if created else "consultations.rating.revised",
            actor=actor,
            obj=delphi_round.consultation,
            data={"round": delphi_round.number, "statement": statement.pk, "seat": seat.pk},
        )
    return rating


def compute(delphi_round: Round) -> dict:
    """The round's statistics, with the round's and the round before's ratings read in one query."""
    consultation = delphi_round.consultation
    statements = list(consultation.statements.order_by("pk").values_list("pk", flat=True))
    seats = list(consultation.seats.filter(status=Seat.Status.ACCEPTED).order_by("pk").values_list("pk", flat=True))
    before = None
    if delphi_round.number > 1:
        before = consultation.rounds.filter(number=delphi_round.number - 1).values_list("pk", flat=True).first()
    ratings, previous = read_ratings(delphi_round.pk, before, packed=_packable(seats, statements))
    return stats.round_statistics(
        statements=statements, seats=seats, ratings=ratings, previous=previous, rule=rule(consultation)
    )


# One rating packed into one 64-bit integer: bit 62 "round before", seat << 40, statement << 8, importance << 4,
# feasibility. Fetching one integer a row instead of five halves the read of 60,000 ratings (the database's
# row-by-row hand-over to Python is the cost; the statistics themselves take a tenth of it).
SEAT_BITS, STATEMENT_BITS = 22, 32


def _packable(seats: list[int], statements: list[int]) -> bool:
    return max(seats, default=0) < 1 << SEAT_BITS and max(statements, default=0) < 1 << STATEMENT_BITS


def read_ratings(current: int, before: int | None, *, packed: bool = True):
    """(seat, statement, importance, feasibility) rows as int64 arrays for the round `current` and the round
    `before` (None when there is none), from one query on the covering index `consultation_rating_read`.
    `packed` needs seat keys below 2^22 and statement keys below 2^32; otherwise five columns are read."""
    import itertools

    import numpy as np

    rounds = [current] if before is None else [current, before]
    queryset = Rating.objects.filter(round__in=rounds)
    if packed:
        queryset = queryset.annotate(
            packed=Case(When(round=current, then=Value(0)), default=Value(1 << 62), output_field=BigIntegerField())
            + F("seat") * Value(1 << 40, output_field=BigIntegerField())
            + F("statement") * Value(1 << 8, output_field=BigIntegerField())
            + F("importance") * 16
            + F("feasibility")
        ).values_list("packed")
    else:
        queryset = queryset.values_list("round", "seat", "statement", "importance", "feasibility")
    columns = 1 if packed else 5
    sql, params = queryset.query.sql_with_params()
    # The raw cursor skips the per-row work of Django's iterables; the columns are plain integers.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    values = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=columns * len(rows))
    if packed:
        unpacked = np.stack(
            [
                (values >> 40) & ((1 << SEAT_BITS) - 1),
                (values >> 8) & ((1 << STATEMENT_BITS) - 1),
                (values >> 4) & 15,
                values & 15,
            ],
            axis=1,
        )
        of_before = (values >> 62) == 1
    else:
        values = values.reshape(-1, 5)
        unpacked, of_before = values[:, 1:], values[:, 0] != current
    return unpacked[~of_before], (None if before is None else unpacked[of_before])


def stop_reason(consultation: Consultation, delphi_round: Round, results: dict) -> str:
    if results["all_consensus"]:
        return Consultation.StopReason.CONSENSUS
    if results["all_stable"]:
        return Consultation.StopReason.STABILITY
    if delphi_round.number >= consultation.max_rounds:
        return Consultation.StopReason.LIMIT
    return ""


def close_round(delphi_round: Round, *, actor, next_deadline: datetime.datetime | None = None) -> Round | None:
    """Close the open round and compute its statistics. The consultation stops at consensus, stability or the
    round limit; otherwise the next round opens with `next_deadline`. Returns the next round, if any."""
    consultation = delphi_round.consultation
    if delphi_round.status != Round.Status.OPEN:
        raise ValidationError(_("This round is already closed."), code="already_closed")
    results = compute(delphi_round)
    reason = stop_reason(consultation, delphi_round, results)
    if not reason:
        if next_deadline is None:
            raise ValidationError(
                {
                    "next_deadline": _("No stopping rule is met: set the deadline of round %(number)d.")
                    % {"number": delphi_round.number + 1}
                }  # fmt: skip
            )
        _check_deadline(next_deadline)
    with transaction.atomic():
        updated = Round.objects.filter(pk=delphi_round.pk, status=Round.Status.OPEN).update(
            status=Round.Status.CLOSED, closed_at=timezone.now(), results=results
        )
        if updated != 1:
            raise ValidationError(_("This round is already closed."), code="already_closed")
        delphi_round.status, delphi_round.results = Round.Status.CLOSED, results
        log_action(
            "consultations.round.closed",
            actor=actor,
            obj=consultation,
            data={
                "round": delphi_round.number,
                "kendall_w": results["kendall_w"],
                "consensus": sum(1 for item in results["statements"].values() if item["consensus"]),
                "stop": reason,
            },
        )
        if reason:
            transition(consultation, to=S.CONCLUDED, actor=actor, changes={"stop_reason": reason})
            return None
        return open_round(consultation, deadline=next_deadline, actor=actor)

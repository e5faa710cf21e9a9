import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from laurel.consultations import delphi
from laurel.consultations.models import Consultation, Rating, Round, Seat
from laurel.core.models import AuditEntry
from tests.factories.consultations import ConsultationFactory, open_round, seat_for, statements

pytestmark = pytest.mark.django_db


def _later(hours=48):
    return timezone.now() + datetime.timedelta(hours=hours)


@pytest.fixture
def consultation():
    return ConsultationFactory()


def test_round_one_needs_a_serving_expert_and_starts_the_rounds(consultation, staff):
    seat_for(consultation, status=Seat.Status.INVITED, email="i@example.org")
    with pytest.raises(ValidationError) as caught:
        delphi.open_round(consultation, deadline=_later(), actor=staff)
    assert caught.value.code == "no_panel"
    seat_for(consultation, email="s@example.org")
    with pytest.raises(ValidationError):
        delphi.open_round(consultation, deadline=timezone.now() - datetime.timedelta(minutes=1), actor=staff)
    delphi_round = delphi.open_round(consultation, deadline=_later(), actor=staff)
    assert (delphi_round.number, Consultation.objects.get().status) == (1, Consultation.Status.IN_ROUNDS)
    with pytest.raises(ValidationError) as caught:
        delphi.open_round(consultation, deadline=_later(), actor=staff)
    assert caught.value.code == "round_open"


def test_ratings_outside_one_to_nine_or_not_integers_are_refused(consultation):
    seat = seat_for(consultation, email="s@example.org")
    delphi_round = open_round(consultation)
    statement = statements(consultation, 1)[0]
    for importance, feasibility in ((0, 5), (10, 5), (5, -1), (5, 99), ("7", 5), (7.5, 5), (True, 5)):
        with pytest.raises(ValidationError):
            delphi.rate(
                seat, delphi_round=delphi_round, statement=statement, importance=importance,
                feasibility=feasibility, actor=seat.user,
            )  # fmt: skip
    assert Rating.objects.count() == 0


def test_late_rating_is_refused(consultation):
    seat = seat_for(consultation, email="s@example.org")
    delphi_round = open_round(consultation)
    Round.objects.filter(pk=delphi_round.pk).update(deadline=timezone.now() - datetime.timedelta(seconds=1))
    delphi_round.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        delphi.rate(
            seat, delphi_round=delphi_round, statement=statements(consultation, 1)[0], importance=7, feasibility=7,
            actor=seat.user,
        )  # fmt: skip
    assert caught.value.code == "late"


def test_declined_or_invited_expert_cannot_rate(consultation):
    delphi_round = open_round(consultation)
    statement = statements(consultation, 1)[0]
    for status, email in ((Seat.Status.DECLINED, "d@example.org"), (Seat.Status.INVITED, "i@example.org")):
        seat = seat_for(consultation, status=status, email=email)
        with pytest.raises(ValidationError) as caught:
            delphi.rate(seat, delphi_round=delphi_round, statement=statement, importance=7, feasibility=7, actor=None)
        assert caught.value.code == "not_serving"
    assert Rating.objects.count() == 0


def test_statement_of_another_consultation_is_refused(consultation):
    seat = seat_for(consultation, email="s@example.org")
    delphi_round = open_round(consultation)
    other = statements(ConsultationFactory(), 1)[0]
    with pytest.raises(ValidationError):
        delphi.rate(seat, delphi_round=delphi_round, statement=other, importance=7, feasibility=7, actor=None)


def test_second_rating_in_a_round_replaces_the_first_and_both_are_logged(consultation):
    seat = seat_for(consultation, email="s@example.org")
    delphi_round = open_round(consultation)
    statement = statements(consultation, 1)[0]
    delphi.rate(seat, delphi_round=delphi_round, statement=statement, importance=5, feasibility=6, actor=seat.user)
    delphi.rate(
        seat, delphi_round=delphi_round, statement=statement, importance=8, feasibility=7, comment="再想了想",
        actor=seat.user,
    )  # fmt: skip
    assert list(Rating.objects.values_list("importance", "feasibility", "comment")) == [(8, 7, "再想了想")]
    assert list(
        AuditEntry.objects.filter(action__startswith="consultations.rating")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["consultations.rating.given", "consultations.rating.revised"]


def _rate_all(delphi_round, seats, statement_list, values):
    for seat, row in zip(seats, values, strict=True):
        for statement, value in zip(statement_list, row, strict=True):
            delphi.rate(
                seat, delphi_round=delphi_round, statement=statement, importance=value, feasibility=5, actor=None
            )


def test_closing_twice_is_refused(consultation, staff):
    seats = [seat_for(consultation, email=f"s{index}@example.org") for index in range(3)]
    delphi_round = open_round(consultation)
    statement_list = statements(consultation, 2)
    _rate_all(delphi_round, seats, statement_list, [[8, 8], [8, 9], [9, 8]])
    stale = Round.objects.get(pk=delphi_round.pk)
    assert delphi.close_round(delphi_round, actor=staff) is None
    with pytest.raises(ValidationError) as caught:
        delphi.close_round(delphi_round, actor=staff)
    assert caught.value.code == "already_closed"
    with pytest.raises(ValidationError):  # a second staff member on a page loaded before the close
        delphi.close_round(stale, actor=staff)
    assert AuditEntry.objects.filter(action="consultations.round.closed").count() == 1
    consultation.refresh_from_db()
    assert (consultation.status, consultation.stop_reason) == (Consultation.Status.CONCLUDED, "consensus")
    with pytest.raises(ValidationError):  # and nobody rates a closed round
        delphi.rate(
            seats[0], delphi_round=delphi_round, statement=statement_list[0], importance=1, feasibility=1, actor=None
        )


def test_without_a_stopping_rule_the_next_round_needs_its_deadline_then_stability_stops(consultation, staff):
    seats = [seat_for(consultation, email=f"s{index}@example.org") for index in range(4)]
    delphi_round = open_round(consultation)
    statement_list = statements(consultation, 2)
    split = [[2, 8], [9, 8], [3, 9], [8, 8]]
    _rate_all(delphi_round, seats, statement_list, split)
    with pytest.raises(ValidationError) as caught:
        delphi.close_round(delphi_round, actor=staff)
    assert "next_deadline" in caught.value.message_dict
    assert Round.objects.get(pk=delphi_round.pk).status == Round.Status.OPEN  # nothing half-written
    second = delphi.close_round(delphi_round, actor=staff, next_deadline=_later())
    assert second.number == 2
    results = Round.objects.get(pk=delphi_round.pk).results
    assert results["statements"][str(statement_list[1].pk)]["consensus"] is True
    assert results["statements"][str(statement_list[0].pk)]["consensus"] is False
    _rate_all(second, seats, statement_list, split)  # nobody moved: stable
    assert delphi.close_round(second, actor=staff) is None
    assert Consultation.objects.get().stop_reason == Consultation.StopReason.STABILITY


def test_the_round_limit_stops_the_rounds(consultation, staff):
    Consultation.objects.filter(pk=consultation.pk).update(max_rounds=1)
    consultation.refresh_from_db()
    seats = [seat_for(consultation, email=f"s{index}@example.org") for index in range(2)]
    delphi_round = open_round(consultation)
    _rate_all(delphi_round, seats, statements(consultation, 1), [[1], [9]])
    assert delphi.close_round(delphi_round, actor=staff) is None
    assert Consultation.objects.get().stop_reason == Consultation.StopReason.LIMIT


def test_experts_propose_statements_in_round_one_only_and_at_most_five(consultation, staff):
    seat = seat_for(consultation, email="s@example.org")
    with pytest.raises(ValidationError):  # before round 1
        delphi.add_statement(consultation, text="建立流域联防联控机制", actor=seat.user, seat=seat)
    delphi_round = open_round(consultation)
    for index in range(5):
        delphi.add_statement(consultation, text=f"措施建议第{index}条", actor=seat.user, seat=seat)
    with pytest.raises(ValidationError) as caught:
        delphi.add_statement(consultation, text="再多一条建议", actor=seat.user, seat=seat)
    assert caught.value.code == "too_many"
    with pytest.raises(ValidationError):  # the same statement twice
        delphi.add_statement(consultation, text="措施建议第0条", actor=staff)
    Round.objects.filter(pk=delphi_round.pk).update(status=Round.Status.CLOSED)
    Round.objects.create(consultation=consultation, number=2, deadline=_later())
    with pytest.raises(ValidationError):
        delphi.add_statement(consultation, text="第二轮的新建议", actor=staff)


def test_reminders_go_once_a_day_before_the_deadline_to_experts_with_statements_left(consultation):
    from django.core import mail
    from django.core.management import call_command

    from laurel.consultations.reminders import send_round_reminders

    done = seat_for(consultation, email="done@example.org")
    late = seat_for(consultation, email="late@example.org")
    seat_for(consultation, status=Seat.Status.DECLINED, email="declined@example.org")
    delphi_round = open_round(consultation, hours=30)
    statement = statements(consultation, 1)[0]
    delphi.rate(done, delphi_round=delphi_round, statement=statement, importance=7, feasibility=7, actor=None)
    assert send_round_reminders() == 0  # 30 hours ahead: not yet
    Round.objects.filter(pk=delphi_round.pk).update(deadline=_later(hours=20))
    call_command("send_round_reminders", stdout=io.StringIO())
    assert [message.to for message in mail.outbox] == [[late.user.email]]
    assert send_round_reminders() == 0  # once


def test_the_reminder_job_is_scheduled():
    from laurel.schedule import JOBS

    assert "laurel.consultations.tasks.send_round_reminders_task" in [job.task for job in JOBS]


def test_packed_read_of_two_rounds_equals_the_plain_read_and_compute_equals_the_stats_on_tuples(consultation, staff):
    from laurel.consultations import stats

    seats = [seat_for(consultation, email=f"p{index}@example.org") for index in range(4)]
    delphi_round = open_round(consultation)
    statement_list = statements(consultation, 3)
    _rate_all(delphi_round, seats, statement_list, [[2, 8, 9], [9, 8, 1], [3, 9, 5], [8, 8, 7]])
    second = delphi.close_round(delphi_round, actor=staff, next_deadline=_later())
    _rate_all(second, seats[:3], statement_list, [[7, 8, 9], [9, 9, 1], [6, 9, 6]])
    for current, before in [(second.pk, delphi_round.pk), (delphi_round.pk, None)]:
        packed = delphi.read_ratings(current, before, packed=True)
        plain = delphi.read_ratings(current, before, packed=False)
        for packed_rows, plain_rows in zip(packed, plain, strict=True):
            if before is None and plain_rows is None:
                assert packed_rows is None
                continue
            assert sorted(map(tuple, packed_rows.tolist())) == sorted(map(tuple, plain_rows.tolist()))
    expected = stats.round_statistics(
        statements=[statement.pk for statement in statement_list],
        seats=[seat.pk for seat in seats],
        ratings=list(Rating.objects.filter(round=second).values_list("seat", "statement", "importance", "feasibility")),
        previous=list(
            Rating.objects.filter(round=delphi_round).values_list("seat", "statement", "importance", "feasibility")
        ),
        rule=delphi.rule(consultation),
    )
    assert delphi.compute(second) == expected
    assert expected["statements"][str(statement_list[0].pk)]["changed_share"] == 0.6667  # 2->7 and 3->6 moved, 9 stayed

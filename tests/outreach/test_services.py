import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.outreach import services
from laurel.outreach.models import Talk
from tests.factories.outreach import MembershipFactory, TalkFactory, TalkTopicFactory, district, next_weekday

pytestmark = pytest.mark.django_db

S = Talk.Status


def request_data(**overrides) -> dict:
    return {
        "host_name": "云州市第三中学", "host_type": "school", "district": district("西山区"), "address": "山前路8号",
        "audience_type": "students", "audience_size": 400, "wanted_topic": "新材料", "wanted_speaker": None,
        "delivery": "onsite", "contact_name": "李老师", "contact_email": "li@school.example.org",
        "contact_phone": "0871-5551234", **overrides,
    }  # fmt: skip


def preferred() -> list:
    return [(next_weekday(1), "morning"), (next_weekday(3), "afternoon")]


def test_create_request_waits_for_email_and_mails_the_link(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        talk = services.create_request(data=request_data(), preferred=preferred())
    assert talk.status == S.UNVERIFIED
    assert talk.preferred_dates.count() == 2
    assert mailoutbox[0].to == ["li@school.example.org"]
    assert f"/lecture-groups/verify/{talk.verify_token}/" in mailoutbox[0].body
    services.verify_request(talk)
    assert Talk.objects.get().status == S.REQUESTED


@pytest.mark.parametrize("size", [-5, 0, 500000])
def test_create_request_refuses_an_impossible_audience_size(size):
    with pytest.raises(ValidationError) as error:
        services.create_request(data=request_data(audience_size=size), preferred=preferred())
    assert "1 到 10,000 人之间" in str(error.value)
    assert Talk.objects.count() == 0


def test_create_request_refuses_a_date_in_the_past():
    past = [(timezone.localdate() - datetime.timedelta(days=3), "morning"), (next_weekday(2), "evening")]
    with pytest.raises(ValidationError) as error:
        services.create_request(data=request_data(), preferred=past)
    assert error.value.message_dict == {"preferred": ["意向日期必须晚于今天。"]}
    assert Talk.objects.count() == 0


def test_the_full_life_cycle_is_logged_step_by_step(staff, member, speaker_membership):
    talk = TalkFactory(status=S.REQUESTED)
    services.review(talk, actor=staff)
    services.dispatch(talk, membership=speaker_membership, date=next_weekday(1), slot="morning", actor=staff)
    services.accept(talk, actor=member)
    Talk.objects.filter(pk=talk.pk).update(date=timezone.localdate())
    talk.refresh_from_db()
    services.mark_delivered(talk, actor=staff)
    talk.refresh_from_db()
    assert talk.status == S.DELIVERED
    actions = list(AuditEntry.objects.for_object(talk).order_by("pk").values_list("action", flat=True))
    assert actions == [
        "outreach.talk.reviewed",
        "outreach.talk.dispatched",
        "outreach.talk.accepted",
        "outreach.talk.delivered",
    ]


def test_transition_outside_the_table_is_refused(staff):
    talk = TalkFactory(status=S.REQUESTED)
    with pytest.raises(services.InvalidTransition):
        services.transition(talk, to=S.CLOSED, actor=staff)
    assert Talk.objects.get().status == S.REQUESTED


def test_double_dispatch_by_two_staff_one_wins_the_other_is_told(staff, speaker_membership):
    other = MembershipFactory()
    TalkTopicFactory(membership=other)
    talk = TalkFactory(status=S.REVIEWED)
    stale = Talk.objects.get(pk=talk.pk)
    services.dispatch(talk, membership=speaker_membership, date=next_weekday(1), slot="morning", actor=staff)
    with pytest.raises(ValidationError) as error:
        services.dispatch(stale, membership=other, date=next_weekday(1), slot="morning", actor=staff)
    assert "可能已有他人先行操作" in error.value.messages[0]
    assert Talk.objects.get().speaker == speaker_membership
    assert AuditEntry.objects.filter(action="outreach.talk.dispatched").count() == 1


def test_dispatch_outside_the_speakers_availability_is_refused(staff):
    membership = MembershipFactory(available=[(0, "morning")])
    talk = TalkFactory(status=S.REVIEWED)
    with pytest.raises(ValidationError) as error:
        services.dispatch(talk, membership=membership, date=next_weekday(0), slot="evening", actor=staff)
    assert error.value.messages == ["该宣讲人在这一星期几和时段不可宣讲。"]
    assert Talk.objects.get().status == S.REVIEWED


def test_dispatch_on_a_past_date_is_refused(staff, speaker_membership):
    talk = TalkFactory(status=S.REVIEWED)
    with pytest.raises(ValidationError):
        services.dispatch(
            talk, membership=speaker_membership, date=timezone.localdate() - datetime.timedelta(days=1), slot="morning",
            actor=staff,
        )  # fmt: skip


def test_speaker_is_never_double_booked_by_the_database(speaker_membership):
    date = next_weekday(1)
    TalkFactory(status=S.CONFIRMED, speaker=speaker_membership, date=date, slot="morning")
    with pytest.raises(IntegrityError), transaction.atomic():
        TalkFactory(status=S.DISPATCHED, speaker=speaker_membership, date=date, slot="morning")
    # A cancelled talk does not hold the slot.
    TalkFactory(status=S.CANCELLED, speaker=speaker_membership, date=date, slot="morning")
    assert Talk.objects.filter(speaker=speaker_membership).count() == 2


def test_dispatch_into_a_booked_slot_gives_a_clear_message(staff, speaker_membership):
    date = next_weekday(1)
    TalkFactory(status=S.CONFIRMED, speaker=speaker_membership, date=date, slot="morning")
    talk = TalkFactory(status=S.REVIEWED)
    with pytest.raises(ValidationError) as error:
        services.dispatch(talk, membership=speaker_membership, date=date, slot="morning", actor=staff)
    assert error.value.messages == ["该宣讲人在此日期和时段已有宣讲安排。"]
    assert Talk.objects.get(pk=talk.pk).status == S.REVIEWED


def test_refusal_moves_the_talk_to_the_next_suggestion(staff, member, speaker_membership):
    second = MembershipFactory()
    TalkTopicFactory(membership=second, title="材料的未来")
    talk = TalkFactory(status=S.REVIEWED)
    services.dispatch(talk, membership=speaker_membership, date=next_weekday(1), slot="morning", actor=staff)
    services.refuse(talk, actor=member)
    talk.refresh_from_db()
    assert talk.status == S.DISPATCHED
    assert talk.speaker == second
    assert talk.declined_by == [speaker_membership.pk]


def test_member_claims_an_open_request(member, speaker_membership):
    talk = TalkFactory(status=S.REVIEWED, is_open=True)
    services.claim(talk, membership=speaker_membership, actor=member)
    talk.refresh_from_db()
    assert (talk.status, talk.speaker) == (S.CONFIRMED, speaker_membership)


def test_rating_of_seven_is_refused_and_five_is_kept():
    talk = TalkFactory(status=S.DELIVERED)
    with pytest.raises(ValidationError):
        services.rate(talk, rating=7, comment="")
    services.rate(talk, rating=5, comment="很精彩")
    assert Talk.objects.values_list("rating", "rating_comment").get() == (5, "很精彩")


def test_report_needs_three_real_photos(staff, speaker_membership, photo_files):
    talk = TalkFactory(status=S.DELIVERED, speaker=speaker_membership, date=timezone.localdate(), slot="morning")
    with pytest.raises(ValidationError):
        services.file_report(talk, actor=staff, headcount=120, online_views=0, news_link="", photos=photo_files[:2])
    services.file_report(talk, actor=staff, headcount=120, online_views=900, news_link="", photos=photo_files)
    talk.refresh_from_db()
    assert (talk.status, talk.headcount, talk.online_views, talk.photos.count()) == (S.REPORTED, 120, 900, 3)


def test_expenses_are_recorded_and_logged(staff):
    talk = TalkFactory(status=S.DELIVERED)
    services.record_expenses(talk, actor=staff, fee=500, travel_cost=80, paid_by="association")
    assert Talk.objects.values_list("paid_by", flat=True).get() == "association"
    assert AuditEntry.objects.filter(action="outreach.talk.expenses_recorded").count() == 1


def test_refusal_without_another_candidate_leaves_the_talk_reviewed(staff, member, speaker_membership):
    talk = TalkFactory(status=S.REVIEWED)
    services.dispatch(talk, membership=speaker_membership, date=next_weekday(1), slot="morning", actor=staff)
    services.refuse(talk, actor=member)
    talk.refresh_from_db()
    assert (talk.status, talk.speaker) == (S.REVIEWED, None)


def test_reminder_task_runs_the_same_idempotent_job(speaker_membership, mailoutbox):
    from laurel.outreach.tasks import send_talk_reminders_task

    TalkFactory(
        status=S.CONFIRMED, speaker=speaker_membership, date=timezone.localdate() + datetime.timedelta(days=2),
        slot="morning",
    )  # fmt: skip
    assert send_talk_reminders_task.enqueue().return_value == 1
    assert send_talk_reminders_task.enqueue().return_value == 0


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_staff_dispatching_at_once_one_wins(staff, speaker_membership):
    import threading

    from django.db import connection

    other = MembershipFactory()
    talk = TalkFactory(status=S.REVIEWED)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(membership):
        stale = Talk.objects.get(pk=talk.pk)
        barrier.wait()
        try:
            services.dispatch(stale, membership=membership, date=next_weekday(1), slot="morning", actor=staff)
            outcomes.append("won")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(member,)) for member in (speaker_membership, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1
    assert [outcome for outcome in outcomes if outcome != "won"][0].endswith("可能已有他人先行操作，请刷新页面。")
    assert AuditEntry.objects.filter(action="outreach.talk.dispatched").count() == 1

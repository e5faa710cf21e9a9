import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.needs import services
from laurel.needs.models import Interest, Need, ServiceRecord
from tests.factories.needs import NeedFactory, ServiceRecordFactory, expert_user, subscribe
from tests.factories.outreach import district

pytestmark = pytest.mark.django_db
S = Need.Status


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the Chinese catalog is checked by tests/core/test_translations.py)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


def need_data(**overrides) -> dict:
    return {
        "poster_name": "柳塘村村委会", "poster_type": "township", "field": "agriculture", "region": district("青石县"),
        "title": "茶叶加工能耗高", "problem": "村里的茶叶杀青设备耗电很高，想找专家评估节能改造方案。",
        "tried": "咨询过设备厂家。", "budget": "small",
        "deadline": timezone.localdate() + datetime.timedelta(days=30), "contact_name": "李主任",
        "contact_email": "li@village.example.org", "contact_phone": "0871-5551234", **overrides,
    }  # fmt: skip


def test_create_need_waits_for_verification_and_mails_the_link(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        need = services.create_need(data=need_data())
    assert need.status == S.UNVERIFIED
    assert mailoutbox[0].to == ["li@village.example.org"]
    assert need.verify_token in mailoutbox[0].body
    services.verify(need)
    assert Need.objects.get(pk=need.pk).status == S.SUBMITTED


@pytest.mark.parametrize("missing", ["contact_name", "contact_email", "contact_phone"])
def test_need_without_contact_is_refused(missing):
    with pytest.raises(ValidationError) as error:
        services.create_need(data=need_data(**{missing: "  "}))
    assert error.value.message_dict == {missing: ["Give a contact: name, email and phone."]}
    assert not Need.objects.exists()


def test_need_with_links_or_repetition_is_refused_as_spam():
    links = "便宜推广 http://a.example http://b.example http://c.example"
    with pytest.raises(ValidationError, match="advertising or spam"):
        services.create_need(data=need_data(problem=links))
    with pytest.raises(ValidationError, match="advertising or spam"):
        services.create_need(data=need_data(problem="买买买" * 20))
    assert not Need.objects.exists()


def test_too_long_problem_is_refused():
    with pytest.raises(ValidationError) as error:
        services.create_need(data=need_data(problem="".join(chr(0x4E00 + index % 5000) for index in range(3001))))
    assert error.value.message_dict == {"problem": ["At most 3000 characters (this has 3001)."]}
    assert not Need.objects.exists()


@pytest.mark.parametrize("days", [-1, 0, 3, 800])
def test_deadline_in_the_past_or_too_close_or_too_far_is_refused(days):
    with pytest.raises(ValidationError) as error:
        services.create_need(data=need_data(deadline=timezone.localdate() + datetime.timedelta(days=days)))
    assert "deadline" in error.value.message_dict


def test_the_same_need_twice_is_refused_as_a_duplicate():
    services.create_need(data=need_data())
    with pytest.raises(ValidationError, match="already sent this need") as error:
        services.create_need(data=need_data(problem=" 村里的茶叶杀青设备耗电很高，想找专家评估节能改造方案。 "))
    assert error.value.code == "duplicate"
    assert Need.objects.count() == 1


def test_an_expired_or_withdrawn_need_may_be_posted_again():
    first = services.create_need(data=need_data())
    Need.objects.filter(pk=first.pk).update(status=S.EXPIRED)
    second = services.create_need(data=need_data())
    Need.objects.filter(pk=second.pk).update(status=S.WITHDRAWN)
    services.create_need(data=need_data())
    assert Need.objects.count() == 3


def test_publish_mails_subscribers_of_the_field_and_region_in_their_language(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    need = NeedFactory(status=S.SUBMITTED, region=district("南港区"), field="materials")
    english = expert_user("en@example.org", name="Ann")
    english.language = "en"
    english.save()
    subscribe(english, regions=[district("南港区")])
    subscribe(expert_user("city@example.org", name="全城"))  # no region: the whole city
    subscribe(expert_user("far@example.org", name="远方"), regions=[district("青石县")])
    subscribe(expert_user("other@example.org", name="他人"), fields=["medicine"])
    subscribe(expert_user("quiet@example.org", name="安静"), notify=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(need, actor=staff)
    assert sorted(message.to[0] for message in mailoutbox) == ["city@example.org", "en@example.org"]
    english_mail = next(message for message in mailoutbox if message.to == ["en@example.org"])
    assert english_mail.subject == f"New technical need: {need.title}"
    assert "Nangang District" in english_mail.body


def test_publish_after_the_deadline_is_refused(staff):
    need = NeedFactory(status=S.SUBMITTED, deadline=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="deadline has passed"):
        services.publish(need, actor=staff)
    assert Need.objects.get(pk=need.pk).status == S.SUBMITTED


def test_wrong_state_moves_are_refused_and_nothing_changes(staff):
    need = NeedFactory(status=S.SUBMITTED)
    with pytest.raises(services.InvalidTransition):
        services.introduce(need, expert=expert_user("e@example.org"), actor=staff)
    with pytest.raises(services.InvalidTransition):
        services.conclude(need, actor=staff, outcome="resolved")
    assert Need.objects.get(pk=need.pk).status == S.SUBMITTED
    assert Need.objects.get(pk=need.pk).expert is None


def test_two_staff_publishing_at_once_only_one_wins(staff):
    need = NeedFactory(status=S.SUBMITTED)
    stale = Need.objects.get(pk=need.pk)
    services.publish(need, actor=staff)
    with pytest.raises(services.InvalidTransition, match="Someone may have acted first"):
        services.reject(stale, actor=staff)
    assert Need.objects.get(pk=need.pk).status == S.PUBLISHED
    assert AuditEntry.objects.filter(action="needs.need.published").count() == 1


def test_full_match_introduction_meeting_outcome_and_feedback(staff, mailoutbox, django_capture_on_commit_callbacks):
    expert = expert_user("match@example.org", name="郑清")
    need = NeedFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.introduce(need, expert=expert, actor=staff)
    assert sorted(message.to[0] for message in mailoutbox) == sorted([need.contact_email, "match@example.org"])
    poster_mail = next(message for message in mailoutbox if message.to == [need.contact_email])
    assert "match@example.org" in poster_mail.body and need.follow_token in poster_mail.body
    expert_mail = next(message for message in mailoutbox if message.to == ["match@example.org"])
    assert need.contact_phone in expert_mail.body
    with pytest.raises(ValidationError, match="Feedback opens"):
        services.give_feedback(need, side="poster", rating=5, comment="")
    services.record_meeting(need, actor=staff, meeting_on=timezone.localdate(), notes="现场查看了生产线。")
    services.give_feedback(need, side="poster", rating=5, comment="很有帮助")
    with pytest.raises(ValidationError, match="already given"):
        services.give_feedback(need, side="poster", rating=1, comment="重复")
    services.give_feedback(need, side="expert", rating=4, comment="企业配合很好", actor=expert)
    services.conclude(need, actor=staff, outcome="resolved", notes="改进涂层后寿命提高30%")
    need = Need.objects.get(pk=need.pk)
    assert (need.status, need.outcome, need.poster_rating, need.expert_rating) == (S.CONCLUDED, "resolved", 5, 4)
    assert need.poster_feedback == "很有帮助"


def test_meeting_in_the_future_is_refused(staff):
    need = NeedFactory(status=S.INTRODUCED, expert=expert_user("x@example.org"), introduced_at=timezone.now())
    with pytest.raises(ValidationError, match="once it has taken place"):
        services.record_meeting(
            need, actor=staff, meeting_on=timezone.localdate() + datetime.timedelta(days=1), notes="x"
        )
    assert Need.objects.get(pk=need.pk).status == S.INTRODUCED


def test_introducing_a_non_expert_or_an_expert_at_the_limit_is_refused(staff, stranger):
    with pytest.raises(ValidationError, match="Only an active expert"):
        services.introduce(NeedFactory(), expert=stranger, actor=staff)
    busy = expert_user("busy@example.org")
    subscribe(busy, max_active=1)
    NeedFactory(status=S.INTRODUCED, expert=busy, introduced_at=timezone.now())
    need = NeedFactory()
    with pytest.raises(ValidationError, match="their limit"):
        services.introduce(need, expert=busy, actor=staff)
    assert Need.objects.get(pk=need.pk).status == S.PUBLISHED


def test_released_introduction_returns_to_the_board_and_the_expert_is_not_introduced_again(staff):
    expert = expert_user("gone@example.org")
    need = NeedFactory()
    services.introduce(need, expert=expert, actor=staff)
    services.release(need, actor=staff, reason="专家出差")
    need = Need.objects.get(pk=need.pk)
    assert (need.status, need.expert, need.passed_over) == (S.PUBLISHED, None, [expert.pk])
    with pytest.raises(ValidationError, match="already fell through"):
        services.introduce(need, expert=expert, actor=staff)


def test_interest_once_per_expert_and_only_on_a_published_need(expert, stranger):
    need = NeedFactory()
    services.express_interest(need, user=expert, note="我做过类似项目")
    with pytest.raises(ValidationError, match="already offered"):
        services.express_interest(need, user=expert)
    with pytest.raises(ValidationError, match="Only experts"):
        services.express_interest(need, user=stranger)
    with pytest.raises(ValidationError, match="no longer open"):
        services.express_interest(NeedFactory(status=S.SUBMITTED), user=expert)
    assert Interest.objects.count() == 1


def test_subscription_needs_a_field_and_an_expert(expert, stranger):
    with pytest.raises(ValidationError):
        services.save_subscription(
            user=expert, fields=[], regions=[], expertise="", is_available=True, max_active=3, notify=True, actor=expert
        )
    with pytest.raises(ValidationError, match="Only experts"):
        services.save_subscription(
            user=stranger, fields=["materials"], regions=[], expertise="", is_available=True, max_active=3,
            notify=True, actor=stranger,
        )  # fmt: skip
    subscription = services.save_subscription(
        user=expert, fields=["materials", "materials", "energy"][:2], regions=[district("东湖区")], expertise="涂层",
        is_available=True, max_active=2, notify=True, actor=expert,
    )  # fmt: skip
    assert subscription.fields == ["materials"]
    assert list(subscription.regions.values_list("name", flat=True)) == ["东湖区"]


def test_service_record_rules(expert, staff, stranger, photo_files):
    data = {"date": timezone.localdate(), "region": district("东湖区"), "need": None, "description": "科普讲座",
            "hours": Decimal("3.5"), "people_reached": 120}  # fmt: skip
    with pytest.raises(ValidationError, match="Only experts"):
        services.record_service(user=stranger, data=data, photos=[])
    with pytest.raises(ValidationError):
        services.record_service(user=expert, data={**data, "hours": Decimal("30")}, photos=[])
    with pytest.raises(ValidationError):
        services.record_service(
            user=expert, data={**data, "date": timezone.localdate() + datetime.timedelta(days=1)}, photos=[]
        )
    someone_elses = NeedFactory(status=S.INTRODUCED, expert=expert_user("o@example.org"), introduced_at=timezone.now())
    with pytest.raises(ValidationError):
        services.record_service(user=expert, data={**data, "need": someone_elses}, photos=[])
    assert not ServiceRecord.objects.exists()
    record = services.record_service(user=expert, data=data, photos=photo_files)
    assert record.photos.count() == 3
    services.review_service(record, actor=staff, validate=True)
    with pytest.raises(ValidationError, match="already reviewed"):
        services.review_service(record, actor=staff, validate=False)
    assert ServiceRecord.objects.get(pk=record.pk).status == ServiceRecord.Status.VALIDATED


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_written(expert):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    data = {"date": timezone.localdate(), "region": district("东湖区"), "need": None, "description": "科普",
            "hours": Decimal("2"), "people_reached": 10}  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.record_service(user=expert, data=data, photos=[fake])
    assert "photos" in error.value.message_dict
    assert not ServiceRecord.objects.exists()


def test_service_record_factory_counts_only_when_validated(expert):
    from laurel.needs.reports import service_totals

    ServiceRecordFactory(user=expert, status=ServiceRecord.Status.VALIDATED, hours=4, people_reached=30)
    ServiceRecordFactory(user=expert, status=ServiceRecord.Status.SUBMITTED, hours=6, people_reached=50)
    assert service_totals(expert) == {"records": 1, "hours": Decimal("4.0"), "people": 30}


def test_published_needs_past_their_deadline_expire_once_with_a_mail_in_the_posters_language(
    client, django_capture_on_commit_callbacks, staff
):
    from django.core import mail
    from django.urls import reverse

    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    stale = NeedFactory(deadline=yesterday, title="过期的需求", language="en")
    stale_zh = NeedFactory(deadline=yesterday - datetime.timedelta(days=9), title="另一条过期需求")
    # Controls: the deadline is today (not passed yet), or the need is matched, awaiting moderation or withdrawn.
    due_today = NeedFactory(deadline=today)
    matched = NeedFactory(deadline=yesterday, status=S.INTRODUCED, expert=expert_user("m@example.org"))
    waiting = NeedFactory(deadline=yesterday, status=S.SUBMITTED, published_at=None)
    withdrawn = NeedFactory(deadline=yesterday, status=S.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_needs() == 2
    statuses = dict(Need.objects.values_list("pk", "status"))
    assert statuses[stale.pk] == statuses[stale_zh.pk] == S.EXPIRED
    assert [statuses[need.pk] for need in (due_today, matched, waiting, withdrawn)] == [
        S.PUBLISHED, S.INTRODUCED, S.SUBMITTED, S.WITHDRAWN,
    ]  # fmt: skip
    entries = {entry.object_id: entry.data for entry in AuditEntry.objects.filter(action="needs.need.expired")}
    assert entries == {
        str(stale.pk): {"from": "published", "to": "expired", "deadline": yesterday.isoformat()},
        str(stale_zh.pk): {"from": "published", "to": "expired", "deadline": stale_zh.deadline.isoformat()},
    }
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {stale.contact_email, stale_zh.contact_email}
    assert by_recipient[stale.contact_email].subject.endswith(f"Your technical need {stale.code} has expired")
    assert f"技术需求 {stale_zh.code} 已过期" in by_recipient[stale_zh.contact_email].subject
    # Idempotent: a second run changes nothing and mails nobody.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_needs() == 0
    assert len(mail.outbox) == 2
    # Off the public board and its page; staff see it as expired.
    board = client.get(reverse("needs:board")).content.decode()
    assert "过期的需求" not in board and due_today.title in board
    assert client.get(stale.get_absolute_url()).status_code == 404
    client.force_login(staff)
    listed = client.get(reverse("needs:manage_list"), {"status": "expired"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "过期的需求" in listed.content.decode() and "已过期" in listed.content.decode()
    with pytest.raises(services.InvalidTransition):  # expired is final: the poster posts again
        services.transition(Need.objects.get(pk=stale.pk), to=S.PUBLISHED, actor=staff)


def test_posting_records_the_posters_language():
    from django.utils import translation

    with translation.override("en"):
        assert services.create_need(data=need_data()).language == "en"


def test_the_expiry_job_is_scheduled():
    from laurel.schedule import JOBS

    job = next(job for job in JOBS if job.name == "expire_needs")
    assert job.task == "laurel.needs.tasks.expire_needs_task"


def test_staff_desk_links_to_expired_needs(client, staff):
    NeedFactory(status=S.EXPIRED, deadline=timezone.localdate() - datetime.timedelta(days=2))
    client.force_login(staff)
    from django.urls import reverse

    page = client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="needs-expired">1 条需求未能对接，已过期</a>' in page

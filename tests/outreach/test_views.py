import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from laurel.outreach.models import SentReminder, Talk
from tests.factories.outreach import (
    BatchFactory,
    LectureGroupFactory,
    MembershipFactory,
    TalkFactory,
    TalkTopicFactory,
    district,
    next_weekday,
)

pytestmark = pytest.mark.django_db
S = Talk.Status


def form_data(**overrides) -> dict:
    return {
        "host_name": "青石县实验小学", "host_type": "school", "district": district("青石县").pk, "address": "校前路2号",
        "audience_type": "pupils", "audience_size": "200", "wanted_topic": "新材料", "wanted_speaker": "",
        "delivery": "onsite", "contact_name": "赵老师", "contact_email": "zhao@school.example.org",
        "contact_phone": "0871-5559999", "date_1": next_weekday(1).isoformat(), "slot_1": "morning",
        "date_2": next_weekday(2).isoformat(), "slot_2": "afternoon", "date_3": "", "slot_3": "", **overrides,
    }  # fmt: skip


def test_public_pages_show_group_members_and_topics(client):
    topic = TalkTopicFactory(title="石墨烯的故事")
    group = topic.membership.group
    assert topic.membership.person.name in client.get(group.get_absolute_url()).content.decode()
    menu = client.get(reverse("outreach:topic_menu"), {"q": "石墨烯"}).content.decode()
    assert "石墨烯的故事" in menu
    menu = client.get(reverse("outreach:topic_menu"), {"audience": "farmers"}).content.decode()
    assert "石墨烯的故事" not in menu
    english = client.get(reverse("outreach:topic_menu"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Menu of talks" in english


def test_menu_filters_by_district_and_speaker(client):
    near = TalkTopicFactory(title="港口与海洋", membership__reach_districts=[district("南港区")])
    TalkTopicFactory(title="山区农业", membership__reach_districts=[district("青石县")])
    html = client.get(reverse("outreach:topic_menu"), {"district": district("南港区").pk}).content.decode()
    assert "港口与海洋" in html and "山区农业" not in html
    html = client.get(reverse("outreach:topic_menu"), {"speaker": near.membership.person.name}).content.decode()
    assert "港口与海洋" in html and "山区农业" not in html


def test_host_requests_verifies_and_follows_a_talk(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outreach:request"), form_data())
    assert response.status_code == 200
    talk = Talk.objects.get()
    assert talk.status == S.UNVERIFIED
    verify_url = reverse("outreach:verify", kwargs={"token": talk.verify_token})
    assert verify_url in mailoutbox[0].body
    client.post(verify_url)
    talk.refresh_from_db()
    assert talk.status == S.REQUESTED
    page = client.get(talk.get_follow_url()).content.decode()
    assert talk.code in page
    client.post(talk.get_follow_url(), {"action": "cancel"})
    assert Talk.objects.get().status == S.CANCELLED


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"audience_size": "-5"}, "audience_size", "大于或等于1"),
        ({"audience_size": "500000"}, "audience_size", "小于或等于10000"),
        ({"date_1": "2020-01-01"}, "date_1", None),
    ],
)
def test_request_form_refuses_bad_input_and_saves_nothing(client, overrides, field, message):
    response = client.post(reverse("outreach:request"), form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert message in errors[field][0]
    assert Talk.objects.count() == 0


def test_request_creation_is_rate_limited_per_address(client):
    for _index in range(5):
        client.post(reverse("outreach:request"), form_data())
    response = client.post(reverse("outreach:request"), form_data())
    assert Talk.objects.count() == 5
    assert "请求过多" in response.content.decode() or "Too many" in response.content.decode()


def test_a_guessed_request_link_is_404_and_leaks_nothing(client):
    talk = TalkFactory(host_name="不应泄露的学校")
    for url in (
        reverse("outreach:follow", kwargs={"token": "x" * 32}),
        reverse("outreach:follow", kwargs={"token": talk.code}),
        reverse("outreach:verify", kwargs={"token": "y" * 32}),
        reverse("outreach:follow_ics", kwargs={"token": "z" * 32}),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "不应泄露的学校" not in response.content.decode()
    assert client.get(talk.get_absolute_url()).status_code == 302  # to the login page


STAFF_PAGES = ["outreach:talk_list", "outreach:reach"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_refuse_a_stranger_and_a_member(client, stranger, member, name):
    for user in (stranger, member):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403


def test_staff_sees_suggestions_and_dispatches(
    staff_client, speaker_membership, mailoutbox, django_capture_on_commit_callbacks
):
    talk = TalkFactory(status=S.REVIEWED)
    page = staff_client.get(talk.get_absolute_url()).content.decode()
    assert 'data-testid="suggestions"' in page and "宋远" in page
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("outreach:dispatch", kwargs={"code": talk.code}),
            {"membership": speaker_membership.pk, "date": next_weekday(1).isoformat(), "slot": "morning"},
        )
    talk.refresh_from_db()
    assert (talk.status, talk.speaker) == (S.DISPATCHED, speaker_membership)
    assert mailoutbox[-1].to == ["member@example.org"]


def test_speaker_accepts_on_the_desk_and_both_get_the_ics(
    client, member, speaker_membership, mailoutbox, django_capture_on_commit_callbacks
):
    talk = TalkFactory(status=S.DISPATCHED, speaker=speaker_membership, date=next_weekday(1), slot="morning")
    client.force_login(member)
    assert talk.host_name in client.get(reverse("core:dashboard")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outreach:answer", kwargs={"code": talk.code}), {"answer": "accept"})
    talk.refresh_from_db()
    assert talk.status == S.CONFIRMED
    assert sorted(message.to[0] for message in mailoutbox) == sorted([talk.contact_email, "member@example.org"])
    assert mailoutbox[0].attachments[0][0] == "talk.ics"
    ics = client.get(reverse("outreach:talk_ics", kwargs={"code": talk.code}))
    assert b"BEGIN:VEVENT" in ics.content


def test_another_lecturer_cannot_answer_someone_elses_talk(client, speaker_membership):
    from laurel.people.roles import RoleKind
    from tests.factories.people import user_with_role

    other = user_with_role(RoleKind.LECTURER, email="other-lecturer@example.org")
    talk = TalkFactory(status=S.DISPATCHED, speaker=speaker_membership, date=next_weekday(1), slot="morning")
    client.force_login(other)
    assert client.post(reverse("outreach:answer", kwargs={"code": talk.code}), {"answer": "accept"}).status_code == 403
    assert Talk.objects.get().status == S.DISPATCHED


def test_report_with_a_file_that_is_not_an_image_is_refused(client, member, speaker_membership, photo_files):
    talk = TalkFactory(status=S.CONFIRMED, speaker=speaker_membership, date=timezone.localdate(), slot="morning")
    client.force_login(member)
    fake = SimpleUploadedFile("photo.png", b"not an image at all", content_type="image/png")
    response = client.post(
        reverse("outreach:report", kwargs={"code": talk.code}),
        {"headcount": "90", "online_views": "0", "photos": [fake, *photo_files[:2]]},
        follow=True,
    )
    assert Talk.objects.get().status == S.CONFIRMED
    assert talk.photos.count() == 0
    assert "图片" in response.content.decode() or "photo" in response.content.decode()


def test_host_reports_and_rates_through_the_private_link(client, speaker_membership, photo_files):
    talk = TalkFactory(status=S.CONFIRMED, speaker=speaker_membership, date=timezone.localdate(), slot="morning")
    client.post(
        talk.get_follow_url(),
        {"action": "report", "headcount": "150", "online_views": "20", "photos": photo_files},
    )
    talk.refresh_from_db()
    assert (talk.status, talk.headcount) == (S.REPORTED, 150)
    response = client.post(talk.get_follow_url(), {"action": "rate", "rating": "7", "comment": ""})
    assert "rating" in response.context["rating_form"].errors
    assert Talk.objects.get().rating is None
    client.post(talk.get_follow_url(), {"action": "rate", "rating": "4", "comment": "好"})
    assert Talk.objects.get().rating == 4


def test_member_claims_an_open_request_from_the_list(client, member, speaker_membership):
    talk = TalkFactory(status=S.REVIEWED, is_open=True)
    client.force_login(member)
    assert talk.host_name in client.get(reverse("outreach:open_talks")).content.decode()
    client.post(reverse("outreach:claim", kwargs={"code": talk.code}))
    assert Talk.objects.get().status == S.CONFIRMED


def test_reminders_are_sent_once(speaker_membership, mailoutbox):
    today = timezone.localdate()
    onsite = TalkFactory(
        status=S.CONFIRMED, speaker=speaker_membership, date=today + datetime.timedelta(days=2), slot="morning"
    )
    online = TalkFactory(
        status=S.CONFIRMED, speaker=speaker_membership, date=today + datetime.timedelta(days=1), slot="evening",
        delivery="online",
    )  # fmt: skip
    output = io.StringIO()
    call_command("send_talk_reminders", stdout=output)
    call_command("send_talk_reminders", stdout=output)
    assert output.getvalue() == "2 reminders sent\n0 reminders sent\n"
    assert sorted(SentReminder.objects.values_list("talk_id", "kind")) == sorted(
        [(onsite.pk, "two_days"), (online.pk, "connection")]
    )
    assert len(mailoutbox) == 4


def test_front_page_shows_the_public_summary(client):
    TalkFactory(
        status=S.REPORTED, speaker=MembershipFactory(), date=datetime.date(2026, 1, 5), slot="morning", headcount=77
    )
    html = client.get("/").content.decode()
    assert 'data-testid="outreach-summary"' in html and "77" in html


def test_api_lists_topics_publicly_and_talks_for_staff_only(client, staff, stranger):
    TalkTopicFactory(title="气象与生活")
    TalkFactory()
    assert client.get("/api/v1/outreach/topics").json()["items"][0]["title"] == "气象与生活"
    client.force_login(stranger)
    assert client.get("/api/v1/outreach/talks").status_code == 403
    client.force_login(staff)
    assert client.get("/api/v1/outreach/talks").json()["count"] == 1


def test_talk_page_refuses_a_stranger(stranger_client):
    talk = TalkFactory()
    assert stranger_client.get(talk.get_absolute_url()).status_code == 403
    assert (
        stranger_client.post(
            reverse("outreach:talk_action", kwargs={"code": talk.code}), {"action": "review"}
        ).status_code
        == 403
    )
    assert Talk.objects.get().status == S.REQUESTED


def test_api_topic_filter_refuses_nul_characters(client):
    TalkTopicFactory(title="气象与生活")
    assert client.get("/api/v1/outreach/topics", {"q": "气象\x00"}).status_code == 400
    assert client.get("/api/v1/outreach/topics", {"q": "气象"}).json()["count"] == 1


def test_member_updates_availability_blocked_dates_and_adds_a_topic(client, member, speaker_membership):
    client.force_login(member)
    assert client.get(reverse("outreach:profile")).status_code == 200
    response = client.post(
        reverse("outreach:profile"),
        {"part": "profile", "districts": [district("北塘区").pk], "reach": "online", "yearly_target": "10",
         "availability": ["0:morning", "5:evening"], "blocked": "2030-01-02, 2030-01-03"},
    )  # fmt: skip
    assert response.status_code == 302
    speaker_membership.refresh_from_db()
    assert (speaker_membership.reach, speaker_membership.yearly_target) == ("online", 10)
    assert sorted(speaker_membership.availabilities.values_list("weekday", "slot")) == [(0, "morning"), (5, "evening")]
    assert speaker_membership.blocked_dates.count() == 2
    client.post(
        reverse("outreach:profile"),
        {"part": "topic", "title": "北斗与生活", "abstract": "", "language": "zh-hans", "audiences": ["pupils"]},
    )
    assert speaker_membership.topics.filter(title="北斗与生活", audience_types=",pupils,").exists()


def test_profile_refuses_a_bad_blocked_date_and_keeps_the_old_profile(client, member, speaker_membership):
    client.force_login(member)
    response = client.post(
        reverse("outreach:profile"),
        {"part": "profile", "districts": [], "reach": "both", "yearly_target": "8", "availability": [],
         "blocked": "next tuesday"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "next tuesday" in response.content.decode()
    assert speaker_membership.availabilities.count() == 21


def test_profile_is_for_members_only(stranger_client, client, member):
    assert stranger_client.get(reverse("outreach:profile")).status_code == 403
    client.force_login(member)  # a lecturer without a membership
    assert client.get(reverse("outreach:profile")).status_code == 403


def test_api_lists_groups_with_batches_and_current_members_only(client, django_assert_max_num_queries):
    group = LectureGroupFactory(name="科学家精神宣讲团", name_en="Scientist Spirit Lecture Group", slug="spirit")
    first = BatchFactory(group=group, number=1)
    second = BatchFactory(group=group, number=2, announced_on=datetime.date(2026, 5, 30))
    MembershipFactory(group=group, batch=first, role="head", person__name="钱学敏")
    MembershipFactory(group=group, batch=second, person__name="李四光")
    MembershipFactory(group=group, batch=first, person__name="王淦", retired_on=datetime.date(2026, 1, 1))
    listed = client.get("/api/v1/outreach/groups").json()["items"]
    assert [(item["slug"], item["active_members"]) for item in listed] == [("spirit", 2)]
    assert [batch["number"] for batch in listed[0]["batches"]] == [1, 2]
    with django_assert_max_num_queries(4):
        detail = client.get("/api/v1/outreach/groups/spirit").json()
    assert detail["name_en"] == "Scientist Spirit Lecture Group"
    assert [(member["name"], member["role"], member["batch"]) for member in detail["members"]] == [
        ("钱学敏", "head", 1),
        ("李四光", "member", 2),
    ]
    assert client.get("/api/v1/outreach/groups/nope").status_code == 404

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from laurel.needs.models import Interest, Need
from tests.factories.needs import NeedFactory, expert_user, subscribe
from tests.factories.outreach import district

pytestmark = pytest.mark.django_db
S = Need.Status


def form_data(**overrides) -> dict:
    return {
        "poster_name": "云州第三中学", "poster_type": "school", "field": "education", "region": district("西山区").pk,
        "title": "学校科技社团缺少机器人指导", "problem": "我们的科技社团想开展机器人竞赛训练，缺少懂嵌入式编程的指导老师。",
        "tried": "", "budget": "none", "deadline": (timezone.localdate() + datetime.timedelta(days=40)).isoformat(),
        "contact_name": "王老师", "contact_email": "wang@school.example.org", "contact_phone": "0871-5552222",
        "website": "", **overrides,
    }  # fmt: skip


def test_poster_posts_verifies_and_follows_a_need(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("needs:post"), form_data())
    assert response.status_code == 200
    need = Need.objects.get()
    assert "wang@school.example.org" in response.content.decode()
    assert mailoutbox[0].to == ["wang@school.example.org"]
    verify_url = reverse("needs:verify", kwargs={"token": need.verify_token})
    assert verify_url in mailoutbox[0].body
    assert client.post(verify_url).url == need.get_follow_url()
    assert Need.objects.get().status == S.SUBMITTED
    page = client.get(need.get_follow_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<dd data-testid="need-status">Awaiting moderation</dd>' in page


def test_posting_without_contact_shows_the_form_again_and_writes_nothing(client):
    response = client.post(reverse("needs:post"), form_data(contact_email=""), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Need.objects.exists()


def test_double_click_posts_one_need(client):
    client.post(reverse("needs:post"), form_data())
    response = client.post(reverse("needs:post"), form_data(), HTTP_ACCEPT_LANGUAGE="en")
    assert "You already sent this need" in response.content.decode()
    assert Need.objects.count() == 1


def test_honeypot_and_rate_limits_refuse_posts(client):
    response = client.post(reverse("needs:post"), form_data(website="http://spam.example"), HTTP_ACCEPT_LANGUAGE="en")
    assert "could not be accepted" in response.content.decode()
    for index in range(3):
        client.post(reverse("needs:post"), form_data(problem=f"第{index}个不同的问题：需要专家帮助改进工艺流程。"))
    response = client.post(reverse("needs:post"), form_data(problem="第四个问题"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many needs from this email address today" in response.content.decode()
    assert Need.objects.count() == 3


def test_board_filters_by_field_and_region_and_never_shows_contact(client, django_assert_max_num_queries):
    shown = NeedFactory(field="materials", region=district("东湖区"), title="涂层工艺改进")
    NeedFactory(field="agriculture", region=district("青石县"), title="茶叶加工节能")
    NeedFactory(status=S.SUBMITTED, title="未审核的需求")
    with django_assert_max_num_queries(8):
        html = client.get(reverse("needs:board")).content.decode()
    assert "涂层工艺改进" in html and "茶叶加工节能" in html and "未审核的需求" not in html
    html = client.get(reverse("needs:board"), {"field": "materials"}).content.decode()
    assert "涂层工艺改进" in html and "茶叶加工节能" not in html
    html = client.get(reverse("needs:board"), {"region": district("青石县").pk}).content.decode()
    assert "涂层工艺改进" not in html and "茶叶加工节能" in html
    detail = client.get(shown.get_absolute_url()).content.decode()
    assert shown.contact_email not in detail and shown.contact_phone not in detail
    english = client.get(reverse("needs:board"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Needs board" in english and "Donghu District" in english and "东湖区" not in english


def test_unmoderated_need_is_not_public(client):
    need = NeedFactory(status=S.SUBMITTED)
    assert client.get(need.get_absolute_url()).status_code == 404


def test_staff_see_contact_and_the_matched_expert_too(client, staff):
    expert = expert_user("m@example.org")
    need = NeedFactory(status=S.INTRODUCED, expert=expert, introduced_at=timezone.now())
    client.force_login(expert)
    assert need.contact_email in client.get(need.get_absolute_url()).content.decode()
    client.force_login(staff)
    assert need.contact_email in client.get(need.get_manage_url()).content.decode()


@pytest.mark.parametrize("persona", ["expert", "stranger", "member"])
def test_only_staff_manage_needs(client, persona, request):
    need = NeedFactory(status=S.SUBMITTED)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("needs:manage_list")).status_code == 403
    assert client.get(need.get_manage_url()).status_code == 403
    assert client.get(reverse("needs:reach")).status_code == 403
    response = client.post(reverse("needs:manage_action", kwargs={"code": need.code}), {"action": "publish"})
    assert response.status_code == 403
    assert Need.objects.get().status == S.SUBMITTED


def test_anonymous_visitor_is_sent_to_login_for_staff_and_expert_pages(client):
    for name in ("needs:manage_list", "needs:subscription", "needs:services", "needs:reach"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_staff_publish_suggest_introduce_meet_conclude(client, staff, mailoutbox, django_capture_on_commit_callbacks):
    expert = expert_user("coat@example.org", name="涂层专家")
    subscribe(expert, regions=[district("东湖区")])
    subscribe(
        expert_user("rice@example.org", name="水稻专家", bio="水稻育种"), fields=["agriculture"], expertise="水稻"
    )
    need = NeedFactory(status=S.SUBMITTED)
    client.force_login(staff)
    action = reverse("needs:manage_action", kwargs={"code": need.code})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, {"action": "publish"})
    assert [message.to for message in mailoutbox] == [["coat@example.org"]]
    page = client.get(need.get_manage_url()).content.decode()
    assert page.index("涂层专家") < page.index("水稻专家")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(action, {"action": "introduce", "expert": expert.pk})
    assert Need.objects.get().expert == expert
    assert len(mailoutbox) == 3
    client.post(action, {"action": "meeting", "meeting_on": timezone.localdate().isoformat(), "notes": "现场调研"})
    client.post(action, {"action": "conclude", "outcome": "partly", "notes": ""})
    need = Need.objects.get()
    assert (need.status, need.outcome, need.meeting_notes) == (S.CONCLUDED, "partly", "现场调研")


def test_introducing_twice_by_double_click_shows_the_conflict(client, staff):
    expert = expert_user("dbl@example.org")
    need = NeedFactory()
    client.force_login(staff)
    action = reverse("needs:manage_action", kwargs={"code": need.code})
    client.post(action, {"action": "introduce", "expert": expert.pk})
    response = client.post(action, {"action": "introduce", "expert": expert.pk}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Someone may have acted first" in response.content.decode()


def test_hostile_action_values_are_refused(client, staff):
    need = NeedFactory()
    client.force_login(staff)
    action = reverse("needs:manage_action", kwargs={"code": need.code})
    assert client.post(action, {"action": "explode"}).status_code == 404
    response = client.post(action, {"action": "introduce", "expert": "9" * 30}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Choose an expert." in response.content.decode()
    assert Need.objects.get().status == S.PUBLISHED


def test_expert_offers_help_once_and_a_stranger_cannot(client, expert, stranger):
    need = NeedFactory()
    client.force_login(stranger)
    assert client.post(reverse("needs:offer", kwargs={"code": need.code}), {"note": "x"}).status_code == 403
    client.force_login(expert)
    client.post(reverse("needs:offer", kwargs={"code": need.code}), {"note": "我能帮忙"})
    response = client.post(
        reverse("needs:offer", kwargs={"code": need.code}), {"note": "again"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "You offered your help with this need." in response.content.decode()
    assert Interest.objects.filter(need=need, user=expert).count() == 1


def test_only_the_matched_expert_gives_expert_feedback(client, expert, other_expert):
    need = NeedFactory(status=S.MET, expert=expert, introduced_at=timezone.now(), meeting_on=timezone.localdate())
    client.force_login(other_expert)
    url = reverse("needs:expert_feedback", kwargs={"code": need.code})
    assert client.post(url, {"rating": 5}).status_code == 403
    client.force_login(expert)
    client.post(url, {"rating": 4, "comment": "顺利"})
    assert Need.objects.get().expert_rating == 4


def test_poster_withdraws_through_the_private_link_and_a_wrong_token_is_404(client):
    need = NeedFactory(status=S.SUBMITTED)
    assert client.get(reverse("needs:follow", kwargs={"token": "x" * 20})).status_code == 404
    assert client.get(reverse("needs:follow", kwargs={"token": "x"})).status_code == 404
    client.post(need.get_follow_url(), {"action": "withdraw", "reason": "已解决"})
    assert Need.objects.get().status == S.WITHDRAWN
    response = client.post(need.get_follow_url(), {"action": "withdraw"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot move from" in response.content.decode()


def test_poster_feedback_out_of_range_is_refused(client):
    need = NeedFactory(status=S.MET, expert=expert_user("f@example.org"), introduced_at=timezone.now())
    response = client.post(need.get_follow_url(), {"action": "feedback", "rating": 9})
    assert response.status_code == 422
    assert Need.objects.get().poster_rating is None


def test_expert_subscribes_and_records_service_shown_on_the_desk(client, expert, staff, photo_files):
    client.force_login(expert)
    response = client.post(
        reverse("needs:subscription"),
        {"fields": ["materials", "energy"], "regions": [district("东湖区").pk], "expertise": "涂层", "max_active": 3},
    )
    assert response.status_code == 200  # "energy" is not a field: the form says so
    client.post(
        reverse("needs:subscription"),
        {"fields": ["materials"], "regions": [district("东湖区").pk], "expertise": "涂层", "max_active": 3,
         "is_available": "on", "notify": "on"},
    )  # fmt: skip
    assert expert.needs_subscription.fields == ["materials"]
    data = {"date": timezone.localdate().isoformat(), "region": district("东湖区").pk, "need": "",
            "description": "科普讲座", "hours": "2.5", "people_reached": "80", "photos": photo_files}  # fmt: skip
    assert client.post(reverse("needs:services"), data).status_code == 302
    assert client.post(reverse("needs:services"), {**data, "hours": "99", "photos": []}).status_code == 422
    record = expert.service_records.get()
    photo_url = reverse("needs:service_photo", kwargs={"pk": record.photos.first().pk})
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # consuming it closes the file
    client.force_login(staff)
    client.post(reverse("needs:review_service", kwargs={"pk": record.pk}), {"decision": "validate"})
    client.force_login(expert)
    desk = client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Volunteer service validated: 1 records, 2.5 hours, 80 people reached." in desk


def test_service_photos_are_private(client, expert, other_expert, photo_files):
    from django.utils import timezone as tz

    from laurel.needs import services

    record = services.record_service(
        user=expert,
        data={"date": tz.localdate(), "region": district("东湖区"), "need": None, "description": "x",
              "hours": 1, "people_reached": 0},
        photos=photo_files[:1],
    )  # fmt: skip
    url = reverse("needs:service_photo", kwargs={"pk": record.photos.get().pk})
    assert client.get(url).status_code == 403
    client.force_login(other_expert)
    assert client.get(url).status_code == 403


def test_reach_page_and_export(client, staff):
    NeedFactory(field="materials")
    NeedFactory(status=S.CONCLUDED, outcome="resolved", expert=expert_user("r@example.org"), field="medicine")
    client.force_login(staff)
    html = client.get(reverse("needs:reach"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="needs-posted">2<' in html and 'data-testid="needs-resolved">1<' in html
    response = client.get(reverse("needs:reach_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_front_page_summary(client):
    NeedFactory()
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 technical needs posted, 0 matched with experts, 0 resolved." in html


def test_staff_lists_take_a_constant_number_of_queries(client, staff, django_assert_max_num_queries, photo_files):
    from laurel.needs import services
    from laurel.needs.models import ServiceRecord

    expert = expert_user("lists@example.org")
    for index in range(6):
        NeedFactory(status=S.INTRODUCED, expert=expert, introduced_at=timezone.now(), title=f"需求{index}")
        ServiceRecord.objects.create(
            user=expert, date=timezone.localdate(), region=district("东湖区"), description=f"服务{index}", hours=2
        )
    services.record_service(
        user=expert,
        data={"date": timezone.localdate(), "region": district("东湖区"), "need": None, "description": "有照片",
              "hours": 1, "people_reached": 0},
        photos=photo_files[:2],
    )  # fmt: skip
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("needs:manage_list")).content.decode()
    assert html.count('data-testid="manage-need"') == 6
    with django_assert_max_num_queries(12):
        html = client.get(reverse("needs:service_review")).content.decode()
    assert html.count('data-testid="service-to-validate"') == 7

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from laurel.consultations.models import Consultation, Openness, Rating, Round, Seat
from tests.factories.consultations import ConsultationFactory, GovernmentFactory, open_round, seat_for, statements

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_public_list_and_page_show_only_public_accepted_consultations(client):
    public = ConsultationFactory(title="公开课题")
    internal = ConsultationFactory(title="内部课题", openness=Openness.INTERNAL)
    pending = ConsultationFactory(title="待受理课题", status=Consultation.Status.SUBMITTED)
    page = client.get(reverse("consultations:public_list")).content.decode()
    assert "公开课题" in page and "内部课题" not in page and "待受理课题" not in page
    assert client.get(public.get_public_url()).status_code == 200
    assert client.get(internal.get_public_url()).status_code == 404
    assert client.get(pending.get_public_url()).status_code == 404


def test_public_page_never_shows_the_panel_comments_or_materials(client, concluded):
    page = client.get(concluded.get_public_url()).content.decode()
    assert "建设海绵城市设施" in page  # results once concluded
    for secret in ("钱塘", "投入大但见效快", "li@gov.example.org"):
        assert secret not in page


def _form(**overrides):
    data = {
        "asking_body": overrides.pop("asking_body", None) or GovernmentFactory().pk,
        "title": "城市内涝治理",
        "question": "应优先采取哪些措施？",
        "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "openness": "public",
        "contact_name": "李处长",
        "contact_email": "li@gov.example.org",
    }
    return {**data, **overrides}


def test_submission_of_a_classified_question_is_refused_with_a_message(client):
    response = client.post(reverse("consultations:submit"), _form(classified="on"))
    assert response.status_code == 200
    assert "涉密" in "".join(response.context["form"].errors["classified"])
    assert Consultation.objects.count() == 0


def test_submission_is_verified_by_mail_and_limited_per_address(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consultations:submit"), _form())
    assert response.status_code == 200 and Consultation.objects.get().status == Consultation.Status.UNVERIFIED
    consultation = Consultation.objects.get()
    assert consultation.verify_token in mail.outbox[0].body
    response = client.post(reverse("consultations:verify", kwargs={"token": consultation.verify_token}))
    assert response.url == consultation.get_follow_url()
    assert Consultation.objects.get().status == Consultation.Status.SUBMITTED
    for index in range(4):
        client.post(reverse("consultations:submit"), _form(title=f"课题{index}", asking_body=GovernmentFactory().pk))
    response = client.post(reverse("consultations:submit"), _form(asking_body=GovernmentFactory().pk))
    assert response.context["form"].non_field_errors()
    assert Consultation.objects.count() == 5


def test_submission_only_names_government_bodies(client, unit):
    response = client.post(reverse("consultations:submit"), _form(asking_body=unit.pk))
    assert "asking_body" in response.context["form"].errors


def test_follow_link_shows_the_report_only_once_delivered(client, concluded, staff):
    from laurel.consultations import report, services

    follow = concluded.get_follow_url()
    report_url = reverse("consultations:follow_report", kwargs={"token": concluded.follow_token})
    report.render_report(concluded, actor=staff)
    assert client.get(report_url).status_code == 404
    services.record_delivery(
        concluded, delivered_on=timezone.localdate(), recipient="李处长", channel="专人送达", actor=staff
    )
    downloaded = client.get(report_url)
    assert (downloaded.status_code, b"".join(downloaded.streaming_content)[:4]) == (200, b"%PDF")
    response = client.post(
        follow, {"kind": "adopted", "responded_on": timezone.localdate().isoformat(), "text": "已采纳第1、2条"}
    )
    assert response.url == follow
    assert Consultation.objects.get().status == Consultation.Status.RESPONDED
    assert client.get("/consultations/follow/short/").status_code == 404


@pytest.mark.parametrize("url_name", ["consultations:manage_list", "consultations:manage_create"])
def test_staff_pages_send_anonymous_to_login_and_refuse_others(client, expert, stranger, staff, url_name):
    url = reverse(url_name)
    assert client.get(url).url.startswith("/accounts/login/")
    for user in (expert, stranger):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_manage_action_refuses_non_staff(client, expert):
    consultation = ConsultationFactory(status=Consultation.Status.SUBMITTED)
    url = reverse("consultations:manage_action", kwargs={"code": consultation.code})
    client.force_login(expert)
    assert client.post(url, {"action": "accept"}).status_code == 403
    assert Consultation.objects.get().status == Consultation.Status.SUBMITTED


def test_manage_list_queries_do_not_grow_with_consultations(staff_client, django_assert_max_num_queries):
    for _index in range(12):
        ConsultationFactory()
    with django_assert_max_num_queries(12):
        staff_client.get(reverse("consultations:manage_list"))


def test_staff_enters_a_consultation_and_classified_is_refused(staff_client):
    response = staff_client.post(reverse("consultations:manage_create"), _form(classified="on"))
    assert "classified" in response.context["form"].errors
    rule = {
        "consensus_iqr": "1",
        "consensus_share": "70",
        "stability_share": "15",
        "max_rounds": "3",
        "panel_size": "9",
    }
    response = staff_client.post(reverse("consultations:manage_create"), _form(**rule))
    consultation = Consultation.objects.get()
    assert response.url == consultation.get_absolute_url()
    page = staff_client.get(consultation.get_absolute_url())
    assert page.status_code == 200


def test_closing_a_round_twice_from_the_page_says_so(staff_client, concluded):
    delphi_round = concluded.rounds.get()
    url = reverse("consultations:manage_action", kwargs={"code": concluded.code})
    response = staff_client.post(url, {"action": "close_round", "round": delphi_round.pk}, follow=True)
    assert "此轮已经结束。" in _messages(response) or "This round is already closed." in _messages(response)


def test_expert_sees_only_consultations_they_serve_on(client, expert, other_expert):
    consultation = ConsultationFactory()
    seat_for(consultation, email="serving@example.org")
    url = reverse("consultations:serve", kwargs={"code": consultation.code})
    client.force_login(other_expert)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).url.startswith("/accounts/login/")


def test_invited_expert_needs_the_pledge_then_rates_and_revises(client):
    consultation = ConsultationFactory()
    seat = seat_for(consultation, status=Seat.Status.INVITED, email="invited@example.org")
    delphi_round = open_round(consultation)
    statement = statements(consultation, 1)[0]
    url = reverse("consultations:serve", kwargs={"code": consultation.code})
    client.force_login(seat.user)
    page = client.get(url).content.decode()
    assert 'data-testid="invitation"' in page and consultation.background not in page
    response = client.post(url, {"action": "answer", "answer": "accept"}, follow=True)
    assert Seat.objects.get().status == Seat.Status.INVITED
    assert any("保密承诺" in message or "pledge" in message for message in _messages(response))
    client.post(url, {"action": "answer", "answer": "accept", "pledge": "on"})
    assert Seat.objects.get().status == Seat.Status.ACCEPTED
    response = client.post(
        url, {"action": "rate", "statement": statement.pk, "importance": 12, "feasibility": 5}, follow=True
    )
    assert Rating.objects.count() == 0 and _messages(response)
    client.post(url, {"action": "rate", "statement": statement.pk, "importance": 6, "feasibility": 5})
    client.post(url, {"action": "rate", "statement": statement.pk, "importance": 8, "feasibility": 5, "comment": "改"})
    assert list(Rating.objects.values_list("round", "importance", "comment")) == [(delphi_round.pk, 8, "改")]


def test_from_round_two_the_expert_sees_own_last_rating_and_the_panel_figures(client, concluded):
    seat = concluded.seats.order_by("pk").first()
    Consultation.objects.filter(pk=concluded.pk).update(status=Consultation.Status.IN_ROUNDS, max_rounds=3)
    Round.objects.create(consultation=concluded, number=2, deadline=timezone.now() + datetime.timedelta(days=2))
    client.force_login(seat.user)
    page = client.get(reverse("consultations:serve", kwargs={"code": concluded.code})).content.decode()
    assert 'data-testid="panel-figures"' in page
    assert "投入大但见效快" in page  # the panel's comments, without names
    assert "孙澄" not in page


def test_declined_expert_is_refused_the_page_and_the_materials(client, staff):
    consultation = ConsultationFactory()
    seat = seat_for(consultation, status=Seat.Status.DECLINED, email="declined@example.org")
    client.force_login(seat.user)
    assert client.get(reverse("consultations:serve", kwargs={"code": consultation.code})).status_code == 403


def test_expert_desk_lists_consultations_served(client):
    consultation = ConsultationFactory(title="湖泊生态修复")
    seat = seat_for(consultation, email="desk@example.org")
    client.force_login(seat.user)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "湖泊生态修复" in page


def test_only_staff_pick_the_report_comments(client, expert, stranger, staff, concluded):
    url = reverse("consultations:manage_action", kwargs={"code": concluded.code})
    rating = Rating.objects.filter(round__consultation=concluded).exclude(comment="").first()
    served = Seat.objects.filter(consultation=concluded).first().user  # an expert serving on this very panel
    response = client.post(url, {"action": "pick_comments", "rating": rating.pk})
    assert response.url.startswith("/accounts/login/")
    for user in (expert, stranger, served):
        client.force_login(user)
        assert client.post(url, {"action": "pick_comments", "rating": rating.pk}).status_code == 403
    assert not Rating.objects.filter(in_report=True).exists()
    client.force_login(staff)
    page = client.get(concluded.get_absolute_url())
    assert "没有选定意见" in page.content.decode() or "No comment is picked" in page.content.decode()
    response = client.post(
        url, {"action": "pick_comments", "rating": [rating.pk, "x", "99999999999"]}, follow=True
    )  # junk values are dropped, not a 500
    assert list(Rating.objects.filter(in_report=True)) == [rating]
    assert response.context["comments_picked"] is True
    response = client.post(url, {"action": "pick_comments", "rating": [rating.pk, 10**8]}, follow=True)
    assert _messages(response) in (
        ["只能选用本课题最后一轮的意见写入专报。"],
        ["Only comments of this consultation's final round can go into its report."],
    )
    assert list(Rating.objects.filter(in_report=True)) == [rating]


def test_expert_desk_counts_reviews_talks_consultations_and_service(client, concluded, staff):
    from laurel.needs.models import ServiceRecord
    from laurel.outreach.models import Talk
    from tests.factories.honors import scored_campaign
    from tests.factories.needs import ServiceRecordFactory
    from tests.factories.outreach import MembershipFactory, TalkFactory

    seat = Seat.objects.filter(consultation=concluded).first()
    expert = seat.user
    scored_campaign(totals=[[80.0], [70.0]], experts=[expert])
    speaker = MembershipFactory(person=seat.person, user=expert)
    TalkFactory(status=Talk.Status.DELIVERED, speaker=speaker, date=timezone.localdate())
    TalkFactory(
        status=Talk.Status.CONFIRMED, speaker=speaker, date=timezone.localdate() + datetime.timedelta(days=3)
    )  # not given yet
    ServiceRecordFactory(user=expert, hours=4, status=ServiceRecord.Status.VALIDATED)
    ServiceRecordFactory(user=expert, hours=3, status=ServiceRecord.Status.SUBMITTED)  # not validated: not counted
    client.force_login(expert)
    page = client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    line = page.split('data-testid="contribution">')[1].split("</p>")[0]
    assert line == (
        "<strong>My contribution</strong> 2 reviews submitted · 1 talk given · 1 consultation served · 4 hours of volunteer service"
    )

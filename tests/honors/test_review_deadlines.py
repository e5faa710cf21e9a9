"""The setup's dates, enforced: nominations open at their opening time; the review deadline is shown, reminded,
and holds unless staff extend it for one expert."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from laurel.core.models import AuditEntry
from laurel.honors import deadlines, nominations, progress, reviews
from laurel.honors.models import Nomination, ReviewExtension, ReviewReminder, Stage
from tests.factories.honors import CampaignFactory, NominationFactory

pytestmark = pytest.mark.django_db
now = timezone.now


# Nominations open at their opening time.


@pytest.fixture
def not_open(nominator, unit):
    campaign = CampaignFactory(nomination_opens_at=now() + datetime.timedelta(days=2))
    return campaign


def test_no_nomination_is_created_before_the_opening(not_open, nominator, unit):
    from tests.factories.people import PersonFactory

    person = PersonFactory(organization=unit)
    with pytest.raises(ValidationError, match="have not started yet; they open on"):
        nominations.create_nomination(
            campaign=not_open, unit=unit, person=person, actor=nominator, data={"category": "front_line"}
        )
    assert not Nomination.objects.exists()
    assert not nominations.accepts_nominations(not_open)


def test_no_draft_is_submitted_before_the_opening(not_open, nominator, unit):
    draft = NominationFactory(campaign=not_open, unit=unit, nominated_by=nominator)
    with pytest.raises(ValidationError, match="have not started yet"):
        nominations.submit_nomination(draft, actor=nominator)
    draft.refresh_from_db()
    assert draft.status == Nomination.Status.DRAFT


def test_after_the_opening_nominations_are_accepted(nominator, unit):
    campaign = CampaignFactory(nomination_opens_at=now() - datetime.timedelta(minutes=1))
    draft = NominationFactory(campaign=campaign, unit=unit, nominated_by=nominator)
    nominations.submit_nomination(draft, actor=nominator)
    assert draft.status == Nomination.Status.SUBMITTED


def test_the_nomination_page_says_nominations_have_not_started_with_the_date(not_open, nominator, client):
    client.force_login(nominator)
    url = reverse("honors:nomination_create", args=[not_open.code])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "推荐尚未开始" in page
    opens = timezone.localtime(not_open.nomination_opens_at).strftime("%Y-%m-%d %H:%M")
    assert opens in page
    assert 'name="story"' not in page
    # A post is refused the same way, and nothing is stored.
    client.post(url, {"category": "front_line", "story": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert not Nomination.objects.exists()
    detail = client.get(not_open.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "推荐尚未开始" in detail and reverse("honors:nomination_create", args=[not_open.code]) not in detail


def test_nominations_cannot_open_after_their_deadline(staff):
    from laurel.honors import campaigns

    campaign = CampaignFactory(stage=Stage.DRAFT)
    with pytest.raises(ValidationError, match="open before their deadline"):
        campaigns.update_campaign(campaign, actor=staff, data={"nomination_opens_at": campaign.nomination_deadline})


# The review deadline, per expert.


@pytest.fixture
def reviewing(staff, expert, other_expert):
    campaign = CampaignFactory(
        stage=Stage.REVIEW,
        nomination_deadline=now() - datetime.timedelta(days=20),
        review_deadline=now() - datetime.timedelta(hours=1),
    )
    for member in (expert, other_expert):
        reviews.add_panel_member(campaign, expert=member, actor=staff)
    return campaign


@pytest.fixture
def assignment(reviewing, staff, expert):
    nomination = NominationFactory(campaign=reviewing, status=Nomination.Status.ELIGIBLE, photos=0)
    return reviews.assign_expert(nomination, expert=expert, actor=staff)


def scores_for(campaign, value=80):
    return {criterion.pk: value for criterion in campaign.criteria.all()}


def test_a_late_review_is_refused(assignment, expert, reviewing):
    with pytest.raises(ValidationError, match="review deadline passed"):
        reviews.submit_review(assignment, scores=scores_for(reviewing), comments={}, comment="", actor=expert)
    assert not hasattr(assignment, "review") or assignment.review is None


def test_an_extension_lets_that_expert_only_review_late(assignment, expert, other_expert, staff, reviewing):
    until = now() + datetime.timedelta(days=2)
    deadlines.extend_review_deadline(campaign=reviewing, expert=expert, until=until, reason="出差刚回", actor=staff)
    review = reviews.submit_review(assignment, scores=scores_for(reviewing), comments={}, comment="", actor=expert)
    assert review.total == 80
    assert deadlines.review_deadline_for(reviewing, expert) == until
    assert deadlines.review_deadline_for(reviewing, other_expert) == reviewing.review_deadline
    entry = AuditEntry.objects.get(action="honors.review.deadline_extended")
    assert entry.actor == staff
    assert entry.data["expert"] == expert.email and entry.data["reason"] == "出差刚回"
    assert entry.data["from"] == reviewing.review_deadline.isoformat()


def test_a_second_extension_moves_the_same_row_and_is_logged_again(expert, staff, reviewing):
    first = now() + datetime.timedelta(days=1)
    second = now() + datetime.timedelta(days=3)
    deadlines.extend_review_deadline(campaign=reviewing, expert=expert, until=first, reason="a", actor=staff)
    deadlines.extend_review_deadline(campaign=reviewing, expert=expert, until=second, reason="b", actor=staff)
    assert ReviewExtension.objects.get().until == second
    entries = AuditEntry.objects.filter(action="honors.review.deadline_extended").order_by("pk")
    assert [entry.data["from"] for entry in entries] == [reviewing.review_deadline.isoformat(), first.isoformat()]


def test_the_review_is_accepted_before_the_deadline(assignment, expert, reviewing):
    reviewing.review_deadline = now() + datetime.timedelta(days=1)
    reviewing.save()
    assert reviews.submit_review(assignment, scores=scores_for(reviewing), comments={}, comment="", actor=expert)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": ""}, "Say why"),
        ({"reason": "x" * 501}, "under 500 characters"),
        ({"until": None}, "Give the new deadline"),
        ({"until": "past"}, "must be later"),
    ],
)
def test_bad_extensions_are_refused(expert, staff, reviewing, changes, message):
    data = {"until": now() + datetime.timedelta(days=1), "reason": "理由", **changes}
    if data["until"] == "past":
        data["until"] = reviewing.review_deadline - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError, match=message):
        deadlines.extend_review_deadline(campaign=reviewing, expert=expert, actor=staff, **data)
    assert not ReviewExtension.objects.exists()
    assert not AuditEntry.objects.filter(action="honors.review.deadline_extended").exists()


def test_only_panel_experts_in_a_review_with_a_deadline_get_extensions(staff, reviewing, stranger):
    until = now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="not on this campaign's panel"):
        deadlines.extend_review_deadline(campaign=reviewing, expert=stranger, until=until, reason="r", actor=staff)
    reviewing.stage = Stage.COMMITTEE
    reviewing.save()
    with pytest.raises(ValidationError, match="only be extended while the expert review runs"):
        deadlines.extend_review_deadline(campaign=reviewing, expert=stranger, until=until, reason="r", actor=staff)
    no_deadline = CampaignFactory(stage=Stage.REVIEW, review_deadline=None)
    with pytest.raises(ValidationError, match="no review deadline"):
        deadlines.extend_review_deadline(campaign=no_deadline, expert=stranger, until=until, reason="r", actor=staff)


@pytest.mark.parametrize("persona", ["expert", "nominator", "stranger"])
def test_only_staff_extend(persona, request, reviewing):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        deadlines.extend_review_deadline(
            campaign=reviewing, expert=actor, until=now() + datetime.timedelta(days=1), reason="r", actor=actor
        )


@pytest.mark.parametrize("persona", ["expert", "nominator", "stranger"])
def test_the_extension_page_is_staff_only(persona, request, client, reviewing):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("honors:review_deadlines", args=[reviewing.code])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "r"}).status_code == 403


def test_the_extension_page_extends(staff_client, reviewing, expert, assignment):
    url = reverse("honors:review_deadlines", args=[reviewing.code])
    page = staff_client.get(url).content.decode()
    assert expert.full_name in page
    assert 'data-testid="unit-unknown"' not in page
    from laurel.people.models import DeclaredUnit

    DeclaredUnit.objects.filter(user=expert).delete()
    assert 'data-testid="unit-unknown"' in staff_client.get(url).content.decode()
    member = reviewing.panel.get(expert=expert)
    until = timezone.localtime(now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = staff_client.post(url, {"expert": member.pk, "until": until, "reason": "家中有事"})
    assert response.status_code == 302
    assert ReviewExtension.objects.get(expert=expert).reason == "家中有事"
    # A wrong type, an unknown expert and an empty reason are form errors, never a 500.
    for data in ({"expert": "x", "until": "tomorrow", "reason": ""}, {"expert": 999999, "until": until, "reason": "r"}):
        assert staff_client.post(url, data).status_code == 200


def test_the_expert_sees_their_deadline_on_the_desk_the_list_and_the_review_page(client, expert, assignment, reviewing):
    reviewing.review_deadline = now() + datetime.timedelta(days=1)
    reviewing.save()
    shown = timezone.localtime(reviewing.review_deadline).strftime("%Y-%m-%d %H:%M")
    client.force_login(expert)
    for url in (reverse("core:dashboard"), reverse("honors:my_assignments")):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert shown in page and "are due by" in page
    page = client.get(reverse("honors:review", args=[assignment.nomination.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert f"Your scores are due by {shown}" in page.content.decode()


def test_the_review_page_says_the_deadline_passed_and_offers_no_form(client, expert, assignment):
    client.force_login(expert)
    url = reverse("honors:review", args=[assignment.nomination.code])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "评审已于" in page and "不再接受评分" in page
    assert "score_" not in page
    criteria = assignment.nomination.campaign.criteria.all()
    response = client.post(url, {f"score_{c.pk}": 80 for c in criteria}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "不再接受评分" in response.content.decode()
    assert not AuditEntry.objects.filter(action="honors.review.submitted").exists()


# Reminders before the deadline.


def test_reminders_go_once_to_experts_with_unscored_nominations(
    assignment, reviewing, expert, other_expert, staff, django_capture_on_commit_callbacks
):
    reviewing.review_deadline = now() + datetime.timedelta(hours=30)
    reviewing.save()
    scored = reviews.assign_expert(
        NominationFactory(campaign=reviewing, status=Nomination.Status.ELIGIBLE, photos=0),
        expert=other_expert,
        actor=staff,
    )
    reviews.submit_review(scored, scores=scores_for(reviewing), comments={}, comment="", actor=other_expert)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert progress.send_due_reminders() == 1
    (message,) = mail.outbox
    assert message.to == [expert.email]
    assert progress.send_due_reminders() == 0
    assert ReviewReminder.objects.count() == 1


def test_no_reminder_far_from_or_after_the_deadline(assignment, reviewing):
    mail.outbox.clear()
    assert progress.send_due_reminders() == 0  # the deadline passed an hour ago
    reviewing.review_deadline = now() + datetime.timedelta(days=5)
    reviewing.save()
    assert progress.send_due_reminders() == 0
    assert mail.outbox == []


def test_an_extension_brings_one_new_reminder_before_the_new_deadline(
    assignment, reviewing, expert, staff, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    deadlines.extend_review_deadline(
        campaign=reviewing, expert=expert, until=now() + datetime.timedelta(hours=20), reason="r", actor=staff
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert progress.send_due_reminders() == 1
    (message,) = mail.outbox
    extended = timezone.localtime(ReviewExtension.objects.get().until)
    assert extended.strftime("%Y-%m-%d %H:%M") in message.body  # the expert's own deadline, not the passed one
    assert progress.send_due_reminders() == 0
    (row,) = [row for row in progress.expert_progress(reviewing) if row.expert == expert]
    assert row.overdue == 0 and row.deadline == ReviewExtension.objects.get().until


def test_the_reminder_is_scheduled():
    from laurel.schedule import JOBS

    job = next(job for job in JOBS if job.name == "send_review_reminders")
    assert job.task == "laurel.honors.tasks.send_review_reminders_task"

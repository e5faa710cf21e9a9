"""Issue 11 item 9: review progress per expert, one-click reminders (mail + desk notice), the daily reminder."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laurel import schedule
from laurel.core import audit_texts
from laurel.core.models import AuditEntry
from laurel.honors import progress
from laurel.honors.models import Assignment, Nomination, PanelMember, Review, ReviewReminder, Stage
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import RoleKind, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    return CampaignFactory(stage=Stage.REVIEW, review_deadline=timezone.now() + datetime.timedelta(days=2))


@pytest.fixture
def panel(campaign, expert, other_expert):
    """`expert` has two released reviews, one done; `other_expert` one review, done; a draft counts for no one."""
    expert.language = "en"
    expert.save()
    made = [NominationFactory(campaign=campaign, photos=0, status=Nomination.Status.ELIGIBLE) for _ in range(3)]
    for member in (expert, other_expert):
        PanelMember.objects.create(campaign=campaign, expert=member)
    Assignment.objects.create(nomination=made[0], expert=expert)
    done = Assignment.objects.create(nomination=made[1], expert=expert)
    Review.objects.create(assignment=done, total=80, submitted_at=timezone.now())
    Review.objects.create(
        assignment=Assignment.objects.create(nomination=made[0], expert=other_expert), total=70,
        submitted_at=timezone.now(),
    )  # fmt: skip
    Assignment.objects.create(nomination=made[2], expert=other_expert, draft=True)
    return made


def by_expert(campaign, **kwargs):
    return {
        row.expert.email: (row.assigned, row.done, row.overdue) for row in progress.expert_progress(campaign, **kwargs)
    }


def test_progress_counts_released_reviews_and_overdue_ones_after_the_deadline(campaign, panel):
    assert by_expert(campaign) == {"expert@example.org": (2, 1, 0), "other-expert@example.org": (1, 1, 0)}
    later = campaign.review_deadline + datetime.timedelta(minutes=1)
    assert by_expert(campaign, now=later) == {"expert@example.org": (2, 1, 1), "other-expert@example.org": (1, 1, 0)}


def test_the_progress_page_is_staff_only_and_reads_the_same_queries_for_a_bigger_panel(
    client, staff, nominator, expert, campaign, panel
):
    url = reverse("honors:progress", kwargs={"code": campaign.code})
    client.force_login(expert)
    assert client.get(url).status_code == 403
    client.force_login(nominator)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    page = client.get(url)
    assert [(row.assigned, row.done) for row in page.context["rows"]] == [(2, 1), (1, 1)]  # 郑清, then 韩嘉
    assert page.context["totals"] == {"assigned": 3, "done": 2, "overdue": 0}
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for index in range(5):
        PanelMember.objects.create(
            campaign=campaign, expert=user_with_role(RoleKind.EXPERT, email=f"more{index}@example.org")
        )
    with CaptureQueriesContext(connection) as big:
        client.get(url)
    assert len(big) == len(small)


def test_a_reminder_mails_the_expert_in_their_language_and_shows_on_their_desk(
    client, staff, expert, campaign, panel, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        progress.remind_expert(campaign, expert=expert, actor=staff)
    assert [message.to for message in mailoutbox] == [["expert@example.org"]]
    assert "Reminder: nominations await your review" in mailoutbox[0].subject  # the expert reads English
    assert mailoutbox[0].body.startswith("1 nominations of")
    entry = AuditEntry.objects.get(action="honors.review.reminded")
    assert entry.data == {"expert": "expert@example.org", "open_reviews": 1, "automatic": False}
    assert "reminded an expert" in audit_texts.sentence(entry)
    client.force_login(expert)
    desk = client.get(reverse("core:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "科协的提醒" in desk and campaign.name in desk


def test_a_second_reminder_the_same_day_is_refused_with_a_message(staff, expert, campaign, panel, mailoutbox):
    progress.remind_expert(campaign, expert=expert, actor=staff)
    with pytest.raises(ValidationError) as error:
        progress.remind_expert(campaign, expert=expert, actor=staff)
    assert error.value.messages == [f"{expert} has already been reminded today."]
    assert ReviewReminder.objects.count() == 1


def test_no_reminder_for_an_expert_with_nothing_open_outside_review_or_by_a_non_staff_user(
    staff, nominator, expert, other_expert, campaign, panel
):
    with pytest.raises(ValidationError, match="has no review left to do"):
        progress.remind_expert(campaign, expert=other_expert, actor=staff)
    with pytest.raises(PermissionDenied):
        progress.remind_expert(campaign, expert=expert, actor=nominator)
    campaign.stage = Stage.COMMITTEE
    campaign.save()
    with pytest.raises(ValidationError, match="only while the campaign is in expert review"):
        progress.remind_expert(campaign, expert=expert, actor=staff)
    assert not ReviewReminder.objects.exists()


def test_the_remind_buttons_remind_one_or_everyone_open_and_refuse_strangers(
    client, staff, expert, stranger, campaign, panel
):
    url = reverse("honors:remind", kwargs={"code": campaign.code})
    client.force_login(stranger)
    assert client.post(url, {"expert": "all"}).status_code == 403
    client.force_login(staff)
    page = client.post(url, {"expert": "all"}, follow=True)
    assert [str(message) for message in page.context["messages"]] == ["已提醒 1 位专家。"]
    page = client.post(url, {"expert": str(expert.pk)}, follow=True)
    assert [str(message) for message in page.context["messages"]] == [f"今天已经提醒过 {expert}。"]
    page = client.post(url, {"expert": "x' or 1=1"}, follow=True)
    assert [str(message) for message in page.context["messages"]] == ["请选择本评选活动评审专家组中的专家。"]
    assert ReviewReminder.objects.count() == 1


def test_the_daily_job_reminds_each_open_expert_once_a_day_before_the_deadline(
    campaign, panel, expert, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert progress.send_due_reminders(now=now) == 1
        assert progress.send_due_reminders(now=now) == 0  # a rerun the same day: nobody twice
    assert [message.to for message in mailoutbox] == [["expert@example.org"]]
    reminder = ReviewReminder.objects.get()
    assert (reminder.expert, reminder.sent_by) == (expert, None)
    assert AuditEntry.objects.get(action="honors.review.reminded").data["automatic"] is True
    tomorrow = now + datetime.timedelta(days=1)
    assert progress.send_due_reminders(now=tomorrow) == 1


def test_the_daily_job_leaves_campaigns_far_from_or_past_their_deadline(campaign, panel):
    campaign.review_deadline = timezone.now() + datetime.timedelta(days=10)
    campaign.save()
    assert progress.send_due_reminders() == 0
    campaign.review_deadline = timezone.now() - datetime.timedelta(hours=1)
    campaign.save()
    assert progress.send_due_reminders() == 0


def test_the_daily_job_is_in_the_schedule():
    assert any(job.task == "laurel.honors.tasks.send_review_reminders_task" for job in schedule.JOBS)

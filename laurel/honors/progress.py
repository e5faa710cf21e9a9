"""Review progress per expert (assigned, done, overdue) and reminders to experts whose reviews are still open.

A reminder is a mail in the expert's language and a notice on their desk. Staff send one with a click; the daily
job (`laurel/schedule.py`) sends one to every expert with open reviews in the days before the review deadline.
At most one reminder per expert, campaign and day (a database constraint), whoever sends it.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from laurel.core.services import log_action
from laurel.honors import notifications, permissions, reviews
from laurel.honors.models import Assignment, Campaign, PanelMember, ReviewReminder

# The daily job reminds experts in the last days before the deadline: three reminders at most, the last one the
# day before (a reminder sent after the deadline would ask for what late reviews can no longer do).
AHEAD = datetime.timedelta(days=3)


@dataclass
class ExpertProgress:
    expert: object
    assigned: int
    done: int
    overdue: int
    last_reminded: datetime.date | None

    @property
    def open(self) -> int:
        return self.assigned - self.done


def review_round(campaign: Campaign) -> int:
    """The round in review now, or after the review stages the last round the campaign had."""
    if campaign.stage in reviews.REVIEW_STAGES:
        return reviews.REVIEW_STAGES[campaign.stage]
    return campaign.review_rounds


def _live(campaign: Campaign, round_number: int):
    return Assignment.objects.released().filter(nomination__campaign=campaign, round=round_number)


def is_past_deadline(campaign: Campaign, now: datetime.datetime | None = None) -> bool:
    return campaign.review_deadline is not None and (now or timezone.now()) >= campaign.review_deadline


def expert_progress(campaign: Campaign, *, now: datetime.datetime | None = None) -> list[ExpertProgress]:
    """Every panel member with their released reviews of the round: two grouped queries whatever the panel's size."""
    round_number = review_round(campaign)
    counts = {
        row["expert"]: row
        for row in _live(campaign, round_number)
        .values("expert")
        .annotate(assigned=Count("pk"), done=Count("pk", filter=Q(review__isnull=False)))
    }
    reminded = dict(
        ReviewReminder.objects.filter(campaign=campaign)
        .values("expert")
        .annotate(last=Max("day"))
        .values_list("expert", "last")
    )
    late = is_past_deadline(campaign, now)
    rows = []
    members = PanelMember.objects.filter(campaign=campaign).select_related("expert").order_by("expert__full_name")
    for member in members:
        count = counts.get(member.expert_id, {"assigned": 0, "done": 0})
        rows.append(
            ExpertProgress(
                expert=member.expert,
                assigned=count["assigned"],
                done=count["done"],
                overdue=count["assigned"] - count["done"] if late else 0,
                last_reminded=reminded.get(member.expert_id),
            )
        )
    return rows


def open_reviews(campaign: Campaign, expert) -> int:
    return _live(campaign, review_round(campaign)).filter(expert=expert, review__isnull=True).count()


def _mail(campaign: Campaign, expert, open_count: int) -> None:
    def body():
        deadline = (
            formats.date_format(timezone.localtime(campaign.review_deadline), "Y-m-d H:i")
            if campaign.review_deadline
            else _("no deadline set")
        )
        return _(
            "%(count)d nominations of %(campaign)s still await your scores. The review deadline is %(deadline)s."
            "\n\n%(url)s"
        ) % {
            "count": open_count,
            "campaign": f"{campaign.display_name(translation.get_language())} ({campaign.edition})",
            "deadline": deadline,
            "url": settings.SITE_URL + reverse("honors:my_assignments"),
        }

    notifications.send_after_commit(
        email=expert.email,
        language=expert.language,
        subject=lambda: _("Reminder: nominations await your review"),
        body=body,
    )


def remind_expert(campaign: Campaign, *, expert, actor=None, today: datetime.date | None = None) -> ReviewReminder:
    """Remind one expert of their open reviews (mail and desk notice). `actor` is the staff member who clicked,
    None for the daily job."""
    if actor is not None and not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    if campaign.stage not in reviews.REVIEW_STAGES:
        raise ValidationError(_("Reminders are sent only while the campaign is in expert review."))
    if not PanelMember.objects.filter(campaign=campaign, expert=expert).exists():
        raise ValidationError(_("%(user)s is not on this campaign's panel.") % {"user": expert})
    open_count = open_reviews(campaign, expert)
    if not open_count:
        raise ValidationError(_("%(user)s has no review left to do.") % {"user": expert})
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            reminder = ReviewReminder.objects.create(
                campaign=campaign, expert=expert, day=today, open_reviews=open_count, sent_by=actor
            )
            log_action(
                "honors.review.reminded",
                actor=actor,
                obj=campaign,
                data={"expert": expert.email, "open_reviews": open_count, "automatic": actor is None},
            )
            _mail(campaign, expert, open_count)
    except IntegrityError:
        raise ValidationError(_("%(user)s has already been reminded today.") % {"user": expert}) from None
    return reminder


@dataclass
class RemindAllResult:
    sent: int
    skipped: list[tuple[object, str]]


def remind_all(campaign: Campaign, *, actor) -> RemindAllResult:
    """Remind every panel member with open reviews; those reminded today already are skipped and named."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    if campaign.stage not in reviews.REVIEW_STAGES:
        raise ValidationError(_("Reminders are sent only while the campaign is in expert review."))
    sent, skipped = 0, []
    for row in expert_progress(campaign):
        if not row.open:
            continue
        try:
            remind_expert(campaign, expert=row.expert, actor=actor)
            sent += 1
        except ValidationError as error:
            skipped.append((row.expert, error.messages[0]))
    if not sent and not skipped:
        raise ValidationError(_("No expert has a review left to do."))
    return RemindAllResult(sent=sent, skipped=skipped)


def send_due_reminders(*, now: datetime.datetime | None = None) -> int:
    """The daily job: every expert with open reviews in a campaign whose review deadline is within `AHEAD` is
    reminded once today. Idempotent: a second run the same day finds today's reminders and sends nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    campaigns = Campaign.objects.filter(
        stage__in=list(reviews.REVIEW_STAGES), review_deadline__gt=now, review_deadline__lte=now + AHEAD
    )
    count = 0
    for campaign in campaigns:
        for row in expert_progress(campaign, now=now):
            if not row.open or row.last_reminded == today:
                continue
            try:
                remind_expert(campaign, expert=row.expert, today=today)
            except ValidationError:
                continue  # another run reminded them a moment ago, or the reviews were done meanwhile
            count += 1
    return count


def desk_reminders(user) -> list[ReviewReminder]:
    """The reminders of the last week the expert still has open reviews for, newest first (their desk notice)."""
    since = timezone.localdate() - datetime.timedelta(days=7)
    reminders = (
        ReviewReminder.objects.filter(expert=user, day__gte=since, campaign__stage__in=list(reviews.REVIEW_STAGES))
        .select_related("campaign")
        .order_by("-day")
    )
    latest = {}
    for reminder in reminders:
        latest.setdefault(reminder.campaign_id, reminder)
    return [reminder for reminder in latest.values() if open_reviews(reminder.campaign, user)]

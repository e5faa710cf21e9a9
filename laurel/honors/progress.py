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
from laurel.honors import deadlines, notifications, permissions, reviews
from laurel.honors.models import Assignment, Campaign, PanelMember, ReviewExtension, ReviewReminder

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
    deadline: datetime.datetime | None = None  # the campaign's, or the expert's own when staff extended it

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


def _own_deadlines(campaign: Campaign) -> dict[int, datetime.datetime]:
    """Each extended expert's own deadline (`deadlines.review_deadline_for`, for a whole panel in one query)."""
    if campaign.review_deadline is None:
        return {}
    return {
        expert: until
        for expert, until in ReviewExtension.objects.filter(campaign=campaign).values_list("expert_id", "until")
        if until > campaign.review_deadline
    }


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
    now = now or timezone.now()
    extended = _own_deadlines(campaign)
    rows = []
    members = PanelMember.objects.filter(campaign=campaign).select_related("expert").order_by("expert__full_name")
    for member in members:
        count = counts.get(member.expert_id, {"assigned": 0, "done": 0})
        deadline = extended.get(member.expert_id, campaign.review_deadline)
        late = deadline is not None and now >= deadline
        rows.append(
            ExpertProgress(
                expert=member.expert,
                assigned=count["assigned"],
                done=count["done"],
                overdue=count["assigned"] - count["done"] if late else 0,
                last_reminded=reminded.get(member.expert_id),
                deadline=deadline,
            )
        )
    return rows


def open_reviews(campaign: Campaign, expert) -> int:
    return _live(campaign, review_round(campaign)).filter(expert=expert, review__isnull=True).count()


def _mail(campaign: Campaign, expert, open_count: int) -> None:
    own = deadlines.review_deadline_for(campaign, expert)

    def body():
        deadline = formats.date_format(timezone.localtime(own), "Y-m-d H:i") if own else _("no deadline set")
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
    """The daily job: every expert with open reviews whose own review deadline (the campaign's, or the one staff
    extended for them) is within `AHEAD` is reminded once today. Idempotent: a second run the same day finds
    today's reminders and sends nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    window = {"gt": now, "lte": now + AHEAD}
    campaigns = Campaign.objects.filter(
        Q(review_deadline__gt=window["gt"], review_deadline__lte=window["lte"])
        | Q(review_extensions__until__gt=window["gt"], review_extensions__until__lte=window["lte"]),
        stage__in=list(reviews.REVIEW_STAGES),
    ).distinct()
    count = 0
    for campaign in campaigns:
        for row in expert_progress(campaign, now=now):
            if not row.open or row.last_reminded == today or not (now < row.deadline <= now + AHEAD):
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

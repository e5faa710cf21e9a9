"""Mail to the people a step concerns, in their own language, sent only after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from laurel.core import identity
from laurel.honors import disclosure
from laurel.honors.permissions import nomination_editors


def _send_after_commit(*, email: str, language: str, subject, body) -> None:
    """`subject` and `body` are callables run in the recipient's language once the transaction commits."""
    if not email:
        return

    def send():
        with translation.override(language or settings.LANGUAGE_CODE):
            send_mail(identity.mail_subject(subject()), body(), None, [email])

    transaction.on_commit(send)


# The public name for the other modules of the app that mail (the review reminders in `progress.py`).
send_after_commit = _send_after_commit


def _campaign_name(campaign) -> str:
    """The campaign as the recipient reads it: its English name in English mail when it has one."""
    return f"{campaign.display_name(translation.get_language())} ({campaign.edition})"


def nomination_status_changed(nomination) -> None:
    """Mail whoever may act on the nomination now (the unit's current nominators), not whoever created it, with
    the status and reason a nominator may read (`disclosure.shown_status`), never a committee's reason."""
    for user in nomination_editors(nomination):
        _send_after_commit(
            email=user.email,
            language=user.language,
            subject=lambda: (
                _("Nomination of %(name)s: %(status)s")
                % {"name": nomination.person.name, "status": disclosure.shown_status(nomination).label}
            ),
            body=lambda: (
                _("The nomination of %(name)s for %(campaign)s is now “%(status)s”.\n\n%(reason)s\n\n%(url)s")
                % {
                    "name": nomination.person.name,
                    "campaign": _campaign_name(nomination.campaign),
                    "status": disclosure.shown_status(nomination).label,
                    "reason": disclosure.shown_status(nomination).reason,
                    "url": settings.SITE_URL + nomination.get_absolute_url(),
                }
            ),
        )


def expert_assigned(assignment) -> None:
    expert = assignment.expert
    _send_after_commit(
        email=expert.email,
        language=expert.language,
        subject=lambda: _("A nomination awaits your review"),
        body=lambda: (
            _("You have been asked to review a nomination for %(campaign)s.\n\n%(url)s")
            % {
                "campaign": _campaign_name(assignment.nomination.campaign),
                "url": settings.SITE_URL + assignment.nomination.get_absolute_url(),
            }
        ),
    )


def assignments_released(expert, campaign, count: int) -> None:
    from django.urls import reverse

    _send_after_commit(
        email=expert.email,
        language=expert.language,
        subject=lambda: _("Nominations await your review"),
        body=lambda: (
            _("You have been asked to review %(count)d nominations for %(campaign)s.\n\n%(url)s")
            % {
                "count": count,
                "campaign": _campaign_name(campaign),
                "url": settings.SITE_URL + reverse("honors:my_assignments"),
            }
        ),
    )


def objection_decided(objection) -> None:
    _send_after_commit(
        email=objection.email,
        language=objection.language,
        subject=lambda: _("Your objection has been decided"),
        body=lambda: (
            _("Your objection about %(name)s in %(campaign)s was %(status)s.\n\n%(reason)s")
            % {
                "name": objection.nomination.person.name,
                "campaign": _campaign_name(objection.nomination.campaign),
                "status": objection.get_status_display(),
                "reason": objection.decision_reason,
            }
        ),
    )


def campaign_published(campaign) -> None:
    for nomination in campaign.nominations.selected().select_related("nominated_by", "person", "campaign"):
        nomination_status_changed(nomination)


def vote_announced(campaign) -> None:
    """Each nominator whose nominations are in the public vote learns its window and page, to spread the word."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import formats, timezone

    from laurel.honors import votes
    from laurel.people.models import User

    counts = dict(
        votes.candidates(campaign)
        .order_by()
        .values("nominated_by")
        .annotate(n=Count("pk"))
        .values_list("nominated_by", "n")
    )
    for user in User.objects.filter(pk__in=counts).order_by("pk"):
        count = counts[user.pk]
        _send_after_commit(
            email=user.email,
            language=user.language,
            subject=lambda: _("The public vote of %(campaign)s") % {"campaign": _campaign_name(campaign)},
            body=lambda count=count: (
                _(
                    "%(count)d of the nominations you made are in the public vote of %(campaign)s, from %(opens)s "
                    "to %(closes)s. Anyone with an account may vote; share the page:\n\n%(url)s"
                )
                % {
                    "count": count,
                    "campaign": _campaign_name(campaign),
                    "opens": formats.date_format(timezone.localtime(campaign.vote_opens_at), "Y-m-d H:i"),
                    "closes": formats.date_format(timezone.localtime(campaign.vote_closes_at), "Y-m-d H:i"),
                    "url": settings.SITE_URL + reverse("honors:vote", kwargs={"code": campaign.code}),
                }
            ),
        )

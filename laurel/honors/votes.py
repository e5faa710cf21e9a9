"""The public online vote (网络投票): the window, casting a vote under the campaign's limits, voiding an account's
votes, the tally and the figures staff watch.

Rules, all on the server: only in the campaign's `public_vote` stage and inside its window; a verified email;
at most `votes_per_candidate_per_day` votes per account for one candidate and `candidates_per_day` candidates
per account per local day (settings.TIME_ZONE); a per-address rate limit (exact, `laurel.core.ratelimit`). The voter's
account row is locked while the day's votes are counted, so two requests at once cannot both take the last
place; the unique (voter, candidate, day, number) constraint holds the per-candidate rule even without it.
`Nomination.public_votes` moves in the same transaction as the vote (and when votes are voided).
"""

import datetime
import hmac
from enum import StrEnum
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from laurel.core import ratelimit
from laurel.core.services import log_action
from laurel.honors import permissions
from laurel.honors.models import Campaign, Nomination, Stage, Vote
from laurel.people.models import User

CANDIDATE_STATUSES = (Nomination.Status.ELIGIBLE, Nomination.Status.SELECTED)
AFTER_THE_VOTE = {Stage.COMMITTEE, Stage.NOTICE, Stage.PUBLISHED}
VOIDABLE_STAGES = {Stage.PUBLIC_VOTE, Stage.COMMITTEE}
# Generous because a school or an office shares one address; counted exactly (laurel/core/ratelimit.py).
VOTES_PER_ADDRESS = ratelimit.Limit("honors.vote", count=60, seconds=600)

# Tests switch this off to show that without the lock two simultaneous votes overrun the daily cap.
LOCK_VOTER = True


class State(StrEnum):
    NONE = "none"  # the campaign has no public vote
    NOT_YET = "not_yet"  # before the vote stage, or in it before the window opens
    OPEN = "open"
    CLOSED = "closed"


class RateLimited(ValidationError):
    """Too many votes from one network address in a short time."""


def state(campaign: Campaign, now: datetime.datetime | None = None) -> State:
    now = now or timezone.now()
    if not campaign.public_vote:
        return State.NONE
    if campaign.stage in AFTER_THE_VOTE:
        return State.CLOSED
    if campaign.stage != Stage.PUBLIC_VOTE or campaign.vote_opens_at is None or now < campaign.vote_opens_at:
        return State.NOT_YET
    if now >= campaign.vote_closes_at:
        return State.CLOSED
    return State.OPEN


def candidates(campaign: Campaign):
    """The nominations on the vote's list: passed the eligibility check and still in the running."""
    return (
        campaign.nominations.filter(status__in=CANDIDATE_STATUSES)
        .select_related("campaign", "person", "unit")
        .order_by("person__name", "pk")
    )


def candidates_by_code(campaign_code: str):
    """The candidates of the vote of the campaign with this code (its public vote on), with their campaign."""
    return Nomination.objects.filter(
        campaign__code=campaign_code, campaign__public_vote=True, status__in=CANDIDATE_STATUSES
    ).select_related("campaign", "person", "unit")


def address_hash(address: str) -> str:
    """A one-way hash of the network address; the raw address is never stored."""
    return hmac.new(settings.SECRET_KEY.encode(), f"vote:{address}".encode(), "sha256").hexdigest()


def _local(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _check_open(campaign: Campaign, now: datetime.datetime) -> None:
    current = state(campaign, now)
    if current == State.NONE:
        raise ValidationError(_("This campaign has no public vote."), code="no_vote")
    if current == State.NOT_YET:
        if campaign.stage == Stage.PUBLIC_VOTE:
            raise ValidationError(
                _("The public vote opens at %(time)s.") % {"time": _local(campaign.vote_opens_at)}, code="not_yet"
            )
        raise ValidationError(_("The public vote has not started."), code="not_yet")
    if current == State.CLOSED:
        raise ValidationError(_("The public vote has closed."), code="closed")


def _lock_voter(voter) -> None:
    # SQLite has no row locks: its IMMEDIATE transactions take the one write lock before the first read, so the
    # counts read under it cannot change before the write (the query would be a plain read, the cost for nothing).
    if LOCK_VOTER and connection.features.has_select_for_update:
        User.objects.select_for_update().only("pk").get(pk=voter.pk)


class Today(NamedTuple):
    """What the rules need to know about a voter in a campaign, counted in one query."""

    voided: int  # the voter's voided votes in the campaign (any day): one bars the account
    for_candidate: int  # the voter's votes for this candidate today
    candidates: int  # the candidates the voter voted for today


def today_counts(voter, campaign: Campaign, nomination: Nomination, day: datetime.date) -> Today:
    counts = Vote.objects.filter(campaign=campaign, voter=voter).aggregate(
        voided=Count("pk", filter=Q(voided_at__isnull=False)),
        for_candidate=Count("pk", filter=Q(nomination=nomination, day=day)),
        candidates=Count("nomination", filter=Q(day=day), distinct=True),
    )
    return Today(**counts)


def _already_voted(nomination: Nomination) -> ValidationError:
    return ValidationError(
        _("You have used today's votes for %(name)s. You can vote for them again tomorrow.")
        % {"name": nomination.person.name},
        code="candidate_done",
    )


def cast_vote(nomination: Nomination, *, actor, address: str) -> Vote:
    """Record one vote of `actor` for `nomination`, or refuse it with a message saying why (nothing is written but
    the try counted against the address's limit)."""
    campaign = nomination.campaign
    now = timezone.now()
    _check_open(campaign, now)
    if nomination.status not in CANDIDATE_STATUSES:
        raise ValidationError(
            _("%(name)s is not a candidate in this vote.") % {"name": nomination.person.name}, code="not_candidate"
        )
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if not permissions.has_verified_email(actor):
        raise ValidationError(
            _("Confirm your email address before voting: open the link in the message we sent you."),
            code="unverified",
        )
    day = timezone.localdate(now)
    # One transaction counts the try against the address's limit, reads the voter's counts under the lock and
    # writes the vote: on SQLite a single write transaction per vote (the counter in its own, then the vote in
    # another, halved the votes per second: every write waits for the one lock). A refusal commits too, so the try
    # stays counted (nothing else is written before the refusal); only the vote's own rows are in a savepoint.
    refusal = vote = None
    with transaction.atomic():
        if not ratelimit.allow_address(VOTES_PER_ADDRESS, address):
            refusal = RateLimited(
                _("Too many votes from your network in a short time. Please try again later."), code="rate_limited"
            )
        else:
            _lock_voter(actor)
            today = today_counts(actor, campaign, nomination, day)
            refusal = _refusal(today, campaign, nomination)
        if refusal is None:
            try:
                with transaction.atomic():
                    vote = Vote.objects.create(
                        campaign=campaign, nomination=nomination, voter=actor, day=day,
                        ordinal=today.for_candidate + 1, cast_at=now,
                        address_hash=address_hash(address),
                    )  # fmt: skip
                    Nomination.objects.filter(pk=nomination.pk).update(public_votes=F("public_votes") + 1)
            except IntegrityError:
                # The same vote arrived twice at once (a double click): the constraint keeps one.
                refusal = _already_voted(nomination)
    if refusal is not None:
        raise refusal
    nomination.public_votes += 1
    return vote


def _refusal(today: Today, campaign: Campaign, nomination: Nomination) -> ValidationError | None:
    if today.voided:
        return ValidationError(
            _("Your votes in this campaign were voided; you cannot vote in it again."), code="voided"
        )
    if today.for_candidate >= campaign.votes_per_candidate_per_day:
        return _already_voted(nomination)
    if not today.for_candidate and today.candidates >= campaign.candidates_per_day:
        return ValidationError(
            ngettext(
                "You have voted for %(count)d candidate today, the most allowed per day. You can vote again tomorrow.",
                "You have voted for %(count)d candidates today, the most allowed per day. You can vote again tomorrow.",
                campaign.candidates_per_day,
            )
            % {"count": campaign.candidates_per_day},
            code="daily_cap",
        )
    return None


def void_votes(campaign: Campaign, *, voter, reason: str, actor) -> int:
    """Void every counted vote of `voter` in the campaign (e.g. ballot stuffing); the account cannot vote in it
    again. The reason is mandatory and goes to the audit log; the tallies drop in the same transaction."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for voiding these votes; it goes to the audit log.")})
    if campaign.stage not in VOIDABLE_STAGES:
        raise ValidationError(_("Votes can be voided during the public vote and the committee decision only."))
    with transaction.atomic():
        _lock_voter(voter)
        votes = Vote.objects.counted().filter(campaign=campaign, voter=voter)
        per_candidate = dict(votes.values_list("nomination_id").annotate(count=Count("pk")).order_by())
        if not per_candidate:
            raise ValidationError(_("%(email)s has no counted votes in this campaign.") % {"email": voter.email})
        count = votes.update(voided_at=timezone.now(), voided_by=actor, void_reason=reason)
        for nomination_id, number in per_candidate.items():
            Nomination.objects.filter(pk=nomination_id).update(public_votes=F("public_votes") - number)
        codes = dict(Nomination.objects.filter(pk__in=per_candidate).values_list("pk", "code"))
        log_action(
            "honors.votes.voided",
            actor=actor,
            obj=campaign,
            data={
                "voter": voter.email,
                "votes": count,
                "reason": reason,
                "candidates": {codes[pk]: number for pk, number in per_candidate.items()},
            },
        )
    return count


def set_window(campaign: Campaign, *, opens_at, closes_at, actor) -> Campaign:
    """Staff set or move the vote's window until it opens (during setup the campaign form sets it too)."""
    if not permissions.can_manage_campaigns(actor):
        raise PermissionDenied
    if not campaign.public_vote:
        raise ValidationError(_("This campaign has no public vote."))
    if campaign.stage in AFTER_THE_VOTE:
        raise ValidationError(_("The public vote is over."))
    if campaign.stage == Stage.PUBLIC_VOTE and campaign.vote_opens_at and timezone.now() >= campaign.vote_opens_at:
        raise ValidationError(_("The public vote has opened; its times can no longer change."))
    if campaign.stage == Stage.PUBLIC_VOTE and closes_at is not None and closes_at <= timezone.now():
        raise ValidationError({"vote_closes_at": _("The vote must close in the future.")})
    old = [campaign.vote_opens_at, campaign.vote_closes_at]
    campaign.vote_opens_at, campaign.vote_closes_at = opens_at, closes_at
    campaign.full_clean()
    with transaction.atomic():
        updated = Campaign.objects.filter(pk=campaign.pk, stage=campaign.stage).update(
            vote_opens_at=opens_at, vote_closes_at=closes_at
        )
        if updated != 1:
            raise ValidationError(_("Someone else moved this campaign first; reload the page."))
        log_action(
            "honors.vote_window.set",
            actor=actor,
            obj=campaign,
            data={"from": [str(moment) for moment in old], "to": [str(opens_at), str(closes_at)]},
        )
    return campaign


# Reads for the pages.


def voter_today(campaign: Campaign, voter) -> dict[int, int]:
    """The voter's votes per candidate today (nomination pk -> votes)."""
    if not getattr(voter, "is_authenticated", False):
        return {}
    day = timezone.localdate()
    rows = Vote.objects.filter(campaign=campaign, voter=voter, day=day).values_list("nomination_id")
    return dict(rows.annotate(count=Count("pk")).order_by())


def days(campaign: Campaign) -> list[dict]:
    """Votes per day: counted, voided, distinct voters and addresses."""
    return list(
        Vote.objects.filter(campaign=campaign)
        .values("day")
        .annotate(
            counted=Count("pk", filter=Q(voided_at__isnull=True)),
            voided=Count("pk", filter=Q(voided_at__isnull=False)),
            voters=Count("voter", distinct=True),
            addresses=Count("address_hash", distinct=True),
        )
        .order_by("day")
    )


def busiest_addresses(campaign: Campaign, limit: int = 10) -> list[dict]:
    """The network addresses (hashed) with the most votes, and how many accounts voted from each."""
    return list(
        Vote.objects.filter(campaign=campaign)
        .values("address_hash")
        .annotate(votes=Count("pk"), accounts=Count("voter", distinct=True))
        .order_by("-votes", "address_hash")[:limit]
    )


def busiest_voters(campaign: Campaign, limit: int = 20) -> list[dict]:
    """The accounts with the most votes, with their voided votes and the addresses they used."""
    return list(
        Vote.objects.filter(campaign=campaign)
        .values("voter_id", "voter__email")
        .annotate(
            votes=Count("pk"),
            voided=Count("pk", filter=Q(voided_at__isnull=False)),
            addresses=Count("address_hash", distinct=True),
        )
        .order_by("-votes", "voter__email")[:limit]
    )

"""The public online vote (网络投票): the window, casting a vote under the campaign's limits, voiding an account's
votes, the tally and the figures staff watch.

Rules, all on the server: only in the campaign's `public_vote` stage and inside its window; a verified email;
at most `votes_per_candidate_per_day` votes per account for one candidate and `candidates_per_day` candidates
per account per local day (settings.TIME_ZONE); a per-address rate limit (exact, `laurel.core.ratelimit`). The voter's
account row is locked while the day's votes are counted, so two requests at once cannot both take the last
place; the unique (voter, candidate, day, number) constraint holds the per-candidate rule even without it.
`Nomination.public_votes` moves in the same transaction as the vote (and when votes are voided).

The vote's hot path (`try_vote`: the voter's lock, counts, row and tally) is written in SQL, in this module only:
built by the ORM those statements cost more than their execution (bench/votes.py).
"""

import datetime
import hmac
from enum import StrEnum
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from laurel.core import ratelimit
from laurel.core.services import log_action
from laurel.honors import permissions
from laurel.honors.models import Campaign, Nomination, Stage, Vote
from laurel.people.models import Organization, Person, User

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


# What a vote and the candidate's card read (the other fields are deferred: reading one costs a query, which the
# query-count test of the vote would see).
VOTE_CANDIDATE_FIELDS = {
    Nomination: [
        "id", "code", "campaign_id", "unit_id", "person_id", "category", "story", "citation", "citation_en",
        "id_photo", "status", "public_votes",
    ],
    Campaign: [
        "id", "code", "stage", "public_vote", "vote_opens_at", "vote_closes_at", "candidates_per_day",
        "votes_per_candidate_per_day",
    ],
    Person: ["id", "name"],
    Organization: ["id", "name"],
}  # fmt: skip
_vote_candidate_query = None


def vote_candidate(campaign_code: str, code: str) -> Nomination | None:
    """The candidate `code` of the vote of the campaign `campaign_code` (its public vote on), with its campaign,
    person and unit; None when there is none.

    The vote's hot path: one hand-written query, built once per process (through the ORM, building the query
    and the four objects cost more than the vote's own writes)."""
    global _vote_candidate_query
    if _vote_candidate_query is None or _vote_candidate_query[0] != connection.vendor:
        _vote_candidate_query = (connection.vendor, *_candidate_query())
    _vendor, sql, models = _vote_candidate_query
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign_code, code, *CANDIDATE_STATUSES])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, position = [], 0
    for model, fields in models:
        values = []
        for field, converters in fields:
            value = row[position]
            for converter in converters:
                value = converter(value, field, connection)
            values.append(value)
            position += 1
        objects.append(model.from_db(connection.alias, [field.attname for field, _converters in fields], values))
    nomination, campaign, person, unit = objects
    nomination.campaign, nomination.person, nomination.unit = campaign, person, unit
    return nomination


def _candidate_query():
    tables = {Nomination: "n", Campaign: "c", Person: "p", Organization: "u"}
    columns, models = [], []
    for model, alias in tables.items():
        wanted = VOTE_CANDIDATE_FIELDS[model]
        fields = [field for field in model._meta.concrete_fields if field.attname in wanted]  # from_db's order
        columns += [f"{alias}.{connection.ops.quote_name(field.column)}" for field in fields]
        converters = [
            (field, connection.ops.get_db_converters(field.get_col(alias)) + field.get_db_converters(connection))
            for field in fields
        ]
        models.append((model, converters))
    statuses = ", ".join(["%s"] * len(CANDIDATE_STATUSES))
    sql = (
        f"SELECT {', '.join(columns)} FROM {_table(Nomination)} n"
        f" JOIN {_table(Campaign)} c ON c.id = n.campaign_id"
        f" JOIN {_table(Person)} p ON p.id = n.person_id"
        f" JOIN {_table(Organization)} u ON u.id = n.unit_id"
        f" WHERE c.code = %s AND c.public_vote AND n.code = %s AND n.status IN ({statuses})"
    )
    return sql, models


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
        with connection.cursor() as cursor:  # hand-written: the vote's hot path (module docstring)
            cursor.execute(f"SELECT id FROM {_table(User)} WHERE id = %s FOR UPDATE", [voter.pk])


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class Today(NamedTuple):
    """What the rules need to know about a voter in a campaign, counted in one query."""

    voided: int  # the voter's voided votes in the campaign (any day): one bars the account
    for_candidate: int  # the voter's votes for this candidate today
    candidates: int  # the candidates the voter voted for today


def today_counts(voter, campaign: Campaign, nomination: Nomination, day: datetime.date) -> Today:
    # The same counts as Vote.objects.filter(campaign=, voter=).aggregate(Count(filter=...)), written out: building
    # that query cost more than the vote's writes, and on SQLite it runs under the one write lock.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT COUNT(voided_at),
                COALESCE(SUM(CASE WHEN nomination_id = %s AND day = %s THEN 1 ELSE 0 END), 0),
                COUNT(DISTINCT CASE WHEN day = %s THEN nomination_id END)
            FROM {_table(Vote)} WHERE campaign_id = %s AND voter_id = %s""",
            [nomination.pk, _day(day), _day(day), campaign.pk, voter.pk],
        )
        return Today(*cursor.fetchone())


def _day(day: datetime.date):
    return connection.ops.adapt_datefield_value(day)


def _already_voted(nomination: Nomination) -> ValidationError:
    return ValidationError(
        _("You have used today's votes for %(name)s. You can vote for them again tomorrow.")
        % {"name": nomination.person.name},
        code="candidate_done",
    )


class Ballot(NamedTuple):
    """What one try came to, and what the vote page shows next without counting again."""

    vote: Vote | None
    refusal: ValidationError | None
    today: Today | None  # the voter's counts after the try; None when it was refused before they were read
    verified: bool | None  # the voter's email confirmed; None when the try was refused before it was asked


def cast_vote(nomination: Nomination, *, actor, address: str) -> Vote:
    """Record one vote of `actor` for `nomination`, or refuse it with a message saying why (nothing is written but
    the try counted against the address's limit)."""
    ballot = try_vote(nomination, actor=actor, address=address)
    if ballot.refusal is not None:
        raise ballot.refusal
    return ballot.vote


def try_vote(nomination: Nomination, *, actor, address: str) -> Ballot:
    """`cast_vote` that returns its refusal instead of raising it, with the voter's counts after the try (the vote
    page's hot path: it shows them without a query of its own). `nomination.campaign` must be loaded with it."""
    campaign = nomination.campaign
    now = timezone.now()
    try:
        _check_open(campaign, now)
    except ValidationError as refusal:
        return Ballot(None, refusal, None, None)
    if nomination.status not in CANDIDATE_STATUSES:
        refusal = ValidationError(
            _("%(name)s is not a candidate in this vote.") % {"name": nomination.person.name}, code="not_candidate"
        )
        return Ballot(None, refusal, None, None)
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if not _verified(actor):
        refusal = ValidationError(
            _("Confirm your email address before voting: open the link in the message we sent you."),
            code="unverified",
        )
        return Ballot(None, refusal, None, False)
    day = timezone.localdate(now)
    # One transaction counts the try against the address's limit, reads the voter's counts under the lock and
    # writes the vote: on SQLite a single write transaction per vote (the counter in its own, then the vote in
    # another, halved the votes per second: every write waits for the one lock). A refusal commits too, so the try
    # stays counted (nothing else is written before the refusal). The statements are written out (the ORM's
    # building them cost several times their execution, under SQLite's one write lock); the vote's INSERT does
    # nothing when the unique constraint already holds the same vote, so no savepoint is needed.
    refusal = vote = today = None
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
            vote = Vote(
                campaign=campaign, nomination=nomination, voter=actor, day=day, ordinal=today.for_candidate + 1,
                cast_at=now, address_hash=address_hash(address),
            )  # fmt: skip
            if _insert(vote):
                _count(nomination)
            else:
                # The same vote arrived twice at once (a double click): the constraint kept the other.
                refusal, vote = _already_voted(nomination), None
            today = today._replace(
                for_candidate=today.for_candidate + 1, candidates=today.candidates + (not today.for_candidate)
            )
    if vote is not None:
        nomination.public_votes += 1
    return Ballot(vote, refusal, today, True)


def _verified(actor) -> bool:
    """`permissions.has_verified_email`, the same rule (tests/honors/test_votes.py holds them equal) in one written
    statement: through the ORM it cost a fifth of the vote's time in Laurel's code."""
    from allauth.account.models import EmailAddress

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {_table(EmailAddress)} WHERE user_id = %s AND verified AND LOWER(email) = LOWER(%s)",
            [actor.pk, actor.email],
        )
        return cursor.fetchone() is not None


def _insert(vote: Vote) -> bool:
    """Write the vote's row; False (and nothing written) when the unique constraint holds the same vote already."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {_table(Vote)}
                (campaign_id, nomination_id, voter_id, day, ordinal, cast_at, address_hash, void_reason)
            VALUES (%s, %s, %s, %s, %s, %s, %s, '') ON CONFLICT DO NOTHING RETURNING id""",
            [
                vote.campaign_id, vote.nomination_id, vote.voter_id, _day(vote.day), vote.ordinal,
                connection.ops.adapt_datetimefield_value(vote.cast_at), vote.address_hash,
            ],
        )  # fmt: skip
        row = cursor.fetchone()
    if row is None:
        return False
    vote.pk = row[0]
    vote._state.adding = False
    return True


def _count(nomination: Nomination) -> None:
    """The candidate's tally moves in the vote's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(Nomination)} SET public_votes = public_votes + 1 WHERE id = %s", [nomination.pk]
        )


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

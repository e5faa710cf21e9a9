"""Who may do what in a campaign."""

from django.db.models import Q

from laurel.core.permissions import is_staff_member
from laurel.people.models import User
from laurel.people.roles import RoleKind


def can_manage_campaigns(user) -> bool:
    return is_staff_member(user)


def nominator_units(user) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return user.organizations_for(RoleKind.NOMINATOR)


def can_nominate_for(user, unit) -> bool:
    return unit is not None and unit.pk in nominator_units(user)


def can_nominate_self(user, campaign) -> bool:
    """Self-nomination, where the campaign allows it, by a signed-in user with a sci-tech worker profile."""
    from laurel.people.models import Person

    return (
        campaign.channel == campaign.Channel.ALSO_SELF
        and getattr(user, "is_authenticated", False)
        and Person.objects.filter(user=user).exists()
    )


def can_edit_nomination(user, nomination) -> bool:
    """The unit's nominators as of now, and for a self-nomination the account linked to the nominee. Never who
    created it: a nominator whose role is removed loses the unit's nominations, and whoever holds the role next
    takes them over (the nomination is the unit's)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_nominate_for(user, nomination.unit):
        return True
    return nomination.channel == nomination.Channel.SELF and nomination.person.user_id == user.pk


def nomination_editors(nomination):
    """The accounts `can_edit_nomination` lets in, for mail about the nomination."""
    editors = Q(roles__kind=RoleKind.NOMINATOR, roles__organization=nomination.unit_id)
    if nomination.channel == nomination.Channel.SELF and nomination.person.user_id is not None:
        editors |= Q(pk=nomination.person.user_id)
    return User.objects.filter(editors, is_active=True).distinct().order_by("pk")


def is_expert(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_role(RoleKind.EXPERT)


def can_view_nomination(user, nomination) -> bool:
    """Staff, the unit's nominators, and experts with an active assignment and no conflict."""
    if can_manage_campaigns(user) or can_edit_nomination(user, nomination):
        return True
    from laurel.honors.reviews import active_assignment

    return active_assignment(nomination, user) is not None


def has_verified_email(user) -> bool:
    """A signed-in account whose login address is confirmed (anyone may sign up; voting needs this)."""
    from allauth.account.models import EmailAddress

    return getattr(user, "is_authenticated", False) and (
        EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def is_vote_candidate(nomination) -> bool:
    """A nomination on the public vote's list: it passed the eligibility check, is still in the running, and its
    campaign is in the public vote (the nominee consented to publication when the nomination was submitted)."""
    campaign = nomination.campaign
    return (
        campaign.public_vote
        and campaign.stage == "public_vote"
        and nomination.status in (nomination.Status.ELIGIBLE, nomination.Status.SELECTED)
    )


DOCUMENTS = ("id_photo", "evidence", "unit_opinion", "integrity_certificate", "anonymized_evidence", "photo")
# What an expert of a blind campaign may open: the anonymized evidence only; the full documents name the nominee
# and the unit (the unit's opinion is on its letterhead, with its seal).
BLIND_DOCUMENTS = ("anonymized_evidence",)


def can_download(user, nomination, kind: str) -> bool:
    """Staff and the unit's nominators; an assigned expert without conflict, in blind review only the anonymized
    evidence;
    anyone for the ID photo of a published honoree (the results page shows it) or of a candidate during the
    public vote (the vote page shows it)."""
    if kind not in DOCUMENTS:
        return False
    if can_manage_campaigns(user) or can_edit_nomination(user, nomination):
        return True
    campaign = nomination.campaign
    if kind == "id_photo" and nomination.status == nomination.Status.SELECTED and campaign.stage == "published":
        return True
    if kind == "id_photo" and is_vote_candidate(nomination):
        return True
    from laurel.honors.reviews import active_assignment

    if active_assignment(nomination, user) is None:
        return False
    return kind in BLIND_DOCUMENTS if campaign.blind_review else True

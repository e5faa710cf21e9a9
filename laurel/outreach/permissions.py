"""Who may do what with lecture groups and talks."""

from laurel.core.permissions import is_staff_member
from laurel.people.roles import RoleKind


def can_manage_talks(user) -> bool:
    """Review, dispatch and close talks; see the reach dashboard."""
    return is_staff_member(user)


def is_lecturer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(RoleKind.LECTURER))


def can_answer_talk(user, talk) -> bool:
    """The dispatched speaker accepts or declines, and later reports: a lecturer linked to the membership, as long
    as the membership is current (a retired member's talks are the staff's)."""
    if not (is_lecturer(user) and talk.speaker_id is not None):
        return False
    return talk.speaker.user_id == user.pk and talk.speaker.retired_on is None


def can_claim_talks(user) -> bool:
    return is_lecturer(user) and user.memberships.filter(retired_on=None).exists()


def can_report_talk(user, talk) -> bool:
    return can_manage_talks(user) or can_answer_talk(user, talk)


def can_manage_groups(user) -> bool:
    """Create and edit lecture groups, add batches and members, retire members."""
    return is_staff_member(user)

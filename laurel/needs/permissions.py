"""Who may do what with technical needs."""

from laurel.core.permissions import is_staff_member
from laurel.people.roles import RoleKind


def can_manage_needs(user) -> bool:
    """Moderate needs, broker matches, validate volunteer service, read the reach figures."""
    return is_staff_member(user)


def is_expert(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(RoleKind.EXPERT))


def can_offer_help(user) -> bool:
    """Subscribe to fields and regions, offer help with a published need, record volunteer service."""
    return is_expert(user)


def is_matched_expert(user, need) -> bool:
    return is_expert(user) and need.expert_id == user.pk


def can_see_contact(user, need) -> bool:
    """The contact is private: staff and the expert introduced to the need see it, the public never."""
    return can_manage_needs(user) or is_matched_expert(user, need)

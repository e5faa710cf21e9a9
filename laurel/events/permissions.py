"""Who may run events and check attendees in."""

from laurel.core.permissions import is_staff_member


def can_manage_events(user) -> bool:
    return is_staff_member(user)


def can_check_in(user) -> bool:
    return is_staff_member(user)

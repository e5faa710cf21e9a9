"""Who may do what with consultations. Experts see only consultations they serve on (or are invited to)."""

from laurel.core.permissions import is_staff_member
from laurel.people.roles import RoleKind


def can_manage_consultations(user) -> bool:
    """Enter and accept consultations, form panels, run rounds, render and deliver reports."""
    return is_staff_member(user)


def is_expert(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(RoleKind.EXPERT))


def seat_for(user, consultation):
    """The user's seat on this panel while they are still an expert, else None."""
    if not is_expert(user):
        return None
    return consultation.seats.filter(user=user).exclude(status="declined").first()


def can_serve(user, consultation) -> bool:
    """Read the question and materials and rate: an expert who accepted the seat (and so took the pledge)."""
    seat = seat_for(user, consultation)
    return seat is not None and seat.status == "accepted"

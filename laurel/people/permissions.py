"""Who may see and change people and units."""

from laurel.core.permissions import is_staff_member


def can_manage_people(user) -> bool:
    return is_staff_member(user)


def can_view_person_details(user, person) -> bool:
    """Private details (date of birth, contact) are for staff and for the person themself."""
    if is_staff_member(user):
        return True
    return bool(getattr(user, "is_authenticated", False) and person.user_id == user.pk)

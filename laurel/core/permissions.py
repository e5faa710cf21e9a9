"""Plain predicates about who may do what. Every view and API endpoint asks one of these."""

from laurel.people.roles import RoleKind


def is_staff_member(user) -> bool:
    """Association staff (or a superuser) may run campaigns, read the audit log and import data."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.has_role(RoleKind.STAFF)


def can_read_audit_log(user) -> bool:
    return is_staff_member(user)


def can_manage_site(user) -> bool:
    """The association's identity (name, seal, filing numbers) is staff's to set."""
    return is_staff_member(user)

"""Who may write news and moderate comments."""

from laurel.core.permissions import is_staff_member


def can_manage_news(user) -> bool:
    return is_staff_member(user)


def can_moderate_comments(user) -> bool:
    return is_staff_member(user)

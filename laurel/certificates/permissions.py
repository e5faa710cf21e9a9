"""Who may do what with certificates. Verification is public."""

from laurel.core.permissions import is_staff_member


def can_manage_certificates(user) -> bool:
    return is_staff_member(user)


def can_edit_templates(user) -> bool:
    """Templates (wording, layout, seal) print on every certificate issued with them: the same staff who issue."""
    return can_manage_certificates(user)


def can_download_certificate(user, certificate) -> bool:
    """Staff, and the recipient whose person record is linked to this user."""
    if is_staff_member(user):
        return True
    return bool(getattr(user, "is_authenticated", False) and certificate.recipient.user_id == user.pk)


def can_take_to_wallet(user, certificate) -> bool:
    """Only the honoree, for a valid certificate: the wallet binds it to the key of whoever picks it up, so staff
    must not take someone else's."""
    return bool(
        getattr(user, "is_authenticated", False)
        and certificate.recipient.user_id == user.pk
        and certificate.status == certificate.Status.VALID
    )

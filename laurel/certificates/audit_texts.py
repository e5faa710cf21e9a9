"""The certificates' audit entries as sentences (read by `laurel.core.audit_texts`)."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "certificates.batch.finished": _("%(actor)s: the batch “%(object)s” finished."),
    "certificates.batch.started": _("%(actor)s started the batch “%(object)s”."),
    "certificates.certificate.issued": _("%(actor)s issued the certificate %(object)s."),
    "certificates.certificate.revoked": _("%(actor)s revoked the certificate %(object)s."),
    "certificates.certificate.superseded": _("%(actor)s corrected the certificate %(object)s (a new one replaces it)."),
    "certificates.credential.issued_by_api": _("%(actor)s issued a credential through the API."),
    "certificates.credential.revoked_by_api": _("%(actor)s revoked a credential through the API: %(object)s."),
    "certificates.batch.downloaded": _("%(actor)s downloaded the batch “%(object)s” as a ZIP."),
    "certificates.wallet.offered": _("%(actor)s asked for a QR code to add the certificate %(object)s to a wallet."),
    "certificates.wallet.picked_up": _("A wallet picked up the certificate %(object)s."),
    "certificates.wallet.locked": _(
        "A wallet offer of the certificate %(object)s was locked after too many wrong PINs."
    ),
    "certificates.template.created": _("%(actor)s created the certificate template “%(object)s”."),
    "certificates.template.changed": _("%(actor)s changed the certificate template “%(object)s”."),
    "certificates.signing_key.rotated": _("%(actor)s replaced the signing key."),
}

"""Mail to the honoree when their certificate is issued, in their language, with the PDF and the verification
link. Takes a primary key (safe for tasks)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from laurel.certificates import badges, services
from laurel.certificates.models import Certificate


def recipient_address(certificate: Certificate) -> tuple[str, str]:
    """(email, language): the account's when the person has one, else the person's own address in the site's
    language; ("", "") when there is no address."""
    person = certificate.recipient
    user = person.user
    if user is not None and user.email:
        return user.email, user.language or settings.LANGUAGE_CODE
    return person.email, settings.LANGUAGE_CODE


def send_issued(pk: int) -> bool:
    """Mail the certificate to its honoree; False when they have no address (nothing is sent)."""
    certificate = Certificate.objects.select_related("recipient__user", "template").get(pk=pk)
    if certificate.status != Certificate.Status.VALID:
        return False  # revoked or replaced before the mail went out
    to, language = recipient_address(certificate)
    if not to:
        return False
    context = {
        "certificate": certificate,
        "name": certificate.recipient_name_en if language == "en" and certificate.recipient_name_en else None,
        "verify_url": badges.site_url(certificate.get_absolute_url()),
        "english": language == "en",
    }
    with translation.override(language):
        subject = render_to_string("certificates/mail/issued_subject.txt", context).strip()
        body = render_to_string("certificates/mail/issued.txt", context)
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    message.attach(f"{certificate.number}.pdf", services.pdf_bytes(certificate), "application/pdf")
    message.send()
    return True

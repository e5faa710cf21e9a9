"""Mail to asking bodies and experts, in the recipient's language. Functions take primary keys (safe for tasks)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from laurel.consultations.models import Consultation, Round, Seat


def _site(path: str) -> str:
    return settings.SITE_URL + path


def _send(*, to: str, subject, body_template: str, context: dict, language: str) -> None:
    with translation.override(language):
        subject_text = subject() if callable(subject) else str(subject)
        body = render_to_string(body_template, context)
    EmailMessage(subject=subject_text, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()


def _body_language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def send_verification(pk: int) -> None:
    consultation = Consultation.objects.get(pk=pk)
    _send(
        to=consultation.contact_email,
        subject=lambda: _("Confirm your consultation request %(code)s") % {"code": consultation.code},
        body_template="consultations/mail/verify.txt",
        context={
            "consultation": consultation,
            "verify_url": _site(reverse("consultations:verify", kwargs={"token": consultation.verify_token})),
            "follow_url": _site(consultation.get_follow_url()),
        },
        language=_body_language(),
    )


def send_status(pk: int, *, reason: str = "") -> None:
    consultation = Consultation.objects.get(pk=pk)
    _send(
        to=consultation.contact_email,
        subject=lambda: (
            _("Consultation %(code)s: %(status)s")
            % {"code": consultation.code, "status": consultation.get_status_display()}
        ),
        body_template="consultations/mail/status.txt",
        context={"consultation": consultation, "reason": reason, "follow_url": _site(consultation.get_follow_url())},
        language=settings.LANGUAGE_CODE,
    )


def send_delivered(pk: int) -> None:
    consultation = Consultation.objects.get(pk=pk)
    _send(
        to=consultation.contact_email,
        subject=lambda: _("The report of consultation %(code)s") % {"code": consultation.code},
        body_template="consultations/mail/delivered.txt",
        context={"consultation": consultation, "follow_url": _site(consultation.get_follow_url())},
        language=settings.LANGUAGE_CODE,
    )


def send_invitation(pk: int) -> None:
    seat = Seat.objects.select_related("consultation", "user").get(pk=pk)
    _send(
        to=seat.user.email,
        subject=lambda: _("Invitation to the expert panel of a consultation"),
        body_template="consultations/mail/invitation.txt",
        context={"seat": seat, "serve_url": _site(seat.get_absolute_url())},
        language=seat.user.language,
    )


def _serving(delphi_round: Round):
    return delphi_round.consultation.seats.filter(status=Seat.Status.ACCEPTED).select_related("user")


def send_round_opened(pk: int) -> None:
    delphi_round = Round.objects.select_related("consultation").get(pk=pk)
    for seat in _serving(delphi_round):
        send_round_mail(delphi_round, seat, reminder=False)


def send_round_mail(delphi_round: Round, seat: Seat, *, reminder: bool) -> None:
    _send(
        to=seat.user.email,
        subject=(lambda: _("Reminder: round %(number)d closes soon") % {"number": delphi_round.number})
        if reminder
        else (lambda: _("Round %(number)d of a consultation is open") % {"number": delphi_round.number}),
        body_template="consultations/mail/round.txt",
        context={
            "round": delphi_round,
            "reminder": reminder,
            "serve_url": _site(seat.get_absolute_url()),
        },
        language=seat.user.language,
    )

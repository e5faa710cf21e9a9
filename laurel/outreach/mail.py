"""Mail to hosts and speakers, in the recipient's language. Functions take primary keys (safe for tasks)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from laurel.core import identity
from laurel.outreach.models import Talk


def _site(path: str) -> str:
    return settings.SITE_URL + path


def _send(*, to: str, subject_template: str, body_template: str, context: dict, language: str, attachments=()):
    with translation.override(language):
        subject = identity.mail_subject(render_to_string(subject_template, context).strip())
        body = render_to_string(body_template, context)
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    for attachment in attachments:
        message.attach(*attachment)
    message.send()


def _talk(pk: int) -> Talk:
    return Talk.objects.select_related("speaker__person", "speaker__user", "topic", "district").get(pk=pk)


def send_verification(pk: int) -> None:
    talk = _talk(pk)
    context = {
        "talk": talk,
        "verify_url": _site(reverse("outreach:verify", kwargs={"token": talk.verify_token})),
        "follow_url": _site(talk.get_follow_url()),
    }
    _send(
        to=talk.contact_email,
        subject_template="outreach/mail/verify_subject.txt",
        body_template="outreach/mail/verify.txt",
        context=context,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )


def _speaker_email(talk: Talk) -> tuple[str, str]:
    user = talk.speaker.user if talk.speaker else None
    if user is not None:
        return user.email, user.language
    return (talk.speaker.person.email if talk.speaker else ""), settings.LANGUAGE_CODE


def send_dispatched(pk: int) -> None:
    talk = _talk(pk)
    email, language = _speaker_email(talk)
    if not email:
        return
    context = {"talk": talk, "desk_url": _site(reverse("core:dashboard"))}
    _send(
        to=email,
        subject_template="outreach/mail/dispatched_subject.txt",
        body_template="outreach/mail/dispatched.txt",
        context=context,
        language=language,
    )


def send_confirmed(pk: int) -> None:
    from laurel.outreach.calendar import talk_ics

    talk = _talk(pk)
    ics = ("talk.ics", talk_ics(talk), "text/calendar")
    context = {"talk": talk, "follow_url": _site(talk.get_follow_url())}
    email, language = _speaker_email(talk)
    recipients = [(talk.contact_email, settings.LANGUAGE_CODE)] + ([(email, language)] if email else [])
    for address, recipient_language in recipients:
        _send(
            to=address,
            subject_template="outreach/mail/confirmed_subject.txt",
            body_template="outreach/mail/confirmed.txt",
            context=context,
            language=recipient_language,
            attachments=[ics],
        )


def send_reminder(pk: int, kind: str) -> None:
    talk = _talk(pk)
    context = {"talk": talk, "kind": kind, "follow_url": _site(talk.get_follow_url())}
    email, language = _speaker_email(talk)
    recipients = [(talk.contact_email, settings.LANGUAGE_CODE)] + ([(email, language)] if email else [])
    for address, recipient_language in recipients:
        _send(
            to=address,
            subject_template="outreach/mail/reminder_subject.txt",
            body_template="outreach/mail/reminder.txt",
            context=context,
            language=recipient_language,
        )


def send_expired(pk: int) -> None:
    talk = _talk(pk)
    context = {"talk": talk, "request_url": _site(reverse("outreach:request"))}
    _send(
        to=talk.contact_email,
        subject_template="outreach/mail/expired_subject.txt",
        body_template="outreach/mail/expired.txt",
        context=context,
        language=settings.LANGUAGE_CODE,
    )

"""Mail to posters and experts, in the recipient's language. Functions take primary keys (safe for tasks)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from laurel.needs.models import Need, Subscription


def _site(path: str) -> str:
    return settings.SITE_URL + path


def _send(*, to: str, template: str, context: dict, language: str) -> None:
    with translation.override(language):
        subject = render_to_string(f"needs/mail/{template}_subject.txt", context).strip()
        body = render_to_string(f"needs/mail/{template}.txt", context)
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()


def _need(pk: int) -> Need:
    return Need.objects.select_related("region", "expert").get(pk=pk)


def send_verification(pk: int) -> None:
    """The poster has no account: the language is the one they posted in."""
    need = _need(pk)
    context = {
        "need": need,
        "verify_url": _site(reverse("needs:verify", kwargs={"token": need.verify_token})),
        "follow_url": _site(need.get_follow_url()),
    }
    _send(
        to=need.contact_email,
        template="verify",
        context=context,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )


def subscribers(need: Need) -> list[Subscription]:
    """Available experts who asked for mail and follow the need's field and region (no region: the whole city).
    The field list is JSON, which SQLite cannot search inside, so the field is checked here."""
    candidates = (
        Subscription.objects.filter(notify=True, is_available=True, user__is_active=True)
        .select_related("user")
        .prefetch_related("regions")
    )
    chosen = []
    for subscription in candidates:
        regions = {region.pk for region in subscription.regions.all()}
        if need.field in subscription.fields and (not regions or need.region_id in regions):
            chosen.append(subscription)
    return chosen


def notify_subscribers(pk: int) -> int:
    need = _need(pk)
    sent = 0
    for subscription in subscribers(need):
        user = subscription.user
        context = {
            "need": need,
            "need_url": _site(need.get_absolute_url()),
            "region": need.region.display_name(user.language),
        }
        _send(to=user.email, template="new_need", context=context, language=user.language)
        sent += 1
    return sent


def send_introduction(pk: int) -> None:
    """One mail to the poster (in the language they posted in) and one to the expert (in theirs)."""
    need = _need(pk)
    expert = need.expert
    person = getattr(expert, "person", None)
    context = {
        "need": need,
        "expert": expert,
        "person": person,
        "follow_url": _site(need.get_follow_url()),
        "need_url": _site(need.get_absolute_url()),
    }
    _send(to=need.contact_email, template="introduction_poster", context=context, language=need.language)
    _send(to=expert.email, template="introduction_expert", context=context, language=expert.language)


def send_expired(pk: int) -> None:
    """The need left the board at its deadline; the poster is told in the language they posted in."""
    need = _need(pk)
    context = {
        "need": need,
        "follow_url": _site(need.get_follow_url()),
        "post_url": _site(reverse("needs:post")),
    }
    _send(to=need.contact_email, template="expired", context=context, language=need.language)

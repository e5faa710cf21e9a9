"""Demo certificates: templates, the 2023 campaign's honor certificates and the lecture group's first-batch
appointment letters (issued as batches, run to completion here), a few more certificates with one revoked,
and an honoree account (honoree@laurel.demo) linked to a 2023 honoree so the desk shows a real certificate, with
the button that shows the QR code a wallet scans to pick it up (`wallet.py`). Every award gets its badge image.
Each batch is dated as the association would print it: the award ceremony's day, the batch's announcement."""

import datetime

from django.utils import timezone

from laurel.certificates import handoffs, services
from laurel.certificates.models import Border, Certificate, CertificateTemplate, IssuanceBatch, Kind
from laurel.events.models import Event
from laurel.honors.models import Campaign, Stage
from laurel.honors.publication import published_honorees
from laurel.outreach.models import Batch
from laurel.people.demo import Login, demo_user
from laurel.people.models import Person, User

BATCH_KEY = "2026-最美科技工作者"
ASSOCIATION = {
    "association_name": "云州市科学技术协会",
    "association_name_en": "Yunzhou Association for Science and Technology",
    "signatory": "云州市科学技术协会",
}


EXPIRED_BATCH_KEY = "demo-2025-term"


# As a city's certificate looks on stage: the red and gold border, the spaced-out title, serif body text. The
# templates have no seal of their own: they print the association's (core's demo draws it), so every one shows it.
CEREMONY_LAYOUT = {
    "border": Border.CEREMONY,
    "margin_mm": 12,
    "heading_size": 48,
    "heading_tracking": 60,
    "body_size": 17,
}


def _templates() -> tuple[CertificateTemplate, CertificateTemplate]:
    honor, _created = CertificateTemplate.objects.update_or_create(
        kind=Kind.HONOR,
        name="最美科技工作者荣誉证书",
        defaults={
            "heading": "荣誉证书", "heading_en": "Certificate of Honor", **ASSOCIATION, **CEREMONY_LAYOUT,
            "occasion": "云州市“最美科技工作者”学习宣传活动",
            "occasion_en": "Yunzhou's Most Beautiful Sci-tech Worker campaign",
        },
    )  # fmt: skip
    appointment, _created = CertificateTemplate.objects.update_or_create(
        kind=Kind.APPOINTMENT,
        name="宣讲团聘书",
        defaults={
            "heading": "聘书", "heading_en": "Letter of Appointment", **ASSOCIATION, **CEREMONY_LAYOUT,
            "heading_tracking": 100,  # two characters: a wide gap, as printed
        },
    )  # fmt: skip
    return honor, appointment


def _link_honoree(campaign: Campaign | None, fallback: list[Person]) -> None:
    """Link honoree@laurel.demo to the first 2023 honoree without an account (else to the first demo person)."""
    user = demo_user("honoree@laurel.demo", "获评者 Honoree")
    if Person.objects.filter(user=user).exists():
        return
    candidates = [nomination.person for nomination in published_honorees(campaign)] if campaign else []
    person = next((person for person in candidates + fallback if person.user_id is None), None)
    if person is not None:
        Person.objects.filter(pk=person.pk).update(user=user)


def _ceremony_date(campaign: Campaign) -> datetime.date | None:
    """The day of the campaign's award ceremony (events' demo links it), else the day its results were published."""
    ceremony = Event.objects.filter(campaign=campaign, kind=Event.Kind.AWARD_CEREMONY).order_by("start_at").first()
    moment = ceremony.start_at if ceremony is not None else campaign.published_at
    return timezone.localdate(moment) if moment is not None else None


def _run(batch_key: str, start) -> None:
    """Start the batch unless it was issued before, then run it to completion here (not in a worker)."""
    if IssuanceBatch.objects.filter(batch_key=batch_key).exists():
        return
    services.run_batch(start().pk)


def seed(*, stdout) -> list[Login]:
    honor, appointment = _templates()
    staff = User.objects.filter(email="staff@laurel.demo").first()
    people = list(Person.objects.order_by("code")[:4])
    campaign = Campaign.objects.filter(edition=2023, stage=Stage.PUBLISHED).order_by("pk").first()
    _link_honoree(campaign, people)
    if staff is not None and campaign is not None:
        _run(
            handoffs.campaign_batch_key(campaign),
            lambda: handoffs.issue_campaign_certificates(
                campaign, template=honor, actor=staff, issued_on=_ceremony_date(campaign)
            ),
        )
    first_batch = Batch.objects.filter(number=1).select_related("group").order_by("group", "pk").first()
    if staff is not None and first_batch is not None and first_batch.memberships.active().exists():
        _run(
            handoffs.lecture_batch_key(first_batch),
            lambda: handoffs.issue_appointment_letters(
                first_batch, template=appointment, actor=staff, issued_on=first_batch.announced_on
            ),
        )
    for person in people:
        if not Certificate.objects.current().filter(recipient=person, batch_key=BATCH_KEY).exists():
            services.issue_one(
                template=honor,
                recipient=person,
                title="云州市最美科技工作者",
                title_en="Most Beautiful Sci-tech Worker of Yunzhou",
                citation="扎根一线，潜心科研，热心科普，展现了新时代科技工作者的风采。",
                citation_en="For devoted front-line research and science outreach.",
                batch_key=BATCH_KEY,
                issued_on=datetime.date(2026, 5, 30),
                actor=staff,
            )
    last = Certificate.objects.current().filter(batch_key=BATCH_KEY).order_by("-recipient__code").first()
    if last and len(people) > 1 and last.status == Certificate.Status.VALID:
        services.revoke(last, reason="演示：推荐材料不实", actor=staff)
    # A term that has ended: its page, /credentials/verify and any verifier say "expired".
    if people and not Certificate.objects.filter(batch_key=EXPIRED_BATCH_KEY).exists():
        services.issue_one(
            template=appointment,
            recipient=people[0],
            title="云州市科普讲解员（2025年度）",
            title_en="Yunzhou Science Communicator (2025)",
            batch_key=EXPIRED_BATCH_KEY,
            issued_on=datetime.date(2025, 5, 30),
            valid_until=datetime.date(2026, 5, 30),
            actor=staff,
        )
    stdout.write(f"certificates: {Certificate.objects.count()} certificates")
    return [
        Login(
            "honoree",
            "honoree@laurel.demo",
            "downloads own 2023 honor certificate from the desk; “Add to a wallet” shows its QR code and PIN",
        )
    ]

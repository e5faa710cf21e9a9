"""Hand-offs into certificates: a published campaign's honor certificates, a lecture-group batch's appointment
letters, a year's volunteer service certificates (technical needs) and a concluded consultation's service
certificates, each issued as one background batch
through `services.start_batch`."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override

from laurel.certificates import services
from laurel.certificates.models import Certificate, CertificateTemplate, IssuanceBatch, Kind
from laurel.consultations.models import Consultation, Seat
from laurel.honors.models import Campaign, Stage
from laurel.honors.publication import published_honorees
from laurel.needs.queries import volunteers
from laurel.outreach.models import Batch, Membership
from laurel.people.models import Person


def campaign_batch_key(campaign: Campaign) -> str:
    return f"campaign:{campaign.pk}"


def issued_for_campaign(campaign: Campaign) -> int:
    """How many valid honor certificates a campaign's honorees hold (honors' texts page warns about them)."""
    return Certificate.objects.filter(
        batch_key=campaign_batch_key(campaign), kind=Kind.HONOR, status=Certificate.Status.VALID
    ).count()


def lecture_batch_key(batch: Batch) -> str:
    return f"lecture-batch:{batch.pk}"


def volunteer_key(year: int) -> str:
    return f"needs-volunteer:{year}"


def volunteer_recipients(year: int) -> list[services.Recipient]:
    """One recipient per expert with validated volunteer service (科技志愿服务) in `year` and a sci-tech worker
    record (a certificate names a person); the citation gives their hours and the people reached."""
    totals = {row["user"]: row for row in volunteers(year)}
    persons = Person.objects.filter(user_id__in=totals).order_by("name", "pk")
    recipients = []
    for person in persons:
        row = totals[person.user_id]
        hours = f"{row['hours']:g}"
        recipients.append(
            services.Recipient(
                person=person,
                title=f"{year}年度科技志愿服务证书",
                title_en=f"Science and technology volunteer service, {year}",
                citation=f"{year}年度开展科技志愿服务{row['records']}次，累计{hours}小时，服务{row['people']}人次。",
                citation_en=(
                    f"In {year}, {row['records']} volunteer services, {hours} hours in all, "
                    f"reaching {row['people']} people."
                ),
            )
        )
    return recipients


def issue_service_certificates(
    year: int, *, template: CertificateTemplate, actor, issued_on: datetime.date | None = None
) -> IssuanceBatch:
    """Issue the volunteer service certificates of a year in one background batch (once per expert and year)."""
    if issued_on is not None and issued_on.year < year:
        raise ValidationError(
            {"issued_on": _("Service certificates for %(year)d cannot be dated before %(year)d.") % {"year": year}},
            code="too_early",
        )
    _check_template(template, Kind.SERVICE)
    recipients = volunteer_recipients(year)
    if not recipients:
        raise ValidationError(_("No expert has validated volunteer service in this year."), code="no_service")
    key = volunteer_key(year)
    _refuse_second_issue(key, Kind.SERVICE, recipients, _("The service certificates of this year are already issued."))
    return services.start_batch(
        template=template, recipients=recipients, batch_key=key, title=recipients[0].title, actor=actor,
        issued_on=issued_on,
    )  # fmt: skip


def campaign_recipients(campaign: Campaign) -> list[services.Recipient]:
    """One recipient per published honoree, in the published order, with the honoree's own citation; the
    English title and citation are the campaign's English name and the nomination's English citation."""
    return [
        services.Recipient(
            person=nomination.person,
            title=campaign.name,
            title_en=campaign.name_en,
            citation=nomination.citation,
            citation_en=nomination.citation_en,
            source=nomination,
        )
        for nomination in published_honorees(campaign)
    ]


def _member_title(batch: Batch, language: str) -> str:
    with override(language):
        if language == "en":
            return f"{batch.group.name_en or batch.group.name} member, batch {batch.number}"
        return f"{batch.group.name}第{batch.number}批成员"


def _member_citation(membership: Membership, batch: Batch, language: str) -> str:
    """The appointment letter's text: the appointee, the role and the term (聘期), as such letters word them."""
    person = membership.person
    with override(language):
        role = str(Membership.Role(membership.role).label)
        if language == "en":
            start = membership.term_start.strftime("%d %B %Y").lstrip("0")
            group = batch.group.name_en or batch.group.name
            name = person.name_en or person.name
            if membership.term_end:
                end = membership.term_end.strftime("%d %B %Y").lstrip("0")
                return f"{name} is appointed {role.lower()} of {group} for the term from {start} to {end}."
            return f"{name} is appointed {role.lower()} of {group} from {start}."
        start = formats.date_format(membership.term_start, "Y年n月j日")
        if membership.term_end:
            end = formats.date_format(membership.term_end, "Y年n月j日")
            return f"兹聘请{person.name}同志为{batch.group.name}{role}，聘期自{start}至{end}。"
        return f"兹聘请{person.name}同志为{batch.group.name}{role}，聘期自{start}起。"


def lecture_batch_recipients(batch: Batch) -> list[services.Recipient]:
    """One recipient per member of the batch who has not retired, with their role in the citation."""
    memberships = batch.memberships.active().select_related("person").order_by("role", "person__name", "pk")
    return [
        services.Recipient(
            person=membership.person,
            title=_member_title(batch, "zh-hans"),
            title_en=_member_title(batch, "en"),
            citation=_member_citation(membership, batch, "zh-hans"),
            citation_en=_member_citation(membership, batch, "en"),
            source=membership,
            valid_until=membership.term_end,  # the letter is in force for the term
        )
        for membership in memberships
    ]


def _refuse_second_issue(batch_key: str, kind: str, recipients: list[services.Recipient], message: str) -> None:
    """Refused while a batch for the same key is still running, or once every recipient holds one."""
    if IssuanceBatch.objects.filter(
        batch_key=batch_key, status__in=[IssuanceBatch.Status.PENDING, IssuanceBatch.Status.RUNNING]
    ).exists():
        raise ValidationError(message, code="already_issued")
    holders = set(
        Certificate.objects.current().filter(batch_key=batch_key, kind=kind).values_list("recipient_id", flat=True)
    )
    if recipients and all(recipient.person.pk in holders for recipient in recipients):
        raise ValidationError(message, code="already_issued")


def _check_template(template: CertificateTemplate, kind: str) -> None:
    if template.kind != kind:
        raise ValidationError(_("Choose a template for %(kind)s.") % {"kind": Kind(kind).label}, code="wrong_template")


def issue_campaign_certificates(
    campaign: Campaign, *, template: CertificateTemplate, actor, issued_on: datetime.date | None = None
) -> IssuanceBatch:
    """Issue the honor certificates of a published campaign's honorees in one background batch, dated
    `issued_on` (e.g. the ceremony's date; today if not given). Honorees who already hold one (the unique
    constraint on person, kind and key) are skipped with a reason."""
    if campaign.stage != Stage.PUBLISHED:
        raise ValidationError(
            _("Honor certificates can be issued only after the campaign's results are published."),
            code="not_published",
        )
    if issued_on is not None and issued_on.year < campaign.edition:
        raise ValidationError(
            {
                "issued_on": _("The honor certificates of the %(edition)d campaign cannot be dated before %(edition)d.")
                % {"edition": campaign.edition}
            },
            code="too_early",
        )
    _check_template(template, Kind.HONOR)
    recipients = campaign_recipients(campaign)
    if not recipients:
        raise ValidationError(_("This campaign has no published honorees."), code="no_honorees")
    key = campaign_batch_key(campaign)
    _refuse_second_issue(key, Kind.HONOR, recipients, _("The honor certificates of this campaign are already issued."))
    return services.start_batch(
        template=template, recipients=recipients, batch_key=key, title=campaign.name, actor=actor, issued_on=issued_on
    )


def issue_appointment_letters(
    batch: Batch, *, template: CertificateTemplate, actor, issued_on: datetime.date | None = None
) -> IssuanceBatch:
    """Issue the appointment letters of every current member of a lecture-group batch in one background batch,
    dated `issued_on` (today if not given)."""
    if issued_on is not None and issued_on < batch.announced_on:
        raise ValidationError(
            {
                "issued_on": _("The appointment letters cannot be dated before the batch was announced (%(date)s).")
                % {"date": batch.announced_on.isoformat()}
            },
            code="too_early",
        )
    _check_template(template, Kind.APPOINTMENT)
    recipients = lecture_batch_recipients(batch)
    if not recipients:
        raise ValidationError(_("This batch has no current members."), code="no_members")
    key = lecture_batch_key(batch)
    _refuse_second_issue(
        key, Kind.APPOINTMENT, recipients, _("The appointment letters of this batch are already issued.")
    )
    return services.start_batch(
        template=template,
        recipients=recipients,
        batch_key=key,
        title=_member_title(batch, "zh-hans"),
        actor=actor,
        issued_on=issued_on,
    )


CONSULTATION_DONE = (Consultation.Status.CONCLUDED, Consultation.Status.DELIVERED, Consultation.Status.RESPONDED)


def consultation_batch_key(consultation: Consultation) -> str:
    return f"consultation:{consultation.pk}"


def _service_title(language: str) -> str:
    return "Consultation expert panel service" if language == "en" else "决策咨询专家服务"


def _service_citation(consultation: Consultation, rounds: int, language: str) -> str:
    # The title of an internal consultation stays off a certificate anyone can verify: only the asking body.
    body = consultation.asking_body
    if language == "en":
        subject = f"“{consultation.title}”" if consultation.is_public else "a consultation"
        return f"Served on the expert panel of {subject} for {body.name_en or body.name} ({rounds} Delphi rounds)."
    subject = f"“{consultation.title}”" if consultation.is_public else "决策咨询课题"
    return f"参加{body.name}委托的{subject}专家组，完成{rounds}轮德尔菲咨询。"


def consultation_recipients(consultation: Consultation) -> list[services.Recipient]:
    """One recipient per expert who served (accepted the seat) on a concluded consultation."""
    rounds = consultation.rounds.count()
    seats = consultation.seats.filter(status=Seat.Status.ACCEPTED).select_related("person").order_by("pk")
    return [
        services.Recipient(
            person=seat.person,
            title=_service_title("zh-hans"),
            title_en=_service_title("en"),
            citation=_service_citation(consultation, rounds, "zh-hans"),
            citation_en=_service_citation(consultation, rounds, "en"),
            source=seat,
        )
        for seat in seats
    ]


def issue_consultation_certificates(
    consultation: Consultation, *, template: CertificateTemplate, actor, issued_on: datetime.date | None = None
) -> IssuanceBatch:
    """Issue the service certificates of a concluded consultation's panel in one background batch."""
    if consultation.status not in CONSULTATION_DONE:
        raise ValidationError(
            _("Service certificates can be issued once the consultation's rounds have concluded."), code="not_done"
        )
    _check_template(template, Kind.SERVICE)
    recipients = consultation_recipients(consultation)
    if not recipients:
        raise ValidationError(_("Nobody served on this consultation's panel."), code="no_panel")
    key = consultation_batch_key(consultation)
    _refuse_second_issue(
        key, Kind.SERVICE, recipients, _("The service certificates of this consultation are already issued.")
    )
    return services.start_batch(
        template=template,
        recipients=recipients,
        batch_key=key,
        title=f"{_service_title('zh-hans')} · {consultation.code}",
        actor=actor,
        issued_on=issued_on,
    )

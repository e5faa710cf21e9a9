"""Hand-offs into certificates: a published campaign's honor certificates and a lecture-group batch's
appointment letters, each issued as one background batch through `services.start_batch`."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override

from laurel.certificates import services
from laurel.certificates.models import Certificate, CertificateTemplate, IssuanceBatch, Kind
from laurel.honors.models import Campaign, Stage
from laurel.honors.publication import published_honorees
from laurel.outreach.models import Batch, Membership


def campaign_batch_key(campaign: Campaign) -> str:
    return f"campaign:{campaign.pk}"


def issued_for_campaign(campaign: Campaign) -> int:
    """How many valid honor certificates a campaign's honorees hold (honors' texts page warns about them)."""
    return Certificate.objects.filter(
        batch_key=campaign_batch_key(campaign), kind=Kind.HONOR, status=Certificate.Status.VALID
    ).count()


def lecture_batch_key(batch: Batch) -> str:
    return f"lecture-batch:{batch.pk}"


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

"""Every write about certificates: issue, correct, revoke, and batches run as background tasks."""

import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from laurel.certificates import badges, pdf
from laurel.certificates.models import BatchEntry, Certificate, IssuanceBatch, StatusList
from laurel.core.codes import make_token
from laurel.core.services import log_action
from laurel.people.models import Person


class InvalidTransition(ValidationError):
    pass


# The allowed moves of a certificate's status.
TRANSITIONS = {
    Certificate.Status.VALID: {Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED},
    Certificate.Status.REVOKED: set(),
    Certificate.Status.SUPERSEDED: set(),
}
KIND_PREFIX = {"honor": "H", "appointment": "A", "participation": "P"}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def credential_bytes(certificate: Certificate) -> bytes:
    return json.dumps(certificate.credential, ensure_ascii=False, indent=2).encode()


def pdf_data(certificate: Certificate) -> dict:
    with override("zh-hans"):
        date = formats.date_format(certificate.issued_on, "Y年n月j日")
    return {
        "name": certificate.recipient_name,
        "name_en": certificate.recipient_name_en,
        "title": certificate.title,
        "title_en": certificate.title_en,
        "citation": certificate.citation,
        "citation_en": certificate.citation_en,
        "number": certificate.number,
        "date": date,
        "date_en": certificate.issued_on.strftime("%d %B %Y"),
        "url": badges.site_url(reverse("certificates:verify", kwargs={"token": certificate.token})),
    }


def _next_number(kind: str, year: int, index: int) -> str:
    return f"{KIND_PREFIX[kind]}{year}{index:06d}"


def issue_one(
    *,
    template,
    recipient,
    title: str,
    batch_key: str,
    actor,
    citation: str = "",
    title_en: str = "",
    citation_en: str = "",
    issued_on=None,
    valid_until=None,
    supersedes: Certificate | None = None,
    source=None,
) -> Certificate:
    """Issue one certificate (PDF + signed credential). Refused if this person already holds a current
    certificate of this kind for this batch."""
    issued_on = issued_on or timezone.localdate()
    if Certificate.objects.current().filter(recipient=recipient, kind=template.kind, batch_key=batch_key).exists():
        raise ValidationError(
            _("%(name)s already holds a certificate for %(batch)s.") % {"name": recipient.name, "batch": batch_key}
        )
    with transaction.atomic():
        index = (Certificate.objects.aggregate(top=Max("status_index"))["top"] or 0) + 1
        certificate = Certificate(
            number=_next_number(template.kind, issued_on.year, index),
            token=make_token(),
            template=template,
            kind=template.kind,
            recipient=recipient,
            recipient_name=recipient.name,
            recipient_name_en=recipient.name_en,
            title=title,
            title_en=title_en,
            citation=citation,
            citation_en=citation_en,
            issued_on=issued_on,
            valid_until=valid_until,
            supersedes=supersedes,
            batch_key=batch_key,
            status_index=index,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if source is not None:
            from django.contrib.contenttypes.models import ContentType

            certificate.source_type = ContentType.objects.get_for_model(source)
            certificate.source_id = str(source.pk)
        certificate.credential = badges.sign(badges.build_credential(certificate))
        document = credential_bytes(certificate)
        certificate.credential_sha256 = _sha256(document)
        rendered = pdf.render(template=template, data=pdf_data(certificate), credential=document)
        certificate.pdf_sha256 = _sha256(rendered)
        certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(rendered), save=False)
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError as error:
            certificate.pdf.delete(save=False)
            raise ValidationError(
                _("%(name)s already holds a certificate for %(batch)s.") % {"name": recipient.name, "batch": batch_key}
            ) from error
        log_action(
            "certificates.certificate.issued",
            actor=actor,
            obj=certificate,
            data={"number": certificate.number, "batch_key": batch_key, "supersedes": supersedes and supersedes.number},
        )
    return certificate


def _transition(certificate: Certificate, new: str, **fields) -> None:
    old = certificate.status
    if new not in TRANSITIONS[old]:
        raise InvalidTransition(
            _("A %(old)s certificate cannot become %(new)s.")
            % {"old": certificate.get_status_display(), "new": Certificate.Status(new).label}
        )
    now = timezone.now()
    updated = Certificate.objects.filter(pk=certificate.pk, status=old).update(
        status=new, status_changed_at=now, **fields
    )
    if updated != 1:
        raise InvalidTransition(_("Someone else changed this certificate first. Reload the page."))
    certificate.status, certificate.status_changed_at = new, now
    for name, value in fields.items():
        setattr(certificate, name, value)


def revoke(certificate: Certificate, *, reason: str, actor) -> Certificate:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the revocation."))
    with transaction.atomic():
        _transition(certificate, Certificate.Status.REVOKED, revocation_reason=reason[:500])
        refresh_status_list()
        log_action("certificates.certificate.revoked", actor=actor, obj=certificate, data={"reason": reason})
    return certificate


def correct_certificate(certificate: Certificate, *, actor, reason: str, **changes) -> Certificate:
    """Supersede `certificate` with a new one carrying `changes` (title, citation...) and the person's
    current name. The old certificate is never changed in place."""
    allowed = {"title", "title_en", "citation", "citation_en", "valid_until"}
    if set(changes) - allowed:
        raise ValueError(f"cannot change {set(changes) - allowed}")
    fields = {name: getattr(certificate, name) for name in allowed} | changes
    # Checked before the old certificate is superseded: a refused correction leaves it valid.
    _check_correction(reason=reason, fields=fields)
    before = certificate.status, certificate.status_changed_at
    try:
        with transaction.atomic():
            _transition(certificate, Certificate.Status.SUPERSEDED)
            new = issue_one(
                template=certificate.template,
                recipient=certificate.recipient,
                batch_key=certificate.batch_key,
                actor=actor,
                supersedes=certificate,
                issued_on=timezone.localdate(),
                **fields,
            )
            refresh_status_list()
            log_action(
                "certificates.certificate.superseded",
                actor=actor,
                obj=certificate,
                data={"by": new.number, "reason": reason},
            )
    except BaseException:
        # The database rolled back (say the PDF could not be rendered); the page shows the certificate as it is.
        certificate.status, certificate.status_changed_at = before
        raise
    return new


def _check_correction(*, reason: str, fields: dict) -> None:
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Give the reason for the correction.")
    if not (fields["title"] or "").strip():
        errors["title"] = _("Give the title of the certificate.")
    for name in ("title", "title_en", "citation", "citation_en"):
        field = Certificate._meta.get_field(name)
        if len(fields[name] or "") > field.max_length:
            errors[name] = _("The %(field)s is longer than %(limit)d characters.") % {
                "field": field.verbose_name,
                "limit": field.max_length,
            }
    if errors:
        raise ValidationError(errors)


def refresh_status_list() -> StatusList:
    """Re-sign the status list: superseded certificates count as revoked for outside verifiers."""
    revoked = set(Certificate.objects.exclude(status=Certificate.Status.VALID).values_list("status_index", flat=True))
    status_list, _created = StatusList.objects.update_or_create(
        pk=badges.STATUS_LIST_ID, defaults={"credential": badges.build_status_list(revoked)}
    )
    return status_list


def current_status_list() -> dict:
    status_list = StatusList.objects.filter(pk=badges.STATUS_LIST_ID).first()
    return (status_list or refresh_status_list()).credential


@dataclass(frozen=True)
class Recipient:
    """One person to issue to in a batch, with the texts of their own certificate. `source` (optional) is the
    record the certificate is for, e.g. the honoree's nomination; the certificate keeps a link to it."""

    person: Person
    title: str
    citation: str = ""
    title_en: str = ""
    citation_en: str = ""
    source: object = None


def _entry(batch: IssuanceBatch, recipient: Recipient) -> BatchEntry:
    name = recipient.person.name
    title = recipient.title.strip()
    if not title:
        raise ValidationError(_("Give the title of %(name)s's certificate.") % {"name": name})
    entry = BatchEntry(
        batch=batch,
        person=recipient.person,
        title=title,
        title_en=recipient.title_en.strip(),
        citation=recipient.citation.strip(),
        citation_en=recipient.citation_en.strip(),
    )
    if recipient.source is not None:
        entry.source = recipient.source
    for field in ("title", "title_en", "citation", "citation_en"):
        limit = BatchEntry._meta.get_field(field).max_length
        if len(getattr(entry, field)) > limit:
            raise ValidationError(
                _("The %(field)s of %(name)s's certificate is longer than %(limit)d characters.")
                % {"field": BatchEntry._meta.get_field(field).verbose_name, "name": name, "limit": limit}
            )
    return entry


def _check_issue_date(issued_on: datetime.date) -> None:
    """A certificate may carry an earlier date (the ceremony's, say), never a later one than today."""
    if issued_on > timezone.localdate():
        raise ValidationError(
            {"issued_on": _("The date on the certificates cannot be later than today.")}, code="future_date"
        )


def start_batch(
    *,
    template,
    recipients: Sequence[Recipient],
    batch_key: str,
    title: str,
    actor,
    issued_on: datetime.date | None = None,
) -> IssuanceBatch:
    """Record a batch (each recipient with their own title and citation) and queue its issuance after commit.
    `title` names the batch on the staff pages; `issued_on` is the date printed on its certificates and the
    credentials' validFrom (today if not given). Recipients already holding one are skipped when it runs."""
    issued_on = issued_on or timezone.localdate()
    _check_issue_date(issued_on)
    if not recipients:
        raise ValidationError(_("Choose at least one person."))
    seen = set()
    for recipient in recipients:
        if recipient.person.pk in seen:
            raise ValidationError(_("%(name)s appears twice in this batch.") % {"name": recipient.person.name})
        seen.add(recipient.person.pk)
    with transaction.atomic():
        batch = IssuanceBatch.objects.create(
            template=template,
            batch_key=batch_key,
            title=title,
            issued_on=issued_on,
            total=len(recipients),
            created_by=actor,
        )
        BatchEntry.objects.bulk_create([_entry(batch, recipient) for recipient in recipients])
        log_action(
            "certificates.batch.started",
            actor=actor,
            obj=batch,
            data={"total": len(recipients), "issued_on": issued_on.isoformat()},
        )
        from laurel.certificates.tasks import issue_batch

        transaction.on_commit(lambda: issue_batch.enqueue(batch.pk))
    return batch


def run_batch(batch_id: int) -> IssuanceBatch:
    """Issue what is still missing in a batch; safe to run twice (people already holding one are skipped)."""
    batch = IssuanceBatch.objects.select_related("template", "created_by").get(pk=batch_id)
    if batch.status == IssuanceBatch.Status.FINISHED:
        return batch
    IssuanceBatch.objects.filter(pk=batch.pk).update(status=IssuanceBatch.Status.RUNNING)
    skipped, done = [], 0
    for entry in batch.entries.select_related("person").order_by("pk"):
        try:
            issue_one(
                template=batch.template,
                recipient=entry.person,
                title=entry.title,
                title_en=entry.title_en,
                citation=entry.citation,
                citation_en=entry.citation_en,
                batch_key=batch.batch_key,
                issued_on=batch.issued_on,
                actor=batch.created_by,
                source=entry.source,
            )
        except ValidationError as error:
            skipped.append({"person": entry.person.name, "reason": " ".join(error.messages)})
        done += 1
        IssuanceBatch.objects.filter(pk=batch.pk).update(done=done)
    IssuanceBatch.objects.filter(pk=batch.pk).update(status=IssuanceBatch.Status.FINISHED, skipped=skipped)
    log_action(
        "certificates.batch.finished", actor=batch.created_by, obj=batch, data={"done": done, "skipped": len(skipped)}
    )
    batch.refresh_from_db()
    return batch


def pdf_bytes(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as file:
        return file.read()

"""Every write about certificates: issue, correct, revoke, and batches run as background tasks."""

import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from laurel.certificates import badges, pdf
from laurel.certificates.models import (
    ApiCredential,
    BatchEntry,
    Certificate,
    CertificateTemplate,
    Counter,
    IssuanceBatch,
    StatusList,
)
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
KIND_PREFIX = {"honor": "H", "appointment": "A", "participation": "P", "service": "S"}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def credential_bytes(certificate: Certificate) -> bytes:
    return json.dumps(certificate.credential, ensure_ascii=False, indent=2).encode()


def _english_date(day: datetime.date) -> str:
    """「4 December 2026」, as printed (strftime's %d gave 「04 December 2026」)."""
    return f"{day.day} {day:%B %Y}"


def pdf_data(certificate: Certificate) -> dict:
    with override("zh-hans"):
        date = formats.date_format(certificate.issued_on, "Y年n月j日")
        term_end = formats.date_format(certificate.valid_until, "Y年n月j日") if certificate.valid_until else ""
    return {
        "name": certificate.recipient_name,
        "name_en": certificate.recipient_name_en,
        "title": certificate.title,
        "title_en": certificate.title_en,
        "citation": certificate.citation,
        "citation_en": certificate.citation_en,
        "number": certificate.number,
        "date": date,
        "date_en": _english_date(certificate.issued_on),
        # An appointment letter worded from its title gives the term: from the date of issue to valid_until
        "term_end": term_end,
        "term_end_en": _english_date(certificate.valid_until) if certificate.valid_until else "",
        "url": badges.site_url(reverse("certificates:verify", kwargs={"token": certificate.token})),
    }


def _next_number(kind: str, year: int, index: int) -> str:
    return f"{KIND_PREFIX[kind]}{year}{index:06d}"


def _highest_status_index() -> int:
    return max(
        Certificate.objects.aggregate(top=Max("status_index"))["top"] or 0,
        ApiCredential.objects.aggregate(top=Max("status_index"))["top"] or 0,
    )


def allocate_status_indexes(count: int = 1) -> range:
    """Hand out `count` consecutive status-list indexes (each certificate's number is made from its index) that
    no one else gets. The counter row stays locked until this short transaction commits, so two workers issuing
    at the same moment take turns here. Reading the highest index issued so far and adding one, as Laurel once
    did, gave two workers the same index: the second certificate then failed and was reported as already held.
    """
    with transaction.atomic():
        counter, _created = Counter.objects.select_for_update().get_or_create(
            name=Counter.STATUS_INDEX, defaults={"value": _highest_status_index}
        )
        counter.value += count
        counter.save(update_fields=["value"])
    return range(counter.value - count + 1, counter.value + 1)


def _already_holds(recipient, batch_key: str) -> ValidationError:
    return ValidationError(
        _("%(name)s already holds a certificate for %(batch)s.") % {"name": recipient.name, "batch": batch_key},
        code="already_held",
    )


def _prepare(
    *,
    template,
    recipient,
    title: str,
    batch_key: str,
    actor,
    citation: str,
    title_en: str,
    citation_en: str,
    issued_on: datetime.date,
    valid_until,
    supersedes: Certificate | None,
    source,
    batch_entry: BatchEntry | None,
) -> tuple[Certificate, bytes]:
    """The unsaved certificate with its signed credential, and its rendered PDF. Rendering takes a good part of a
    second, so it runs outside any transaction: on SQLite a transaction that writes keeps every other writer
    (a comment, a vote) waiting until it ends. Only the status index is taken, in its own short transaction."""
    index = batch_entry.status_index if batch_entry is not None and batch_entry.status_index else None
    if index is None:
        index = allocate_status_indexes(1).start
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
        batch_entry=batch_entry,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if source is not None:
        certificate.source_type = ContentType.objects.get_for_model(source)
        certificate.source_id = str(source.pk)
    certificate.credential = badges.sign(badges.build_credential(certificate))
    document = credential_bytes(certificate)
    certificate.credential_sha256 = _sha256(document)
    rendered = pdf.render(template=template, data=pdf_data(certificate), credential=document)
    return certificate, rendered


def _store(certificate: Certificate, rendered: bytes, *, actor) -> Certificate:
    """Write a prepared certificate in one short transaction. The unique constraints decide between two workers
    issuing for the same person or the same batch entry at once: the second is refused here."""
    certificate.pdf_sha256 = _sha256(rendered)
    certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(rendered), save=False)
    try:
        with transaction.atomic():
            certificate.save()
            log_action(
                "certificates.certificate.issued",
                actor=actor,
                obj=certificate,
                data={
                    "number": certificate.number,
                    "batch_key": certificate.batch_key,
                    "supersedes": certificate.supersedes and certificate.supersedes.number,
                },
            )
            # The honoree hears of it once it is written (a rollback mails no one).
            from laurel.certificates.tasks import mail_certificate

            transaction.on_commit(lambda: mail_certificate.enqueue(certificate.pk))
    except IntegrityError:
        certificate.pdf.delete(save=False)
        if _holder(certificate.recipient, certificate.kind, certificate.batch_key) is not None:
            raise _already_holds(certificate.recipient, certificate.batch_key) from None
        # Anything else (this batch entry issued by another run at the same moment, say) is not the person
        # "already holding one" and must not be reported as such: the caller decides.
        raise
    return certificate


def _holder(recipient, kind: str, batch_key: str) -> Certificate | None:
    return Certificate.objects.current().filter(recipient=recipient, kind=kind, batch_key=batch_key).first()


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
    batch_entry: BatchEntry | None = None,
) -> Certificate:
    """Issue one certificate (PDF + signed credential). Refused if this person already holds a current
    certificate of this kind for this batch. With `batch_entry`, issues with the number reserved for it."""
    issued_on = issued_on or timezone.localdate()
    if _holder(recipient, template.kind, batch_key) is not None:
        raise _already_holds(recipient, batch_key)
    certificate, rendered = _prepare(
        template=template,
        recipient=recipient,
        title=title,
        batch_key=batch_key,
        actor=actor,
        citation=citation,
        title_en=title_en,
        citation_en=citation_en,
        issued_on=issued_on,
        valid_until=valid_until,
        supersedes=supersedes,
        source=source,
        batch_entry=batch_entry,
    )
    return _store(certificate, rendered, actor=actor)


def _check_transition(certificate: Certificate, new: str) -> None:
    if new not in TRANSITIONS[certificate.status]:
        raise InvalidTransition(
            _("A %(old)s certificate cannot become %(new)s.")
            % {"old": certificate.get_status_display(), "new": Certificate.Status(new).label}
        )


def _transition(certificate: Certificate, new: str, **fields) -> None:
    old = certificate.status
    _check_transition(certificate, new)
    now = timezone.now()
    updated = Certificate.objects.filter(pk=certificate.pk, status=old).update(
        status=new, status_changed_at=now, **fields
    )
    if updated != 1:
        raise InvalidTransition(_("Someone else changed this certificate first. Reload the page."))
    certificate.status, certificate.status_changed_at = new, now
    for name, value in fields.items():
        setattr(certificate, name, value)


def revoke(certificate: Certificate, *, reason: str, actor, reason_public: bool = False) -> Certificate:
    """Revoke; the reason is recorded, and shown on the public verification page only if `reason_public`."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the revocation."))
    with transaction.atomic():
        _transition(
            certificate,
            Certificate.Status.REVOKED,
            revocation_reason=reason[:500],
            revocation_reason_public=bool(reason_public),
        )
        refresh_status_list()
        log_action(
            "certificates.certificate.revoked",
            actor=actor,
            obj=certificate,
            data={"reason": reason, "reason_public": bool(reason_public)},
        )
    return certificate


def correct_certificate(certificate: Certificate, *, actor, reason: str, **changes) -> Certificate:
    """Supersede `certificate` with a new one carrying `changes` (title, citation...) and the person's
    current name. The old certificate is never changed in place. The new one is rendered before the
    transaction that swaps them, so that the transaction stays short."""
    allowed = {"title", "title_en", "citation", "citation_en", "valid_until"}
    if set(changes) - allowed:
        raise ValueError(f"cannot change {set(changes) - allowed}")
    fields = {name: getattr(certificate, name) for name in allowed} | changes
    # Checked before the old certificate is superseded: a refused correction leaves it valid.
    _check_correction(reason=reason, fields=fields)
    _check_transition(certificate, Certificate.Status.SUPERSEDED)
    # Signed and rendered outside any transaction: the write lock is held only for the short write below.
    new, rendered = _prepare(
        template=certificate.template,
        recipient=certificate.recipient,
        batch_key=certificate.batch_key,
        actor=actor,
        supersedes=certificate,
        issued_on=timezone.localdate(),
        source=None,
        batch_entry=None,
        **fields,
    )
    before = certificate.status, certificate.status_changed_at
    try:
        with transaction.atomic():
            _transition(certificate, Certificate.Status.SUPERSEDED)
            new = _store(new, rendered, actor=actor)
            refresh_status_list()
            log_action(
                "certificates.certificate.superseded",
                actor=actor,
                obj=certificate,
                data={"by": new.number, "reason": reason},
            )
    except BaseException:
        # The database rolled back; the page shows the certificate as it is.
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
    revoked |= set(
        ApiCredential.objects.filter(status=ApiCredential.Status.REVOKED).values_list("status_index", flat=True)
    )
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
    # This person's own end of validity (e.g. the end of an appointment's term); else the batch's.
    valid_until: datetime.date | None = None


def _entry(batch: IssuanceBatch, recipient: Recipient) -> BatchEntry:
    name = recipient.person.name
    title = recipient.title.strip()
    if not title:
        raise ValidationError(_("Give the title of %(name)s's certificate.") % {"name": name})
    valid_until = recipient.valid_until or batch.valid_until
    if valid_until is not None and valid_until <= batch.issued_on:
        raise ValidationError(
            {"valid_until": _("%(name)s's certificate would expire on or before its date of issue.") % {"name": name}},
            code="expires_before_issue",
        )
    entry = BatchEntry(
        valid_until=valid_until,
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
    valid_until: datetime.date | None = None,
) -> IssuanceBatch:
    """Record a batch (each recipient with their own title and citation) and queue its issuance after commit.
    `title` names the batch on the staff pages; `issued_on` is the date printed on its certificates and the
    credentials' validFrom (today if not given); `valid_until` their end of validity, unless a recipient has their
    own. Recipients already holding one are skipped when it runs."""
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
            valid_until=valid_until,
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


def _reserve_numbers(batch: IssuanceBatch) -> None:
    """Reserve one status index (hence one certificate number) for each entry that will get a certificate, in
    the entries' order, in one short transaction. The batch row's lock keeps two runs of the same batch (a task
    requeued while the first still ran) from reserving twice; a reservation, once made, is kept for good."""
    with transaction.atomic():
        IssuanceBatch.objects.select_for_update().filter(pk=batch.pk).first()
        holders = Certificate.objects.current().filter(batch_key=batch.batch_key, kind=batch.template.kind)
        waiting = list(
            batch.entries.filter(status_index=None, certificate=None)
            .exclude(person__in=holders.values("recipient"))
            .order_by("pk")
        )
        if not waiting:
            return
        for entry, index in zip(waiting, allocate_status_indexes(len(waiting)), strict=True):
            entry.status_index = index
        BatchEntry.objects.bulk_update(waiting, ["status_index"])


def _issue_entry(batch: IssuanceBatch, entry: BatchEntry) -> dict | None:
    """Issue one entry's certificate, or say why it got none (a dict for `IssuanceBatch.skipped`)."""
    person = entry.person
    held = _holder(person, batch.template.kind, batch.batch_key)
    if held is not None and held.batch_entry_id != entry.pk:
        return {"person": person.name, "code": "held", "number": held.number}
    if held is not None:
        return None  # issued by another run of this batch since this run started
    try:
        issue_one(
            template=batch.template,
            recipient=person,
            title=entry.title,
            title_en=entry.title_en,
            citation=entry.citation,
            citation_en=entry.citation_en,
            batch_key=batch.batch_key,
            issued_on=batch.issued_on,
            valid_until=entry.valid_until,
            actor=batch.created_by,
            source=entry.source,
            batch_entry=entry,
        )
    except (ValidationError, IntegrityError) as error:
        if Certificate.objects.filter(batch_entry=entry).exists():
            return None  # another run of this batch issued it at the same moment
        held = _holder(person, batch.template.kind, batch.batch_key)
        if held is not None:
            return {"person": person.name, "code": "held", "number": held.number}
        if isinstance(error, IntegrityError):
            raise
        return {"person": person.name, "reason": " ".join(error.messages)}
    return None


def run_batch(batch_id: int) -> IssuanceBatch:
    """Issue what is still missing in a batch. Safe to run again, after a crash or while another run of it
    goes on: each entry gets at most one certificate, with the number reserved for it, and the report tells
    what earlier runs issued from what people held before this batch. Each certificate is rendered outside any
    transaction and written in its own short one."""
    batch = IssuanceBatch.objects.select_related("template", "created_by").get(pk=batch_id)
    if batch.status == IssuanceBatch.Status.FINISHED:
        return batch
    IssuanceBatch.objects.filter(pk=batch.pk).update(status=IssuanceBatch.Status.RUNNING, done=0)
    try:
        _reserve_numbers(batch)
        entries = list(batch.entries.select_related("person").order_by("pk"))
        issued_before = set(Certificate.objects.filter(batch_entry__in=entries).values_list("batch_entry", flat=True))
        IssuanceBatch.objects.filter(pk=batch.pk).update(issued_by_earlier_run=len(issued_before))
        skipped = []
        for done, entry in enumerate(entries, start=1):
            if entry.pk not in issued_before:
                skip = _issue_entry(batch, entry)
                if skip is not None:
                    skipped.append(skip)
            IssuanceBatch.objects.filter(pk=batch.pk).update(done=done)
    except BaseException:
        # The task ends here (a render error, say); staff see the batch failed and can start it anew.
        IssuanceBatch.objects.filter(pk=batch.pk).update(status=IssuanceBatch.Status.FAILED)
        raise
    issued = Certificate.objects.filter(batch_entry__batch=batch).count()
    IssuanceBatch.objects.filter(pk=batch.pk).update(
        status=IssuanceBatch.Status.FINISHED, skipped=skipped, issued=issued
    )
    log_action(
        "certificates.batch.finished",
        actor=batch.created_by,
        obj=batch,
        data={
            "done": len(entries),
            "issued": issued,
            "issued_by_earlier_run": len(issued_before),
            "skipped": len(skipped),
        },
    )
    batch.refresh_from_db()
    return batch


def pdf_bytes(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as file:
        return file.read()


# Templates: what staff set is logged, so a certificate that looks different can be traced to the change.
TEMPLATE_FILE_FIELDS = ("seal", "signature", "background")


def save_template(template: CertificateTemplate, *, actor) -> CertificateTemplate:
    """Create or change a template (validated by its form, unsaved). The audit entry lists the settings that
    changed with their old and new values; for an image, only that it changed."""
    created = template.pk is None
    before = None if created else CertificateTemplate.objects.filter(pk=template.pk).first()
    changes = {}
    for field in CertificateTemplate._meta.concrete_fields:
        if field.name in {"id", "updated_at"}:
            continue
        old = getattr(before, field.attname) if before is not None else None
        new = getattr(template, field.attname)
        if field.name in TEMPLATE_FILE_FIELDS:
            if (str(old or "") != str(new or "")) or getattr(new, "_committed", True) is False:
                changes[field.name] = "changed" if new else "removed"
        elif created or old != new:
            changes[field.name] = new if created else [old, new]
    with transaction.atomic():
        template.save()
        if created or changes:
            log_action(
                "certificates.template.created" if created else "certificates.template.changed",
                actor=actor,
                obj=template,
                data={"changes": changes},
            )
    return template

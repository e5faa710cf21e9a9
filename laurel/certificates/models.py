"""Certificate templates, certificates, issuance batches, signing keys and the revocation status list."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laurel.core.codes import make_token
from laurel.core.storage import public_storage
from laurel.people.models import Person


class Kind(models.TextChoices):
    HONOR = "honor", _("Honor certificate")
    APPOINTMENT = "appointment", _("Lecture group appointment letter")
    PARTICIPATION = "participation", _("Event participation certificate")
    SERVICE = "service", _("Service certificate")


class Border(models.TextChoices):
    """A few designed borders (a free drawing tool would let a certificate look like nothing on stage)."""

    CEREMONY = "ceremony", _("Red and gold, with corner ornaments")
    GOLD = "gold", _("Gold double line")
    RED = "red", _("Red line")
    NONE = "none", _("No border")


# (lowest, highest) of each layout setting: outside them a text overflows the page or becomes unreadable.
LAYOUT_BOUNDS = {
    "margin_mm": (5, 30),
    "heading_size": (28, 64),
    "heading_tracking": (0, 100),
    "body_size": (12, 22),
}


class CertificateTemplate(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    heading = models.CharField(_("heading"), max_length=50, help_text=_("For example 荣誉证书."))
    heading_en = models.CharField(_("English heading"), max_length=100)
    association_name = models.CharField(_("association name"), max_length=100)
    association_name_en = models.CharField(_("association's English name"), max_length=200)
    signatory = models.CharField(_("signatory"), max_length=100, blank=True)
    seal = models.ImageField(_("seal image"), upload_to="certificates/seals/", blank=True)
    signature = models.ImageField(_("signature image"), upload_to="certificates/signatures/", blank=True)
    # The wording's 「在……中」: the occasion the honor was given in (honor certificates only).
    occasion = models.CharField(
        _("occasion"),
        max_length=100,
        blank=True,
        help_text=_(
            "Printed as 「在……中，被评为……」 on honor certificates, e.g. 2026年度“最美科技工作者”学习宣传活动."
        ),
    )
    occasion_en = models.CharField(_("English occasion"), max_length=200, blank=True)
    # Layout, within bounds that keep every text on one A4 landscape page (see LAYOUT_BOUNDS).
    margin_mm = models.PositiveSmallIntegerField(
        _("page margin (mm)"),
        default=12,
        validators=[MinValueValidator(LAYOUT_BOUNDS["margin_mm"][0]), MaxValueValidator(LAYOUT_BOUNDS["margin_mm"][1])],
    )
    heading_size = models.PositiveSmallIntegerField(
        _("heading size (pt)"),
        default=44,
        validators=[
            MinValueValidator(LAYOUT_BOUNDS["heading_size"][0]),
            MaxValueValidator(LAYOUT_BOUNDS["heading_size"][1]),
        ],
    )
    heading_tracking = models.PositiveSmallIntegerField(
        _("heading letter spacing (percent of a character)"),
        default=50,
        validators=[
            MinValueValidator(LAYOUT_BOUNDS["heading_tracking"][0]),
            MaxValueValidator(LAYOUT_BOUNDS["heading_tracking"][1]),
        ],
    )
    body_size = models.PositiveSmallIntegerField(
        _("body text size (pt)"),
        default=17,
        validators=[MinValueValidator(LAYOUT_BOUNDS["body_size"][0]), MaxValueValidator(LAYOUT_BOUNDS["body_size"][1])],
    )
    border = models.CharField(_("border"), max_length=20, choices=Border.choices, default=Border.CEREMONY)
    background = models.ImageField(
        _("background image"),
        upload_to="certificates/backgrounds/",
        blank=True,
        help_text=_("Printed under the whole page; choose a light image so the text stays readable."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{field}__gte": low, f"{field}__lte": high}),
                name=f"certificatetemplate_{field}_in_bounds",
            )
            for field, (low, high) in LAYOUT_BOUNDS.items()
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("certificates:template_preview", kwargs={"pk": self.pk})


class CertificateQuerySet(models.QuerySet):
    def current(self):
        return self.exclude(status=Certificate.Status.SUPERSEDED)


class Certificate(models.Model):
    """One certificate for one person. Never edited after issue: a correction supersedes it."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    token = models.CharField(max_length=64, unique=True, default=make_token, editable=False)
    template = models.ForeignKey(CertificateTemplate, verbose_name=_("template"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        Person, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="certificates"
    )
    recipient_name = models.CharField(_("name as printed"), max_length=100)
    recipient_name_en = models.CharField(_("English name as printed"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    citation = models.TextField(_("citation"), max_length=600, blank=True)
    citation_en = models.TextField(_("English citation"), max_length=1000, blank=True)
    issued_on = models.DateField(_("date of issue"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.VALID)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    # The reason is the staff's record; the public verification page shows it only when staff chose so.
    revocation_reason_public = models.BooleanField(_("reason shown on the public verification page"), default=False)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    source_id = models.CharField(max_length=64, blank=True)
    batch_key = models.CharField(_("batch key"), max_length=100)
    # Unique: the index (and the number made from it) is handed out once, by `services.allocate_status_indexes`.
    status_index = models.PositiveIntegerField(unique=True)
    # The batch entry this certificate was issued for. One-to-one: a batch entry yields at most one certificate,
    # however often (or however concurrently) its batch is run.
    batch_entry = models.OneToOneField(
        "BatchEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="certificate"
    )
    credential = models.JSONField(_("signed credential"))
    credential_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(upload_to="certificates/pdf/")
    pdf_sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "batch_key"],
                condition=~models.Q(status="superseded"),
                name="certificate_once_per_person_and_batch",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | ~models.Q(revocation_reason=""),
                name="certificate_revocation_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.number} · {self.recipient_name} · {self.title}"

    def get_absolute_url(self):
        return reverse("certificates:verify", kwargs={"token": self.token})

    @property
    def pdf_is_public(self) -> bool:
        """Whether the verification link still hands out the PDF (not once the certificate is revoked)."""
        return self.status != self.Status.REVOKED


class IssuanceBatch(models.Model):
    """A background issuance of many certificates, one per entry; `done` counts progress for the progress bar."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Issuing")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT)
    batch_key = models.CharField(_("batch key"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("date on the certificates"))
    # The credentials' validUntil, unless an entry has its own (an appointment's term end, say).
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    # Entries looked at by the latest run (the progress bar).
    done = models.PositiveIntegerField(default=0)
    # Certificates this batch issued, over all its runs, and how many of them earlier runs had issued when the
    # latest run started (a run after a crash goes on where the last one stopped).
    issued = models.PositiveIntegerField(default=0)
    issued_by_earlier_run = models.PositiveIntegerField(default=0)
    # People left out, as {"person", "code", "number"} ("held": held certificate `number` before this batch) or
    # {"person", "reason"} (any other reason, already in words).
    skipped = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("issuance batch")
        verbose_name_plural = _("issuance batches")

    def __str__(self):
        # the batch key (campaign:1) is for the code; people read the title and the date
        return f"{self.title} · {self.issued_on:%Y-%m-%d}" if self.issued_on else self.title

    def get_absolute_url(self):
        return reverse("certificates:batch_detail", kwargs={"pk": self.pk})

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.RUNNING}

    def skip_messages(self) -> list[str]:
        """Why each skipped person got nothing from this batch, in the reader's language."""
        messages = []
        for skip in self.skipped:
            if skip.get("code") == "held":
                messages.append(
                    _("%(name)s already held certificate %(number)s before this batch.")
                    % {"name": skip["person"], "number": skip["number"]}
                )
            else:
                messages.append(f"{skip['person']}: {skip.get('reason', '')}")
        return messages


class BatchEntry(models.Model):
    """One person in a batch with the texts of their own certificate, e.g. an honoree's own citation."""

    batch = models.ForeignKey(IssuanceBatch, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey(Person, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    citation = models.TextField(_("citation"), max_length=600, blank=True)
    citation_en = models.TextField(_("English citation"), max_length=1000, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    # The status-list index (and so the certificate number) reserved for this entry when its batch first ran:
    # a later run, after a crash, issues with the same number instead of taking a new one.
    status_index = models.PositiveIntegerField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("batch entry")
        verbose_name_plural = _("batch entries")
        constraints = [models.UniqueConstraint(fields=["batch", "person"], name="batch_entry_once_per_person")]

    def __str__(self):
        return f"{self.person_id} · {self.title}"


class Counter(models.Model):
    """A number handed out in order, never twice: the status-list index of each certificate, from which its
    number is made. `services.allocate_status_indexes` takes the row's lock to move it on."""

    STATUS_INDEX = "status_index"

    name = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.name} = {self.value}"


class SigningKey(models.Model):
    """An Ed25519 key of the association's did:web. The private half is stored encrypted."""

    fragment = models.CharField(max_length=40, unique=True)
    public_multikey = models.CharField(max_length=100)
    encrypted_private_key = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True), name="one_current_key")
        ]

    def __str__(self):
        return self.fragment


class ApiCredential(models.Model):
    """A credential signed through the VC API's `/credentials/issue`: kept with its status list index, so that
    `/credentials/status` (or staff) can revoke it like a certificate."""

    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        REVOKED = "revoked", _("revoked")

    credential_id = models.CharField(_("credential id"), max_length=500, unique=True)
    credential = models.JSONField()
    # From the same counter as certificates' (`services.allocate_status_indexes`): one status list serves both.
    status_index = models.PositiveIntegerField(unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.VALID)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("credential issued through the API")
        verbose_name_plural = _("credentials issued through the API")

    def __str__(self):
        return self.credential_id


class StatusList(models.Model):
    """The signed Bitstring Status List credential Laurel serves, rebuilt whenever a status changes."""

    credential = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"status list {self.pk}"


class BadgeImage(models.Model):
    """The round badge PNG of one award (a template and a certificate title), drawn once and kept in public storage:
    credentials name it as their achievement's image (Open Badges 3.0), so its address must never change."""

    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="badge_images")
    title = models.CharField(max_length=200)
    image = models.FileField(upload_to="certificates/badges/", storage=public_storage)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template", "title"], name="badge_image_once_per_award")]

    def __str__(self):
        return f"{self.template_id} · {self.title}"


class WalletOffer(models.Model):
    """One OpenID for Verifiable Credential Issuance offer of a certificate to its honoree's wallet (pre-authorized
    code flow). The code, the PIN and the access token are kept only as hashes: the desk shows the code once.
    Moves only forward, through `wallet.transition`: offered -> redeemed (code exchanged for an access token)
    -> picked up; offered -> locked (too many wrong PINs)."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        REDEEMED = "redeemed", _("Code exchanged")
        PICKED_UP = "picked_up", _("Picked up")
        LOCKED = "locked", _("Locked after wrong PINs")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="wallet_offers")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OFFERED)
    code_hash = models.CharField(max_length=64, unique=True)
    pin_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    failed_pins = models.PositiveSmallIntegerField(default=0)
    access_token_hash = models.CharField(max_length=64, blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    # The holder's key the delivered credential is bound to (credentialSubject.id): a did:key or did:jwk.
    holder = models.CharField(max_length=1000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["access_token_hash"], condition=~models.Q(access_token_hash=""), name="wallet_token_unique"
            )
        ]

    def __str__(self):
        return f"{self.certificate.number} · {self.get_status_display()}"

"""Users, units (organizations) and sci-tech worker profiles."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from laurel.core.codes import make_code
from laurel.people.roles import TWO_FACTOR_ROLES, RoleKind


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. The email address is the login."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name or self.email

    @cached_property
    def role_set(self) -> set[tuple[str, int | None]]:
        return set(self.roles.values_list("kind", "organization_id"))

    def has_role(self, kind: str, organization=None) -> bool:
        if organization is None:
            return any(role_kind == kind for role_kind, _org in self.role_set)
        return (kind, organization.pk) in self.role_set

    def organizations_for(self, kind: str) -> list[int]:
        return [org for role_kind, org in self.role_set if role_kind == kind and org is not None]

    @property
    def requires_two_factor(self) -> bool:
        """Staff and experts, and anyone who may enter Django's admin (`is_staff`) or is a superuser."""
        return self.is_superuser or self.is_staff or any(kind in TWO_FACTOR_ROLES for kind, _org in self.role_set)


class Organization(models.Model):
    """A unit: a university, institute, hospital, enterprise, society, district association..."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        HOSPITAL = "hospital", _("Hospital")
        ENTERPRISE = "enterprise", _("Enterprise")
        SOCIETY = "society", _("Society")
        DISTRICT_ASSOCIATION = "district_association", _("District association")
        GOVERNMENT = "government", _("Government body")
        SCHOOL = "school", _("School")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=12, unique=True, default=make_code, editable=False)
    name = models.CharField(_("unit name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    region = models.CharField(_("region"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("pk")), name="organization_not_own_parent")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("people:organization_detail", kwargs={"code": self.code})

    def display_name(self, language: str | None = None) -> str:
        """The English name on English pages when there is one; templates call it for the page's language."""
        return self.name_en if (language or get_language()) == "en" and self.name_en else self.name


class PersonQuerySet(models.QuerySet):
    def with_unit(self):
        return self.select_related("organization")

    def public(self):
        return self.filter(is_public=True)


class Person(models.Model):
    """A sci-tech worker's profile. Not every person has a user account."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    code = models.CharField(_("code"), max_length=12, unique=True, default=make_code, editable=False)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    # Shown on English pages in place of the Chinese, which they fall back to when blank.
    position_en = models.CharField(_("English position"), max_length=100, blank=True)
    title_en = models.CharField(_("English professional title"), max_length=100, blank=True)
    field = models.CharField(_("field"), max_length=100, blank=True)
    is_front_line = models.BooleanField(_("front-line worker"), default=False)
    is_public = models.BooleanField(
        _("shown on the public site"),
        default=False,
        help_text=_("Set when the person becomes a published honoree or a lecture group member."),
    )
    bio = models.TextField(_("short bio"), blank=True, validators=[MaxLengthValidator(2000)])
    photo = models.ImageField(_("photo"), upload_to="people/photos/", blank=True)
    email = models.EmailField(_("email address"), blank=True)
    user = models.OneToOneField(
        User,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("sci-tech worker")
        verbose_name_plural = _("sci-tech workers")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("people:person_detail", kwargs={"code": self.code})

    def position_and_title(self) -> str:
        """Position and professional title as printed, once when they are the same (教授, not 教授 · 教授)."""
        return self._joined(self.position, self.title)

    def position_and_title_in(self, language: str | None = None) -> str:
        """`position_and_title` for a page's language (the current one by default): on English pages each of the
        two in English when it is given, else in Chinese."""
        if (language or get_language()) != "en":
            return self.position_and_title()
        return self._joined(self.position_en.strip() or self.position, self.title_en.strip() or self.title)

    def position_in(self, language: str | None = None) -> str:
        """The position alone for a page's language, falling back to the Chinese as `position_and_title_in` does."""
        if (language or get_language()) == "en" and self.position_en.strip():
            return self.position_en.strip()
        return self.position

    @staticmethod
    def _joined(position: str, title: str) -> str:
        parts = [part.strip() for part in (position, title) if part.strip()]
        return " · ".join(dict.fromkeys(parts))

    def display_name(self, language: str | None = None) -> str:
        """The English name on English pages when there is one; templates call it for the page's language."""
        return self.name_en if (language or get_language()) == "en" and self.name_en else self.name


class Role(models.Model):
    """What a user may do: association staff, a unit's nominator, an expert, a lecture group member."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="roles",
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "organization"], name="role_unique"),
            models.UniqueConstraint(
                fields=["user", "kind"], condition=models.Q(organization=None), name="role_unique_without_unit"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=RoleKind.NOMINATOR) | models.Q(organization__isnull=False),
                name="nominator_role_has_unit",
            ),
        ]

    def __str__(self):
        if self.organization_id:
            return f"{self.user} · {self.get_kind_display()} · {self.organization}"
        return f"{self.user} · {self.get_kind_display()}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored.

    A token acts as its owner with the owner's roles at the time of each request (never a copy taken at
    creation); its scope narrows that further (a read token never changes anything) and it stops working at
    `expires_at`.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(condition=models.Q(scope__in=["read", "write"]), name="api_token_scope_known"),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="api_token_expires_after_creation"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.name}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class SpreadsheetImport(models.Model):
    """An uploaded spreadsheet: read and checked in the background, previewed, confirmed, then written in the
    background, once. `rows_done`/`rows_total` drive the progress bar while a task reads the file."""

    class Kind(models.TextChoices):
        UNITS = "units", _("Units")
        PERSONS = "persons", _("Sci-tech workers")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be read")
        READING = "reading", _("Reading and checking the file")
        PREVIEWED = "previewed", _("Previewed")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Not imported")

    BUSY = (Status.QUEUED, Status.READING, Status.APPLYING)

    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The uploader's language: the background tasks write the file's problems in it.
    language = models.CharField(max_length=10, default="zh-hans")
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    # What the preview shows: counts, the first row errors and the first rows (see `imports.summary`).
    preview = models.JSONField(default=dict, blank=True)
    # Why the file was not imported, in words (a file beyond the limits, unreadable, ...).
    failure = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"

    def get_absolute_url(self):
        return reverse("people:import_preview", kwargs={"pk": self.pk})

    @property
    def is_busy(self) -> bool:
        return self.status in self.BUSY

    @property
    def can_be_confirmed(self) -> bool:
        return (
            self.status == self.Status.PREVIEWED
            and not self.preview.get("error_count")
            and bool(self.preview.get("rows"))
        )


class DeclaredUnit(models.Model):
    """The unit an account without a sci-tech worker profile says it works in, for conflicts of interest.
    `organization` empty means the person declared no unit (independent). A linked profile's unit wins."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="declared_unit")
    organization = models.ForeignKey(
        Organization, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("declared unit")
        verbose_name_plural = _("declared units")

    def __str__(self):
        return f"{self.user} · {self.organization or '—'}"

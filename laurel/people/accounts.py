"""Accounts and sci-tech worker profiles: staff link one to the other (by search, or when they invite a known
person to an account), and an account without a profile declares the unit it works in. Both feed conflicts of
interest: an expert's unit is their profile's unit, else the unit they declared."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from laurel.core import identity
from laurel.core.services import log_action
from laurel.people import permissions
from laurel.people.models import DeclaredUnit, Organization, Person, Role, User
from laurel.people.roles import RoleKind

# Called with (user, actor) inside the transaction whenever an account's unit may have changed (a profile linked, a
# unit declared). Higher apps register here in their `AppConfig.ready()` (honors ends reviews that now conflict).
UNIT_CHANGED_HOOKS: list = []


def _unit_changed(user: User, actor: User) -> None:
    for hook in UNIT_CHANGED_HOOKS:
        hook(user, actor)


# The roles staff may give when they invite a known person to an account.
INVITABLE_ROLES = (RoleKind.EXPERT, RoleKind.NOMINATOR)


def _require_staff(actor) -> None:
    if not permissions.can_manage_people(actor):
        raise PermissionDenied


def linkable_accounts():
    """Accounts staff may link to a profile: no profile yet, no staff role, not Django staff or superuser, and an
    email address its owner confirmed. A linked account receives the person's certificates, so staff never link
    their own or a colleague's account, nor an address nobody proved to read."""
    return User.objects.filter(
        person__isnull=True, is_staff=False, is_superuser=False, emailaddress__verified=True
    ).exclude(roles__kind=RoleKind.STAFF)


def _check_linkable(user: User, actor: User) -> None:
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot link your own account to a sci-tech worker."), code="own_account")
    if user.is_staff or user.is_superuser or Role.objects.filter(user=user, kind=RoleKind.STAFF).exists():
        raise ValidationError(
            _("%(email)s is a staff account; staff accounts are never linked to a sci-tech worker.")
            % {"email": user.email},
            code="staff_account",
        )
    from allauth.account.models import EmailAddress

    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise ValidationError(
            _("The address %(email)s is not confirmed yet; its owner confirms it before it is linked.")
            % {"email": user.email},
            code="unverified",
        )


def link_person(*, user: User, person: Person, actor: User) -> Person:
    """Link a profile to an account. Refused when the profile already belongs to another account or the account
    already has a profile, and for accounts staff may not link (`linkable_accounts`); the write is conditional,
    so two staff linking at once cannot both win."""
    _require_staff(actor)
    _check_linkable(user, actor)
    if person.user_id == user.pk:
        raise ValidationError(_("%(person)s is already linked to this account.") % {"person": person.name})
    if person.user_id is not None:
        raise ValidationError(
            _("%(person)s is already linked to another account.") % {"person": person.name}, code="person_linked"
        )
    if Person.objects.filter(user=user).exists():
        raise ValidationError(
            _("The account %(email)s is already linked to a sci-tech worker.") % {"email": user.email},
            code="account_linked",
        )
    try:
        with transaction.atomic():
            updated = Person.objects.filter(pk=person.pk, user__isnull=True).update(user=user)
            if updated != 1:
                raise ValidationError(
                    _("%(person)s is already linked to another account.") % {"person": person.name},
                    code="person_linked",
                )
            log_action(
                "people.person.linked", actor=actor, obj=person, data={"account": user.email, "person": person.code}
            )
            _unit_changed(user, actor)
    except IntegrityError:
        raise ValidationError(
            _("The account %(email)s is already linked to a sci-tech worker.") % {"email": user.email},
            code="account_linked",
        ) from None
    person.user = user
    user.__dict__.pop("person", None)
    return person


def invite_person(*, person: Person, kind: str, organization: Organization | None, actor: User) -> User:
    """Give a known person an account at the profile's email address, linked to the profile, with the role, and
    mail them a link to choose a password. An address that already has an account is refused: staff link it
    by search instead, so that nobody's account changes hands by an invitation."""
    _require_staff(actor)
    if kind not in INVITABLE_ROLES:
        raise ValidationError({"kind": _("Choose the expert or the nominator role.")})
    if kind == RoleKind.NOMINATOR and organization is None:
        raise ValidationError({"organization": _("A nominator nominates for a unit; choose it.")})
    if kind == RoleKind.EXPERT:
        organization = None
    email = (person.email or "").strip().lower()
    if not email:
        raise ValidationError(_("Add %(person)s's email address to the profile first.") % {"person": person.name})
    if person.user_id is not None:
        raise ValidationError(
            _("%(person)s is already linked to another account.") % {"person": person.name}, code="person_linked"
        )
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("An account already uses %(email)s; link it to the profile by search instead.") % {"email": email},
            code="account_exists",
        )
    try:
        user = _create_invited(person=person, email=email, kind=kind, organization=organization, actor=actor)
    except IntegrityError:
        # Two staff inviting at once: the second finds the address taken.
        raise ValidationError(
            _("An account already uses %(email)s; link it to the profile by search instead.") % {"email": email},
            code="account_exists",
        ) from None
    person.user = user
    return user


def _create_invited(*, person: Person, email: str, kind: str, organization, actor: User) -> User:
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user = User.objects.create_user(email=email, full_name=person.name[:100])
        # The invitation goes to this address and only its reader can choose the password: that confirms it.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        updated = Person.objects.filter(pk=person.pk, user__isnull=True).update(user=user)
        if updated != 1:
            raise ValidationError(
                _("%(person)s is already linked to another account.") % {"person": person.name}, code="person_linked"
            )
        Role.objects.create(user=user, kind=kind, organization=organization)
        log_action(
            "people.person.invited",
            actor=actor,
            obj=person,
            data={"account": email, "role": kind, "organization": organization.name if organization else None},
        )
        transaction.on_commit(lambda: _mail_invitation(user))
    return user


def _mail_invitation(user: User) -> None:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    url = settings.SITE_URL + reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    with translation.override(user.language or settings.LANGUAGE_CODE):
        send_mail(
            identity.mail_subject(_("Your account on the association's site")),
            _("The association's staff made you an account for %(email)s. Choose your password here:\n\n%(url)s")
            % {"email": user.email, "url": url},
            None,
            [user.email],
        )


def unit_of(user: User) -> tuple[bool, int | None]:
    """(known, unit id) of an account: the linked profile's unit, else the declared unit (None = independent);
    `known` is False when the account has neither."""
    person = Person.objects.filter(user=user).only("organization_id").first()
    if person is not None:
        return True, person.organization_id
    declared = DeclaredUnit.objects.filter(user=user).only("organization_id").first()
    if declared is not None:
        return True, declared.organization_id
    return False, None


def units_of(user_ids) -> dict[int, int | None]:
    """The unit of each account that has one known (profile first, declaration second), in two queries."""
    units = dict(DeclaredUnit.objects.filter(user_id__in=user_ids).values_list("user_id", "organization_id"))
    units.update(Person.objects.filter(user_id__in=user_ids).values_list("user_id", "organization_id"))
    return units


def needs_unit_declaration(user: User) -> bool:
    """An expert with no profile and no declared unit: they declare one before seeing any nomination."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(RoleKind.EXPERT):
        return False
    return not unit_of(user)[0]


def declare_unit(*, user: User, organization: Organization | None, actor: User, reason: str = "") -> DeclaredUnit:
    """An account without a profile says which unit it works in (None: no unit, independent). The expert declares
    once; afterwards only staff change it, saying why, so nobody moves their unit to dodge a conflict of interest.
    Units the account nominates for are conflicts whatever it declares (`honors.conflicts`)."""
    is_staff = permissions.can_manage_people(actor)
    if actor.pk != user.pk and not is_staff:
        raise PermissionDenied
    if Person.objects.filter(user=user).exists():
        raise ValidationError(_("Your unit comes from your sci-tech worker profile; ask the staff to correct it."))
    reason = (reason or "").strip()
    with transaction.atomic():
        previous = (
            DeclaredUnit.objects.select_for_update(of=("self",))
            .filter(user=user)
            .select_related("organization")
            .first()
        )
        if previous is not None:
            if actor.pk == user.pk and not is_staff:
                raise ValidationError(
                    _("You have already declared your unit; ask the association's staff to change it."),
                    code="declared",
                )
            if not reason:
                raise ValidationError({"reason": _("Say why the unit changes.")}, code="reason")
        declared, _created = DeclaredUnit.objects.update_or_create(user=user, defaults={"organization": organization})
        data = {
            "from": (previous.organization.name if previous.organization else "") if previous else None,
            "unit": organization.name if organization else "",
        }
        if reason:
            data["reason"] = reason[:500]
        log_action("people.unit.declared", actor=actor, obj=user, data=data)
        _unit_changed(user, actor)
    return declared

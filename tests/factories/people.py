import datetime

import factory
from allauth.account.models import EmailAddress

from laurel.people.models import DeclaredUnit, Organization, Person, Role, User
from laurel.people.roles import RoleKind

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"云州测试单位{n}")
    name_en = factory.Sequence(lambda n: f"Test Unit {n}")
    kind = Organization.Kind.UNIVERSITY
    region = "东湖区"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"张{n}")
    name_en = factory.Sequence(lambda n: f"Zhang {n}")
    gender = Person.Gender.FEMALE
    date_of_birth = datetime.date(1985, 5, 30)
    organization = factory.SubFactory(OrganizationFactory)
    position = "研究员"
    field = "材料科学"


def user_with_role(kind: str | None, *, organization=None, declared_unit=True, **kwargs) -> User:
    """A user with one role. An expert has declared working independently (no unit) unless `declared_unit` is
    False: an expert with neither a profile nor a declaration sees no nomination (`people.accounts`)."""
    user = UserFactory(**kwargs)
    if kind is not None:
        Role.objects.create(user=user, kind=kind, organization=organization)
    if kind == RoleKind.EXPERT and declared_unit:
        DeclaredUnit.objects.create(user=user, organization=None)
    return user


__all__ = ["PASSWORD", "OrganizationFactory", "PersonFactory", "RoleKind", "UserFactory", "user_with_role"]

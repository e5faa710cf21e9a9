import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from laurel.core.models import AuditEntry
from laurel.people import services
from laurel.people.models import Person, Role, User
from laurel.people.roles import RoleKind
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def jpeg_bytes(size=(40, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def person_data(unit, **overrides):
    return {"name": "李明", "name_en": "Ming Li", "gender": "male", "organization": unit, **overrides}


def test_create_person_is_logged(staff, unit):
    person = services.create_person(actor=staff, data=person_data(unit))
    assert Person.objects.get().name == "李明"
    assert AuditEntry.objects.get().action == "people.person.created"
    assert AuditEntry.objects.get().object_id == str(person.pk)


def test_update_person_logs_the_changes(staff):
    person = PersonFactory(position="工程师")
    services.update_person(person, actor=staff, data={"position": "高级工程师"})
    entry = AuditEntry.objects.get(action="people.person.updated")
    assert entry.data == {"changes": {"position": ["工程师", "高级工程师"]}}


def test_over_long_name_is_refused_and_nothing_is_written(staff, unit):
    with pytest.raises(ValidationError) as error:
        services.create_person(actor=staff, data=person_data(unit, name="张" * 51))
    assert "name" in error.value.message_dict
    assert Person.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_photo_that_is_not_an_image_is_refused_and_nothing_is_written(staff, unit):
    upload = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.create_person(actor=staff, data=person_data(unit), photo=upload)
    assert error.value.error_dict["photo"][0].code == "not_image"
    assert Person.objects.count() == 0


def test_photo_over_five_megabytes_is_refused(staff, unit):
    upload = SimpleUploadedFile("big.jpg", jpeg_bytes() + b"\0" * (5 * 1024 * 1024), content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.create_person(actor=staff, data=person_data(unit), photo=upload)
    assert error.value.error_dict["photo"][0].code == "too_big"


def test_real_jpeg_photo_is_kept_as_a_jpeg_under_a_random_name(staff, unit):
    upload = SimpleUploadedFile("李明.jpg", jpeg_bytes(), content_type="image/jpeg")
    person = services.create_person(actor=staff, data=person_data(unit), photo=upload)
    assert person.photo.name.startswith("people/photos/") and person.photo.name.endswith(".jpg")
    assert "李明" not in person.photo.name
    with Image.open(person.photo.path) as stored:
        assert stored.format == "JPEG"


def test_unit_cannot_be_its_own_parent(staff):
    unit = OrganizationFactory()
    with pytest.raises(ValidationError):
        services.update_organization(unit, actor=staff, data={"parent": unit})


def test_grant_role_is_idempotent_and_logged(staff, unit):
    user = User.objects.create_user("new@example.org", "pw")
    services.grant_role(actor=staff, user=user, kind=RoleKind.NOMINATOR, organization=unit)
    services.grant_role(actor=staff, user=user, kind=RoleKind.NOMINATOR, organization=unit)
    assert Role.objects.filter(user=user).count() == 1
    assert user.has_role(RoleKind.NOMINATOR, unit)
    assert not user.has_role(RoleKind.STAFF)
    assert AuditEntry.objects.filter(action="people.role.granted").count() == 1


def test_duplicate_email_is_refused_by_the_database(db):
    from django.db import IntegrityError, transaction

    User.objects.create_user("same@example.org", "pw")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("same@example.org", "pw")


def test_roles_answer_permission_questions(staff, nominator, expert, stranger, unit):
    from laurel.core.permissions import is_staff_member

    assert is_staff_member(staff)
    assert not is_staff_member(nominator)
    assert nominator.has_role(RoleKind.NOMINATOR, unit)
    assert expert.requires_two_factor and staff.requires_two_factor
    assert not nominator.requires_two_factor and not stranger.requires_two_factor


def test_make_person_public_is_logged_once(staff):
    person = PersonFactory()
    services.make_person_public(person, actor=staff, reason="published honoree")
    services.make_person_public(person, actor=staff, reason="published honoree")
    assert Person.objects.get(pk=person.pk).is_public
    assert AuditEntry.objects.filter(action="people.person.made_public").count() == 1

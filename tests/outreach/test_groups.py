import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from laurel.core.models import AuditEntry
from laurel.outreach import groups
from laurel.outreach.models import Batch, Membership
from laurel.people.models import Person
from tests.factories.outreach import BatchFactory, LectureGroupFactory, MembershipFactory
from tests.factories.people import PersonFactory

pytestmark = pytest.mark.django_db
MAY_30 = datetime.date(2025, 5, 30)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_new_member_becomes_public_and_both_decisions_are_logged(staff):
    batch = BatchFactory()
    person = PersonFactory()
    assert not person.is_public
    membership = groups.add_member(batch, actor=staff, person=person, role=Membership.Role.DEPUTY)
    assert (membership.group, membership.role, membership.term_start) == (batch.group, "deputy", MAY_30)
    assert Person.objects.get(pk=person.pk).is_public
    assert AuditEntry.objects.get(action="outreach.membership.added").data["person"] == person.code
    made_public = AuditEntry.objects.get(action="people.person.made_public")
    assert made_public.data == {"reason": f"outreach.membership:{batch.group.slug}"}


def test_the_same_person_cannot_join_a_group_twice_and_nothing_is_logged(staff):
    membership = MembershipFactory()
    with pytest.raises(ValidationError, match="already a member"):
        groups.add_member(membership.batch, actor=staff, person=membership.person)
    assert Membership.objects.count() == 1
    assert not AuditEntry.objects.filter(action="outreach.membership.added").exists()


def test_a_term_must_end_after_it_starts(staff):
    batch = BatchFactory()
    with pytest.raises(ValidationError, match="end after"):
        groups.add_member(batch, actor=staff, person=PersonFactory(), term_end=MAY_30)
    assert not Membership.objects.exists()


def test_batches_are_numbered_in_order(staff):
    group = LectureGroupFactory()
    first = groups.add_batch(group, actor=staff, announced_on=MAY_30, announced_at="表彰大会")
    second = groups.add_batch(group, actor=staff, announced_on=datetime.date(2026, 5, 30))
    assert (first.number, second.number) == (1, 2)
    assert Batch.objects.filter(group=group).count() == 2
    assert AuditEntry.objects.filter(action="outreach.batch.created").count() == 2


def test_retirement_is_dated_once_and_not_before_the_term(staff):
    membership = MembershipFactory()
    with pytest.raises(ValidationError, match="before their term"):
        groups.retire_member(membership, actor=staff, retired_on=datetime.date(2025, 1, 1))
    groups.retire_member(membership, actor=staff, retired_on=datetime.date(2026, 1, 31))
    assert Membership.objects.get().retired_on == datetime.date(2026, 1, 31)
    stale = Membership.objects.get()
    stale.retired_on = None
    with pytest.raises(ValidationError, match="already retired"):
        groups.retire_member(stale, actor=staff, retired_on=datetime.date(2026, 2, 1))
    assert Membership.objects.get().retired_on == datetime.date(2026, 1, 31)


def test_group_names_and_addresses_stay_unique(staff):
    taken = LectureGroupFactory(name="科普宣讲团", slug="popular")
    with pytest.raises(ValidationError) as caught:
        groups.create_group(actor=staff, data={"name": "科普宣讲团", "slug": "popular"})
    assert set(caught.value.message_dict) == {"name", "slug"}
    other = groups.create_group(actor=staff, data={"name": "青年宣讲团", "slug": "youth"})
    groups.update_group(other, actor=staff, data={"name": "青年科学家宣讲团", "slug": "youth"})
    assert AuditEntry.objects.get(action="outreach.group.updated").data == {"name": ["青年宣讲团", "青年科学家宣讲团"]}
    assert taken.slug == "popular"


def test_a_group_has_one_head_at_a_time(staff):
    head = MembershipFactory(role=Membership.Role.HEAD, person=PersonFactory(name="钱学敏"))
    with pytest.raises(ValidationError) as caught:
        groups.add_member(head.batch, actor=staff, person=PersonFactory(), role=Membership.Role.HEAD)
    assert caught.value.message_dict == {
        "role": ["钱学敏 is the group's head; retire them before appointing another head."]
    }
    assert Membership.objects.count() == 1
    groups.retire_member(head, actor=staff, retired_on=datetime.date(2026, 1, 31))
    successor = groups.add_member(head.batch, actor=staff, person=PersonFactory(), role=Membership.Role.HEAD)
    assert successor.role == "head"


def test_two_heads_in_one_appointment_are_refused_and_nobody_joins(staff):
    batch = BatchFactory()
    with pytest.raises(ValidationError, match="one head"):
        groups.add_members(batch, actor=staff, persons=[PersonFactory(), PersonFactory()], role=Membership.Role.HEAD)
    assert not Membership.objects.exists()


def test_the_database_refuses_a_second_active_head_even_past_the_service(staff):
    """Two staff appointing heads at the same moment both pass the service's check; the constraint decides."""
    head = MembershipFactory(role=Membership.Role.HEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(group=head.group, batch=head.batch, role=Membership.Role.HEAD)


def test_a_head_appointed_at_the_same_moment_gets_the_clear_message(staff, monkeypatch):
    head = MembershipFactory(role=Membership.Role.HEAD, person=PersonFactory(name="钱学敏"))
    monkeypatch.setattr(groups, "_refuse_second_head", _only_after_the_write(groups._refuse_second_head))
    with pytest.raises(ValidationError, match="钱学敏 is the group's head"):
        groups.add_member(head.batch, actor=staff, person=PersonFactory(), role=Membership.Role.HEAD)
    assert Membership.objects.count() == 1


def _only_after_the_write(check):
    """The check as a concurrent request sees it: passing before the write (the other head is not committed
    yet), working afterwards."""
    calls = []

    def late_check(group_id):
        calls.append(group_id)
        if len(calls) > 1:
            check(group_id)

    return late_check

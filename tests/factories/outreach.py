import datetime

import factory
from django.utils import timezone

from laurel.outreach.models import (
    Availability,
    Batch,
    District,
    LectureGroup,
    Membership,
    PreferredDate,
    Slot,
    Talk,
    TalkTopic,
)
from tests.factories.people import PersonFactory


def district(name: str = "东湖区") -> District:
    """The demo city's districts come from a data migration; transactional tests flush them, so re-create."""
    if not District.objects.exists():
        from laurel.people.demo import DISTRICTS

        District.objects.bulk_create(
            District(name=zh, name_en=en, order=order) for order, (zh, en) in enumerate(DISTRICTS)
        )
    return District.objects.get(name=name)


def next_weekday(weekday: int, *, weeks: int = 1) -> datetime.date:
    """A date `weeks` weeks ahead that falls on `weekday` (0 = Monday)."""
    today = timezone.localdate()
    days = (weekday - today.weekday()) % 7 or 7
    return today + datetime.timedelta(days=days + 7 * (weeks - 1))


class LectureGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LectureGroup

    name = factory.Sequence(lambda n: f"科学家精神宣讲团{n}")
    name_en = factory.Sequence(lambda n: f"Scientist Spirit Lecture Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    group = factory.SubFactory(LectureGroupFactory)
    number = factory.Sequence(lambda n: n + 1)
    announced_on = datetime.date(2025, 5, 30)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    batch = factory.SubFactory(BatchFactory)
    group = factory.SelfAttribute("batch.group")
    person = factory.SubFactory(PersonFactory)
    term_start = datetime.date(2025, 5, 30)

    @factory.post_generation
    def reach_districts(self, create, extracted, **kwargs):
        if create:
            self.districts.set(extracted if extracted is not None else [district("东湖区")])

    @factory.post_generation
    def available(self, create, extracted, **kwargs):
        """Available every weekday in every slot unless a list of (weekday, slot) is given."""
        if create:
            pairs = extracted if extracted is not None else [(day, slot) for day in range(7) for slot in Slot.values]
            Availability.objects.bulk_create(
                Availability(membership=self, weekday=day, slot=slot) for day, slot in pairs
            )


class TalkTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalkTopic

    membership = factory.SubFactory(MembershipFactory)
    title = "新材料改变生活"
    abstract = "从石墨烯到高温合金，讲述材料科学家的故事。"
    audience_types = ",students,residents,"


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Talk
        skip_postgeneration_save = True

    status = Talk.Status.REQUESTED
    host_name = factory.Sequence(lambda n: f"云州市第{n}中学")
    host_type = Talk.HostType.SCHOOL
    district = factory.LazyFunction(district)
    address = "湖滨路1号"
    audience_type = "students"
    audience_size = 300
    wanted_topic = "新材料"
    delivery = "onsite"
    contact_name = "王老师"
    contact_email = factory.Sequence(lambda n: f"host{n}@school.example.org")
    contact_phone = "0871-5550000"

    @factory.post_generation
    def preferred(self, create, extracted, **kwargs):
        if create:
            pairs = (
                extracted if extracted is not None else [(next_weekday(1), "morning"), (next_weekday(3), "afternoon")]
            )
            PreferredDate.objects.bulk_create(PreferredDate(talk=self, date=date, slot=slot) for date, slot in pairs)

import datetime

import factory
from django.utils import timezone

from laurel.consultations import delphi
from laurel.consultations.models import Consultation, Openness, Round, Seat, Statement
from laurel.people.models import Organization
from laurel.people.roles import RoleKind
from tests.factories.people import OrganizationFactory, PersonFactory, user_with_role


class GovernmentFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"云州市测试局{n}")
    kind = Organization.Kind.GOVERNMENT


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    asking_body = factory.SubFactory(GovernmentFactory)
    status = Consultation.Status.ACCEPTED
    title = "城市内涝治理的优先措施"
    question = "未来五年，云州市应优先采取哪些措施降低城市内涝风险？"
    background = "2025年汛期，中心城区出现多处积水。"
    expertise_wanted = "水文 水资源 城市规划 排水工程"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    openness = Openness.PUBLIC
    contact_name = "李处长"
    contact_email = "li@gov.example.org"


def expert_person(*, field="水文水资源", organization=None, **kwargs):
    """A sci-tech worker with an expert account."""
    user = user_with_role(RoleKind.EXPERT, **kwargs)
    extra = {"organization": organization} if organization is not None else {}
    return PersonFactory(user=user, field=field, bio=f"长期从事{field}研究。", **extra)


def seat_for(consultation, person=None, *, status=Seat.Status.ACCEPTED, **kwargs) -> Seat:
    person = person or expert_person(**kwargs)
    return Seat.objects.create(
        consultation=consultation,
        person=person,
        user=person.user,
        status=status,
        pledged_at=timezone.now() if status == Seat.Status.ACCEPTED else None,
    )


def open_round(consultation, *, number=1, hours=48) -> Round:
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.IN_ROUNDS)
    consultation.status = Consultation.Status.IN_ROUNDS
    return Round.objects.create(
        consultation=consultation, number=number, deadline=timezone.now() + datetime.timedelta(hours=hours)
    )


def statements(consultation, count=3) -> list[Statement]:
    texts = ["建设海绵城市设施", "改造老旧排水管网", "建立内涝预警系统", "扩大城市绿地", "完善应急预案"]
    return [Statement.objects.create(consultation=consultation, text=text) for text in texts[:count]]


def concluded_consultation(staff):
    """A consultation concluded after one round: five experts (two agreed to be named), three statements."""
    consultation = ConsultationFactory()
    seats = [
        seat_for(consultation, field=field, email=f"panel{index}@example.org")
        for index, field in enumerate(["水文水资源", "城市规划", "排水工程", "城市规划", "应急管理"])
    ]
    names = ["钱塘", "孙澄", "吴越", "郑和", "冯远"]
    for seat, name in zip(seats, names, strict=True):
        seat.person.name = name
        seat.person.save(update_fields=["name"])
    Seat.objects.filter(pk__in=[seats[0].pk, seats[1].pk]).update(may_be_named=True)
    consultation.max_rounds = 1
    consultation.save(update_fields=["max_rounds"])
    delphi_round = open_round(consultation)
    statement_list = statements(consultation, 3)
    values = [[8, 9, 2], [9, 8, 8], [8, 8, 9], [7, 9, 3], [9, 8, 8]]
    comments = ["投入大但见效快", "", "需要跨部门协同", "", "预警比工程更急"]
    for seat, row, comment in zip(seats, values, comments, strict=True):
        for statement, value in zip(statement_list, row, strict=True):
            delphi.rate(
                seat, delphi_round=delphi_round, statement=statement, importance=value, feasibility=6,
                comment=comment if value <= 3 or statement == statement_list[0] else "", actor=None,
            )  # fmt: skip
    delphi.close_round(delphi_round, actor=staff)
    consultation.refresh_from_db()
    assert consultation.stop_reason == "limit"
    return consultation

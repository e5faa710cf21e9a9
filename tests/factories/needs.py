import datetime

import factory
from django.utils import timezone

from laurel.needs.models import Need, ServiceRecord, Subscription
from laurel.people.roles import RoleKind
from tests.factories.outreach import district
from tests.factories.people import PersonFactory, user_with_role


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    status = Need.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    poster_name = factory.Sequence(lambda n: f"云州精密制造有限公司{n}")
    poster_type = Need.PosterType.ENTERPRISE
    field = "materials"
    title = "锂电池正极材料循环寿命不足"
    problem = "我们的磷酸铁锂正极材料在高温下循环寿命衰减很快，希望找到改进涂层工艺的专家。"
    tried = "调整过烧结温度，效果有限。"
    region = factory.LazyFunction(lambda: district("东湖区"))
    budget = "medium"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    contact_name = "钱经理"
    contact_email = factory.Sequence(lambda n: f"contact{n}@enterprise.example.org")
    contact_phone = "0871-5550000"


def expert_user(email: str, *, name: str = "郑清", field: str = "材料科学", bio: str = "锂电池正极材料与涂层"):
    user = user_with_role(RoleKind.EXPERT, email=email, full_name=name)
    PersonFactory(user=user, name=name, field=field, bio=bio)
    return user


def subscribe(user, *, fields=("materials",), regions=(), expertise="锂电池 正极材料 涂层", max_active=3, **extra):
    subscription = Subscription.objects.create(
        user=user, fields=list(fields), expertise=expertise, max_active=max_active, **extra
    )
    subscription.regions.set(regions)
    return subscription


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    region = factory.LazyFunction(lambda: district("东湖区"))
    description = "为柳塘村茶农讲解茶叶加工节能技术"
    hours = 4
    people_reached = 30

import pytest

from laurel.certificates import services
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.people import PersonFactory


@pytest.fixture
def template(db):
    return CertificateTemplateFactory()


@pytest.fixture
def honoree(db):
    return PersonFactory(name="王䶮", name_en="Wang Yan")


@pytest.fixture
def certificate(template, honoree, staff):
    return services.issue_one(
        template=template,
        recipient=honoree,
        title="云州市最美科技工作者",
        title_en="Most Beautiful Sci-tech Worker of Yunzhou",
        citation="在材料科学领域取得突出成就。",
        batch_key="2026-最美",
        actor=staff,
    )

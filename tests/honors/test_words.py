"""Words: 姓名 for people and 名称 for things; no 教授 · 教授; English names on English pages; objection evidence by
the file's own name, never its storage path."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from laurel.honors import notices
from laurel.honors.models import Campaign, Criterion, Nomination, Stage, VettingBody
from tests.factories.honors import pdf_bytes, scored_campaign
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_things_have_a_mingcheng_and_people_a_xingming():
    with translation.override("zh-hans"):
        assert str(Campaign._meta.get_field("name").verbose_name) == "名称"
        assert str(Criterion._meta.get_field("name").verbose_name) == "名称"
        assert str(VettingBody._meta.get_field("name").verbose_name) == "名称"
        assert translation.pgettext("of a person", "name") == "姓名"


@pytest.mark.parametrize(
    ("position", "title", "line"),
    [("教授", "教授", "教授"), ("院长", "教授", "院长 · 教授"), ("", "研究员", "研究员"), ("", "", "")],
)
def test_position_and_title_print_once(position, title, line):
    assert PersonFactory.build(position=position, title=title).position_and_title() == line


@pytest.fixture
def published(expert):
    campaign, made = scored_campaign(totals=[[90]], experts=[expert], honorees_count=1, stage=Stage.PUBLISHED,
                                     published_at=timezone.now())  # fmt: skip
    unit = OrganizationFactory(name="云州理工大学", name_en="Yunzhou University of Technology")
    person = PersonFactory(organization=unit, name="王磊", name_en="Wang Lei", position="教授", title="教授")
    Nomination.objects.filter(pk=made[0].pk).update(status="selected", unit=unit, person=person)
    return campaign


def test_the_results_page_uses_english_names_on_english_pages_and_prints_a_title_once(client, published):
    url = reverse("honors:results", kwargs={"code": published.code})
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Wang Lei" in english and "Yunzhou University of Technology · 教授" in english
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "王磊" in chinese and "云州理工大学 · 教授<" in chinese and "教授 · 教授" not in chinese


def test_the_notice_page_uses_english_names_on_english_pages(client, published):
    today = timezone.localdate()
    Campaign.objects.filter(pk=published.pk).update(
        stage=Stage.NOTICE, notice_starts_on=today, notice_ends_on=today + datetime.timedelta(days=6)
    )
    page = client.get(reverse("honors:notice", kwargs={"code": published.code}), HTTP_ACCEPT_LANGUAGE="en")
    assert "Wang Lei" in page.content.decode() and "Yunzhou University of Technology" in page.content.decode()
    chinese = client.get(reverse("honors:notice", kwargs={"code": published.code}), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "<th>姓名</th>" in chinese.content.decode()


def test_objection_evidence_is_shown_by_its_own_file_name_not_its_storage_path(published, staff_client):
    today = timezone.localdate()
    Campaign.objects.filter(pk=published.pk).update(
        stage=Stage.NOTICE, notice_starts_on=today, notice_ends_on=today + datetime.timedelta(days=6)
    )
    nomination = Nomination.objects.select_related("campaign", "person").get(campaign=published)
    hostile = SimpleUploadedFile("..\\..\\etc/论文署名\u202e证据.pdf", pdf_bytes(), content_type="application/pdf")
    objection = notices.file_objection(
        nomination, full_name="王小明", contact="13800000000", email="", statement="该候选人的论文存在署名争议。",
        address="198.51.100.30", evidence=[hostile],
    )  # fmt: skip
    evidence = objection.evidence.get()
    assert evidence.original_name == "论文署名证据.pdf"
    assert str(evidence) == "论文署名证据.pdf"
    page = staff_client.get(reverse("honors:objections", kwargs={"code": published.code})).content.decode()
    assert ">论文署名证据.pdf</a>" in page
    assert evidence.file.name not in page

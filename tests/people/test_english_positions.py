"""English positions and professional titles: English pages show them where they show the Chinese ones, and fall
back to the Chinese when a person has none in English."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from laurel.honors.models import Campaign, Nomination, Stage
from laurel.people import spreadsheets
from laurel.people.models import Person
from tests.factories.honors import scored_campaign
from tests.factories.outreach import MembershipFactory
from tests.factories.people import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "english", "chinese"),
    [
        ({"position_en": "Dean", "title_en": "Professor"}, "Dean · Professor", "院长 · 教授"),
        ({"position_en": "Dean"}, "Dean · 教授", "院长 · 教授"),  # the title falls back to the Chinese
        ({}, "院长 · 教授", "院长 · 教授"),
        ({"position": "", "title": "教授", "title_en": "Professor"}, "Professor", "教授"),
        ({"position": "教授", "position_en": "Professor", "title_en": "Professor"}, "Professor", "教授"),
    ],
)
def test_position_and_title_in_a_language(fields, english, chinese):
    person = PersonFactory.build(**{"position": "院长", "title": "教授", **fields})
    assert person.position_and_title_in("en") == english
    assert person.position_and_title_in("zh-hans") == chinese
    with translation.override("en"):
        assert person.position_and_title_in() == english
    assert person.position_and_title() == chinese  # the official Chinese lists keep the Chinese


def test_position_in_a_language():
    person = PersonFactory.build(position="总工程师", position_en="Chief Engineer")
    assert (person.position_in("en"), person.position_in("zh-hans")) == ("Chief Engineer", "总工程师")
    assert PersonFactory.build(position="总工程师").position_in("en") == "总工程师"


@pytest.fixture
def published(expert):
    campaign, made = scored_campaign(totals=[[90], [80]], experts=[expert], honorees_count=2,
                                     stage=Stage.PUBLISHED, published_at=timezone.now())  # fmt: skip
    unit = OrganizationFactory(name="云州理工大学", name_en="Yunzhou University of Technology")
    wang = PersonFactory(organization=unit, name="王磊", name_en="Wang Lei", position="院长", title="教授",
                         position_en="Dean", title_en="Professor")  # fmt: skip
    li = PersonFactory(organization=unit, name="李娜", name_en="Li Na", position="总工程师", title="")
    for nomination, person in zip(made, (wang, li), strict=True):
        Nomination.objects.filter(pk=nomination.pk).update(status="selected", unit=unit, person=person)
    return campaign


def test_the_results_page_shows_english_positions_in_english_and_chinese_ones_in_chinese(client, published):
    url = reverse("honors:results", kwargs={"code": published.code})
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Yunzhou University of Technology · Dean · Professor" in english
    assert "院长" not in english
    assert "Yunzhou University of Technology · 总工程师" in english  # no English position: the Chinese one
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "云州理工大学 · 院长 · 教授" in chinese and "Dean" not in chinese


def test_the_notice_page_shows_english_positions_in_english(client, published):
    today = timezone.localdate()
    Campaign.objects.filter(pk=published.pk).update(
        stage=Stage.NOTICE, notice_starts_on=today, notice_ends_on=today + datetime.timedelta(days=6)
    )
    url = reverse("honors:notice", kwargs={"code": published.code})
    assert "<td>Dean · Professor</td>" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>院长 · 教授</td>" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_the_lecture_group_page_shows_the_english_position_and_unit(client):
    unit = OrganizationFactory(name="云州农科院", name_en="Yunzhou Academy of Agricultural Sciences")
    membership = MembershipFactory(person__organization=unit, person__position="研究员",
                                   person__position_en="Research Fellow")  # fmt: skip
    url = membership.group.get_absolute_url()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Yunzhou Academy of Agricultural Sciences · Research Fellow" in english
    assert "云州农科院 · 研究员" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_the_staff_form_saves_both_languages_and_refuses_too_long_english(staff_client):
    unit = OrganizationFactory()
    data = {"name": "王芳", "gender": "female", "organization": unit.pk, "position": "院长", "title": "教授",
            "position_en": "Dean", "title_en": "Professor"}  # fmt: skip
    page = staff_client.get(reverse("people:person_create"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "英文职务" in page and "英文职称" in page
    response = staff_client.post(
        reverse("people:person_create"), {**data, "position_en": "D" * 101}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert "position_en" in response.context["form"].errors
    assert "101" in response.content.decode()  # the message says how long it is, in Chinese
    assert "不超过 100" in str(response.context["form"].errors["position_en"])
    response = staff_client.post(
        reverse("people:person_create"), {**data, "title_en": "P" * 101}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "at most 100 characters" in str(response.context["form"].errors["title_en"])
    assert Person.objects.count() == 0
    staff_client.post(reverse("people:person_create"), data)
    person = Person.objects.get()
    assert (person.position_en, person.title_en) == ("Dean", "Professor")


def test_the_export_carries_the_english_columns_and_the_import_reads_them(staff):
    person = PersonFactory(name="王芳", position="院长", position_en="Dean", title="教授", title_en="Professor")
    sheet = load_workbook(io.BytesIO(spreadsheets.export_xlsx("persons", "zh-hans"))).active
    header = [cell.value for cell in sheet[1]]
    assert "英文职务" in header and "英文职称" in header
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert (row["英文职务"], row["英文职称"]) == ("Dean", "Professor")
    Person.objects.filter(pk=person.pk).update(position_en="", title_en="")
    preview = spreadsheets.preview_import("persons", spreadsheets.export_xlsx("persons", "en"))
    Person.objects.filter(pk=person.pk).update(position_en="Dean", title_en="Professor")
    spreadsheets.apply_import(preview, actor=staff)
    person.refresh_from_db()
    assert (person.position_en, person.title_en) == ("", "")  # the file said blank, so blank


def test_an_import_without_the_english_columns_keeps_them(staff):
    unit = OrganizationFactory(name="云州大学")
    person = PersonFactory(organization=unit, name="王芳", position_en="Dean", title_en="Professor")
    content = f"编号,姓名,性别,单位,职务\n{person.code},王芳,女,云州大学,副院长\n新人,李明,男,云州大学,\n".replace(
        "新人", ""
    ).encode()
    preview = spreadsheets.preview_import("persons", content)
    assert preview.errors == []
    spreadsheets.apply_import(preview, actor=staff)
    person.refresh_from_db()
    assert (person.position, person.position_en, person.title_en) == ("副院长", "Dean", "Professor")
    assert Person.objects.get(name="李明").position_en == ""


def test_an_import_refuses_a_too_long_english_position(staff):
    OrganizationFactory(name="云州大学")
    content = ("姓名,性别,单位,英文职务\n王芳,女,云州大学," + "D" * 101 + "\n").encode()
    preview = spreadsheets.preview_import("persons", content)
    assert [(error.row, error.column) for error in preview.errors] == [(2, "英文职务")]
    assert Person.objects.count() == 0


def test_the_english_report_of_a_campaign_uses_english_names_and_positions(staff, published):
    from laurel.news.services import draft_report_from_campaign

    body = draft_report_from_campaign(published, actor=staff, language="en").body
    assert "- **Wang Lei**, Yunzhou University of Technology, Dean" in body
    assert "- **Li Na**, Yunzhou University of Technology, 总工程师" in body

"""Issue 11 item 10: the nomination form (推荐表) as a PDF, the campaign's ZIP of forms, every field as an XLSX."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from laurel.honors import paperwork
from laurel.honors.models import Assignment, Nomination, PanelMember, Stage
from tests.factories.honors import CampaignFactory, NominationFactory
from tests.factories.people import OrganizationFactory, PersonFactory, RoleKind, user_with_role

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '#import "/etc": *]张'
HOSTILE_STORY = '第一段 *不加粗* ]\n#import "/etc/passwd": *\n#let x = 1 $x$ `code` @ref <label> \\ #sys.inputs'


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def compact(text: str) -> str:
    """PDF text extraction breaks lines where the layout does: compare without whitespace."""
    return "".join(text.split())


@pytest.fixture
def nomination(campaign, unit, nominator):
    person = PersonFactory(
        organization=unit, name="林晓燕", gender="female", position="副院长", title="研究员", field="材料科学",
        email="lin@example.org",
    )  # fmt: skip
    return NominationFactory(
        campaign=campaign, unit=unit, person=person, nominated_by=nominator, status=Nomination.Status.SUBMITTED,
        story="长期扎根一线，攻克关键技术难题。\n带领团队完成三项国家级项目。", titles_held="省劳动模范",
        citation="扎根一线的材料科学家", photos=0,
    )  # fmt: skip


def test_the_form_prints_the_fields_the_deeds_and_the_unit_opinion_box(nomination):
    with translation.override("zh-hans"):
        text = compact(pdf_text(paperwork.render_form(nomination)))
    for expected in [
        "林晓燕", "女", "副院长", "研究员", "材料科学", "lin@example.org", "云州大学", "省劳动模范",
        "长期扎根一线，攻克关键技术难题。", "带领团队完成三项国家级项目。", "扎根一线的材料科学家", nomination.code,
        "推荐单位意见", "（盖章）", "年月日", "主要事迹", "姓名", "性别", "出生年月", "工作单位", "职务", "职称",
        "联系方式",
    ]:  # fmt: skip
        assert compact(expected) in text, expected


def test_typst_markup_in_a_name_and_the_deeds_prints_as_typed(campaign, unit, nominator):
    person = PersonFactory(organization=unit, name=HOSTILE_NAME, position="*]#pagebreak()")
    hostile = NominationFactory(
        campaign=campaign, unit=unit, person=person, nominated_by=nominator, story=HOSTILE_STORY, photos=0,
        citation="]] #place(top)[x]",
    )  # fmt: skip
    pdf = paperwork.render_form(hostile)
    text = compact(pdf_text(pdf))
    for typed in [HOSTILE_NAME, "*]#pagebreak()", '#import"/etc/passwd":*', "$x$`code`@ref<label>\\#sys.inputs"]:
        assert compact(typed) in text, typed
    assert "]]#place(top)[x]" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # the #pagebreak() in the position did not run


def test_the_form_prints_english_labels_on_english_pages(nomination):
    with translation.override("en"):
        text = compact(pdf_text(paperwork.render_form(nomination)))
    assert "Opinionofthenominatingunit" in text and "Maindeeds" in text and "林晓燕" in text


def test_staff_and_the_units_nominator_download_the_form(client, staff, nominator, nomination):
    url = reverse("honors:nomination_form_pdf", kwargs={"code": nomination.code})
    for user in (staff, nominator):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "林晓燕" in pdf_text(response.content)


def test_an_assigned_expert_another_units_nominator_and_a_stranger_never_get_the_form(
    client, expert, stranger, nomination
):
    nomination.campaign.stage = Stage.REVIEW
    nomination.campaign.save()
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.ELIGIBLE)
    PanelMember.objects.create(campaign=nomination.campaign, expert=expert)
    Assignment.objects.create(nomination=nomination, expert=expert, round=1)
    other_nominator = user_with_role(RoleKind.NOMINATOR, organization=OrganizationFactory(), email="o@example.org")
    url = reverse("honors:nomination_form_pdf", kwargs={"code": nomination.code})
    for user in (expert, other_nominator, stranger):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_zip_holds_one_form_per_submitted_nomination_and_skips_drafts(staff_client, campaign, nomination):
    NominationFactory(campaign=campaign, photos=0)  # a draft: not the association's yet
    response = staff_client.get(reverse("honors:forms_zip", kwargs={"code": campaign.code}))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [f"云州大学-林晓燕-{nomination.code}.pdf"]
    assert "林晓燕" in pdf_text(archive.read(archive.namelist()[0]))


def test_the_zip_is_refused_beyond_its_limit_with_a_message(staff_client, campaign, nomination, monkeypatch):
    NominationFactory(campaign=campaign, photos=0, status=Nomination.Status.SUBMITTED)
    monkeypatch.setattr(paperwork, "ZIP_LIMIT", 1)
    response = staff_client.get(reverse("honors:forms_zip", kwargs={"code": campaign.code}), follow=True)
    assert "共 2 份推荐表，超过单次下载上限（1 份）：请在列表中选择一个推荐单位。" in [
        str(message) for message in response.context["messages"]
    ]


def test_the_zip_of_one_unit_holds_only_its_forms(staff_client, campaign, nomination):
    other = NominationFactory(campaign=campaign, photos=0, status=Nomination.Status.SUBMITTED)
    url = reverse("honors:forms_zip", kwargs={"code": campaign.code}) + f"?unit={other.unit.code}"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(staff_client.get(url).streaming_content)))
    assert archive.namelist() == [paperwork.form_filename(other)]


def test_the_zip_and_the_workbook_are_staff_only(client, nominator, expert, campaign, nomination):
    for name in ("forms_zip", "nominations_xlsx"):
        url = reverse(f"honors:{name}", kwargs={"code": campaign.code})
        for user in (nominator, expert):
            client.force_login(user)
            assert client.get(url).status_code == 403


def test_the_workbook_has_every_field_of_every_nomination_and_no_formula(staff_client, campaign, nomination):
    Nomination.objects.filter(pk=nomination.pk).update(
        eligibility_explanation='=HYPERLINK("https://evil.example","x")', eligibility_problems=["年限不足"]
    )
    response = staff_client.get(
        reverse("honors:nominations_xlsx", kwargs={"code": campaign.code}), HTTP_ACCEPT_LANGUAGE="en"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    for field in Nomination._meta.concrete_fields:
        if field.name not in {"campaign", "unit", "person", "nominated_by"}:
            assert str(field.verbose_name) in header, field.name
    assert row["code"] == nomination.code and row["story"] == nomination.story
    assert row["ID photo"].endswith(".jpg") and "/" not in row["ID photo"]
    assert row["explanation of the eligibility problems"] == '=HYPERLINK("https://evil.example","x")'
    assert sheet.cell(row=2, column=header.index("explanation of the eligibility problems") + 1).data_type == "s"
    assert row["eligibility problems"] == "年限不足" and row["email address"] == "lin@example.org"


def test_the_detail_page_links_the_form_for_its_nominator_and_not_for_its_expert(client, nominator, expert, nomination):
    url = reverse("honors:nomination_form_pdf", kwargs={"code": nomination.code})
    client.force_login(nominator)
    assert url in client.get(nomination.get_absolute_url()).content.decode()
    nomination.campaign.stage = Stage.REVIEW
    nomination.campaign.save()
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.ELIGIBLE)
    PanelMember.objects.create(campaign=nomination.campaign, expert=expert)
    Assignment.objects.create(nomination=nomination, expert=expert, round=1)
    client.force_login(expert)
    page = client.get(nomination.get_absolute_url())
    assert page.status_code == 200 and url not in page.content.decode()


@pytest.fixture
def campaign(db):
    return CampaignFactory(name="最美科技工作者")


def test_the_forms_share_one_compiler_directory_that_goes_with_the_compiler(nomination, tmp_path, monkeypatch):
    import gc
    import os
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # other processes' forms stay out of the count

    def directories():
        return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("laurel-nomination-form-")}

    paperwork._compiler.cache_clear()
    gc.collect()
    before = directories()
    paperwork.render_form(nomination)
    paperwork.render_form(nomination)
    assert len(directories() - before) == 1
    paperwork._compiler.cache_clear()
    gc.collect()
    assert directories() - before == set()

import pytest

from laurel.honors import reviews
from laurel.honors.models import Nomination, Stage
from tests.conftest import login
from tests.factories.honors import CampaignFactory, NominationFactory, pdf_bytes
from tests.factories.people import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_blind_campaign_warns_the_nominator_and_masks_the_story_for_the_expert(
    page, nominator, unit, staff, expert, tmp_path
):
    campaign = CampaignFactory(stage=Stage.OPEN, blind_review=True)
    person = PersonFactory(organization=unit, name="李青")
    draft = NominationFactory(
        campaign=campaign, unit=unit, person=person, nominated_by=nominator,
        story="李青在云州大学扎根一线二十年，带领团队攻克关键技术。",
    )  # fmt: skip
    document = tmp_path / "anonymized.pdf"
    document.write_bytes(pdf_bytes())
    login(page, nominator)
    page.goto(f"/campaigns/nominations/{draft.code}/edit/")
    page.set_input_files("input[name=anonymized_evidence]", str(document))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/campaigns/nominations/{draft.code}/")
    assert "事迹中出现了李青、云州大学" in page.locator("[data-testid=blind-warning]").inner_text()
    page.click("main button:has-text('提交') >> nth=0")
    page.wait_for_load_state()
    assert Nomination.objects.get(pk=draft.pk).status == Nomination.Status.DRAFT
    page.click("[data-testid=submit-anyway]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=status]").inner_text() == "已提交"

    Nomination.objects.filter(pk=draft.pk).update(status=Nomination.Status.ELIGIBLE)
    campaign.stage = Stage.REVIEW
    campaign.save()
    reviews.add_panel_member(campaign, expert=expert, actor=staff)
    reviews.assign_expert(Nomination.objects.get(pk=draft.pk), expert=expert, actor=staff)
    page.context.clear_cookies()
    login(page, expert)
    page.goto(f"/campaigns/nominations/{draft.code}/")
    main = page.locator("main").inner_text()
    assert "李青" not in main and "云州大学" not in main
    assert (
        page.locator("[data-testid=story]").inner_text()
        == "【被推荐人】在【单位】扎根一线二十年，带领团队攻克关键技术。"
    )
    assert page.locator("[data-testid=documents] a").all_inner_texts() == ["盲评用匿名材料（PDF）"]
    assert page.locator("main img").count() == 0


def test_the_expert_reads_the_short_forms_of_the_name_masked(page, nominator, unit, staff, expert):
    campaign = CampaignFactory(stage=Stage.REVIEW, blind_review=True)
    person = PersonFactory(organization=unit, name="欧阳晓明", name_en="Ouyang Xiaoming")
    nomination = NominationFactory(
        campaign=campaign, unit=unit, person=person, nominated_by=nominator, status=Nomination.Status.ELIGIBLE,
        story="欧阳教授带领团队扩张试验田，同事们叫她小欧阳，OUYANG XIAOMING 的学生都叫她晓明老师。",
    )  # fmt: skip
    reviews.add_panel_member(campaign, expert=expert, actor=staff)
    reviews.assign_expert(nomination, expert=expert, actor=staff)
    login(page, expert)
    page.goto(f"/campaigns/nominations/{nomination.code}/")
    assert page.locator("[data-testid=story]").inner_text() == (
        "【被推荐人】带领团队扩张试验田，同事们叫她【被推荐人】，【被推荐人】 的学生都叫她【被推荐人】老师。"
    )

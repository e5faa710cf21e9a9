import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from laurel.honors import reviews
from laurel.honors.calendar import notice_end
from laurel.honors.models import Assignment, Campaign, Nomination, Objection, Review, Stage
from tests.conftest import login
from tests.factories.honors import CampaignFactory, NominationFactory, pdf_bytes, scored_campaign
from tests.factories.people import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def write_jpeg(path):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "red").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_nominator_drafts_adds_photos_and_submits(page, nominator, unit, tmp_path):
    campaign = CampaignFactory(stage=Stage.OPEN)
    person = PersonFactory(organization=unit, name="李青")
    document = tmp_path / "evidence.pdf"
    document.write_bytes(pdf_bytes())
    login(page, nominator)
    page.goto(campaign.get_absolute_url())
    page.click("text=推荐候选人")
    page.select_option("select[name=person]", str(person.pk))
    page.select_option("select[name=category]", "front_line")
    page.fill("textarea[name=story]", "扎根一线二十年，带领团队攻克关键技术。")
    page.fill("input[name=years_in_city]", "12")
    page.set_input_files("input[name=id_photo]", write_jpeg(tmp_path / "id.jpg"))
    for name in ("evidence", "unit_opinion", "integrity_certificate"):
        page.set_input_files(f"input[name={name}]", str(document))
    page.check("input[name=consent]")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/campaigns/nominations/*/")
    for index in range(3):
        page.set_input_files("input[name=image]", write_jpeg(tmp_path / f"work{index}.jpg"))
        page.click("text=添加照片")
        page.wait_for_load_state()
    page.click("button:has-text('提交')")
    page.wait_for_load_state()
    assert page.locator("[data-testid=status]").inner_text() == "已提交"
    assert Nomination.objects.get().status == Nomination.Status.SUBMITTED


def test_expert_scores_an_assigned_nomination_once(page, expert, staff):
    campaign = CampaignFactory(stage=Stage.REVIEW, blind_review=True)
    nomination = NominationFactory(campaign=campaign, status=Nomination.Status.ELIGIBLE, photos=0)
    reviews.add_panel_member(campaign, expert=expert, actor=staff)
    reviews.assign_expert(nomination, expert=expert, actor=staff)
    login(page, expert)
    page.goto("/campaigns/reviews/")
    page.click(f"text={nomination.code}")
    for criterion in campaign.criteria.all():
        page.fill(f"input[name=score_{criterion.pk}]", "85")
    page.fill("textarea[name=comment]", "事迹突出。")
    page.click("text=提交我的评分")
    page.wait_for_url("**/campaigns/reviews/")
    assert "已评分" in page.locator("main").inner_text()
    assert Review.objects.get().total == 85.0
    page.goto(f"/campaigns/nominations/{nomination.code}/review/")
    assert "您已为这条推荐评过分" in page.locator("main").inner_text()


def test_staff_selects_moves_to_notice_and_publishes(page, staff, expert):
    campaign, made = scored_campaign(
        totals=[[90], [80], [70]], experts=[expert], honorees_count=2, name="2023年最美科技工作者",
        name_en="Most Beautiful Sci-tech Workers 2023",
    )  # fmt: skip
    Nomination.objects.filter(pk=made[0].pk).update(citation="扎根田野的育种人", citation_en="A breeder in the fields")
    login(page, staff)
    page.goto(f"/campaigns/{campaign.code}/ranking/")
    page.click("text=按建议名单确定人选")
    page.wait_for_load_state()
    assert set(Nomination.objects.selected()) == {made[0], made[1]}
    page.goto(campaign.get_absolute_url())
    page.click("text=进入“公示”")
    page.wait_for_load_state()
    assert page.locator("[data-testid=stage]").inner_text() == "公示"
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Campaign.objects.filter(pk=campaign.pk).update(notice_ends_on=yesterday, notice_starts_on=yesterday)
    page.reload()
    page.click("text=进入“已发布”")
    page.wait_for_load_state()
    page.click("main >> text=评选结果")
    page.wait_for_url(f"**/campaigns/{campaign.code}/results/")
    page.locator("[data-testid=honoree] h2").first.wait_for()
    names = page.locator("[data-testid=honoree] h2").all_inner_texts()
    assert sorted(names) == sorted([made[0].person.name, made[1].person.name])
    assert page.locator("main h1").inner_text() == "2023年最美科技工作者"
    assert page.locator("[data-testid=citation]").all_inner_texts() == ["扎根田野的育种人"]
    page.click(".language-switcher button[value=en]")
    page.locator("main h1", has_text="Most Beautiful Sci-tech Workers 2023").wait_for()
    assert page.locator("main h1").inner_text() == "Most Beautiful Sci-tech Workers 2023"
    assert page.locator("[data-testid=citation]").all_inner_texts() == ["A breeder in the fields"]


def test_public_objection_without_login(page, expert):
    today = timezone.localdate()
    campaign, made = scored_campaign(
        totals=[[90]], experts=[expert], honorees_count=1, stage=Stage.NOTICE, notice_starts_on=today,
        notice_ends_on=today + datetime.timedelta(days=6),
    )  # fmt: skip
    Nomination.objects.filter(pk=made[0].pk).update(status=Nomination.Status.SELECTED)
    page.goto(f"/campaigns/{campaign.code}/notice/")
    page.click("a:has-text('提出异议')")
    page.fill("textarea[name=statement]", "匿名举报。")
    page.click("text=提交异议")
    assert "不受理匿名异议" in page.locator("main").inner_text()
    page.fill("input[name=full_name]", "王小明")
    page.fill("input[name=contact]", "13800000000")
    page.fill("textarea[name=statement]", "该候选人的论文存在署名争议，附证明材料。")
    page.click("text=提交异议")
    page.wait_for_url(f"**/campaigns/{campaign.code}/notice/")
    assert "您的异议已收到" in page.locator(".messages").inner_text()
    assert Objection.objects.get().full_name == "王小明"
    assert Assignment.objects.count() == 1


def test_staff_uphold_an_objection_and_the_replacement_is_noticed_on_its_own(page, staff, expert):
    today = timezone.localdate()
    campaign, made = scored_campaign(
        totals=[[95], [90], [80]], experts=[expert], honorees_count=2, stage=Stage.NOTICE,
        notice_starts_on=today - datetime.timedelta(days=9), notice_ends_on=today - datetime.timedelta(days=2),
        holidays=[(today + datetime.timedelta(days=1)).isoformat()],
    )  # fmt: skip
    Nomination.objects.filter(pk__in=[made[0].pk, made[1].pk]).update(status=Nomination.Status.SELECTED)
    Objection.objects.create(
        nomination=made[0], full_name="王小明", contact="13800000000", statement="该候选人的论文存在署名争议。"
    )
    end = notice_end(today, 5, holidays=campaign.holiday_dates()).isoformat()
    login(page, staff)
    page.goto(f"/campaigns/{campaign.code}/objections/")
    page.fill("textarea[name=reason]", "经核实属实")
    page.click("text=异议成立，取消该候选人")
    page.wait_for_load_state()
    assert (
        f"{made[2].person.name} 递补被取消的候选人；针对其的异议受理至 {end}。"
        in page.locator(".messages").inner_text()
    )
    page.goto(f"/campaigns/{campaign.code}/notice/")
    rows = page.locator("[data-testid=candidate]")
    assert rows.count() == 2
    replacement = rows.filter(has_text=made[2].person.name)
    assert replacement.locator("[data-testid=own-notice]").inner_text() == (
        f"{today.isoformat()} 递补被取消的候选人；异议受理至 {end}。"
    )
    assert replacement.locator("a:has-text('提出异议')").count() == 1
    assert rows.filter(has_text=made[1].person.name).locator("a:has-text('提出异议')").count() == 0


def test_staff_edit_an_english_citation_and_see_it_on_the_english_results_page(page, staff):
    campaign = CampaignFactory(stage=Stage.PUBLISHED, name="2023年最美科技工作者", published_at=timezone.now())
    nomination = NominationFactory(
        campaign=campaign, status=Nomination.Status.SELECTED, citation="扎根田野的育种人", photos=0
    )
    login(page, staff)
    page.goto(campaign.get_absolute_url())
    page.click("text=发布文本")
    page.fill("input[name=name_en]", "Most Beautiful Sci-tech Workers 2023")
    page.fill(f"textarea[name='{nomination.code}-citation_en']", "A rice breeder who never left the fields")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "已保存" in page.locator(".messages").inner_text()
    page.goto(f"/campaigns/{campaign.code}/results/")
    assert page.locator("[data-testid=citation]").all_inner_texts() == ["扎根田野的育种人"]
    page.click(".language-switcher button[value=en]")
    page.locator("main h1", has_text="Most Beautiful Sci-tech Workers 2023").wait_for()
    assert page.locator("[data-testid=citation]").all_inner_texts() == ["A rice breeder who never left the fields"]

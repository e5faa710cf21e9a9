import datetime

import pytest
from django.core import mail
from django.utils import timezone

from laurel.needs.models import Need, ServiceRecord
from tests.conftest import login
from tests.factories.needs import NeedFactory, expert_user, subscribe
from tests.factories.outreach import district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png(tmp_path):
    from PIL import Image

    path = tmp_path / "service.png"
    Image.new("RGB", (16, 16), "green").save(path)
    return str(path)


def test_poster_posts_staff_publish_expert_offers_staff_broker_and_poster_gives_feedback(page, staff):
    expert = expert_user("coat@example.org", name="涂层专家")
    subscribe(expert, regions=[district("东湖区")])
    # The enterprise posts its need without an account and confirms it from the mail.
    page.goto("/needs/post/")
    page.fill("input[name=poster_name]", "云州精密制造有限公司")
    page.select_option("select[name=poster_type]", "enterprise")
    page.select_option("select[name=field]", "materials")
    page.select_option("select[name=region]", str(district("东湖区").pk))
    page.fill("input[name=title]", "正极材料涂层开裂")
    page.fill("textarea[name=problem]", "锂电池正极材料包覆涂层在高温循环后开裂，希望找到改进工艺的专家。")
    page.select_option("select[name=budget]", "medium")
    page.fill("input[name=deadline]", (timezone.localdate() + datetime.timedelta(days=45)).isoformat())
    page.fill("input[name=contact_name]", "钱经理")
    page.fill("input[name=contact_email]", "qian@enterprise.example.org")
    page.fill("input[name=contact_phone]", "0871-5550000")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=need-sent]")
    verify_link = next(line for line in mail.outbox[0].body.splitlines() if "/verify/" in line)
    page.goto(verify_link.replace("http://127.0.0.1:8000", ""))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/follow/**")
    assert page.locator("[data-testid=need-status]").inner_text() == "等待审核"
    follow_url = page.url
    need = Need.objects.get()

    # Staff publish it; the subscribed expert is mailed.
    login(page, staff)
    page.goto(need.get_manage_url())
    page.click("button[value=publish]")
    page.wait_for_selector("[data-testid=suggestion]")
    assert [message.to for message in mail.outbox[1:]] == [["coat@example.org"]]

    # The public board shows it without the contact.
    page.context.clear_cookies()
    page.goto("/needs/?field=materials")
    assert page.locator("[data-testid=need] h2 a").all_inner_texts() == ["正极材料涂层开裂"]
    page.click("text=正极材料涂层开裂")
    assert page.locator("[data-testid=need-contact]").count() == 0

    # The expert offers help.
    login(page, expert)
    page.goto(need.get_absolute_url())
    page.fill("textarea[name=note]", "我做过类似的涂层改进项目。")
    page.click("text=我可以帮忙")
    page.wait_for_selector("[data-testid=offered]")

    # Staff introduce the expert who offered help, record the meeting and conclude.
    page.context.clear_cookies()
    login(page, staff)
    page.goto(need.get_manage_url())
    assert "涂层专家" in page.locator("[data-testid=interest]").inner_text()
    page.locator("[data-testid=suggestion] button[value=introduce]").first.click()
    page.wait_for_selector("[data-testid=matched-expert]")
    page.fill("input[name=meeting_on]", timezone.localdate().isoformat())
    page.fill("textarea[name=notes]", "现场查看了生产线。")
    page.click("button[value=meeting]")
    page.wait_for_selector("select[name=outcome]")
    page.select_option("select[name=outcome]", "resolved")
    page.click("button[value=conclude]")
    page.wait_for_selector("[data-testid=need-outcome]")
    assert page.locator("[data-testid=need-outcome]").inner_text() == "已解决"

    # The poster rates the match through the private link.
    page.context.clear_cookies()
    page.goto(follow_url)
    assert "涂层专家" in page.locator("[data-testid=introduced-expert]").inner_text()
    page.fill("input[name=rating]", "5")
    page.click("text=提交反馈")
    page.wait_for_selector("[data-testid=poster-feedback]")
    assert Need.objects.get().poster_rating == 5


def test_expert_subscribes_records_service_and_staff_validate_it(page, staff, tmp_path):
    expert = expert_user("volunteer@example.org", name="志愿专家")
    region = district("青石县")  # transactional tests flush the districts' data migration: made again here
    login(page, expert)
    page.goto("/needs/subscription/")
    page.check("input[name=fields][value=agriculture]")
    page.fill("textarea[name=expertise]", "水稻 育种")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".message-success")
    assert expert.needs_subscription.fields == ["agriculture"]
    page.goto("/needs/service/")
    page.fill("input[name=date]", timezone.localdate().isoformat())
    page.select_option("select[name=region]", str(region.pk))
    page.fill("textarea[name=description]", "为柳塘村村民讲解稻瘟病绿色防控")
    page.fill("input[name=hours]", "3")
    page.fill("input[name=people_reached]", "60")
    page.set_input_files("input[name=photos]", [_png(tmp_path)])
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=service-record]")
    record = ServiceRecord.objects.get()

    page.context.clear_cookies()
    login(page, staff)
    page.goto("/needs/manage/service/")
    page.click("button[value=validate]")
    page.wait_for_selector(".message-success")
    assert ServiceRecord.objects.get(pk=record.pk).status == ServiceRecord.Status.VALIDATED

    page.context.clear_cookies()
    login(page, expert)
    assert (
        "已认定的志愿服务：1 条记录，3 小时，服务 60 人次。"
        in page.locator("[data-testid=desk-needs-expert]").inner_text()
    )


def test_visitor_filters_the_board_by_region_and_staff_read_the_reach_charts(page, staff):
    NeedFactory(field="agriculture", region=district("青石县"), title="茶叶加工节能")
    NeedFactory(field="materials", region=district("东湖区"), title="涂层工艺改进")
    page.goto("/needs/")
    page.select_option("select[name=region]", str(district("青石县").pk))
    page.click("[data-testid=board-filter] button[type=submit]")
    page.wait_for_url("**/needs/?*")
    assert page.locator("[data-testid=need] h2 a").all_inner_texts() == ["茶叶加工节能"]
    login(page, staff)
    page.goto("/needs/manage/reach/")
    assert page.locator("[data-testid=needs-posted]").inner_text() == "2"
    assert page.locator("svg.needs-chart").count() == 3


def test_a_need_past_its_deadline_leaves_the_board_and_staff_and_poster_see_it_expired(page, staff):
    from laurel.needs.services import expire_needs

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    stale = NeedFactory(title="窑炉余热回收过期需求", deadline=yesterday)
    current = NeedFactory(title="仍在征集的需求")
    assert expire_needs() == 1
    page.goto("/needs/")
    page.wait_for_selector(f"text={current.title}")
    assert stale.title not in page.content()
    page.goto(stale.get_follow_url())
    assert "已过期" in page.locator("main").inner_text()
    login(page, staff)
    page.goto("/needs/manage/")
    page.select_option("select[name=status]", label="已过期")
    page.click("main form.inline-form button[type=submit]")
    page.wait_for_url("**status=expired**")
    rows = page.locator("[data-testid=manage-need]")
    assert rows.count() == 1 and "已过期" in rows.first.inner_text() and stale.title in rows.first.inner_text()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [stale.contact_email]

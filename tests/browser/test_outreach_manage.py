import pytest

from laurel.outreach.models import Batch, Membership
from tests.conftest import login
from tests.factories.outreach import LectureGroupFactory
from tests.factories.people import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tick(page, query, person):
    """Search for a person in batch 1's picker and tick them."""
    page.fill("#search-b1", query)
    box = page.locator(f"[data-testid=choices-1] input[value='{person.pk}']")
    box.wait_for()
    box.check()


def test_staff_add_a_batch_and_its_members(page, staff):
    group = LectureGroupFactory(name="科学家精神宣讲团", slug="spirit")
    head, deputy, member = PersonFactory(name="钱学"), PersonFactory(name="李四光"), PersonFactory(name="王淦")
    login(page, staff)
    page.goto("/lecture-groups/manage/")
    page.click("text=科学家精神宣讲团")
    page.wait_for_url("**/lecture-groups/manage/spirit/")
    form = page.locator("[data-testid=add-batch]")
    form.locator("input[name=announced_on]").fill("2026-05-30")
    form.locator("input[name=announced_at]").fill("全国科技工作者日表彰大会")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=batch-1]")
    assert "已添加第1批" in page.locator(".message-success").inner_text()
    members_form = page.locator("[data-testid=add-members-1]")
    tick(page, "钱学", head)
    members_form.locator("select[name=b1-role]").select_option("head")
    members_form.locator("button[type=submit]").click()
    page.wait_for_selector("text=已添加1名成员")
    members_form = page.locator("[data-testid=add-members-1]")
    tick(page, "李四光", deputy)
    tick(page, "王淦", member)  # a new search keeps 李四光 ticked
    assert members_form.locator("input[name=b1-persons]:checked").count() == 2
    members_form.locator("input[name=b1-term_end]").fill("2029-05-29")
    members_form.locator("button[type=submit]").click()
    page.wait_for_selector("text=已添加2名成员")
    rows = page.locator("[data-testid=batch-1] tbody tr").all_inner_texts()
    assert len(rows) == 3 and any("钱学" in row and "团长" in row for row in rows)
    batch = Batch.objects.get(group=group)
    assert batch.announced_at == "全国科技工作者日表彰大会"
    assert sorted(Membership.objects.filter(batch=batch).values_list("person__name", "role")) == sorted(
        [("钱学", "head"), ("李四光", "member"), ("王淦", "member")]
    )
    page.goto("/lecture-groups/spirit/")
    assert page.locator("[data-testid=member]").count() == 3

import pytest

from tests.factories.outreach import TalkTopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_browses_the_group_and_filters_the_menu(page):
    topic = TalkTopicFactory(
        title="石墨烯的故事", membership__person__name="钱学", membership__batch__group__slug="spirit"
    )
    TalkTopicFactory(title="水稻与粮食安全")
    page.goto("/lecture-groups/spirit/")
    assert "钱学" in page.locator("[data-testid=member]").first.inner_text()
    page.goto("/lecture-groups/topics/")
    page.fill("main input[name=q]", "石墨烯的")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/topics/?q=*")
    titles = page.locator("[data-testid=topic] h2").all_inner_texts()
    assert len(titles) == 1 and topic.title in titles[0]
    page.click("text=申请这场宣讲")
    assert page.locator("input[name=wanted_topic]").input_value() == "石墨烯的故事"

import pytest

from laurel.news import search
from laurel.news.models import Article
from tests.factories.events import EventFactory
from tests.factories.news import ArticleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("collect_live_server_connections"),
]


def test_visitor_searches_from_the_header(page):
    ArticleFactory(title="量子通信科普讲座举行", summary="市民走进实验室")
    ArticleFactory(title="量子计划草稿", status=Article.Status.DRAFT, release_at=None)
    EventFactory(theme="量子科技论坛", theme_en="Quantum Technology Forum")
    search.rebuild()
    page.goto("/news/")
    page.fill(".header-search input[name=q]", "量子")
    page.press(".header-search input[name=q]", "Enter")
    page.wait_for_load_state()
    assert page.locator("[data-testid=search-total]").inner_text() == "共 2 条结果"
    hits = page.locator(".search-hit h3")
    assert hits.all_inner_texts() == ["量子通信科普讲座举行", "量子科技论坛"]
    assert page.locator(".search-hit h3 mark").first.inner_text() == "量子"
    page.click("text=活动 (1)")
    page.wait_for_load_state()
    assert page.locator(".search-hit h3").all_inner_texts() == ["量子科技论坛"]
    page.click(".search-hit h3 a")
    page.wait_for_load_state()
    assert "量子科技论坛" in page.locator("h1").inner_text()


def test_too_long_search_is_explained(page):
    page.goto("/search/?q=" + "量" * 101)
    assert "搜索内容太长" in page.locator("[role=alert]").inner_text()

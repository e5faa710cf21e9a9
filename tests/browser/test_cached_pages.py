"""A visitor on pages the page cache serves (laurel/core/pagecache.py): the language switch and the comment form
work with the token the cache put in, and signing in leaves the cached page behind."""

import pytest

from tests.conftest import login
from tests.factories.news import ArticleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("collect_live_server_connections"),
]


def test_a_visitor_switches_language_and_comments_on_cached_pages(page, browser, live_server, served_from_cache):
    story = ArticleFactory(title="致敬科技工作者")
    ArticleFactory(title="Salute to our scientists", language="en", translation_of=story)
    # Another visitor has been here first: both pages are in the cache.
    other = browser.new_context(base_url=live_server.url, locale="zh-CN")
    other.new_page().goto("/")
    other.new_page().goto(story.get_absolute_url())
    other.close()

    page.goto("/")
    assert "致敬科技工作者" in page.locator("main").inner_text()
    page.locator(".language-switcher button[value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Salute to our scientists" in page.locator("main").inner_text()
    page.locator(".language-switcher button[value=zh-hans]").click()
    page.wait_for_load_state()
    page.goto(story.get_absolute_url())
    page.fill("input[name=name]", "热心读者")
    page.fill("textarea[name=body]", "向科技工作者致敬！")
    page.click("#comment-form button[type=submit]")
    page.wait_for_load_state()
    assert "审核后显示" in page.locator(".messages").inner_text()
    assert "/" in served_from_cache and story.get_absolute_url() in served_from_cache
    assert story.comments.count() == 1


def test_signing_in_leaves_the_cached_front_page_behind(page, staff, served_from_cache):
    page.goto("/")
    page.goto("/")
    assert served_from_cache == ["/"]
    assert page.locator("form[action$='/accounts/logout/']").count() == 0
    login(page, staff)
    page.goto("/")
    assert served_from_cache == ["/"]
    assert page.locator("form[action$='/accounts/logout/']").count() == 1

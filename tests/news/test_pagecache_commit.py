"""Saving an article refreshes the cached page after the commit, and a reader never pins the old page."""

import pytest
from django.core.cache import cache
from django.db import transaction

from laurel.core import pagecache
from laurel.news import services, views
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    pagecache.forget_local()
    yield
    pagecache.forget_local()


def shared_version():
    return cache.get(pagecache.VERSION_KEY)


def test_saving_an_article_bumps_the_page_version_only_after_the_commit(staff, django_capture_on_commit_callbacks):
    article = ArticleFactory(title="旧标题")
    before = pagecache.version()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.save_article(article, actor=staff, data={"title": "新标题"})
        # Still inside the writer's transaction: a reader now would read the old rows, so the version
        # must not have moved yet (a page it rendered would be stored under the old version).
        assert shared_version() == before
    assert shared_version() == before + 1


def test_a_rolled_back_save_leaves_the_cached_page(staff, django_capture_on_commit_callbacks):
    article = ArticleFactory(title="旧标题")
    before = pagecache.version()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.save_article(article, actor=staff, data={"title": "新标题"})
        raise RuntimeError("the commit fails")
    assert shared_version() == before


def test_a_reader_that_read_the_old_rows_during_a_save_does_not_pin_the_old_page(
    client, staff, monkeypatch, django_capture_on_commit_callbacks
):
    article = ArticleFactory(title="旧标题")
    real_render = views.render_to_string
    saved = []

    def slow_reader_render(template, context, request=None):
        # The reader has read the old article; a save commits before it stores its page.
        html = real_render(template, context, request=request)
        if not saved:
            saved.append(True)
            with django_capture_on_commit_callbacks(execute=True):
                services.save_article(article, actor=staff, data={"title": "新标题"})
        return html

    monkeypatch.setattr(views, "render_to_string", slow_reader_render)
    first = client.get(article.get_absolute_url()).content.decode()
    assert "旧标题" in first  # it answered with what it read
    monkeypatch.setattr(views, "render_to_string", real_render)
    for _ in range(3):
        page = client.get(article.get_absolute_url()).content.decode()
        assert "新标题" in page
        assert "旧标题" not in page

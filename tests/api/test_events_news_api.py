import pytest

from tests.factories.events import EventFactory
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db


def test_public_events_only(client):
    EventFactory(theme="公开座谈会")
    EventFactory(theme="内部会议", is_public=False)
    data = client.get("/api/v1/events").json()
    assert [event["theme"] for event in data] == ["公开座谈会"]


def test_published_articles_only_with_language_filter(client):
    original = ArticleFactory(title="座谈会召开")
    ArticleFactory(title="English", language="en", translation_of=original)
    ArticleFactory(title="草稿", status="draft", release_at=None)
    data = client.get("/api/v1/articles?language=en").json()
    assert [(item["title"], item["translation_of"]) for item in data] == [("English", original.code)]
    assert len(client.get("/api/v1/articles").json()) == 2


def test_articles_list_query_count(client, django_assert_num_queries):
    ArticleFactory.create_batch(5)
    with django_assert_num_queries(2):
        client.get("/api/v1/articles")

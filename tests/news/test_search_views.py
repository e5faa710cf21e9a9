import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laurel.news import search
from laurel.news.models import Article
from tests.factories.events import EventFactory
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed():
    ArticleFactory(title="量子通信科普讲座举行", summary="市民走进<b>实验室</b>")
    ArticleFactory(title="Quantum lecture", language="en", summary="Pupils meet physicists")
    ArticleFactory(title="量子草稿", status=Article.Status.DRAFT, release_at=None)
    EventFactory(theme="量子科技论坛", theme_en="Quantum Technology Forum")
    EventFactory(theme="内部量子会议", is_public=False)
    search.rebuild()


def test_search_page_groups_results_and_highlights(client, indexed):
    response = client.get("/search/", {"q": "量子"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>量子</mark>通信科普讲座举行" in html and "<mark>量子</mark>科技论坛" in html
    assert "草稿" not in html and "内部" not in html
    assert "市民走进&lt;b&gt;实验室&lt;/b&gt;" in html  # the summary is escaped before marking
    assert "新闻 (1)" in html and "活动 (1)" in html


def test_search_page_in_english_shows_english_titles(client, indexed):
    response = client.get("/search/", {"q": "quantum", "kind": "event"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "<mark>Quantum</mark> Technology Forum" in html
    assert "Quantum lecture" not in html  # only events asked for
    assert 'aria-current="page">Events (1)' in html


@pytest.mark.parametrize("query", ['"', "NEAR(a b)", "*", "-", "'", "\x00", "量" * 101, "<script>x</script>"])
def test_search_page_survives_hostile_input(client, indexed, query):
    response = client.get("/search/", {"q": query, "page": "x", "kind": "nope"})
    assert response.status_code in (200, 400)  # 400: the NUL guard refuses before the view
    assert "草稿" not in response.content.decode()
    assert "<script>x" not in response.content.decode()


def test_search_page_too_long_query_says_so(client, indexed):
    response = client.get("/search/", {"q": "量" * 101}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "搜索内容太长" in response.content.decode()


def test_empty_search_page_shows_only_the_form(client):
    response = client.get("/search/")
    assert response.status_code == 200 and b'role="search"' in response.content


def test_search_page_query_count_constant(client, indexed, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as few:
        client.get("/search/", {"q": "量子"})
    ArticleFactory.create_batch(15, title="量子之光")
    search.rebuild()
    with CaptureQueriesContext(connection) as many:
        client.get("/search/", {"q": "量子"})
    assert len(few) == len(many)


def test_header_has_search_box(client):
    assert b'action="/search/"' in client.get("/news/").content


def test_api_search(client, indexed):
    response = client.get("/api/v1/search", {"q": "量子"})
    body = response.json()
    assert response.status_code == 200
    assert body["total"] == 2 and body["counts"] == {"article": 1, "event": 1}
    assert [hit["kind"] for hit in body["results"]] == ["article", "event"]
    assert body["results"][0]["title"] == "量子通信科普讲座举行"


@pytest.mark.parametrize(("query", "message"), [("", "Type a word"), ("x" * 101, "at most 100 characters")])
def test_api_search_refuses_empty_or_long_query(client, query, message):
    response = client.get("/api/v1/search", {"q": query}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert message in response.json()["detail"]["__all__"][0]


def test_api_search_hostile_never_finds_drafts(client, indexed):
    for query in ['"量子草稿"', "量子草稿*", "草稿 OR 量子", "NEAR(量子 草稿)"]:
        response = client.get("/api/v1/search", {"q": query})
        assert response.status_code == 200 and response.json()["total"] == 0

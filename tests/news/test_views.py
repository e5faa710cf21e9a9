import pytest
from django.core.cache import cache
from django.urls import reverse

from laurel.news.models import Article, Comment
from tests.factories.events import EventFactory
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    from laurel.core import identity

    cache.clear()
    identity.assume_unset()  # the identity's version lived in the cache just cleared


def test_comment_with_script_tag_renders_inert(client, staff):
    article = ArticleFactory()
    Comment.objects.create(article=article, name="<b>x</b>", body="<script>alert('x')</script>", status="approved")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_megabyte_comment_refused_with_clear_message(client):
    article = ArticleFactory()
    response = client.post(article.get_absolute_url(), {"name": "甲", "body": "长" * 1_000_000, "website": ""})
    assert response.status_code == 200
    assert "评论最多 2000 个字符" in response.content.decode()
    assert Comment.objects.count() == 0


def test_flood_refused_with_clear_message(client):
    article = ArticleFactory()
    for index in range(5):
        client.post(article.get_absolute_url(), {"name": "甲", "body": f"留言{index}", "website": ""})
    response = client.post(article.get_absolute_url(), {"name": "甲", "body": "第六条", "website": ""})
    assert "请稍后再试" in response.content.decode()
    assert Comment.objects.count() == 5


def test_draft_is_hidden_from_public_and_previewed_by_staff(client, staff):
    article = ArticleFactory(status="draft", release_at=None)
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(staff)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_article_list_shows_visitor_language(client):
    ArticleFactory(title="中文报道")
    ArticleFactory(title="English report", language="en")
    page = client.get(reverse("news:article_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "English report" in page and "中文报道" not in page


def test_article_list_query_count(client, django_assert_num_queries):
    ArticleFactory.create_batch(10)
    # The count, the page of articles with their sections, the section tabs.
    with django_assert_num_queries(3):
        client.get(reverse("news:article_list"))


def test_article_page_has_open_graph_tags(client):
    article = ArticleFactory(title="座谈会召开")
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="座谈会召开">' in page


def test_feeds_and_sitemap(client):
    article = ArticleFactory(title="座谈会召开")
    EventFactory(is_public=True)
    assert "座谈会召开" in client.get(reverse("news:rss")).content.decode()
    assert "<feed" in client.get(reverse("news:atom")).content.decode()
    sitemap = client.get(reverse("news:sitemap")).content.decode()
    assert article.get_absolute_url() in sitemap and "/events/" in sitemap


def test_front_page_shows_next_events_and_latest_news(client):
    ArticleFactory(title="座谈会召开")
    EventFactory(theme="科技工作者日表彰大会")
    page = client.get("/").content.decode()
    assert "座谈会召开" in page and "科技工作者日表彰大会" in page
    assert 'href="/news/"' in page and 'href="/events/"' in page


def test_staff_pages_refuse_strangers(stranger_client):
    article = ArticleFactory()
    for url in (
        reverse("news:staff_list"),
        reverse("news:article_create"),
        reverse("news:moderation_queue"),
        article.get_staff_url(),
    ):
        assert stranger_client.get(url).status_code == 403
    assert stranger_client.post(reverse("news:publish", kwargs={"code": article.code})).status_code == 403
    comment = Comment.objects.create(article=article, name="x", body="y")
    assert (
        stranger_client.post(reverse("news:moderate", kwargs={"pk": comment.pk}), {"status": "approved"}).status_code
        == 403
    )
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_staff_writes_and_publishes_article(staff_client):
    response = staff_client.post(
        reverse("news:article_create"),
        {"language": "zh-hans", "title": "新闻", "body": "正文", "tags": "表彰，座谈会", "release_at": ""},
    )
    article = Article.objects.get()
    assert response.url == article.get_staff_url()
    staff_client.post(reverse("news:publish", kwargs={"code": article.code}), {"action": "publish"})
    article.refresh_from_db()
    assert article.status == "published"
    assert sorted(tag.name for tag in article.tags.all()) == ["座谈会", "表彰"]


def test_cached_article_page_gives_each_visitor_a_working_token(client):
    from django.test import Client

    article = ArticleFactory()
    first = client.get(article.get_absolute_url())
    other = Client(enforce_csrf_checks=True)
    second = other.get(article.get_absolute_url())
    from laurel.core import pagecache

    assert pagecache.PLACEHOLDER not in second.content.decode()
    token = other.cookies["csrftoken"].value
    assert first.cookies["csrftoken"].value != token
    response = other.post(
        article.get_absolute_url(),
        {
            "name": "甲",
            "body": "好文章",
            "website": "",
            "csrfmiddlewaretoken": second.context is None and _token(second),
        },
    )
    assert response.status_code == 302


def _token(response) -> str:
    import re

    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_approved_comment_shows_on_cached_page(client, staff, django_capture_on_commit_callbacks):
    from laurel.news import services

    article = ArticleFactory()
    client.get(article.get_absolute_url())
    comment = services.post_comment(article, name="甲", body="第一条评论", address="1.1.1.1")
    with django_capture_on_commit_callbacks(execute=True):  # the page is refreshed once the approval commits
        services.moderate_comment(comment, status="approved", actor=staff)
    assert "第一条评论" in client.get(article.get_absolute_url()).content.decode()


def test_cached_article_page_needs_no_article_query_and_still_counts_the_view(client, django_assert_max_num_queries):
    from django.test import Client

    from laurel.news import viewcount

    article = ArticleFactory()
    client.get(article.get_absolute_url(), headers={"user-agent": "Mozilla/5.0 first"})
    with django_assert_max_num_queries(0):
        response = Client().get(article.get_absolute_url(), headers={"user-agent": "Mozilla/5.0 second"})
    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert viewcount.pending_views(article.pk) == 2

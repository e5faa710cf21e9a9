"""Anonymous visitors get cached public pages before sessions, CSRF, locale and the URL map run
(`laurel.core.pagecache.PageCacheMiddleware`); what those would have given them, they still get."""

import re

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _check_token_format, _unmask_cipher_token
from django.test import Client
from django.urls import resolvers, reverse

from laurel.core import pagecache
from laurel.news import services, viewcount
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
PER_RESPONSE = {"x-request-id", "set-cookie", "content-length"}


def token_in(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def page_headers(response) -> dict:
    return {name.lower(): value for name, value in response.headers.items() if name.lower() not in PER_RESPONSE}


@pytest.fixture
def no_url_map(monkeypatch):
    """From here on, a request that reaches the URL map fails: what still answers came from the page cache."""

    def refuse(self, path):
        raise AssertionError(f"{path} reached the URL map")

    def arm():
        monkeypatch.setattr(resolvers.URLResolver, "resolve", refuse)

    return arm


def test_the_second_visitor_gets_the_front_page_without_the_url_map_and_with_the_same_headers(no_url_map):
    ArticleFactory(title="科技工作者日座谈会")
    first = Client().get("/")
    no_url_map()
    second = Client().get("/")
    assert second.status_code == 200
    assert "科技工作者日座谈会" in second.content.decode()
    assert page_headers(second) == page_headers(first)
    headers = page_headers(second)
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["content-language"] == "zh-hans"
    assert headers["x-content-type-options"] == "nosniff"  # SecurityMiddleware, above the page cache, still runs
    assert second["X-Request-ID"]  # and so does the access log's middleware
    assert second.content.decode().replace(token_in(second), "T") == first.content.decode().replace(
        token_in(first), "T"
    )


def test_each_visitor_gets_a_token_of_their_own_and_posts_a_comment_with_it(served_from_cache):
    article = ArticleFactory()
    Client().get(article.get_absolute_url())  # renders and stores the page
    visitor, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page, other_page = visitor.get(article.get_absolute_url()), other.get(article.get_absolute_url())
    assert served_from_cache == [article.get_absolute_url()] * 2
    assert pagecache.PLACEHOLDER not in page.content.decode()
    secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    assert secret != other.cookies[settings.CSRF_COOKIE_NAME].value
    assert token_in(page) != token_in(other_page)
    _check_token_format(token_in(page))
    assert _unmask_cipher_token(token_in(page)) == secret
    response = visitor.post(
        article.get_absolute_url(),
        {"name": "甲", "body": "好文章", "website": "", "csrfmiddlewaretoken": token_in(page)},
    )
    assert response.status_code == 302
    assert article.comments.count() == 1


def test_a_returning_visitor_keeps_their_secret_and_a_fresh_mask(served_from_cache):
    Client().get("/")
    visitor = Client(enforce_csrf_checks=True)
    first = visitor.get("/")
    secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    second = visitor.get("/")
    assert served_from_cache == ["/", "/"]
    assert second.cookies[settings.CSRF_COOKIE_NAME].value == secret  # sent again, its expiry renewed
    assert token_in(first) != token_in(second)
    assert _unmask_cipher_token(token_in(first)) == _unmask_cipher_token(token_in(second)) == secret


def test_a_malformed_csrf_cookie_is_replaced_as_django_replaces_it(served_from_cache):
    Client().get("/")
    visitor = Client()
    visitor.cookies[settings.CSRF_COOKIE_NAME] = "not-a-secret!"
    page = visitor.get("/")
    assert served_from_cache == ["/"]
    new_secret = page.cookies[settings.CSRF_COOKIE_NAME].value
    assert new_secret != "not-a-secret!"
    assert _unmask_cipher_token(token_in(page)) == new_secret


def test_signed_in_people_never_get_the_anonymous_page(staff, served_from_cache):
    anonymous = Client().get("/").content.decode()
    Client().get("/")
    signed_in = Client()
    signed_in.force_login(staff)
    page = signed_in.get("/").content.decode()
    assert served_from_cache == ["/"]  # only the second anonymous visit
    assert reverse("account_logout") in page and reverse("account_logout") not in anonymous


def test_a_visitor_with_a_pending_message_gets_the_page_from_the_views(served_from_cache):
    Client().get("/")
    visitor = Client()
    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "谢谢，评论已提交。")
    response = HttpResponse()
    storage.update(response)
    visitor.cookies["messages"] = response.cookies["messages"].value
    page = visitor.get("/")
    assert served_from_cache == []
    assert "谢谢，评论已提交。" in page.content.decode()


def test_htmx_requests_and_heads_go_through_the_views(served_from_cache):
    Client().get("/")
    Client().get("/", HTTP_HX_REQUEST="true")
    Client().head("/")
    assert served_from_cache == []


def test_each_language_has_its_own_page():
    ArticleFactory(title="English story", language="en")
    ArticleFactory(title="中文新闻")
    for _ in range(2):
        english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/")
        chinese = Client().get("/")
        by_cookie = Client()
        by_cookie.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert "English story" in by_cookie.get("/").content.decode()
        assert english["Content-Language"] == "en" and "English story" in english.content.decode()
        assert chinese["Content-Language"] == "zh-hans" and "中文新闻" in chinese.content.decode()
        assert "English story" not in chinese.content.decode()


def test_a_cached_article_still_counts_each_new_visitor(served_from_cache):
    article = ArticleFactory()
    for index in range(3):
        Client(HTTP_USER_AGENT=f"{BROWSER} visitor/{index}").get(article.get_absolute_url())
    assert len(served_from_cache) == 2
    assert viewcount.pending_views(article.pk) == 3


def test_an_edit_reaches_the_next_visitor(staff, django_capture_on_commit_callbacks):
    article = ArticleFactory(title="旧标题")
    Client().get(article.get_absolute_url())
    assert "旧标题" in Client().get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_article(article, actor=staff, data={"title": "新标题"})
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "新标题" in page and "旧标题" not in page


def test_a_host_outside_allowed_hosts_is_refused_even_for_a_cached_page(served_from_cache):
    Client().get("/")
    response = Client().get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400


def test_query_strings_share_the_page_and_add_no_entries(served_from_cache, no_url_map):
    Client().get("/")
    no_url_map()
    for index in range(20):
        assert Client().get(f"/?from=singlemessage&n={index}").status_code == 200
    assert len(served_from_cache) == 20
    assert len(pagecache._local) == 1


def test_nothing_is_stored_for_a_missing_article_or_a_page_no_view_offered(served_from_cache):
    for _ in range(2):
        assert Client().get("/news/NOSUCHCODE/").status_code == 404
        assert Client().get("/news/").status_code == 200
    assert served_from_cache == []


def test_a_response_that_wrote_a_session_is_not_stored(monkeypatch, served_from_cache):
    from laurel.core import views

    real_get = views.HomeView.get

    def get_and_touch_the_session(self, request, *args, **kwargs):
        request.session["seen"] = True
        return real_get(self, request, *args, **kwargs)

    monkeypatch.setattr(views.HomeView, "get", get_and_touch_the_session)
    Client().get("/")
    monkeypatch.setattr(views.HomeView, "get", real_get)
    Client().get("/")  # stores it now, the session untouched
    Client().get("/")
    assert served_from_cache == ["/"]


def test_tokens_are_drawn_evenly_from_djangos_alphabet():
    from django.middleware.csrf import CSRF_ALLOWED_CHARS

    drawn = "".join(pagecache._random_chars(32) for _ in range(2000))
    assert set(drawn) == set(CSRF_ALLOWED_CHARS)
    counts = [drawn.count(char) for char in CSRF_ALLOWED_CHARS]
    expected = len(drawn) / len(CSRF_ALLOWED_CHARS)  # 1,032 each
    assert max(counts) < expected * 1.2 and min(counts) > expected * 0.8


def test_a_first_visitor_cannot_plant_their_query_string_or_host_in_the_page_others_get(settings):
    settings.SITE_URL = "https://kx.example.cn"
    article = ArticleFactory()
    url = article.get_absolute_url()
    Client().get(url + "?utm_source=POISONED")
    Client(HTTP_HOST="localhost").get(url)
    page = Client().get(url).content.decode()
    assert "POISONED" not in page and "localhost" not in page
    assert f'<meta property="og:url" content="https://kx.example.cn{url}">' in page
    front = Client().get("/?POISONED=1")
    assert "POISONED" in front.content.decode()  # its own `next`, rendered for it and not stored
    assert "POISONED" not in Client().get("/").content.decode()


def test_hits_are_counted_under_the_view_that_rendered_them(served_from_cache):
    from laurel.core import metrics

    article = ArticleFactory()

    def count(view):
        return metrics.REQUESTS.labels("GET", view, "2xx")._value.get()

    before = count("news:article_detail")
    for _ in range(3):
        Client().get(article.get_absolute_url())
    assert len(served_from_cache) == 2
    assert count("news:article_detail") == before + 3


def test_a_hit_says_its_length():
    Client().get("/")
    response = Client().get("/")
    assert int(response["Content-Length"]) == len(response.content)


def test_paths_that_are_not_article_codes_are_not_looked_up(served_from_cache):
    for path in ("/news/a b/", "/news/%0Aevil/", "/news/" + "A" * 30 + "/"):
        Client().get(path)
        Client().get(path)
    assert served_from_cache == []

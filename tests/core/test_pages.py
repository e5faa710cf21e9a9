import re

import pytest
from django.urls import reverse

from laurel.core import pagecache

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "首页"), ("en", "Front page")])
def test_front_page_speaks_the_visitors_language(client, language, text):
    response = client.get(reverse("core:home"), headers={"accept-language": language})
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "页面不存在"), ("en", "This page does not exist")])
def test_not_found_page_in_both_languages(client, settings, language, text):
    settings.DEBUG = False
    response = client.get("/no-such-page/", headers={"accept-language": language})
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "您无权打开此页面"), ("en", "You may not open this page")])
def test_forbidden_page_in_both_languages(client, stranger, language, text):
    client.force_login(stranger)
    response = client.get(reverse("people:person_list"), headers={"accept-language": language})
    assert response.status_code == 403
    assert text in response.content.decode()


def test_server_error_page_is_bilingual(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html


def test_pages_carry_a_strict_content_security_policy_and_no_inline_code(client):
    response = client.get(reverse("core:home"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html


def test_language_switch_to_english_and_unknown_code(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Front page" in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "xx-klingon", "next": "/"})
    assert response.status_code == 302
    assert "Front page" in client.get("/").content.decode()


def test_privacy_page_explains_why_there_is_no_cookie_banner(client):
    response = client.get(reverse("core:privacy"), headers={"accept-language": "en"})
    assert "no cookie banner" in response.content.decode()
    assert response.cookies == {} or "sessionid" not in response.cookies


def test_front_page_is_served_from_the_cache_with_each_visitors_own_csrf_token(client, django_assert_max_num_queries):
    from django.test import Client

    first = client.get(reverse("core:home"))
    with django_assert_max_num_queries(0):
        second = Client().get(reverse("core:home"))
    assert second.status_code == 200
    token_pattern = r'name="csrfmiddlewaretoken" value="([^"]+)"'
    first_tokens = re.findall(token_pattern, first.content.decode())
    second_tokens = re.findall(token_pattern, second.content.decode())
    assert first_tokens and second_tokens
    assert pagecache.PLACEHOLDER not in second.content.decode()
    assert first_tokens[0] != second_tokens[0]


def test_signed_in_users_get_a_fresh_front_page(client, staff):
    client.get(reverse("core:home"))
    client.force_login(staff)
    assert "我的工作台" in client.get(reverse("core:home")).content.decode()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/persons/%00", None),
        ("get", "/api/v1/persons?limit=1&x=%00", None),
        ("get", "/staff/people/?q=a%00b", None),
        ("post", "/api/v1/organizations", '{"name": "a\\u0000b", "kind": "university"}'),
    ],
)
def test_nul_characters_are_refused_before_they_reach_the_database(client, method, path, body):
    if body is None:
        response = getattr(client, method)(path)
    else:
        response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400


def test_uploaded_files_may_contain_nul_bytes(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("units.xlsx", b"PK\x03\x04\x00\x00broken", content_type="application/octet-stream")
    response = staff_client.post(reverse("people:import"), {"kind": "units", "file": upload})
    # The upload reaches the form (the broken workbook is refused there, in words), not the NUL guard's 400.
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["文件看似 XLSX 工作簿，但无法读取。"]


def test_development_media_serving_never_serves_private_uploads(settings):
    import importlib

    from django.urls import clear_url_caches, resolve
    from django.urls.exceptions import Resolver404

    import laurel.urls

    settings.DEBUG = True
    try:
        importlib.reload(laurel.urls)
        clear_url_caches()
        patterns = laurel.urls.urlpatterns
        assert resolve("/media/public/news/covers/a.jpg", urlconf=laurel.urls).func.__name__ == "serve_public"
        private_paths = ("/media/honors/evidence/a.pdf", "/media/imports/a.xlsx", "/media/people/photos/a.jpg")
        for private in (*private_paths, "/media/private/certificates/pdf/a.pdf"):
            with pytest.raises(Resolver404):
                resolve(private, urlconf=laurel.urls)
        assert patterns
    finally:
        settings.DEBUG = False
        importlib.reload(laurel.urls)
        clear_url_caches()

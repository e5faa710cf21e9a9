"""Articles written in the rich-text editor: the HTML allow-list (hostile content), Markdown articles unchanged,
pictures uploaded with their credit, and who may write."""

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from laurel.core.models import AuditEntry
from laurel.core.storage import public_storage
from laurel.news import services
from laurel.news.models import Article
from laurel.news.rendering import clean_rendered, render_markdown, sanitize_html
from tests.factories.honors import jpeg, pdf
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


# The sanitizer


@pytest.mark.parametrize(
    ("hostile", "gone"),
    [
        ("<p>hi</p><script>alert(1)</script>", ["<script", "alert"]),
        ('<img src="/media/public/news/images/a.jpg" onerror="alert(1)">', ["onerror", "alert"]),
        ('<p onclick="alert(1)" onmouseover="x()">hi</p>', ["onclick", "onmouseover"]),
        ('<a href="javascript:alert(1)">x</a>', ["javascript:", "href"]),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript", "href"]),
        ('<a href="java&#x09;script:alert(1)">x</a>', ["script:", "href"]),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', ["data:", "href"]),
        ('<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">', ["data:", "<img"]),
        ('<p style="background:url(javascript:alert(1))">x</p>', ["style", "javascript"]),
        ("<style>body{display:none}</style><p>x</p>", ["<style", "display"]),
        ('<svg onload="alert(1)"><script>alert(1)</script></svg>', ["<svg", "onload", "alert"]),
        ('<iframe src="https://evil.example/"></iframe>', ["<iframe", "evil"]),
        ('<form action="https://evil.example/"><input name="p"></form>', ["<form", "<input", "evil"]),
        ('<object data="x.swf"></object><embed src="x.swf">', ["<object", "<embed", "swf"]),
        ("<scr<script>ipt>alert(1)</script>", ["<script", "<scr"]),
        ("<p>open <strong>bold <em>both", ["<script"]),
        ('<img src="https://tracker.example/pixel.gif" alt="x">', ["tracker", "<img"]),
        ('<img src="//tracker.example/pixel.gif">', ["tracker", "<img"]),
        ('<img src="/media/private/nominations/x.jpg">', ["private", "<img"]),
        ('<img src="/media/public/../private/x.jpg">', ["private", "<img"]),
        ('<img src="/media/public/%2e%2e/private/x.jpg">', ["private", "<img"]),
        ('<img src="/media/public/x.jpg?track=1">', ["track", "<img"]),
        ("<!-- <script>alert(1)</script> --><p>x</p>", ["<!--", "alert"]),
        ('<p class="evil" id="x" data-x="1">x</p>', ["class", "id=", "data-x"]),
        ('<a href="https://example.org" target="_blank" rel="opener">x</a>', ["target", 'rel="opener"']),
        ("<base href='https://evil.example/'><meta http-equiv=refresh content=0>", ["<base", "<meta", "evil"]),
        ('<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">', ["onerror", "alert", "<math"]),
    ],
)
def test_hostile_html_is_dropped(hostile, gone):
    cleaned = sanitize_html(hostile)
    for text in gone:
        assert text.lower() not in cleaned.lower(), cleaned
    # Cleaning is stable: what was saved clean renders the same.
    assert sanitize_html(cleaned) == cleaned


def test_unclosed_tags_are_closed():
    assert sanitize_html("<p>open <strong>bold <em>both") == "<p>open <strong>bold <em>both</em></strong></p>"


def test_what_the_editor_writes_is_kept():
    html = (
        "<h2>标题</h2><h3>小标题</h3><h4>小节</h4><p><strong>粗</strong><em>斜</em><u>下划线</u><s>删除</s><br></p>"
        "<ul><li><p>一</p></li></ul><ol><li><p>二</p></li></ol><blockquote><p>引用</p></blockquote>"
        '<figure><img src="/media/public/news/images/abc.jpg" alt="现场"><figcaption>摄影：李明</figcaption></figure>'
        "<table><thead><tr><th>甲</th></tr></thead><tbody><tr><td>乙</td></tr></tbody></table>"
        "<pre><code>print(1)</code></pre><p><code>x</code></p>"
    )
    assert sanitize_html(html) == html


def test_links_keep_safe_schemes_and_are_forced_to_noopener():
    cleaned = sanitize_html(
        '<p><a href="https://example.org/a">a</a> <a href="mailto:office@example.org">m</a> '
        '<a href="/news/">n</a> <a href="ftp://example.org/">f</a></p>'
    )
    assert '<a href="https://example.org/a" rel="noopener noreferrer">a</a>' in cleaned
    assert '<a href="mailto:office@example.org" rel="noopener noreferrer">m</a>' in cleaned
    assert '<a href="/news/" rel="noopener noreferrer">n</a>' in cleaned
    assert "ftp:" not in cleaned


def test_images_from_the_public_bucket_are_kept(settings, monkeypatch):
    from laurel.news import rendering

    monkeypatch.setattr(rendering, "public_media_prefixes", lambda: ("https://oss.example.cn/laurel/public/",))
    kept = '<img src="https://oss.example.cn/laurel/public/news/images/a.jpg" alt="a">'
    assert sanitize_html(kept) == kept
    assert "<img" not in sanitize_html('<img src="https://oss.example.cn/other/a.jpg">')
    assert "<img" not in sanitize_html('<img src="/media/public/news/images/a.jpg">')


# Markdown articles


def test_markdown_article_renders_exactly_as_before(client):
    body = '5月30日，**座谈会**召开。\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n- 一\n- [链接](https://example.org "题")\n\n***'
    article = ArticleFactory(body=body)
    assert article.format == "markdown"
    before = render_markdown(body)
    assert clean_rendered(article.body_html, article.format) == before
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<div class="news-body">{before}</div>' in page


def test_editing_a_markdown_article_keeps_markdown(staff_client):
    article = ArticleFactory(body="旧文**加粗**")
    page = staff_client.get(article.get_staff_url()).content.decode()
    assert "data-django-prose-editor" not in page and 'type="importmap"' not in page
    release_at = timezone.localtime(article.release_at).strftime("%Y-%m-%dT%H:%M")
    response = staff_client.post(
        article.get_staff_url(),
        {"language": "zh-hans", "title": article.title, "body": "新文**加粗**", "tags": "", "release_at": release_at},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.format == "markdown"
    assert article.body == "新文**加粗**"
    assert article.body_html == "<p>新文<strong>加粗</strong></p>"


# Writing in the editor


def test_new_article_is_html_and_stored_sanitized(staff_client, staff):
    response = staff_client.post(
        reverse("news:article_create"),
        {
            "language": "zh-hans",
            "title": "新闻",
            "body": '<p onmouseover="alert(1)"><strong>好</strong><script>alert(1)</script><iframe src="/"></iframe></p>',
            "tags": "",
        },
    )
    article = Article.objects.get()
    assert response.url == article.get_staff_url()
    assert article.format == "html"
    assert article.body == article.body_html == "<p><strong>好</strong></p>"
    assert AuditEntry.objects.filter(action="news.article.created", object_id=str(article.pk), actor=staff).exists()


@pytest.mark.parametrize(
    "picture",
    [
        '<img src="https://tracker.example/pixel.gif" alt="x">',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">',
        '<img src="javascript:alert(1)" onerror="alert(1)">',
        '<img src="/media/private/nominations/x.jpg">',
    ],
)
def test_a_picture_from_elsewhere_is_refused_with_a_message(staff_client, picture):
    response = staff_client.post(
        reverse("news:article_create"),
        {"language": "zh-hans", "title": "新闻", "body": f"<p>正文</p><figure>{picture}</figure>", "tags": ""},
    )
    assert response.status_code == 200
    assert "其他网址的图片不会显示在文章中" in response.content.decode()
    assert not Article.objects.exists()


def test_service_sanitizes_html_whatever_the_caller(staff):
    article = services.save_article(
        None,
        actor=staff,
        data={
            "language": "zh-hans",
            "title": "甲",
            "body": "<p onclick=x>乙</p><svg/onload=alert(1)>",
            "format": "html",
        },
    )
    assert article.body == article.body_html == "<p>乙</p>"


def test_html_stored_by_another_path_is_cleaned_when_shown(client):
    article = ArticleFactory(
        format="html", body="<p>x</p>", body_html='<p onclick="alert(1)">x</p><script>alert(2)</script>'
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<div class="news-body"><p>x</p></div>' in page
    assert "alert(" not in page


def test_editor_page_is_allowed_by_the_policy_without_inline_code(staff_client):
    response = staff_client.get(reverse("news:article_create"))
    page = response.content.decode()
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f"script-src 'self' 'nonce-{nonce}'" in policy and f"style-src 'self' 'nonce-{nonce}'" in policy
    assert "unsafe-inline" not in policy
    assert "data-django-prose-editor-configurable" in page
    assert " style=" not in page and " onclick=" not in page.lower()
    # Every inline script or style element carries the nonce: the import map and Tiptap's empty style element.
    for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) + re.findall(r"<style[^>]*>", page):
        assert f'nonce="{nonce}"' in tag, tag
    # Other pages keep the site's policy, without a nonce.
    other = staff_client.get(reverse("news:staff_list")).headers["Content-Security-Policy"]
    assert "nonce" not in other


# Pictures


def _upload(client, image=None, alt="座谈会现场", credit="摄影：李明", htmx=True):
    data = {"alt": alt, "credit": credit}
    if image is not None:
        data["image"] = image
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("news:upload_image"), data, headers=headers)


def test_staff_upload_a_picture_with_its_credit(staff_client, staff):
    response = _upload(staff_client, jpeg())
    assert response.status_code == 200
    page = response.content.decode()
    entry = AuditEntry.objects.get(action="news.image.uploaded")
    assert entry.actor == staff and entry.data["credit"] == "摄影：李明"
    name = entry.data["file"]
    assert name.startswith("news/images/") and name.endswith(".jpg")
    assert public_storage().exists(name)
    url = public_storage().url(name)
    assert f'data-src="{url}"' in page and 'data-credit="摄影：李明"' in page
    figure = f'<figure><img src="{url}" alt="座谈会现场"><figcaption>摄影：李明</figcaption></figure>'
    assert sanitize_html(figure) == figure


def test_uploaded_picture_loses_its_metadata(staff_client):
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera"
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG", exif=exif.tobytes())
    from django.core.files.uploadedfile import SimpleUploadedFile

    _upload(staff_client, SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg"))
    name = AuditEntry.objects.get(action="news.image.uploaded").data["file"]
    with public_storage().open(name) as stored:
        assert b"Secret Camera" not in stored.read()


@pytest.mark.parametrize(
    ("upload", "alt", "credit", "message"),
    [
        (lambda: pdf("photo.jpg"), "图", "摄影", "不是"),
        (lambda: None, "图", "摄影", "这个字段是必填项"),
        (lambda: jpeg(), "", "摄影", "这个字段是必填项"),
        (lambda: jpeg(), "图", "   ", "这个字段是必填项"),
        (lambda: jpeg(), "图" * 201, "摄影", "200"),
        (lambda: jpeg(), "图", "摄影" * 101, "200"),
    ],
)
def test_bad_uploads_are_refused_with_a_message(staff_client, upload, alt, credit, message):
    response = _upload(staff_client, upload(), alt=alt, credit=credit)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AuditEntry.objects.filter(action="news.image.uploaded").exists()


def test_too_big_picture_is_refused(staff_client, settings):
    settings.LAUREL_MAX_PHOTO_BYTES = 100
    response = _upload(staff_client, jpeg(size=(400, 400)))
    assert "上限" in response.content.decode() or "限制" in response.content.decode()
    assert not AuditEntry.objects.filter(action="news.image.uploaded").exists()


def test_upload_without_htmx_answers_a_page(staff_client):
    assert _upload(staff_client, jpeg(), htmx=False).status_code == 200
    refused = _upload(staff_client, pdf("x.jpg"), htmx=False)
    assert refused.status_code == 400
    assert "<html" in refused.content.decode()


# Who may write


def test_only_news_staff_may_write_or_upload(client, stranger_client, member, django_user_model):
    assert _upload(stranger_client, jpeg()).status_code == 403
    assert stranger_client.get(reverse("news:article_create")).status_code == 403
    assert stranger_client.post(reverse("news:article_create"), {"title": "x", "body": "<p>x</p>"}).status_code == 403
    client.logout()
    client.force_login(member)
    assert _upload(client, jpeg()).status_code == 403
    assert client.get(reverse("news:article_create")).status_code == 403
    client.logout()
    anonymous = _upload(client, jpeg())
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    assert client.get(reverse("news:upload_image")).status_code in (302, 405)
    assert not Article.objects.exists()
    assert not AuditEntry.objects.filter(action="news.image.uploaded").exists()


def test_related_articles_compare_the_words_of_html_bodies_not_their_tags():
    from laurel.news.related import _text

    article = ArticleFactory.build(format="html", title="甲", summary="", body="<p><strong>乙</strong></p>")
    assert "strong" not in _text(article) and "乙" in _text(article)


def test_an_html_article_reopens_in_the_editor_and_stays_html(staff_client, staff):
    article = services.save_article(
        None, actor=staff, data={"language": "zh-hans", "title": "甲", "body": "<p><em>乙</em></p>", "format": "html"}
    )
    page = staff_client.get(article.get_staff_url()).content.decode()
    assert "data-django-prose-editor-configurable" in page
    assert "&lt;p&gt;&lt;em&gt;乙&lt;/em&gt;&lt;/p&gt;</textarea>" in page
    staff_client.post(
        article.get_staff_url(), {"language": "zh-hans", "title": "甲", "body": "<p><u>丙</u></p>", "tags": ""}
    )
    article.refresh_from_db()
    assert (article.format, article.body) == ("html", "<p><u>丙</u></p>")
    assert AuditEntry.objects.filter(action="news.article.updated", object_id=str(article.pk)).exists()


def test_the_editors_words_are_served_in_the_pages_language_to_news_staff_only(staff_client, stranger):
    url = reverse("news:editor_messages")
    script = staff_client.get(url).content.decode()
    assert '"Insert Table": "\\u63d2\\u5165\\u8868\\u683c"' in script or '"Insert Table": "插入表格"' in script
    assert "Publish (or schedule" not in script  # only the editor's words, not the whole news catalog
    # As the news catalog says it: a link's title, not the honorary title of the certificates' catalog.
    assert '"Title": "\\u6807\\u9898"' in script
    english = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and "Insert Table" not in english.content.decode()
    staff_client.force_login(stranger)
    assert staff_client.get(url).status_code == 403

"""The portal: news sections with pages and feeds, cover copies for srcset, the front page (lead story, cards,
notices apart, cached and refreshed), article breadcrumbs, previous/next, share QR and print view."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from laurel.core.models import AuditEntry
from laurel.core.storage import public_storage
from laurel.news import services, thumbnails
from laurel.news.models import Article, Section
from tests.factories.news import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    from laurel.core import identity, pagecache

    cache.clear()
    pagecache.forget_local()
    identity.assume_unset()


def photo(width=1600, height=900, kind="JPEG", name="cover.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (160, 30, 30)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue())


def section(slug) -> Section:
    return Section.objects.get(slug=slug)


def with_cover(staff, **fields) -> Article:
    article = ArticleFactory(**fields)
    return services.save_article(article, actor=staff, data={}, cover=photo())


# Sections


def test_the_usual_sections_exist():
    assert [(s.slug, s.name, s.is_notice) for s in Section.objects.all()] == [
        ("work", "工作动态", False),
        ("notices", "通知公告", True),
        ("science", "科普", False),
    ]


def test_a_section_page_lists_its_own_articles(client):
    ArticleFactory(title="关于开展推荐工作的通知", section=section("notices"))
    ArticleFactory(title="科普日活动举行", section=section("science"))
    ArticleFactory(title="草稿通知", section=section("notices"), status=Article.Status.DRAFT, release_at=None)
    page = client.get(reverse("news:section", args=["notices"])).content.decode()
    assert "关于开展推荐工作的通知" in page and "科普日活动举行" not in page and "草稿通知" not in page
    assert 'aria-current="page">通知公告' in page
    assert client.get(reverse("news:section", args=["nothing-here"])).status_code == 404


def test_each_section_has_its_feeds(client):
    ArticleFactory(title="关于开展推荐工作的通知", section=section("notices"))
    ArticleFactory(title="科普日活动举行", section=section("science"))
    rss = client.get(reverse("news:section_rss", args=["notices"])).content.decode()
    atom = client.get(reverse("news:section_atom", args=["notices"])).content.decode()
    assert "关于开展推荐工作的通知" in rss and "科普日活动举行" not in rss and "<rss" in rss
    assert "关于开展推荐工作的通知" in atom and "http://www.w3.org/2005/Atom" in atom
    assert client.get(reverse("news:section_rss", args=["missing"])).status_code == 404


def test_staff_add_and_rename_a_section(staff_client, staff):
    response = staff_client.post(
        reverse("news:staff_sections"),
        {"name": "党建工作", "name_en": "Party building", "slug": "party", "order": 40},
    )
    assert response.status_code == 302
    added = section("party")
    assert added.display_name("en") == "Party building" and not added.is_notice
    staff_client.post(
        reverse("news:staff_section_update", args=[added.pk]),
        {"name": "党建", "name_en": "Party building", "slug": "party", "order": 40, "is_notice": "on"},
    )
    added.refresh_from_db()
    assert added.name == "党建" and added.is_notice
    entries = AuditEntry.objects.filter(action__startswith="news.section.").order_by("pk")
    assert [entry.action for entry in entries] == ["news.section.created", "news.section.updated"]
    assert entries[1].data["changes"]["name"] == ["党建工作", "党建"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "重复", "slug": "notices", "order": 1}, "slug"),
        ({"name": "通知公告", "slug": "other", "order": 1}, "name"),
        ({"name": "坏地址", "slug": "通知/../x", "order": 1}, "slug"),
        ({"name": "长" * 51, "slug": "long", "order": 1}, "name"),
        ({"name": "负数", "slug": "neg", "order": -1}, "order"),
        ({"name": "", "slug": "empty", "order": 1}, "name"),
    ],
    ids=["duplicate-slug", "duplicate-name", "bad-slug", "too-long", "negative-order", "empty"],
)
def test_bad_sections_are_refused_with_a_message(staff_client, data, field):
    response = staff_client.post(reverse("news:staff_sections"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Section.objects.count() == 3


def test_only_news_staff_edit_sections(client, nominator, expert, stranger):
    url = reverse("news:staff_sections")
    assert client.get(url).status_code == 302
    for user in (nominator, expert, stranger):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "篡改", "slug": "x", "order": 1}).status_code == 403
        target = reverse("news:staff_section_update", args=[section("work").pk])
        assert client.post(target, {"name": "篡改", "slug": "work", "order": 1}).status_code == 403
    assert section("work").name == "工作动态" and Section.objects.count() == 3


# Cover copies


def test_an_uploaded_cover_gets_its_responsive_copies(staff):
    article = with_cover(staff)
    assert (article.cover_width, article.cover_height) == (1600, 900)
    assert sorted(article.cover_thumbnails) == ["1280", "320", "640"]
    storage = public_storage()
    for width, name in article.cover_thumbnails.items():
        with storage.open(name) as handle, Image.open(handle) as copy:
            assert copy.format == "WEBP" and copy.size == (int(width), round(900 * int(width) / 1600))
    srcset = thumbnails.srcset(article)
    assert srcset.count("w,") == 2 and srcset.endswith("1280w")


def test_a_small_cover_is_never_enlarged(staff):
    article = ArticleFactory()
    article = services.save_article(article, actor=staff, data={}, cover=photo(500, 300))
    assert sorted(article.cover_thumbnails, key=int) == ["320", "500"]


def test_a_replaced_cover_leaves_no_old_copies(staff, django_capture_on_commit_callbacks):
    article = with_cover(staff)
    old = list(article.cover_thumbnails.values())
    with django_capture_on_commit_callbacks(execute=True):
        services.save_article(article, actor=staff, data={}, cover=photo(800, 600))
    assert not any(public_storage().exists(name) for name in old)
    assert sorted(article.cover_thumbnails, key=int) == ["320", "640", "800"]


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("cover.jpg", b"<svg onload=alert(1)>"),
        SimpleUploadedFile("cover.png", b"\x89PNG\r\n\x1a\n broken"),
        SimpleUploadedFile("cover.jpg", b"%PDF-1.7"),
    ],
    ids=["svg", "broken-png", "pdf"],
)
def test_a_hostile_cover_is_refused_and_no_copy_is_made(staff, upload, settings):
    article = ArticleFactory()
    with pytest.raises(services.ValidationError) as caught:
        services.save_article(article, actor=staff, data={}, cover=upload)
    assert "cover" in caught.value.message_dict
    article.refresh_from_db()
    assert article.cover_thumbnails == {}
    thumbs = settings.MEDIA_ROOT / "public" / thumbnails.FOLDER
    assert not thumbs.exists() or not any(thumbs.iterdir())


def test_old_covers_get_their_copies_from_the_command(staff):
    article = ArticleFactory()
    article.cover.save("old.jpg", photo(), save=True)
    assert article.cover_thumbnails == {}
    call_command("make_cover_thumbnails", stdout=io.StringIO())
    article.refresh_from_db()
    assert sorted(article.cover_thumbnails, key=int) == ["320", "640", "1280"]
    assert article.cover_width == 1600
    out = io.StringIO()
    call_command("make_cover_thumbnails", stdout=out)
    assert "0 covers" in out.getvalue()


# The front page


def test_the_front_page_has_a_lead_story_cards_notices_and_a_search_box(client, staff):
    lead = with_cover(staff, title="头条：表彰大会举行", section=section("work"))
    ArticleFactory(
        title="较早的动态", section=section("science"), release_at=timezone.now() - datetime.timedelta(days=2)
    )
    ArticleFactory(title="关于开展推荐工作的通知", section=section("notices"))
    page = client.get("/").content.decode()
    assert 'data-testid="lead-story"' in page and lead.title in page
    lead_block = page[page.index('data-testid="lead-story"') : page.index("</article>", page.index("lead-story"))]
    assert 'srcset="' in lead_block and 'sizes="' in lead_block and 'width="1600" height="900"' in lead_block
    assert 'loading="lazy"' not in lead_block  # the lead picture is the first thing seen: not deferred
    cards = page[page.index("news-cards") : page.index('data-testid="notices"')]
    assert "较早的动态" in cards and "关于开展推荐工作的通知" not in cards
    notices = page[page.index('data-testid="notices"') :]
    assert "关于开展推荐工作的通知" in notices
    assert 'data-testid="front-search"' in page and 'action="/search/"' in page


def test_card_pictures_are_lazy_with_their_size(client, staff):
    with_cover(staff, title="头条", release_at=timezone.now())
    with_cover(staff, title="第二条", release_at=timezone.now() - datetime.timedelta(hours=3))
    page = client.get("/").content.decode()
    card = page[page.index('data-testid="news-card"') :]
    image = card[card.index("<img") : card.index(">", card.index("<img"))]
    assert 'loading="lazy"' in image and 'width="1600"' in image and "srcset=" in image


def test_the_front_page_is_cached_and_refreshed_on_changes(client, staff, django_capture_on_commit_callbacks):
    article = ArticleFactory(title="旧标题")
    assert "旧标题" in client.get("/").content.decode()
    Article.objects.filter(pk=article.pk).update(title="绕过服务的修改")
    assert "旧标题" in client.get("/").content.decode()  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.save_article(article, actor=staff, data={"title": "新标题"})
    from laurel.core import pagecache

    pagecache.forget_local()
    assert "新标题" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_section(section("notices"), actor=staff, data={"name": "公告"})
    pagecache.forget_local()
    ArticleFactory(title="一则通知", section=section("notices"))
    with django_capture_on_commit_callbacks(execute=True):
        services.save_section(section("notices"), actor=staff, data={"name": "通知"})
    pagecache.forget_local()
    assert ">通知</h2>" in client.get("/").content.decode()


def test_the_front_page_in_english_shows_english_news(client):
    ArticleFactory(title="English story", language="en")
    ArticleFactory(title="中文新闻")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "English story" in page and "中文新闻" not in page


def test_front_page_news_costs_a_bounded_number_of_queries(client, staff, django_assert_max_num_queries):
    for index in range(12):
        ArticleFactory(section=section("work" if index % 2 else "notices"))
    client.get("/")  # warm what is not the news' (identity, sessions)
    cache.clear()
    from laurel.core import identity, pagecache

    pagecache.forget_local()
    identity.assume_unset()
    with django_assert_max_num_queries(20):
        client.get("/")


# The article page


def test_breadcrumbs_and_neighbours_stay_in_the_section(client):
    now = timezone.now()
    work = section("work")
    older = ArticleFactory(title="更早一篇", section=work, release_at=now - datetime.timedelta(days=3))
    ArticleFactory(title="别的栏目", section=section("science"), release_at=now - datetime.timedelta(days=2))
    middle = ArticleFactory(title="中间一篇", section=work, release_at=now - datetime.timedelta(days=2))
    newer = ArticleFactory(title="更新一篇", section=work, release_at=now - datetime.timedelta(days=1))
    ArticleFactory(title="未来草稿", section=work, status=Article.Status.DRAFT, release_at=None)
    page = client.get(middle.get_absolute_url()).content.decode()
    start = page.index('data-testid="breadcrumbs"')
    crumbs = page[start : page.index("</nav>", start)]
    assert 'href="/"' in crumbs and work.get_absolute_url() in crumbs and "工作动态" in crumbs
    start = page.index('data-testid="neighbours"')
    neighbours = page[start : page.index("</nav>", start)]
    assert f'rel="prev" href="{older.get_absolute_url()}"' in neighbours
    assert f'rel="next" href="{newer.get_absolute_url()}"' in neighbours
    assert "别的栏目" not in neighbours and "未来草稿" not in neighbours
    first = client.get(older.get_absolute_url()).content.decode()
    assert 'rel="prev"' not in first and 'rel="next"' in first


def test_same_time_neighbours_are_ordered_by_number(client):
    at = timezone.now() - datetime.timedelta(hours=2)
    first, second, third = (ArticleFactory(release_at=at, section=section("work")) for _ in range(3))
    page = client.get(second.get_absolute_url()).content.decode()
    assert f'rel="prev" href="{first.get_absolute_url()}"' in page
    assert f'rel="next" href="{third.get_absolute_url()}"' in page


def test_share_links_and_qr_need_no_outside_script(client):
    article = ArticleFactory(title="分享<测试>")
    page = client.get(article.get_absolute_url()).content.decode()
    share = page[page.index('data-testid="share"') : page.index("</section>", page.index('data-testid="share"'))]
    # The QR code is an image of its own, fetched lazily: no drawing (and no segno) in the page itself.
    assert f'src="/news/{article.code}/qr.svg"' in share and 'loading="lazy"' in share and "<svg" not in share
    assert "style=" not in share
    assert "service.weibo.com/share/share.php?url=http%3A%2F%2F127.0.0.1%3A8000%2Fnews%2F" in share  # LAUREL_SITE_URL
    assert "%3C" in share and "<测试>" not in share  # the title travels encoded in the links
    assert "<script" not in page.split("</head>")[1]
    assert page.count("<script") == 2  # htmx and site.js, both from this site
    assert "data-print" in share


def test_the_qr_code_holds_the_page_address():
    from laurel.news import sharing

    svg = sharing.qr_svg("https://kx.example/news/ABC/")
    assert svg.startswith("<svg") and "<title>" in svg and "viewBox" in svg and "<script" not in svg
    # The same address gives the same drawing; another gives another.
    assert svg == sharing.qr_svg("https://kx.example/news/ABC/") != sharing.qr_svg("https://kx.example/news/ABD/")


def test_the_print_view_hides_the_page_around_the_article():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("news/news.css")).read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    for selector in (".no-print", ".breadcrumbs", ".article-neighbours"):
        assert selector in print_rules
    assert ".print-only { display: block" in print_rules


def test_a_draft_has_no_share_block_for_staff(staff_client):
    draft = ArticleFactory(status=Article.Status.DRAFT, release_at=None)
    page = staff_client.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="share"' not in page


def test_hostile_section_addresses_are_not_found(client):
    for slug in ("x" * 300, "%00", "..%2f", "通知", "work%0d%0aX-Injected:1"):
        assert client.get(f"/news/sections/{slug}/").status_code in {400, 404}
        assert client.get(f"/news/sections/{slug}/rss/").status_code in {400, 404}


def test_the_sitemap_names_sections_and_calls(client):
    from tests.factories.honors import CampaignFactory

    open_campaign = CampaignFactory()
    draft = CampaignFactory(stage="draft")
    sitemap = client.get(reverse("news:sitemap")).content.decode()
    assert "/news/sections/notices/" in sitemap
    assert f"/campaigns/{open_campaign.code}/call/" in sitemap and f"/campaigns/{draft.code}/call/" not in sitemap


def test_the_api_names_each_articles_section_and_filters_by_it(client):
    ArticleFactory(title="通知", section=section("notices"))
    ArticleFactory(title="无栏目")
    rows = client.get("/api/v1/articles").json()
    assert {row["title"]: row["section"] for row in rows} == {"通知": "notices", "无栏目": None}
    assert [row["title"] for row in client.get("/api/v1/articles?section=notices").json()] == ["通知"]
    assert client.get("/api/v1/articles?section=nothing").json() == []
    assert client.get("/api/v1/articles?section=" + "x" * 41).status_code == 422


def test_the_staff_page_lists_sections_in_their_order_with_their_counts(staff_client):
    ArticleFactory(section=section("science"))
    rows = staff_client.get(reverse("news:staff_sections")).context["sections"]
    assert [(row.slug, row.article_count) for row in rows] == [("work", 0), ("notices", 0), ("science", 1)]


def test_the_qr_image_holds_the_sites_own_address_and_runs_nothing(client, settings):
    settings.SITE_URL = "https://kx.example"
    article = ArticleFactory()
    response = client.get(f"/news/{article.code}/qr.svg", headers={"host": "testserver"})
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"
    from laurel.news import sharing

    # The address drawn is the site's, not the request's Host header.
    assert response.content.decode() == sharing.qr_svg(f"https://kx.example{article.get_absolute_url()}")


@pytest.mark.parametrize("state", ["draft", "scheduled", "unknown"])
def test_no_qr_image_for_an_article_the_public_cannot_read(client, state):
    if state == "unknown":
        code = "NOSUCHCODE"
    else:
        later = timezone.now() + datetime.timedelta(days=2)
        draft = {"status": Article.Status.DRAFT, "release_at": None}
        article = ArticleFactory(**(draft if state == "draft" else {"release_at": later}))
        code = article.code
    assert client.get(f"/news/{code}/qr.svg").status_code == 404

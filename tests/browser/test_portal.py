"""The public site as a visitor and the association's staff use it: the front page (lead story, cards, notices,
search box) in Chinese and English, news sections, moving through a section's articles, the share QR, the call
page with its timeline and attachments, the public notice page; staff write the call and rename a section."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from laurel.honors import calls
from laurel.honors.models import Nomination, Stage
from laurel.news import services
from laurel.news.models import Article, Section
from tests.conftest import login
from tests.factories.honors import CampaignFactory, NominationFactory, pdf, pdf_bytes
from tests.factories.news import ArticleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("collect_live_server_connections"),
]


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (30, 90, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile("cover.jpg", buffer.getvalue())


@pytest.fixture
def sections(db):
    """The sections migration 0006 adds (a transactional test starts from an empty database)."""
    for slug, name, name_en, order, is_notice in (
        ("work", "工作动态", "Our work", 10, False),
        ("notices", "通知公告", "Notices", 20, True),
        ("science", "科普", "Science for all", 30, False),
    ):
        Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "order": order, "is_notice": is_notice}
        )


@pytest.fixture
def news(staff, sections):
    """Three stories of 工作动态 an hour apart (the newest with a cover), one of 科普, a notice, and the English
    version of the newest story."""
    now = timezone.now()
    work, science, notices = (Section.objects.get(slug=slug) for slug in ("work", "science", "notices"))
    stories = [
        ArticleFactory(title=title, section=work, release_at=now - datetime.timedelta(hours=hours))
        for title, hours in (("宣讲团走进第一中学", 5), ("科技志愿服务进乡村", 4), ("表彰大会隆重举行", 3))
    ]
    services.save_article(stories[-1], actor=staff, data={}, cover=_photo())
    ArticleFactory(title="科普日主场活动举行", section=science, release_at=now - datetime.timedelta(hours=2))
    ArticleFactory(title="关于开展推荐工作的通知", section=notices, release_at=now - datetime.timedelta(hours=1))
    ArticleFactory(title="Award ceremony held", language="en", section=work, translation_of=stories[-1])
    ArticleFactory(title="Call for nominations", language="en", section=notices)
    return stories


def test_visitor_reads_the_front_page_and_moves_through_a_section(page, news):
    page.goto("/")
    lead = page.locator("[data-testid=lead-story]")
    assert lead.locator("h2").inner_text() == "表彰大会隆重举行"
    image = lead.locator("img")
    assert image.get_attribute("width") == "1600" and "1280w" in image.get_attribute("srcset")
    assert image.get_attribute("loading") is None
    cards = page.locator("[data-testid=front-news] [data-testid=news-card] h3").all_inner_texts()
    assert cards == ["科普日主场活动举行", "科技志愿服务进乡村", "宣讲团走进第一中学"]
    notices = page.locator("[data-testid=notices]")
    assert notices.locator("h2").inner_text() == "通知公告"
    assert notices.locator("li a").all_inner_texts() == ["关于开展推荐工作的通知"]
    assert page.locator("[data-testid=front-search] label").inner_text() == "站内搜索"

    page.click("[data-testid=front-news] >> text=科技志愿服务进乡村")
    page.wait_for_load_state()
    crumbs = page.locator("[data-testid=breadcrumbs] li").all_inner_texts()
    assert crumbs[:3] == ["首页", "新闻", "工作动态"]
    assert page.locator("[data-testid=previous]").inner_text().endswith("宣讲团走进第一中学")
    page.click("[data-testid=next]")
    page.wait_for_url(f"**{news[-1].get_absolute_url()}")
    assert page.locator("h1").inner_text() == "表彰大会隆重举行"
    assert page.locator("[data-testid=next]").count() == 0

    qr = page.locator("[data-testid=share-qr] img")
    qr.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('[data-testid=share-qr] img').naturalWidth > 0")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 100
    assert page.locator("#share-url").input_value().endswith(news[-1].get_absolute_url())
    assert (
        page.locator("[data-testid=share] a", has_text="分享到微博")
        .get_attribute("href")
        .startswith("https://service.weibo.com/share/share.php?url=")
    )
    # The print view shows the article alone.
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=share]").is_visible()
    assert not page.locator("[data-testid=breadcrumbs]").is_visible()
    assert page.locator("h1").is_visible()
    page.emulate_media(media="screen")

    page.click("[data-testid=breadcrumbs] >> text=工作动态")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "工作动态"
    titles = page.locator("[data-testid=news-card] h2").all_inner_texts()
    assert titles == ["表彰大会隆重举行", "科技志愿服务进乡村", "宣讲团走进第一中学"]
    page.click("[data-testid=section-tabs] >> text=通知公告")
    page.wait_for_load_state()
    assert page.locator("[data-testid=news-card] h2").all_inner_texts() == ["关于开展推荐工作的通知"]
    assert page.locator("a", has_text="RSS").get_attribute("href") == "/news/sections/notices/rss/"


def test_the_front_page_in_english(page, news):
    page.goto("/")
    page.click(".language-switcher button[value=en]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=lead-story] h2").inner_text() == "Award ceremony held"
    notices = page.locator("[data-testid=notices]")
    assert notices.locator("h2").inner_text() == "Notices"
    assert notices.locator("li a").all_inner_texts() == ["Call for nominations"]
    assert page.locator("[data-testid=front-search] label").inner_text() == "Search the site"
    page.click("[data-testid=lead-story] h2 a")
    page.wait_for_load_state()
    assert page.locator("[data-testid=breadcrumbs] li").all_inner_texts()[:3] == ["Front page", "News", "Our work"]
    assert page.locator("[data-testid=share] h2").inner_text() == "Share"


def test_the_front_page_on_a_phone_stacks_its_columns(page, news):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/")
    lead = page.locator("[data-testid=lead-story]").bounding_box()
    notices = page.locator("[data-testid=notices]").bounding_box()
    assert notices["y"] > lead["y"] + lead["height"] - 1
    assert lead["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.fixture
def called(staff):
    now = timezone.now()
    campaign = CampaignFactory(
        name="2024年云州市最美科技工作者", name_en="Yunzhou 2024 Most Beautiful Sci-tech Workers",
        nomination_opens_at=now - datetime.timedelta(days=3), nomination_deadline=now + datetime.timedelta(days=20),
    )  # fmt: skip
    return campaign


def test_staff_write_the_call_and_the_public_reads_it(page, staff, called):
    login(page, staff)
    page.goto(called.get_absolute_url())
    page.click("text=编辑评选通知")
    page.wait_for_load_state()
    page.fill("#id_call_text", "## 评选条件\n\n1. 在本市工作满三年\n2. 仍在岗位一线\n\n<script>alert(1)</script>")
    page.fill("#id_call_text_en", "## Criteria\n\n1. Three years in the city")
    page.fill("#id_call_contact", "组织人事部 0791-88886666")
    page.click("[data-testid=call-form] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".message-success").inner_text() == "评选通知已保存。"

    form = page.locator("[data-testid=attachment-form]")
    form.locator("#id_title").fill("关于开展推荐工作的通知")
    form.locator("#id_file").set_input_files(
        {"name": "notice.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".message-success").inner_text() == "附件已添加到通知。"
    # A page pretending to be a PDF is refused, with the reason, in Chinese.
    form = page.locator("[data-testid=attachment-form]")
    form.locator("#id_title").fill("伪装的通知")
    form.locator("#id_file").set_input_files(
        {"name": "fake.pdf", "mimeType": "application/pdf", "buffer": b"<html><script>alert(1)</script>"}
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "附件须为 PDF 或 Word（.docx）文档。" in page.locator("[data-testid=attachment-form]").inner_text()
    assert page.locator("[data-testid=attachments] li").count() == 1

    page.click("text=以公众视角查看通知")
    page.wait_for_load_state()
    assert page.locator("[data-testid=call-text] h2").inner_text() == "评选条件"
    assert page.locator("[data-testid=call-text] script").count() == 0
    steps = page.locator("[data-testid=timeline] li")
    assert steps.first.get_attribute("data-state") == "current"
    assert steps.first.get_attribute("aria-current") == "step"
    assert "发布通知与推荐" in steps.first.inner_text()
    assert called.nomination_deadline.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in (
        steps.first.inner_text()
    )
    assert page.locator("[data-testid=call-contact]").inner_text() == "组织人事部 0791-88886666"
    with page.expect_download() as download:
        page.click("[data-testid=attachments] a")
    assert download.value.suggested_filename == "关于开展推荐工作的通知.pdf"


def test_the_call_in_english_with_its_attachments(page, staff, called):
    calls.save_call(called, actor=staff, call_text="## 评选条件", call_text_en="## Criteria", call_contact="")
    calls.add_attachment(called, actor=staff, title="推荐表", title_en="Nomination form", upload=pdf())
    page.goto(f"/campaigns/{called.code}/call/")
    page.click(".language-switcher button[value=en]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Yunzhou 2024 Most Beautiful Sci-tech Workers · Call"
    assert page.locator("[data-testid=call-text] h2").inner_text() == "Criteria"
    assert page.locator("[data-testid=attachments] a").inner_text() == "Nomination form"
    assert page.locator("[data-testid=timeline] li").first.inner_text().startswith("Call and nominations")


def test_the_public_notice_page_links_the_call(page):
    today = timezone.localdate()
    campaign = CampaignFactory(
        stage=Stage.NOTICE, notice_starts_on=today, notice_ends_on=today + datetime.timedelta(days=6)
    )
    NominationFactory(campaign=campaign, status=Nomination.Status.SELECTED, photos=0)
    page.goto(f"/campaigns/{campaign.code}/notice/")
    assert page.locator("[data-testid=breadcrumbs] li").all_inner_texts()[-1] == "公示"
    assert page.locator("[data-testid=candidate]").count() == 1
    page.click("text=评选通知：条件、阶段与附件")
    page.wait_for_load_state()
    current = page.locator("[data-testid=timeline] li[data-state=current]")
    assert current.inner_text().startswith("公示")


def test_staff_rename_a_section_and_the_front_page_follows(page, staff, news):
    login(page, staff)
    page.goto("/staff/news/sections/")
    page.locator("[data-testid=sections] tr", has_text="通知公告").locator("text=编辑").click()
    page.wait_for_load_state()
    page.fill("#id_name", "公告")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".message-success").inner_text() == "已保存。"
    page.fill("#id_name", "工作动态")
    page.fill("#id_slug", "work")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() >= 1
    assert Article.objects.filter(section__name="公告").count() == 2  # the notice and its English version
    page.goto("/")
    assert page.locator("[data-testid=notices] h2").inner_text() == "公告"

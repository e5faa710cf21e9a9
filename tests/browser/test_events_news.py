import pytest
from django.utils import timezone

from laurel.events.models import Attendee
from tests.conftest import login
from tests.factories.events import AttendeeFactory, EventFactory
from tests.factories.news import ArticleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("collect_live_server_connections"),
]


def test_guest_replies_by_private_link(page):
    attendee = AttendeeFactory(status=Attendee.Status.PENDING, name="赵明远")
    page.goto(attendee.get_rsvp_url())
    page.check("input[name=status][value=confirmed]")
    page.fill("input[name=special_needs]", "需要轮椅通道")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=rsvp-status]").inner_text() == "已确认"
    page.click("text=查看我的入场凭证")
    assert page.locator("[data-testid=pass-code]").inner_text() == attendee.pass_code
    page.goto(attendee.get_rsvp_url())
    assert page.locator("input[name=special_needs]").input_value() == "需要轮椅通道"


def test_staff_checks_in_by_typed_code(page, staff):
    event = EventFactory(start_at=timezone.now() - timezone.timedelta(minutes=30))
    attendee = AttendeeFactory(event=event, name="王芳")
    login(page, staff)
    page.goto(f"/staff/events/{event.code}/check-in/")
    page.fill("input[name=code]", attendee.pass_code.lower())
    page.click("#check-in-form button[type=submit]")
    page.wait_for_load_state()
    assert "王芳 已签到（迟到）" in page.locator(".messages").inner_text()
    assert "王芳" in page.locator("#check-in-status").inner_text()
    page.fill("input[name=code]", attendee.pass_code)
    page.click("#check-in-form button[type=submit]")
    page.wait_for_load_state()
    assert "已于" in page.locator(".messages").inner_text()


def test_staff_publishes_an_article(page, staff):
    login(page, staff)
    page.goto("/staff/news/new/")
    page.fill("input[name=title]", "云州市召开科技工作者日座谈会")
    # New articles are written in the rich-text editor (tests/browser/test_news_editor.py has pictures too).
    page.locator("#article-form .prose-editor .tiptap.ProseMirror").click()
    page.keyboard.type("5月30日，")
    page.keyboard.press("Control+b")
    page.keyboard.type("座谈会")
    page.keyboard.press("Control+b")
    page.keyboard.type("召开。")
    page.fill("input[name=tags]", "座谈会")
    page.click("#article-form button[type=submit]")
    page.wait_for_url("**/staff/news/*/")
    page.click("button[value=publish]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=article-status]").inner_text() == "已发布"
    page.click("text=预览")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "云州市召开科技工作者日座谈会"
    assert page.locator(".news-body strong").inner_text() == "座谈会"


def test_comment_passes_moderation(page, staff):
    article = ArticleFactory()
    page.goto(article.get_absolute_url())
    page.fill("input[name=name]", "热心读者")
    page.fill("textarea[name=body]", "向科技工作者致敬！<script>alert(1)</script>")
    page.click("#comment-form button[type=submit]")
    page.wait_for_load_state()
    assert "审核后显示" in page.locator(".messages").inner_text()
    assert page.locator(".comment").count() == 0
    login(page, staff)
    page.goto("/staff/news/comments/")
    page.locator("[data-testid^=comment-] button[value=approved]").click()
    page.wait_for_load_state()
    page.goto(article.get_absolute_url())
    assert "向科技工作者致敬！<script>alert(1)</script>" in page.locator(".comment").inner_text()

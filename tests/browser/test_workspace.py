"""Destructive actions look apart from the main one and ask before they act; staff set the association's
identity through its page. In Chinese, as the association's staff use it."""

import io

import pytest
from PIL import Image

from laurel.core.models import SiteIdentity
from laurel.honors.models import Nomination
from tests.conftest import login
from tests.factories.honors import NominationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCENT_RED = "rgb(163, 22, 26)"


def test_withdraw_looks_apart_from_submit_and_asks_first(page, nominator, unit):
    nomination = NominationFactory(unit=unit, nominated_by=nominator)
    login(page, nominator)
    page.goto(nomination.get_absolute_url())
    submit = page.locator("main button", has_text="提交")
    withdraw = page.locator("main button", has_text="撤回")
    assert submit.evaluate("node => getComputedStyle(node).backgroundColor") == ACCENT_RED
    assert withdraw.evaluate("node => getComputedStyle(node).backgroundColor") != ACCENT_RED
    assert withdraw.evaluate("node => getComputedStyle(node).color") == ACCENT_RED

    page.refuse_confirmations = True
    withdraw.click()
    page.wait_for_timeout(300)
    assert page.confirmations == ["此操作无法撤销，确定继续吗？"]
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DRAFT

    page.refuse_confirmations = False
    withdraw.click()
    page.wait_for_load_state()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN


def test_staff_set_the_associations_name_and_logo_and_the_header_shows_them(page, staff, tmp_path):
    logo = tmp_path / "logo.png"
    buffer = io.BytesIO()
    Image.new("RGBA", (80, 80), (163, 22, 26, 255)).save(buffer, "PNG")
    logo.write_bytes(buffer.getvalue())
    login(page, staff)
    page.goto("/staff/site/")
    page.fill("input[name=name]", "云州市科学技术协会")
    page.fill("input[name=name_en]", "Yunzhou Association for Science and Technology")
    page.fill("input[name=icp_number]", "云ICP备12345678号-1")
    page.set_input_files("input[name=logo]", str(logo))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "协会信息已保存" in page.locator(".messages").inner_text()
    assert page.locator(".brand").inner_text().strip() == "云州市科学技术协会"
    assert page.locator(".brand-logo").evaluate("node => node.naturalWidth") == 80
    assert page.locator("[data-testid=icp]").inner_text() == "云ICP备12345678号-1"
    assert SiteIdentity.objects.get().logo


def test_a_refused_logo_keeps_what_was_typed_and_saves_nothing(page, staff, tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"<script>alert(1)</script>")
    login(page, staff)
    page.goto("/staff/site/")
    page.fill("input[name=name]", "云州市科学技术协会")
    page.set_input_files("input[name=logo]", str(fake))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "该文件不是可识别的照片" in page.locator("main").inner_text()
    assert page.input_value("input[name=name]") == "云州市科学技术协会"
    assert not SiteIdentity.objects.exists()


def test_on_a_phone_the_menus_fold_and_staff_reach_a_desk_through_them(page, staff):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, staff)
    page.goto("/")
    assert not page.locator("[data-testid=staff-nav]").is_visible()
    assert not page.locator(".main-nav").is_visible()
    page.click("button.menu-toggle")
    assert page.locator("button.menu-toggle").get_attribute("aria-expanded") == "true"
    page.click(".staff-menu[data-menu=people] summary")
    page.click(".staff-menu[data-menu=people] a[href='/staff/people/']")
    page.wait_for_url("**/staff/people/")
    assert page.locator("h1").first.is_visible()


def test_on_a_desktop_one_staff_menu_opens_at_a_time(page, staff):
    login(page, staff)
    page.goto("/")
    assert not page.locator("button.menu-toggle").is_visible()
    page.click(".staff-menu[data-menu=people] summary")
    page.click(".staff-menu[data-menu=system] summary")
    assert page.locator(".staff-menu[open]").count() == 1
    page.click(".staff-menu[data-menu=system] a[href='/staff/site/']")
    page.wait_for_url("**/staff/site/")

"""Shared fixtures: personas whose names say what they may do, and a headless Chromium for browser tests."""

import os

import pytest
from django.db import connection

from laurel.people.roles import RoleKind
from tests.factories.people import OrganizationFactory, user_with_role

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LAUREL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the default language (zh-hans), whatever an earlier test activated."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rate limits, cached pages, view counts)."""
    from django.core.cache import cache

    from laurel.core import identity, pagecache
    from laurel.news import viewcount

    cache.clear()
    pagecache.forget_local()
    identity.assume_unset()
    viewcount.forget_recent_visitors()
    viewcount.clear_store()
    yield
    cache.clear()
    pagecache.forget_local()
    identity.forget()
    viewcount.forget_recent_visitors()


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """Verifying another issuer's credential reads its site over HTTPS; tests never leave this machine: names
    other than localhost fail to resolve, as on a machine without internet access."""
    from laurel.certificates.credentials import web

    real_lookup = web._addresses

    def local_only(host, port, timeout):
        if host in {"localhost", "127.0.0.1", "::1"}:
            return real_lookup(host, port, timeout)
        raise web.WebError("issuer_unreachable", f"tests do not look up {host}")

    monkeypatch.setattr(web, "_addresses", local_only)


@pytest.fixture
def unit(db):
    return OrganizationFactory(name="云州大学", name_en="Yunzhou University")


@pytest.fixture
def staff(db):
    return user_with_role(RoleKind.STAFF, email="staff@example.org", full_name="周雅")


@pytest.fixture
def nominator(db, unit):
    return user_with_role(RoleKind.NOMINATOR, organization=unit, email="nominator@example.org", full_name="林涛")


@pytest.fixture
def expert(db):
    return user_with_role(RoleKind.EXPERT, email="expert@example.org", full_name="郑清")


@pytest.fixture
def other_expert(db):
    return user_with_role(RoleKind.EXPERT, email="other-expert@example.org", full_name="韩嘉")


@pytest.fixture
def member(db):
    return user_with_role(RoleKind.LECTURER, email="member@example.org", full_name="宋远")


@pytest.fixture
def stranger(db):
    return user_with_role(None, email="stranger@example.org", full_name="Visitor")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def stranger_client(client, stranger):
    client.force_login(stranger)
    return client


@pytest.fixture(autouse=True)
def _two_factor_setting(request, settings):
    """Most tests are not about two-factor enrolment; tests marked `requires_2fa` switch it on."""
    settings.LAUREL_REQUIRE_2FA = "requires_2fa" in request.keywords


def pytest_collection_modifyitems(config, items):
    on_postgresql = connection.vendor == "postgresql"
    for item in items:
        if "postgresql_only" in item.keywords and not on_postgresql:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL"))
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    csp_errors = []
    # Irreversible actions ask for confirmation (data-confirm in site.js): tests go ahead, as a user would, and
    # `page.confirmations` lists what was asked. A test that wants to say no sets `page.refuse_confirmations`.
    page.confirmations = []
    page.refuse_confirmations = False

    def on_dialog(dialog):
        if dialog.type != "confirm":
            return
        page.confirmations.append(dialog.message)
        if page.refuse_confirmations:
            dialog.dismiss()
        else:
            dialog.accept()

    page.on("dialog", on_dialog)
    page.on(
        "console",
        lambda message: csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()
    assert csp_errors == [], f"Content Security Policy violations: {csp_errors}"


def login(page, user, password=None):
    from tests.factories.people import PASSWORD

    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url("**/dashboard/")


@pytest.fixture
def served_from_cache(monkeypatch):
    """The paths the page cache answered itself, before the URL map (laurel/core/pagecache.py)."""
    from laurel.core import pagecache

    served = []
    real = pagecache.PageCacheMiddleware._serve

    def spy(self, request, page):
        served.append(request.path)
        return real(self, request, page)

    monkeypatch.setattr(pagecache.PageCacheMiddleware, "_serve", spy)
    return served

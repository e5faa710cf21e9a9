"""Accessibility as a test: axe-core (pinned in tests/interop/, never fetched) runs on every page kind of the demo,
as its persona sees it, in both languages; no serious or critical finding is allowed.

axe is injected by Playwright into a context that bypasses the Content Security Policy (the pages themselves forbid
inline scripts); the pages are otherwise served as to anyone.
"""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from laurel.people.demo import DEMO_PASSWORD
from tests.pages import page_kinds

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "interop" / "node_modules" / "axe-core" / "axe.min.js"
EXTRA_PUBLIC = [
    "/",
    "/news/",
    "/news/sections/notices/",
    "/news/NEWSZH06/",
    "/search/?q=科技",
    "/needs/",
    "/consultations/",
    "/verify/",
    "/accounts/login/",
]
EXTRA_SIGNED_IN = ["/staff/site/", "/staff/audit/", "/staff/people/"]


def _call_pages() -> list[dict]:
    """A campaign's call page for the public, and its editing page for staff."""
    from laurel.honors.models import Campaign, Stage

    code = Campaign.objects.filter(stage=Stage.PUBLISHED).order_by("pk").first().code
    return [
        {"kind": "campaign call", "path": f"/campaigns/{code}/call/", "persona": ""},
        {"kind": "call editing", "path": f"/campaigns/{code}/call/edit/", "persona": "staff@laurel.demo"},
        {"kind": "news sections", "path": "/staff/news/sections/", "persona": "staff@laurel.demo"},
    ]


def findings(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))")
    return [
        {"id": item["id"], "impact": item["impact"], "nodes": [node["target"] for node in item["nodes"]][:3]}
        for item in json.loads(result)["violations"]
        if item["impact"] in ("serious", "critical")
    ]


def test_every_page_kind_has_no_serious_accessibility_finding(browser, live_server):
    assert AXE.exists(), "run make test (npm ci in tests/interop) first"
    call_command("seed_demo", stdout=io.StringIO())
    rows = [row for row in page_kinds() if row["audience"] != "api"]
    rows += [{"kind": path, "path": path, "persona": ""} for path in EXTRA_PUBLIC]
    rows += [{"kind": path, "path": path, "persona": "staff@laurel.demo"} for path in EXTRA_SIGNED_IN]
    rows += _call_pages()
    problems = {}
    for language in ("zh-CN", "en"):
        contexts = {}
        try:
            for row in rows:
                persona = row["persona"]
                if persona not in contexts:
                    context = browser.new_context(base_url=live_server.url, locale=language, bypass_csp=True)
                    if persona:
                        login_page = context.new_page()
                        login_page.goto("/accounts/login/")
                        login_page.fill("input[name=login]", persona)
                        login_page.fill("input[name=password]", DEMO_PASSWORD)
                        login_page.click("form[action$='/accounts/login/'] button[type=submit]")
                        login_page.wait_for_url("**/dashboard/")
                        login_page.close()
                    contexts[persona] = context
                page = contexts[persona].new_page()
                response = page.goto(row["path"])
                assert response.status < 400, (row["path"], response.status)
                found = findings(page)
                if found:
                    problems[f"{language} {row['kind']} ({persona or 'public'})"] = found
                page.close()
        finally:
            for context in contexts.values():
                context.close()
    assert problems == {}

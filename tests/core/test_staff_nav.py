"""Staff work under menus grouped by domain; nobody else sees them, and each link opens for staff."""

import pytest
from django.test import Client

from laurel.core import registry

pytestmark = pytest.mark.django_db

GROUPS_IN_ORDER = ["评选", "宣讲", "活动", "新闻", "证书", "人员", "系统"]


def test_staff_see_the_workspace_menus_in_the_order_of_the_associations_work(staff_client):
    html = staff_client.get("/").content.decode()
    assert 'data-testid="staff-nav"' in html
    positions = [html.index(f"<summary>{label}</summary>") for label in GROUPS_IN_ORDER]
    assert positions == sorted(positions)


def test_every_staff_link_opens_for_staff(staff, staff_client):
    for menu in registry.staff_menus(staff):
        for item in menu.items:
            assert staff_client.get(item.url).status_code == 200, item.url_name


@pytest.mark.parametrize("persona", ["nominator", "expert", "member", "stranger"])
def test_no_one_else_sees_the_staff_menus(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert registry.staff_menus(user) == []
    assert 'data-testid="staff-nav"' not in client.get("/").content.decode()


def test_anonymous_visitors_see_only_the_public_links():
    html = Client().get("/").content.decode()
    assert 'data-testid="staff-nav"' not in html
    assert "/staff/" not in html.split("</header>")[0]


def test_the_english_menus_read_in_english(staff_client):
    html = staff_client.get("/", headers={"accept-language": "en"}).content.decode()
    for label in ["Honors", "Lectures", "Events", "News", "Certificates", "People", "System"]:
        assert f"<summary>{label}</summary>" in html

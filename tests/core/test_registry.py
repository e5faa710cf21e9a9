import pytest
from django.utils.translation import gettext_lazy

from laurel.core import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(registry, "_nav", [])
    monkeypatch.setattr(registry, "_front_page", [])


def test_front_page_renders_registered_sections_and_skips_empty_ones(client, clean_registry, tmp_path, settings):
    template_dir = tmp_path / "templates"
    (template_dir / "probe").mkdir(parents=True)
    (template_dir / "probe" / "section.html").write_text("<p id='probe'>{{ section.text }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], template_dir]}]
    registry.register_front_page(registry.Section("probe/section.html", lambda request: {"text": "hello"}, order=2))
    registry.register_front_page(registry.Section("probe/section.html", lambda request: None, order=1))
    html = client.get("/").content.decode()
    assert html.count("id='probe'") == 1
    assert "hello" in html


def test_nav_item_shows_only_to_whom_it_is_visible(client, clean_registry, stranger, staff):
    from laurel.core.permissions import is_staff_member

    registry.register_nav(registry.NavItem(gettext_lazy("Audit log"), "core:audit_log", visible=is_staff_member))
    assert [item.url_name for item in registry.nav_items(staff)] == ["core:audit_log"]
    assert registry.nav_items(stranger) == []

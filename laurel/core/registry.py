"""Places where apps plug into shared pages without core importing them.

Each app registers in its `AppConfig.ready()`:
- `register_nav(NavItem(...))`: a link in the header (public, or shown when `visible(user)` is true);
- `register_desk(DeskSection(...))`: a section of a signed-in user's desk (`/dashboard/`);
- `register_front_page(FrontPageSection(...))`: a section of the public front page;
- `register_todos(source)`: counts of what waits for the user (`source(user) -> list[Todo]`), shown together at the
  top of the desk. A source checks the user's roles first and answers with one or two grouped queries, so the desk's
  cost does not grow with the number of campaigns, comments or batches.
Sections render their own template with the context their `context(request)` returns; a section whose
context function returns None is left out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

# The staff workspace's menus, in the order of the header: one per domain of the association's work. A NavItem
# with a `group` is a staff link in that menu; without one it is a link of the public header.
STAFF_GROUPS = {
    "honors": _("Honors"),
    "outreach": _("Lectures"),
    "events": _("Events"),
    "services": _("Services"),
    "news": _("News"),
    "certificates": _("Certificates"),
    "people": _("People"),
    "system": _("System"),
}


@dataclass(frozen=True)
class NavItem:
    label: Any  # a gettext_lazy string
    url_name: str
    order: int = 100
    visible: Callable[[Any], bool] = field(default=lambda user: True)
    group: str = ""

    @property
    def url(self) -> str:
        # The header shows these links on every page: reversed once per process and script prefix, not per request.
        prefix = get_script_prefix()
        key = (self.url_name, prefix)
        url = _reversed.get(key)
        if url is None:
            url = _reversed[key] = reverse(self.url_name)
        return url


_reversed: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class StaffMenu:
    key: str
    label: Any
    items: list[NavItem]


@dataclass(frozen=True)
class Section:
    template_name: str
    context: Callable[[Any], dict[str, Any] | None]
    order: int = 100


DeskSection = Section
FrontPageSection = Section


@dataclass(frozen=True)
class Todo:
    """What waits for the user: `count` things described by `label`, listed at `url` (already filtered)."""

    label: Any
    count: int
    url: str


_nav: list[NavItem] = []
_desk: list[Section] = []
_front_page: list[Section] = []
_todo_sources: list[tuple[str, Callable[[Any], list[Todo]]]] = []


def _add(items: list, item) -> None:
    if item not in items:
        items.append(item)
        items.sort(key=lambda entry: entry.order)


def register_nav(item: NavItem) -> None:
    _add(_nav, item)


def register_desk(section: Section) -> None:
    _add(_desk, section)


def register_front_page(section: Section) -> None:
    _add(_front_page, section)


def register_todos(source: Callable[[Any], list[Todo]], *, group: str) -> None:
    """`group` is the staff menu the work belongs to (a key of STAFF_GROUPS): the desk lists it in that order."""
    if group not in STAFF_GROUPS:
        raise ValueError(f"unknown staff group {group!r}")
    if (group, source) not in _todo_sources:
        _todo_sources.append((group, source))
        _todo_sources.sort(key=lambda entry: list(STAFF_GROUPS).index(entry[0]))


def todos(user) -> list[Todo]:
    """Everything waiting for this user, in the order of the staff menus."""
    return [todo for _group, source in _todo_sources for todo in source(user) if todo.count > 0]


def nav_items(user) -> list[NavItem]:
    """The public header's links this user may see."""
    return [item for item in _nav if not item.group and item.visible(user)]


def staff_menus(user) -> list[StaffMenu]:
    """The staff workspace's menus, each with the links this user's current roles open; empty menus are left out."""
    menus = []
    for key, label in STAFF_GROUPS.items():
        items = [item for item in _nav if item.group == key and item.visible(user)]
        if items:
            menus.append(StaffMenu(key, label, items))
    return menus


def render_sections(sections: list[Section], request) -> list[tuple[str, dict[str, Any]]]:
    rendered = []
    for section in sections:
        context = section.context(request)
        if context is not None:
            rendered.append((section.template_name, context))
    return rendered


def desk_sections(request):
    return render_sections(_desk, request)


def front_page_sections(request):
    return render_sections(_front_page, request)

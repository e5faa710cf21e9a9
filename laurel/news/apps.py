from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "laurel.news"
    label = "news"
    verbose_name = _("News")

    def ready(self):
        from laurel.core import changes, pagecache, registry
        from laurel.news import permissions, queries, search, views

        # Article pages are served to anonymous visitors from the page cache; each hit still counts its visitor.
        pagecache.register_path(r"/news/[A-Za-z0-9]{1,20}/")  # article codes (codes.make_code)
        pagecache.register_hook(views.VIEW_HOOK, views.count_view)

        # Lower apps announce writes to what the public may find; the site search's index follows them.
        changes.register(search.on_changed)

        registry.register_nav(registry.NavItem(label=_("News"), url_name="news:article_list", order=10))
        registry.register_nav(
            registry.NavItem(
                label=_("Manage news"),
                url_name="news:staff_list",
                order=81,
                visible=permissions.can_manage_news,
                group="news",
            )
        )
        registry.register_nav(
            registry.NavItem(
                label=_("News sections"),
                url_name="news:staff_sections",
                order=83,
                visible=permissions.can_manage_news,
                group="news",
            )
        )
        registry.register_nav(
            registry.NavItem(
                label=_("Comments to moderate"),
                url_name="news:moderation_queue",
                order=82,
                visible=permissions.can_moderate_comments,
                group="news",
            )
        )
        registry.register_front_page(
            registry.FrontPageSection(template_name="news/front_page_section.html", context=queries.front_page, order=5)
        )
        registry.register_todos(queries.todos, group="news")

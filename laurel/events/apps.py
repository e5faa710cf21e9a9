from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "laurel.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from laurel.core import registry
        from laurel.events import permissions, queries

        registry.register_nav(registry.NavItem(label=_("Events"), url_name="events:public_list", order=20))
        registry.register_nav(
            registry.NavItem(
                label=_("Manage events"),
                url_name="events:event_list",
                order=80,
                visible=permissions.can_manage_events,
                group="events",
            )
        )
        registry.register_front_page(
            registry.FrontPageSection(
                template_name="events/front_page_section.html", context=queries.front_page, order=10
            )
        )

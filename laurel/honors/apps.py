from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    name = "laurel.honors"
    label = "honors"
    verbose_name = _("Honor campaigns")

    def ready(self):
        from laurel.honors import reviews, sections
        from laurel.people import accounts

        sections.register()
        if reviews.end_conflicting_assignments not in accounts.UNIT_CHANGED_HOOKS:
            accounts.UNIT_CHANGED_HOOKS.append(reviews.end_conflicting_assignments)

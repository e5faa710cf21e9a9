from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "laurel.outreach"
    label = "outreach"
    verbose_name = _("Lecture groups")

    def ready(self):
        from laurel.outreach import sections

        sections.register()

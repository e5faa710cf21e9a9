from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    name = "laurel.honors"
    label = "honors"
    verbose_name = _("Honor campaigns")

    def ready(self):
        from laurel.honors import sections

        sections.register()

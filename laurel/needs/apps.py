from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "laurel.needs"
    label = "needs"
    verbose_name = _("Technical needs")

    def ready(self):
        from laurel.needs import sections

        sections.register()

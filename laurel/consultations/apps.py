from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "laurel.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from laurel.consultations import sections

        sections.register()

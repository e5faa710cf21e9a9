from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "laurel.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from laurel.certificates import registrations  # noqa: F401

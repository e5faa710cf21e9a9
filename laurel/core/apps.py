from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "laurel.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from laurel.core import (
            checks,  # noqa: F401  (registers the deployment checks)
            pagecache,
        )

        pagecache.register_path(r"/")  # the front page (HomeView)


class LaurelAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that sends its login to allauth (`laurel.core.adminsite`)."""

    default = False  # named in INSTALLED_APPS; CoreConfig stays the default of laurel.core
    default_site = "laurel.core.adminsite.LaurelAdminSite"

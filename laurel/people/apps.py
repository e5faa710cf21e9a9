from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "laurel.people"
    label = "people"
    verbose_name = _("People and units")

    def ready(self):
        from laurel.core import api
        from laurel.people import tokens

        if tokens.check_bearer not in api.token_checks:
            api.token_checks.append(tokens.check_bearer)

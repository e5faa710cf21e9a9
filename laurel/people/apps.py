from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "laurel.people"
    label = "people"
    verbose_name = _("People and units")

    def ready(self):
        from laurel.core import api, registry
        from laurel.core import permissions as core_permissions
        from laurel.people import permissions, tokens

        if tokens.check_bearer not in api.token_checks:
            api.token_checks.append(tokens.check_bearer)
        staff_links = [
            ("people", _("Sci-tech workers"), "people:person_list", permissions.can_manage_people),
            ("people", _("Units"), "people:organization_list", permissions.can_manage_people),
            ("people", _("Import from a spreadsheet"), "people:import", permissions.can_manage_people),
            ("people", _("Roles"), "people:role_list", permissions.can_manage_people),
            ("system", _("The association's identity"), "core:site_identity", core_permissions.can_manage_site),
            ("system", _("Audit log"), "core:audit_log", core_permissions.can_read_audit_log),
            ("system", _("API tokens"), "people:api_tokens", core_permissions.is_staff_member),
        ]
        for order, (group, label, url_name, visible) in enumerate(staff_links):
            registry.register_nav(registry.NavItem(label, url_name, order=200 + order, visible=visible, group=group))

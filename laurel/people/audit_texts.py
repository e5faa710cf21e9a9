"""The people app's audit entries as sentences (read by `laurel.core.audit_texts`)."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "people.api_token.created": _("%(actor)s created the API token “%(object)s”."),
    "people.api_token.revoked": _("%(actor)s revoked the API token “%(object)s”."),
    "people.organization.created": _("%(actor)s added the unit “%(object)s”."),
    "people.organization.updated": _("%(actor)s changed the unit “%(object)s”."),
    "people.organization.imported": _("%(actor)s imported units from a spreadsheet."),
    "people.person.created": _("%(actor)s added the sci-tech worker “%(object)s”."),
    "people.person.updated": _("%(actor)s changed the sci-tech worker “%(object)s”."),
    "people.person.linked": _("%(actor)s linked the sci-tech worker “%(object)s” to an account."),
    "people.person.invited": _("%(actor)s invited the sci-tech worker “%(object)s” to an account."),
    "people.unit.declared": _("%(actor)s recorded the unit of the account “%(object)s”."),
    "people.person.made_public": _("%(actor)s made “%(object)s” public on the site."),
    "people.person.imported": _("%(actor)s imported sci-tech workers from a spreadsheet."),
    "people.role.granted": _("%(actor)s gave the role “%(object)s”."),
    "people.role.revoked": _("%(actor)s took back the role “%(object)s”."),
}

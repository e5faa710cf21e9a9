"""S&T service matching's audit entries as sentences (read by `laurel.core.audit_texts`)."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "needs.demo.seeded": _("%(actor)s: the demo's technical needs were loaded."),
    "needs.need.posted": _("%(actor)s: the technical need “%(object)s” was posted."),
    "needs.need.verified": _("%(actor)s: the poster of “%(object)s” confirmed their address."),
    "needs.need.published": _("%(actor)s published the technical need “%(object)s”."),
    "needs.need.rejected": _("%(actor)s rejected the technical need “%(object)s”."),
    "needs.need.introduced": _("%(actor)s introduced an expert for “%(object)s”."),
    "needs.need.met": _("%(actor)s recorded the meeting for “%(object)s”."),
    "needs.need.concluded": _("%(actor)s recorded the outcome of “%(object)s”."),
    "needs.need.released": _("%(actor)s put “%(object)s” back on the board."),
    "needs.need.expired": _("%(actor)s: the technical need “%(object)s” expired at its deadline."),
    "needs.need.withdrawn": _("%(actor)s withdrew the technical need “%(object)s”."),
    "needs.need.poster_feedback": _("%(actor)s: the poster gave feedback on “%(object)s”."),
    "needs.need.expert_feedback": _("%(actor)s: the expert gave feedback on “%(object)s”."),
    "needs.interest.expressed": _("%(actor)s offered to help with “%(object)s”."),
    "needs.subscription.saved": _("%(actor)s saved their fields and regions: %(object)s."),
    "needs.service.recorded": _("%(actor)s recorded volunteer service: %(object)s."),
    "needs.service.validated": _("%(actor)s validated volunteer service: %(object)s."),
    "needs.service.rejected": _("%(actor)s did not validate volunteer service: %(object)s."),
}

"""The lecture groups' audit entries as sentences (read by `laurel.core.audit_texts`)."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "outreach.batch.created": _("%(actor)s added the batch “%(object)s”."),
    "outreach.group.created": _("%(actor)s created the lecture group “%(object)s”."),
    "outreach.group.updated": _("%(actor)s changed the lecture group “%(object)s”."),
    "outreach.membership.added": _("%(actor)s added a member: %(object)s."),
    "outreach.membership.retired": _("%(actor)s retired a member: %(object)s."),
    "outreach.membership.updated": _("%(actor)s changed a membership: %(object)s."),
    "outreach.talk.accepted": _("%(actor)s accepted the talk %(object)s."),
    "outreach.talk.cancelled": _("%(actor)s cancelled the talk %(object)s."),
    "outreach.talk.closed": _("%(actor)s closed the talk %(object)s."),
    "outreach.talk.declined": _("%(actor)s declined the talk %(object)s."),
    "outreach.talk.delivered": _("%(actor)s marked the talk %(object)s as delivered."),
    "outreach.talk.dispatched": _("%(actor)s dispatched the talk %(object)s to a speaker."),
    "outreach.talk.expenses_recorded": _("%(actor)s recorded the expenses of the talk %(object)s."),
    "outreach.talk.expired": _("%(actor)s: the request %(object)s expired without a speaker."),
    "outreach.talk.rated": _("%(actor)s: the host rated the talk %(object)s."),
    "outreach.talk.refused": _("%(actor)s refused the talk %(object)s."),
    "outreach.talk.reported": _("%(actor)s filed the report of the talk %(object)s."),
    "outreach.talk.requested": _("%(actor)s: the talk %(object)s was requested."),
    "outreach.talk.reviewed": _("%(actor)s reviewed the request %(object)s."),
    "outreach.talk.verified": _("%(actor)s: the host confirmed the address of the request %(object)s."),
    "outreach.topic.created": _("%(actor)s added the topic “%(object)s”."),
}

"""The news' audit entries as sentences (read by `laurel.core.audit_texts`)."""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "news.article.created": _("%(actor)s wrote the article “%(object)s”."),
    "news.article.updated": _("%(actor)s changed the article “%(object)s”."),
    "news.article.draft": _("%(actor)s took the article “%(object)s” back to draft."),
    "news.article.scheduled": _("%(actor)s scheduled the article “%(object)s”."),
    "news.article.published": _("%(actor)s published the article “%(object)s”."),
    "news.article.drafted_from_campaign": _("%(actor)s drafted the article “%(object)s” from a campaign."),
    "news.article.drafted_from_event": _("%(actor)s drafted the article “%(object)s” from an event."),
    "news.section.created": _("%(actor)s added the news section “%(object)s”."),
    "news.section.updated": _("%(actor)s changed the news section “%(object)s”."),
    "news.image.uploaded": _("%(actor)s uploaded a picture for an article."),
    "news.comment.posted": _("%(actor)s: a comment was posted: %(object)s."),
    "news.comment.approved": _("%(actor)s approved a comment: %(object)s."),
    "news.comment.marked_spam": _("%(actor)s marked a comment as spam: %(object)s."),
}

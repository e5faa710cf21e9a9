"""Writes about news: articles (drafts, scheduling, translations), reports drafted from events and campaigns,
comments."""

import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from laurel.core import pagecache, ratelimit, spam
from laurel.core.services import log_action
from laurel.core.storage import public_storage
from laurel.core.uploads import judge_image
from laurel.events.models import AgendaPerson, Event
from laurel.honors.models import Campaign
from laurel.honors.publication import published_honorees
from laurel.news import related, search, thumbnails
from laurel.news.models import MAX_COMMENT_LENGTH, Article, BodyFormat, Comment, Section, Tag
from laurel.news.rendering import render_body, render_markdown, sanitize_html

ARTICLE_FIELDS = (
    "language", "translation_of", "section", "title", "summary", "body", "source", "reporter", "release_at",
    "cover_credit", "event", "campaign", "lecture_group", "link_url", "link_label", "format",
)  # fmt: skip
# Anonymous comments per client address: a flood brake (a school or an office shares one address).
COMMENTS_PER_ADDRESS = ratelimit.Limit("news.comment", count=5, seconds=600)
TRUSTED_AFTER_APPROVED = 3

ARTICLE_MOVES = {
    Article.Status.DRAFT: {Article.Status.SCHEDULED, Article.Status.PUBLISHED},
    Article.Status.SCHEDULED: {Article.Status.DRAFT, Article.Status.PUBLISHED, Article.Status.SCHEDULED},
    Article.Status.PUBLISHED: {Article.Status.DRAFT},
}
COMMENT_MOVES = {
    Comment.Status.PENDING: {Comment.Status.APPROVED, Comment.Status.SPAM},
    Comment.Status.SPAM: {Comment.Status.APPROVED},
    Comment.Status.APPROVED: {Comment.Status.SPAM},
}


def _check_translation(data: dict[str, Any], article: Article | None = None) -> None:
    original = data.get("translation_of")
    if original is None:
        return
    if article is not None and original.pk == article.pk:
        raise ValidationError({"translation_of": _("An article cannot be its own translation.")})
    if original.language == data.get("language"):
        raise ValidationError({"translation_of": _("A translation must be in the other language.")})


def set_tags(article: Article, names: list[str]) -> None:
    tags = [Tag.objects.get_or_create(name=name.strip()[:50])[0] for name in names if name.strip()]
    article.tags.set(tags)


def save_article(article: Article | None, *, actor, data: dict[str, Any], tags: list[str] | None = None, cover=None):
    """Create (article=None) or update an article. Its body is rendered and sanitized here (an HTML body is also
    stored sanitized, so the editor never reloads what the allow-list refused). The cover is judged by its content
    and re-encoded without metadata before the transaction (laurel/core/uploads.py)."""
    copies = None
    if cover is not None:
        try:
            cover = judge_image(cover)
        except ValidationError as error:
            raise ValidationError({"cover": error.error_list}) from None
        # The responsive copies are made here, before the transaction takes the database's write lock.
        copies = thumbnails.render(cover.read())
        cover.seek(0)
    return _save_article(article, actor=actor, data=data, tags=tags, cover=cover, copies=copies)


@transaction.atomic
def _save_article(article: Article | None, *, actor, data: dict[str, Any], tags: list[str] | None, cover, copies=None):
    _check_translation(data, article)
    created = article is None
    if created:
        article = Article(created_by=actor)
    for field in ARTICLE_FIELDS:
        if field in data:
            setattr(article, field, data[field])
    if article.status != Article.Status.DRAFT and article.release_at is None:
        raise ValidationError({"release_at": _("A published article needs a release time.")})
    if article.format == BodyFormat.HTML:
        article.body = sanitize_html(article.body)
    article.body_html = render_body(article.body, article.format)
    article.full_clean(exclude=["cover", "cover_thumbnails"])
    if cover is not None:
        # After the checks: files are written only for an article that will be saved.
        thumbnails.attach_rendered(article, copies)
        article.cover = cover
    article.save()
    if tags is not None:
        set_tags(article, tags)
    log_action("news.article.created" if created else "news.article.updated", actor=actor, obj=article)
    search.index_article(article)
    transaction.on_commit(related.invalidate)
    pagecache.invalidate_on_commit()
    return article


@dataclass(frozen=True)
class ArticleImage:
    url: str
    alt: str
    credit: str

    def figure_html(self) -> str:
        """The snippet the editor inserts, as the allow-list keeps it (for pasting by hand, too)."""
        return sanitize_html(
            format_html('<figure><img src="{}" alt="{}"><figcaption>{}</figcaption></figure>', self.url, self.alt,
                        self.credit)
        )  # fmt: skip


def upload_article_image(upload, *, actor, alt: str, credit: str) -> ArticleImage:
    """Keep a picture for an article's body in the public media area: judged by its content and re-encoded without
    metadata (laurel/core/uploads.py), under a random name. Its credit is shown under it in the article."""
    alt, credit = alt.strip(), credit.strip()
    if not alt:
        raise ValidationError({"alt": _("Describe what the picture shows.")})
    if not credit:
        raise ValidationError({"credit": _("Give the picture's credit (who took it).")})
    try:
        judged = judge_image(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.error_list}) from None
    storage = public_storage()
    name = storage.save(f"news/images/{judged.name}", judged)
    image = ArticleImage(url=storage.url(name), alt=alt, credit=credit)
    log_action("news.image.uploaded", actor=actor, data={"file": name, "alt": alt, "credit": credit})
    return image


def publish_article(article: Article, *, actor, release_at=None) -> Article:
    """Publish now, or schedule when the release time is in the future."""
    now = timezone.now()
    release_at = release_at or article.release_at or now
    new = Article.Status.SCHEDULED if release_at > now else Article.Status.PUBLISHED
    return _move_article(article, new, actor=actor, release_at=release_at)


def unpublish_article(article: Article, *, actor) -> Article:
    return _move_article(article, Article.Status.DRAFT, actor=actor, release_at=article.release_at)


def _move_article(article: Article, new: str, *, actor, release_at) -> Article:
    old = article.status
    if new not in ARTICLE_MOVES[old]:
        raise ValidationError(_("This article cannot move from %(old)s to %(new)s.") % {"old": old, "new": new})
    updated = Article.objects.filter(pk=article.pk, status=old).update(status=new, release_at=release_at)
    if updated != 1:
        raise ValidationError(_("Someone else changed this article meanwhile; reload the page."))
    article.refresh_from_db()
    log_action(f"news.article.{new}", actor=actor, obj=article, data={"from": old, "release_at": release_at})
    search.index_article(article)
    transaction.on_commit(related.invalidate)
    pagecache.invalidate_on_commit()
    return article


def draft_report_from_event(event: Event, *, actor, language: str = "zh-hans") -> Article:
    """A draft article prefilled from a finished event: theme, date, venue, organizers, agenda and speakers."""
    if not event.is_finished():
        raise ValidationError(_("A report can be drafted once the event is over."))
    start = timezone.localtime(event.start_at)
    theme = event.display_theme(language)
    lines = []
    organizers = "、".join(str(organizer) for organizer in event.organizers.select_related("organization"))
    if language == "en":
        lines.append(
            f"On {start:%d %B %Y}, {theme} was held at {event.venue}."
            + (f" Organized by {organizers}." if organizers else "")
        )
    else:
        lines.append(
            f"{start.year}年{start.month}月{start.day}日，{theme}在{event.venue}举行。"
            + (f"活动由{organizers}主办。" if organizers else "")
        )
    lines.append("")
    for item in event.agenda_items.prefetch_related("people__person"):
        people = [
            entry.display_name + (f"（{entry.title_line}）" if entry.title_line else "")
            for entry in item.people.all()
            if entry.part != AgendaPerson.Part.RECIPIENT
        ]
        recipients = [entry.display_name for entry in item.people.all() if entry.part == AgendaPerson.Part.RECIPIENT]
        line = f"- **{item.title}**"
        if people:
            line += "：" + "、".join(people)
        if recipients:
            line += "；" + _("recipients") + "：" + "、".join(recipients)
        lines.append(line)
    with transaction.atomic():
        article = Article.objects.create(
            language=language,
            title=theme,
            summary=lines[0][:500],
            body="\n".join(lines),
            body_html=render_markdown("\n".join(lines)),
            event=event,
            release_at=None,
            created_by=actor,
        )
        log_action("news.article.drafted_from_event", actor=actor, obj=article, data={"event": event.code})
    return article


def draft_report_from_campaign(campaign: Campaign, *, actor, language: str = "zh-hans") -> Article:
    """A draft article prefilled from a published campaign: its honorees with their unit and position."""
    honorees = list(published_honorees(campaign))
    if not honorees:
        raise ValidationError(_("A report can be drafted once the campaign has published its honorees."))
    published = timezone.localtime(campaign.published_at) if campaign.published_at else None
    name = campaign.display_name(language)
    if language == "en":
        title = f"{name}: the honorees"
        lead = (f"On {published:%d %B %Y}, " if published else "") + f"{name} published its {len(honorees)} honorees."
        lines = [lead, "", "The honorees, by unit:", ""]
        lines += [
            f"- **{nomination.person.display_name('en')}**, {nomination.unit.display_name('en')}"
            + (f", {position}" if (position := nomination.person.position_in("en")) else "")
            for nomination in honorees
        ]
    else:
        title = f"{name}获评者名单公布"
        lead = (f"{published.year}年{published.month}月{published.day}日，" if published else "") + (
            f"{name}评选结果公布，{len(honorees)}名科技工作者获评。"
        )
        lines = [lead, "", "获评者名单（按单位排列）：", ""]
        lines += [
            f"- **{nomination.person.name}**，{nomination.unit.name}"
            + (f"{nomination.person.position}" if nomination.person.position else "")
            for nomination in honorees
        ]
    body = "\n".join(lines)
    with transaction.atomic():
        article = Article.objects.create(
            language=language if language == "en" else "zh-hans",
            title=title[:200],
            summary=lead[:500],
            body=body,
            body_html=render_markdown(body),
            campaign=campaign,
            release_at=None,
            created_by=actor,
        )
        log_action("news.article.drafted_from_campaign", actor=actor, obj=article, data={"campaign": campaign.code})
    return article


# Comments


def address_hash(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"comment:{address}".encode(), "sha256").hexdigest()


def is_trusted(user) -> bool:
    from laurel.news.permissions import can_moderate_comments

    if not getattr(user, "is_authenticated", False):
        return False
    if can_moderate_comments(user):
        return True
    return user.news_comments.filter(status=Comment.Status.APPROVED).count() >= TRUSTED_AFTER_APPROVED


def post_comment(article: Article, *, name: str, body: str, address: str, user=None, honeypot: str = "") -> Comment:
    """Accept a comment: refused (honeypot, flood, too long), kept as spam for review, pending, or approved."""
    if not article.is_visible():
        raise ValidationError(_("Comments are closed for this article."))
    if honeypot:
        raise ValidationError(_("Your comment could not be accepted."))
    if len(body) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            _("A comment may have at most %(limit)d characters (yours has %(length)d).")
            % {"limit": MAX_COMMENT_LENGTH, "length": len(body)}
        )
    if not body.strip():
        raise ValidationError(_("The comment is empty."))
    hashed = address_hash(address)
    if not ratelimit.allow_address(COMMENTS_PER_ADDRESS, address):
        raise ValidationError(_("Too many comments from your network in a short time. Please try again later."))
    recent = list(Comment.objects.filter(address_hash=hashed).order_by("-pk").values_list("body", flat=True)[:10])
    reasons = spam.spam_reasons(body, recent_texts=recent)
    if reasons:
        status = Comment.Status.SPAM
    elif is_trusted(user):
        status = Comment.Status.APPROVED
    else:
        status = Comment.Status.PENDING
    comment = Comment.objects.create(
        article=article,
        author=user if getattr(user, "is_authenticated", False) else None,
        name=name.strip()[:50],
        body=body,
        status=status,
        spam_reasons=reasons,
        address_hash=hashed,
    )
    log_action("news.comment.posted", actor=user, obj=comment, data={"status": status, "reasons": reasons})
    if status == Comment.Status.APPROVED:
        pagecache.invalidate_on_commit()
    return comment


def moderate_comment(comment: Comment, *, status: str, actor) -> Comment:
    old = comment.status
    if status not in COMMENT_MOVES[old]:
        raise ValidationError(_("This comment cannot be moved there."))
    updated = Comment.objects.filter(pk=comment.pk, status=old).update(
        status=status, moderated_at=timezone.now(), moderated_by=actor
    )
    if updated != 1:
        raise ValidationError(_("Someone else moderated this comment meanwhile."))
    comment.refresh_from_db()
    verb = {Comment.Status.APPROVED: "approved", Comment.Status.SPAM: "marked_spam"}[status]
    log_action(f"news.comment.{verb}", actor=actor, obj=comment, data={"from": old})
    pagecache.invalidate_on_commit()
    return comment


SECTION_FIELDS = ("slug", "name", "name_en", "order", "is_notice")


@transaction.atomic
def save_section(section: Section | None, *, actor, data: dict[str, Any]) -> Section:
    """Create (section=None) or rename a news section; the pages that list sections are refreshed."""
    created = section is None
    section = section or Section()
    before = {field: getattr(section, field) for field in SECTION_FIELDS}
    for field in SECTION_FIELDS:
        if field in data:
            setattr(section, field, data[field])
    section.full_clean()
    section.save()
    changes = {
        field: [before[field], getattr(section, field)]
        for field in SECTION_FIELDS
        if not created and before[field] != getattr(section, field)
    }
    log_action(
        "news.section.created" if created else "news.section.updated",
        actor=actor,
        obj=section,
        data={"name": section.name, **({"changes": changes} if changes else {})},
    )
    pagecache.invalidate_on_commit()
    return section

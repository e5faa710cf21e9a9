"""News articles (in zh-hans or en, linked as translations), tags and moderated comments."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from laurel.core.codes import make_code
from laurel.core.spam import reason_labels
from laurel.core.storage import public_storage
from laurel.events.models import Event
from laurel.honors.models import Campaign
from laurel.outreach.models import LectureGroup
from laurel.people.models import User

MAX_COMMENT_LENGTH = 2000


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class Section(models.Model):
    """A column of the news (工作动态, 通知公告, 科普...): its own page and feeds. Staff add and rename them; a
    notice section's articles show on the front page apart from the news."""

    slug = models.SlugField(
        _("address name"),
        max_length=40,
        unique=True,
        help_text=_("Letters, digits and hyphens; part of the section's address."),
    )
    name = models.CharField(_("name (Chinese)"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_notice = models.BooleanField(
        _("notices"), default=False, help_text=_("Shown on the front page as notices, apart from the news.")
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("news:section", kwargs={"slug": self.slug})

    def display_name(self, language: str | None = None) -> str:
        return self.name_en if (language or get_language()) == "en" and self.name_en else self.name


class BodyFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML"


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Visible to the public: published, or scheduled whose release time has come."""
        return self.exclude(status=Article.Status.DRAFT).filter(release_at__lte=now or timezone.now())

    def in_language(self, language: str):
        return self.filter(language="en" if language == "en" else "zh-hans")


class Article(models.Model):
    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    code = models.CharField(_("code"), max_length=12, unique=True, default=make_code, editable=False)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS)
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(_("body (Markdown)"), validators=[MaxLengthValidator(100_000)])
    # Articles written before the rich-text editor (and reports drafted from events and campaigns) are Markdown;
    # articles written in the editor are HTML, sanitized (laurel/news/rendering.py).
    format = models.CharField(_("body format"), max_length=10, choices=BodyFormat.choices, default=BodyFormat.MARKDOWN)
    body_html = models.TextField(editable=False, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    reporter = models.CharField(_("reporter"), max_length=100, blank=True)
    release_at = models.DateTimeField(_("release time"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The one public upload: every visitor sees it, so it lives in the public media area (laurel/core/storage.py).
    cover = models.ImageField(_("cover photo"), upload_to="news/covers/", storage=public_storage, blank=True)
    cover_credit = models.CharField(_("photo credit"), max_length=200, blank=True)
    # Made once from the cover (laurel/news/thumbnails.py): the pixel size, for width/height against layout shift,
    # and WebP copies by width ({"320": "news/covers/thumbs/....webp", ...}) for srcset.
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_thumbnails = models.JSONField(default=dict, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    event = models.ForeignKey(
        Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("honor campaign"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="articles",
    )  # fmt: skip
    lecture_group = models.ForeignKey(
        LectureGroup, verbose_name=_("lecture group"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="articles",
    )  # fmt: skip
    link_url = models.URLField(_("link to a related page"), blank=True, help_text=_("e.g. a campaign or lecture group"))
    link_label = models.CharField(_("link label"), max_length=200, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-release_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(release_at__isnull=False),
                name="article_released_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(translation_of=models.F("pk")), name="article_not_own_translation"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:article_detail", kwargs={"code": self.code})

    def get_staff_url(self):
        return reverse("news:article_update", kwargs={"code": self.code})

    def is_visible(self, now=None) -> bool:
        return (
            self.status != self.Status.DRAFT
            and self.release_at is not None
            and self.release_at <= (now or timezone.now())
        )


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(status=Comment.Status.APPROVED)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="news_comments")
    name = models.CharField(_("name"), max_length=50)
    body = models.TextField(_("comment"), validators=[MaxLengthValidator(MAX_COMMENT_LENGTH)])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    spam_reasons = models.JSONField(default=list, blank=True)
    address_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.name}: {self.body[:40]}"

    def spam_reason_labels(self) -> list[str]:
        return reason_labels(self.spam_reasons)


class SearchEntry(models.Model):
    """One public thing the site search finds: an article, a published honoree, a public event or a talk topic.

    Rows are written only for public things (laurel/news/search.py); a scheduled article waits behind
    `visible_from`. `document` is the lower-cased text searched: on SQLite an FTS5 trigram table mirrors it
    (kept by triggers, migration 0004), on PostgreSQL a pg_trgm GIN index serves its LIKE queries."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("News")
        HONOREE = "honoree", _("Honorees")
        EVENT = "event", _("Events")
        TOPIC = "topic", _("Talks")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The kind's place on the results page (news, honorees, events, talks): with `date` it orders the results
    # through one index, so a page of a common word's hits is read without sorting every match.
    position = models.PositiveSmallIntegerField()
    object_id = models.PositiveIntegerField()
    language = models.CharField(max_length=10, blank=True)
    title = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300, blank=True)
    summary = models.CharField(max_length=600, blank=True)
    summary_en = models.CharField(max_length=600, blank=True)
    url = models.CharField(max_length=300)
    document = models.TextField()
    date = models.DateTimeField(null=True, blank=True)
    visible_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="news_searchentry_unique")]
        indexes = [models.Index(fields=["position", "-date", "-id"], name="news_searchentry_order")]

    def __str__(self):
        return f"{self.kind}:{self.object_id} {self.title}"

    def display_title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title

    def display_summary(self, language: str) -> str:
        return self.summary_en if language == "en" and self.summary_en else self.summary


class ViewFlush(models.Model):
    """A batch of article views added to `Article.view_count` (`viewcount.flush_view_counts`): its unique number
    refuses a second application of the same batch; rows older than two days are deleted."""

    batch = models.BigIntegerField(unique=True)
    flushed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("view count flush")
        verbose_name_plural = _("view count flushes")

    def __str__(self):
        return f"{self.batch} · {self.flushed_at:%Y-%m-%d %H:%M}"

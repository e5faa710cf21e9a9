from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_prose_editor.fields import ProseEditorFormField

from laurel.core.widgets import DateTimeInput
from laurel.news.models import MAX_COMMENT_LENGTH, Article, BodyFormat, Section
from laurel.news.rendering import foreign_images, sanitize_html

MAX_BODY_LENGTH = 100_000
MAX_IMAGE_TEXT = 200

# The rich-text editor's elements: the same as the allow-list of laurel/news/rendering.py (headings from h2, as the
# page's title is the h1; links without a target, http/https/mail only; pictures in a figure with their credit).
EDITOR_EXTENSIONS = {
    "Bold": True, "Italic": True, "Underline": True, "Strike": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True, "OrderedList": True, "ListItem": True,
    "Blockquote": True, "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Figure": True, "Caption": True, "Image": True,
    "Table": True, "TableRow": True, "TableHeader": True, "TableCell": True,
    "Code": True, "CodeBlock": True,
}  # fmt: skip

# The editor's own words (its dialogs call `window.gettext`, news/editor/messages.js serves them in the page's
# language). Marked here so the news catalog carries them: the editor ships no Chinese of its own.
EDITOR_MESSAGES = (
    gettext_noop("Add caption"), gettext_noop("Alternative Text"), gettext_noop("Bullets"), gettext_noop("Cancel"),
    gettext_noop("Caption"), gettext_noop("Columns"), gettext_noop("Decimal numbers"), gettext_noop("Edit Figure"),
    gettext_noop("Edit Image"), gettext_noop("Edit Link"), gettext_noop("Image URL"),
    gettext_noop("Include header row"), gettext_noop("Insert"), gettext_noop("Insert Figure"),
    gettext_noop("Insert Table"), gettext_noop("List properties"), gettext_noop("List type"),
    gettext_noop("Lowercase Roman numerals"), gettext_noop("Lowercase letters"), gettext_noop("Remove caption"),
    gettext_noop("Rows"), gettext_noop("Start at"), gettext_noop("Table Properties"), gettext_noop("Title"),
    gettext_noop("Toggle fullscreen"), gettext_noop("URL"), gettext_noop("Update"),
    gettext_noop("Uppercase Roman numerals"), gettext_noop("Uppercase letters"),
    # The menu's names (news/editor.js translates them).
    gettext_noop("paragraph"), gettext_noop("Paragraph"), gettext_noop("Heading 2"), gettext_noop("Heading 3"),
    gettext_noop("Heading 4"), gettext_noop("Code block"), gettext_noop("unordered list"),
    gettext_noop("ordered list"), gettext_noop("blockquote"), gettext_noop("figure"), gettext_noop("bold"),
    gettext_noop("italic"), gettext_noop("underline"), gettext_noop("strike"), gettext_noop("Code"),
    gettext_noop("insert link"), gettext_noop("remove link"), gettext_noop("Insert table"),
    gettext_noop("Add column"), gettext_noop("Delete column"), gettext_noop("Add row"), gettext_noop("Delete row"),
    gettext_noop("Merge cells"), gettext_noop("Split cell"), gettext_noop("Toggle header cell"),
    gettext_noop("Delete table"), gettext_noop("undo"), gettext_noop("redo"),
)  # fmt: skip


def clean_editor_body(html: str) -> str:
    """The editor's HTML, sanitized; a picture the allow-list would drop (from another site, or pasted as data) is
    refused with a message, as the writer sees it in the editor and would not expect it gone."""
    refused = foreign_images(html)
    if refused:
        raise ValidationError(
            _(
                "Pictures from other addresses are not shown in articles: upload each picture below the form "
                "(with its credit) and insert it from there. Remove: %(sources)s"
            ),
            code="foreign_image",
            params={"sources": "、".join(source[:80] or "?" for source in refused[:5])},
        )
    return sanitize_html(html)


class ArticleForm(forms.ModelForm):
    tags = forms.CharField(label=_("tags"), max_length=500, required=False, help_text=_("Separated by commas."))

    class Meta:
        model = Article
        fields = [
            "language", "translation_of", "section", "title", "summary", "body", "source", "reporter", "release_at",
            "cover", "cover_credit", "event", "campaign", "lecture_group", "link_url", "link_label",
        ]  # fmt: skip
        widgets = {"release_at": DateTimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new article is written in the editor (HTML); an older Markdown article keeps its Markdown text box.
        if not self.instance.pk or self.instance.format == BodyFormat.HTML:
            self.fields["body"] = ProseEditorFormField(
                label=capfirst(_("body")),
                extensions=EDITOR_EXTENSIONS,
                sanitize=clean_editor_body,
                max_length=MAX_BODY_LENGTH,
                initial=self.fields["body"].initial,
            )
        if self.instance.pk:
            self.fields["tags"].initial = ", ".join(tag.name for tag in self.instance.tags.all())
            self.fields["translation_of"].queryset = Article.objects.exclude(pk=self.instance.pk)

    @property
    def body_format(self) -> str:
        return self.instance.format if self.instance.pk else BodyFormat.HTML

    def tag_names(self) -> list[str]:
        return [name for name in self.cleaned_data["tags"].replace("，", ",").split(",") if name.strip()]


class CommentForm(forms.Form):
    name = forms.CharField(label=_("your name"), max_length=50)
    body = forms.CharField(
        label=_("comment"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_COMMENT_LENGTH}),
        error_messages={
            "max_length": _("A comment may have at most %(limit_value)d characters (yours has %(show_value)d).")
        },
        max_length=MAX_COMMENT_LENGTH,
    )
    # The honeypot: hidden from people by CSS, filled in by robots.
    website = forms.CharField(label=_("leave this field empty"), required=False, max_length=200)


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["name", "name_en", "slug", "order", "is_notice"]


class ArticleImageForm(forms.Form):
    """A picture for an article's body, with its description (read aloud to blind readers) and its credit."""

    # Judged by its content in the service (laurel/core/uploads.py), not by its name or the browser's word.
    image = forms.FileField(label=capfirst(_("picture")), help_text=_("JPEG, PNG or WebP."))
    alt = forms.CharField(
        label=capfirst(_("description of the picture")),
        max_length=MAX_IMAGE_TEXT,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    credit = forms.CharField(
        label=capfirst(_("photo credit")), max_length=MAX_IMAGE_TEXT, help_text=_("e.g. Photo: Zhang San")
    )

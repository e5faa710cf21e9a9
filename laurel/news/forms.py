from django import forms
from django.utils.translation import gettext_lazy as _

from laurel.core.widgets import DateTimeInput
from laurel.news.models import MAX_COMMENT_LENGTH, Article, Section


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
        if self.instance.pk:
            self.fields["tags"].initial = ", ".join(tag.name for tag in self.instance.tags.all())
            self.fields["translation_of"].queryset = Article.objects.exclude(pk=self.instance.pk)

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

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from laurel.news.models import Article, Section


class LatestArticlesFeed(Feed):
    title = _("News")
    description = _("The association's latest news.")

    def link(self):
        return reverse("news:article_list")

    def items(self):
        return Article.objects.published().in_language(get_language())[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.release_at

    def item_author_name(self, item):
        return item.reporter or None


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class SectionFeed(LatestArticlesFeed):
    """A section's own feed (e.g. only the notices)."""

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug[:40])

    def title(self, section):
        return section.display_name()

    def description(self, section):
        return section.display_name()

    def link(self, section):
        return section.get_absolute_url()

    def items(self, section):
        return Article.objects.published().in_language(get_language()).filter(section=section)[:30]


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, section):
        return section.display_name()

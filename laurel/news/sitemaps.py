from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from laurel.events.models import Event
from laurel.honors.models import Campaign
from laurel.news.models import Article, Section


class ArticleSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Article.objects.published().only("code", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class EventSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Event.objects.public().only("code")

    def location(self, item):
        return item.get_public_url()


class SectionSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Section.objects.only("slug")


class CallSitemap(Sitemap):
    """Each public campaign's call: the page a search engine should send a nominating unit to."""

    changefreq = "weekly"

    def items(self):
        return Campaign.objects.public().only("code")

    def location(self, item):
        return reverse("honors:call", kwargs={"code": item.code})


SITEMAPS = {
    "news": ArticleSitemap,
    "sections": SectionSitemap,
    "events": EventSitemap,
    "calls": CallSitemap,
}

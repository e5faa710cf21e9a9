from django.contrib.sitemaps import Sitemap

from laurel.events.models import Event
from laurel.news.models import Article


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


SITEMAPS = {"news": ArticleSitemap, "events": EventSitemap}

from django.core.management.base import BaseCommand

from laurel.news import thumbnails
from laurel.news.models import Article


class Command(BaseCommand):
    help = "Make the responsive copies (320/640/1280 px WebP) of article covers stored without them."

    def handle(self, *args, **options):
        made = sum(
            thumbnails.ensure(article) for article in Article.objects.exclude(cover="").filter(cover_thumbnails={})
        )
        self.stdout.write(f"cover thumbnails: {made} covers")

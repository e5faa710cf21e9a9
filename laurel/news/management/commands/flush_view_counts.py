from django.core.management.base import BaseCommand

from laurel.news import viewcount


class Command(BaseCommand):
    help = "Add the article view counts waiting in the cache to the database (run every few minutes)."

    def handle(self, *args, **options):
        self.stdout.write(f"{viewcount.flush_view_counts()} views written")
